package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/archive/leads"
)

// indexWalks walks the archive's history ahead of the server, into the
// data folder's cache: the per-path history index (history pages) and the
// commit where each lead first appeared. A server started afterwards
// finds both and only walks the commits made since; without them it walks
// in the background, which on a long history takes minutes.
func (a *app) indexWalks(ctx context.Context, repo *gitstore.Repo) error {
	head, err := repo.Head()
	if err != nil || head == "" {
		return err
	}
	settings := archive.DefaultSettings()
	if f, err := repo.ReadFile(head, archive.SettingsFile); err == nil {
		settings, _ = archive.ParseSettings(f.Data)
	} else if !errors.Is(err, gitstore.ErrNotFound) {
		return err
	}
	d, err := a.data()
	if err != nil {
		return err
	}
	start := time.Now()
	tr := &leads.Tracker{History: repo, Logger: a.logger, Progress: a.walkProgress(), CacheDir: filepath.Join(d, "cache")}
	if err := tr.Walk(ctx, settings.Leads); err != nil {
		return fmt.Errorf("leads' first-seen walk: %w", err)
	}
	a.logger.Info("leads' first-seen walk done", "took", time.Since(start).Round(time.Millisecond))
	// The leads' walk went through every commit: it filled the index
	// on its way, and this only saves it (or walks what it could not).
	start = time.Now()
	if err := repo.IndexHistory(ctx, nil, nil); err != nil {
		return fmt.Errorf("history index: %w", err)
	}
	a.logger.Info("history index built", "took", time.Since(start).Round(time.Millisecond))
	return nil
}
