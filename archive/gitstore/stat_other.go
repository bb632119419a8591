//go:build !linux

package gitstore

import (
	"os"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

func setStat(e *index.Entry, fi os.FileInfo) {
	e.ModifiedAt = fi.ModTime()
	e.CreatedAt = fi.ModTime()
	e.Size = uint32(fi.Size())
}
