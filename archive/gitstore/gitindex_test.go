package gitstore

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/google/go-cmp/cmp"
)

// randomIndex is an index of n entries as go-git writes it, a few of them
// in conflict; version 3 has entries with extended flags.
func randomIndex(rng *rand.Rand, version uint32, n int) *index.Index {
	idx := &index.Index{Version: version}
	for i := range n {
		name := fmt.Sprintf("customers/c%05d/%s.md", i, strings.Repeat("x", rng.IntN(3000)/100))
		if rng.IntN(500) == 0 {
			name += "/" + strings.Repeat("long", 1100) // a name over 4095 bytes
		}
		e := &index.Entry{
			Name: name, Mode: filemode.Regular, Size: rng.Uint32(),
			CreatedAt:  time.Unix(rng.Int64N(2e9), rng.Int64N(1e9)),
			ModifiedAt: time.Unix(rng.Int64N(2e9), rng.Int64N(1e9)),
			Dev:        rng.Uint32(), Inode: rng.Uint32(), UID: rng.Uint32(), GID: rng.Uint32(),
		}
		randomHash(rng, &e.Hash)
		if version >= 3 && rng.IntN(7) == 0 {
			e.SkipWorktree = true
		}
		if rng.IntN(40) == 0 {
			// A conflict: stages 1 to 3 and no merged entry.
			for stage := index.Stage(1); stage <= 3; stage++ {
				c := *e
				c.Stage = stage
				idx.Entries = append(idx.Entries, &c)
			}
			continue
		}
		idx.Entries = append(idx.Entries, e)
	}
	return idx
}

func randomHash(rng *rand.Rand, h *plumbing.Hash) {
	for i := range h {
		h[i] = byte(rng.Uint32())
	}
}

func encodeGoGit(t *testing.T, idx *index.Index) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := index.NewEncoder(&buf).Encode(idx); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decodeGoGit(t *testing.T, b []byte) *index.Index {
	t.Helper()
	idx := &index.Index{}
	if err := index.NewDecoder(bytes.NewReader(b)).Decode(idx); err != nil {
		t.Fatalf("go-git cannot read the index: %v", err)
	}
	return idx
}

// TestRawIndexEditsAsGoGit: lookups and edits of rawIndex give what
// go-git's decoder and encoder give, entry for entry.
func TestRawIndexEditsAsGoGit(t *testing.T) {
	for _, version := range []uint32{2, 3} {
		for seed := range uint64(20) {
			t.Run(fmt.Sprintf("v%d/%d", version, seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, uint64(version)))
				orig := randomIndex(rng, version, 1+rng.IntN(300))
				data := encodeGoGit(t, orig)
				raw, err := parseRawIndex(data)
				if err != nil {
					t.Fatal(err)
				}
				want := decodeGoGit(t, data)
				merged := map[string]*index.Entry{}
				conflicted := map[string]bool{}
				for _, e := range want.Entries {
					if e.Stage == 0 {
						merged[e.Name] = e
					} else {
						conflicted[e.Name] = true
					}
				}
				names := slices.Sorted(func(yield func(string) bool) {
					for _, e := range want.Entries {
						if !yield(e.Name) {
							return
						}
					}
				})
				names = slices.Compact(names)
				for _, n := range names {
					e, c := raw.lookup(n)
					if c != conflicted[n] {
						t.Errorf("%s: conflicted %v, go-git says %v", n, c, conflicted[n])
					}
					if diff := cmp.Diff(merged[n], e); diff != "" {
						t.Errorf("%s: entry differs from go-git's (-go-git +raw):\n%s", n, diff)
					}
				}
				if e, c := raw.lookup("customers/none.md"); e != nil || c {
					t.Errorf("lookup of a missing name = %v, %v", e, c)
				}

				// Edit: replace some merged entries, add new names (some
				// sorting between existing ones, some after all), remove
				// some; conflicted names are left alone, as the commit does.
				put, removed := map[string]*index.Entry{}, map[string]bool{}
				for _, n := range names {
					if conflicted[n] {
						continue
					}
					switch rng.IntN(6) {
					case 0:
						removed[n] = true
					case 1:
						e := *merged[n]
						randomHash(rng, &e.Hash)
						e.ModifiedAt = time.Unix(rng.Int64N(2e9), 0)
						put[n] = &e
					}
				}
				for i := range 1 + rng.IntN(10) {
					n := fmt.Sprintf("customers/c%05d/new-%d.md", rng.IntN(400), i)
					if merged[n] != nil || conflicted[n] {
						continue
					}
					e := &index.Entry{Name: n, Mode: filemode.Regular, Size: 9, ModifiedAt: time.Unix(1_700_000_000, 5)}
					randomHash(rng, &e.Hash)
					put[n] = e
				}
				out, err := raw.encode(put, removed)
				if err != nil {
					t.Fatal(err)
				}
				var expect []*index.Entry
				for _, e := range want.Entries {
					if e.Stage == 0 && (removed[e.Name] || put[e.Name] != nil) {
						continue
					}
					expect = append(expect, e)
				}
				for _, e := range put {
					expect = append(expect, e)
				}
				slices.SortStableFunc(expect, func(a, b *index.Entry) int {
					if c := strings.Compare(a.Name, b.Name); c != 0 {
						return c
					}
					return int(a.Stage) - int(b.Stage)
				})
				got := decodeGoGit(t, out)
				if got.Version != version {
					t.Errorf("version %d, want %d", got.Version, version)
				}
				if diff := cmp.Diff(expect, got.Entries); diff != "" {
					t.Errorf("edited index (-want +got):\n%s", diff)
				}
				if _, err := parseRawIndex(out); err != nil {
					t.Errorf("the edited index does not read back: %v", err)
				}
			})
		}
	}
}

func TestRawIndexRefuses(t *testing.T) {
	good := encodeGoGit(t, randomIndex(rand.New(rand.NewPCG(1, 2)), 2, 20))
	v4 := encodeGoGit(t, &index.Index{Version: 4, Entries: []*index.Entry{{Name: "a.md", Hash: plumbing.NewHash("0123456789012345678901234567890123456789")}}})
	withExt := func(sig string) []byte {
		b := slices.Clone(good[:len(good)-20])
		b = append(b, sig...)
		b = append(b, 0, 0, 0, 2, 'x', 'y')
		return sealIndex(b)
	}
	flip := slices.Clone(good)
	flip[100] ^= 1
	for _, tc := range []struct {
		name     string
		data     []byte
		goGit    bool   // left to go-git
		errorHas string // otherwise
	}{
		{"version 4", v4, true, ""},
		{"split index", withExt("link"), true, ""},
		{"sparse index", withExt("sdir"), true, ""},
		{"checksum", flip, false, "checksum"},
		{"truncated", sealIndex(slices.Clone(good[:200])), false, "entr"},
		{"not an index", []byte("PACK0000000000000000000000000000000000"), false, "not a git index"},
		{"bad extension size", sealIndex(append(slices.Clone(good[:len(good)-20]), 'T', 'R', 'E', 'E', 0xff, 0, 0, 0)), false, "extension"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseRawIndex(tc.data)
			switch {
			case tc.goGit && err != errIndexForm:
				t.Errorf("err = %v, want it left to go-git", err)
			case !tc.goGit && (err == nil || !strings.Contains(err.Error(), tc.errorHas)):
				t.Errorf("err = %v, want one about %q", err, tc.errorHas)
			}
		})
	}
	// An upper-case (optional) extension is skipped and dropped.
	raw, err := parseRawIndex(withExt("TREE"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := raw.encode(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, good) {
		t.Error("an index with a cache extension, rewritten unchanged, is not the index without it")
	}
}

// sealIndex appends the checksum git puts at the end of an index.
func sealIndex(b []byte) []byte {
	h := sha1.Sum(b)
	return append(b, h[:]...)
}

// TestWorkTreeIndexForms: a commit keeps git status clean whatever form
// git wrote the index in, intent-to-add entries (version 3) and version 4
// (read by go-git) included.
func TestWorkTreeIndexForms(t *testing.T) {
	gitBin(t)
	for _, form := range []string{"2", "3", "4"} {
		t.Run("version "+form, func(t *testing.T) {
			r := newRepo(t, false)
			dir := r.Dir()
			commit(t, r, "base", files{"customers/a/customer.md": "a1\n", "customers/b/customer.md": "b1\n"})
			if form == "3" {
				os.WriteFile(filepath.Join(dir, "notes.md"), []byte("later\n"), 0o644)
				runGit(t, dir, "add", "-N", "notes.md")
			}
			runGit(t, dir, "update-index", "--index-version", form)
			commit(t, r, "edit", files{"customers/a/customer.md": "a2\n", "customers/c/customer.md": "c1\n", "-customers/b/customer.md": ""})
			st := runGit(t, dir, "status", "--porcelain")
			wantSt := ""
			if form == "3" {
				wantSt = "A notes.md"
			}
			if strings.TrimSpace(st) != wantSt {
				t.Errorf("git status after the commit:\n%s\nwant %q", st, wantSt)
			}
			if got := runGit(t, dir, "show", ":customers/a/customer.md"); got != "a2" {
				t.Errorf("the index has a at %q", got)
			}
			fsck(t, dir)
		})
	}
}

func FuzzParseRawIndex(f *testing.F) {
	for _, v := range []uint32{2, 3} {
		f.Add(encodeGoGitF(f, randomIndex(rand.New(rand.NewPCG(7, uint64(v))), v, 5)))
	}
	f.Add([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		raw, err := parseRawIndex(data)
		if err != nil {
			return
		}
		out, err := raw.encode(nil, nil)
		if err != nil {
			return
		}
		again, err := parseRawIndex(out)
		if err != nil {
			t.Fatalf("a rewritten index does not read back: %v", err)
		}
		if len(again.entries) != len(raw.entries) {
			t.Fatalf("%d entries read back, %d written", len(again.entries), len(raw.entries))
		}
		for i, e := range raw.entries {
			if again.entries[i].name != e.name || again.entries[i].stage != e.stage {
				t.Fatalf("entry %d: %q/%d read back as %q/%d", i, e.name, e.stage, again.entries[i].name, again.entries[i].stage)
			}
		}
	})
}

func encodeGoGitF(f *testing.F, idx *index.Index) []byte {
	var buf bytes.Buffer
	if err := index.NewEncoder(&buf).Encode(idx); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}
