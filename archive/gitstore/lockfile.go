package gitstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// lockWait is how long Commit waits for another process's lock. git itself
// waits 100 ms for ref locks (core.filesRefLockTimeout) and holds them for
// about as long.
const lockWait = 2 * time.Second

// lockFile is git's lock protocol: "<file>.lock" created with O_EXCL is the
// lock and, once written and flushed, is renamed over the file. git and
// every tool built on it (and this package) respect it; go-git's own
// reference storage does not (it rewrites the ref in place under flock).
type lockFile struct {
	path string
	f    *os.File
}

func (r *Repo) lock(path string) (*lockFile, error) {
	lock := path + ".lock"
	deadline := time.Now().Add(r.lockWait)
	wait := time.Millisecond
	for {
		f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			return &lockFile{path: path, f: f}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if stale := r.staleLock(); stale > 0 {
			// A lock this old was left by a process that died holding it;
			// git would ask a person to delete it, a server cannot.
			if fi, err := os.Stat(lock); err == nil && time.Since(fi.ModTime()) > stale {
				r.logger().Warn("removing stale git lock file", "file", lock, "age", time.Since(fi.ModTime()).Round(time.Second))
				_ = os.Remove(lock)
				continue
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s exists: another git process is running, or one crashed (delete the file if no git command is running): %w", lock, ErrLocked)
		}
		time.Sleep(wait)
		wait = min(2*wait, 50*time.Millisecond)
	}
}

func (r *Repo) staleLock() time.Duration {
	if r.StaleLock == 0 {
		return time.Minute
	}
	return r.StaleLock
}

// commit writes content, flushes it to disk and renames the lock over the
// file, then flushes the folder so the rename survives a power cut.
func (l *lockFile) commit(content []byte, durable bool) error {
	if _, err := l.f.Write(content); err != nil {
		l.rollback()
		return err
	}
	if durable {
		if err := l.f.Sync(); err != nil {
			l.rollback()
			return err
		}
	}
	if err := l.f.Close(); err != nil {
		_ = os.Remove(l.f.Name())
		return err
	}
	if err := os.Rename(l.f.Name(), l.path); err != nil {
		_ = os.Remove(l.f.Name())
		return err
	}
	if durable {
		return syncDir(filepath.Dir(l.path))
	}
	return nil
}

func (l *lockFile) rollback() {
	_ = l.f.Close()
	_ = os.Remove(l.f.Name())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
