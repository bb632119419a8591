package archive

import (
	"io/fs"
	"iter"
	"strings"
)

// Files yields files already read, as Load takes them.
func Files(files []File) iter.Seq2[File, error] {
	return func(yield func(File, error) bool) {
		for _, f := range files {
			if !yield(f, nil) {
				return
			}
		}
	}
}

// FSFiles iterates the files of a directory tree as archive files, for
// archives that are not (yet) in git: tests, and `dangan check` on a work
// tree. Hidden folders (.git, .dangan) are skipped. Version is left empty:
// only git gives files a version.
func FSFiles(fsys fs.FS) iter.Seq2[File, error] {
	return func(yield func(File, error) bool) {
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != "." && strings.HasPrefix(d.Name(), ".") {
					return fs.SkipDir
				}
				return nil
			}
			if p != SettingsFile && PlaceOf(p).Kind == "" {
				return nil
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			if !yield(File{Path: p, Data: data}, nil) {
				return fs.SkipAll
			}
			return nil
		})
		if err != nil {
			yield(File{}, err)
		}
	}
}
