//go:build !linux

package gitstore

func lowerPriority(int) {}
