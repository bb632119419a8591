package index_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/index"
)

// readArchive reads a directory of archive files into memory.
func readArchive(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// snapshot builds a snapshot from in-memory files.
func snapshot(tb testing.TB, commit string, files map[string][]byte) *archive.Snapshot {
	tb.Helper()
	s, err := archive.Load(commit, fileSeq(files))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func fileSeq(files map[string][]byte) iter.Seq2[archive.File, error] {
	return func(yield func(archive.File, error) bool) {
		paths := make([]string, 0, len(files))
		for p := range files {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			h := sha1.Sum(files[p])
			if !yield(archive.File{Path: p, Version: hex.EncodeToString(h[:]), Data: files[p]}, nil) {
				return
			}
		}
	}
}

// mustBuild opens an index in a temporary directory and rebuilds it from snap.
func mustBuild(tb testing.TB, snap *archive.Snapshot, opts index.Options) *index.Index {
	tb.Helper()
	ix, err := index.OpenWith(tb.TempDir(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	if err := ix.Rebuild(context.Background(), snap, nil); err != nil {
		tb.Fatal(err)
	}
	return ix
}

var fixture = sync_fixture()

func sync_fixture() func(tb testing.TB) *archive.Snapshot {
	return func(tb testing.TB) *archive.Snapshot {
		return snapshot(tb, "c1", readArchive(tb, "testdata/archive"))
	}
}

func search(tb testing.TB, ix *index.Index, req index.Request) *index.Result {
	tb.Helper()
	res, err := ix.Search(context.Background(), req)
	if err != nil {
		tb.Fatalf("search %q: %v", req.Query, err)
	}
	return res
}

func paths(res *index.Result) []string {
	var ps []string
	for _, h := range res.Hits {
		ps = append(ps, h.Path)
	}
	return ps
}
