//go:build !linux

package gitstore

// syncFS is only available on Linux; elsewhere each object is flushed.
func syncFS(string) (bool, error) { return false, nil }
