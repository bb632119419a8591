package demo

import (
	"maps"
	"slices"

	"github.com/dangan-archive/dangan/archive"
)

// Files returns the archive a generated history ends with: the last
// content of every path, without writing git. Tests and benchmarks that
// need the demo's data but not its history use it.
func Files(opts Options) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := Generate(opts, func(c Commit) error {
		for _, f := range c.Files {
			files[f.Path] = f.Data
		}
		for _, p := range c.Deleted {
			delete(files, p)
		}
		return nil
	})
	return files, err
}

// Snapshot is the generated archive at its last commit, parsed; commit
// names the snapshot (there is no git commit behind it).
func Snapshot(opts Options, commit string) (*archive.Snapshot, error) {
	files, err := Files(opts)
	if err != nil {
		return nil, err
	}
	return archive.Load(commit, func(yield func(archive.File, error) bool) {
		for _, p := range slices.Sorted(maps.Keys(files)) {
			if !yield(archive.File{Path: p, Data: files[p]}, nil) {
				return
			}
		}
	})
}
