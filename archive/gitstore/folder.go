package gitstore

import (
	"errors"
	"strings"

	"github.com/dangan-archive/dangan/archive"
)

// Folder reads one customer's folder at a commit (its records, visits and
// notes), parsed: what a walk through history needs of one customer, for
// the price of a few files instead of the archive. A customer without a
// folder at that commit gives nil.
func (r *Repo) Folder(commit, customer string) (*archive.Folder, error) {
	files, err := FolderFiles(r, commit, customer)
	if err != nil || len(files) == 0 {
		return nil, err
	}
	snap, err := archive.Load(commit, archive.Files(files))
	if err != nil {
		return nil, err
	}
	return snap.Customer(customer), nil
}

// Tree is what FolderFiles reads a commit's files with: a Repo, or
// several as one (Union).
type Tree interface {
	List(commit, dir string) ([]Entry, error)
	ReadFile(commit, path string) (archive.File, error)
}

// FolderFiles are the record files of one customer's folder at a commit
// (its own records, visits and notes); customer "" means the guides.
func FolderFiles(t Tree, commit, customer string) ([]archive.File, error) {
	dirs := []string{archive.GuidesDir}
	if customer != "" {
		base := archive.CustomersDir + "/" + customer
		dirs = []string{base, base + "/" + archive.VisitsDir, base + "/" + archive.NotesDir}
	}
	var files []archive.File
	for _, d := range dirs {
		entries, err := t.List(commit, d)
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
			f, err := t.ReadFile(commit, e.Path)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
		}
	}
	return files, nil
}
