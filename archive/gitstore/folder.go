package gitstore

import (
	"errors"
	"strings"

	"github.com/dangan-archive/dangan/archive"
)

// Folder reads one customer's folder at a commit (its records, visits and
// notes), parsed: what a page of the past or a walk through history needs
// of one customer, for the price of a few files instead of the archive.
// A customer without a folder at that commit gives nil.
func (r *Repo) Folder(commit, customer string) (*archive.Folder, error) {
	base := archive.CustomersDir + "/" + customer
	var files []archive.File
	for _, d := range []string{base, base + "/" + archive.VisitsDir, base + "/" + archive.NotesDir} {
		entries, err := r.List(commit, d)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Path, archive.RecordSuffix) {
				continue
			}
			f, err := r.ReadFile(commit, e.Path)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	snap, err := archive.Load(commit, func(yield func(archive.File, error) bool) {
		for _, f := range files {
			if !yield(f, nil) {
				return
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return snap.Customer(customer), nil
}
