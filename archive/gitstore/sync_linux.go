package gitstore

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncFS flushes the whole file system holding dir: one call instead of an
// fsync per object when a commit writes thousands of them (an import).
func syncFS(dir string) (bool, error) {
	d, err := os.Open(dir)
	if err != nil {
		return true, err
	}
	defer d.Close()
	return true, unix.Syncfs(int(d.Fd()))
}
