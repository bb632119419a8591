package gitstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestMergeBase compares MergeBase with git merge-base on histories that
// parted at several depths, including a merge.
func TestMergeBase(t *testing.T) {
	r := newRepo(t, false)
	r.Now = clock()
	base := commit(t, r, "base", files{"a.md": "a"})
	for i := range 3 {
		commit(t, r, fmt.Sprint("main ", i), files{"a.md": fmt.Sprint("a", i)})
	}
	mainTip, _ := r.Head()
	// A side line from base, written without moving the branch.
	side := base
	for i := range 4 {
		id, err := r.WriteCommit(context.Background(), Change{Parent: side, Author: Signature{Name: "李强"}, Message: fmt.Sprint("side ", i), Files: files{"b.md": fmt.Sprint("b", i)}.changes()})
		if err != nil {
			t.Fatal(err)
		}
		side = id
	}
	for _, tc := range []struct{ a, b string }{
		{mainTip, side}, {side, mainTip}, {mainTip, base}, {base, side}, {mainTip, mainTip},
	} {
		got, err := r.MergeBase(tc.a, tc.b)
		if err != nil {
			t.Fatal(err)
		}
		want := runGit(t, r.Dir(), "merge-base", tc.a, tc.b)
		if got != want {
			t.Errorf("MergeBase(%.7s, %.7s) = %.7s, git says %.7s", tc.a, tc.b, got, want)
		}
	}
}

// TestSetRefIsCompareAndSwap: a ref moves only from the value the caller
// saw, so the site's Commit and a sync never overwrite each other.
func TestSetRefIsCompareAndSwap(t *testing.T) {
	r := newRepo(t, false)
	r.Now = clock()
	one := commit(t, r, "one", files{"a.md": "1"})
	two := commit(t, r, "two", files{"a.md": "2"})
	if err := r.SetRef(r.BranchRef(), one, one); !errors.Is(err, ErrConflict) {
		t.Errorf("SetRef from a stale value: %v, want ErrConflict", err)
	}
	if err := r.SetRef(r.BranchRef(), two, one); err != nil {
		t.Fatal(err)
	}
	if h, _ := r.Head(); h != one {
		t.Errorf("head %s, want %s", h, one)
	}
	if _, err := r.Commit(context.Background(), Change{Parent: two, Author: Signature{Name: "x"}, Files: files{"a.md": "3"}.changes()}); !errors.Is(err, ErrConflict) {
		t.Errorf("Commit on the old head after SetRef moved it: %v, want ErrConflict", err)
	}
	const side = "refs/dangan/conflicts/x"
	if err := r.SetRef(side, "", two); err != nil {
		t.Fatal(err)
	}
	if err := r.SetRef(side, "", one); !errors.Is(err, ErrConflict) {
		t.Errorf("creating an existing ref: %v, want ErrConflict", err)
	}
	refs, err := r.Refs("refs/dangan/")
	if err != nil || refs[side] != two || len(refs) != 1 {
		t.Errorf("Refs = %v, %v", refs, err)
	}
	if err := r.SetRef(side, two, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Ref(side); got != "" {
		t.Errorf("deleted ref still at %s", got)
	}
	for _, bad := range []string{"refs/../HEAD", "refs/heads/a.lock", "refs/x y", "HEAD"} {
		if err := r.SetRef(bad, "", one); err == nil {
			t.Errorf("SetRef(%q) accepted", bad)
		}
	}
	runGit(t, r.Dir(), "fsck", "--strict", "--no-dangling")
}

// TestReplayKeepsAuthorAndChanges: CommitChanges then WriteCommit on
// another parent makes the same change with the same author and message.
func TestReplayKeepsAuthorAndChanges(t *testing.T) {
	r := newRepo(t, false)
	r.Now = clock()
	base := commit(t, r, "base", files{"a.md": "a", "gone.md": "x"})
	local := commit(t, r, "本地保存\n\n正文", files{"a.md": "a2", "-gone.md": ""})
	if err := r.SetRef(r.BranchRef(), local, base); err != nil {
		t.Fatal(err)
	}
	theirs := commit(t, r, "theirs", files{"c.md": "c"})
	ch, err := r.CommitChanges(local)
	if err != nil {
		t.Fatal(err)
	}
	ch.Parent = theirs
	re, err := r.WriteCommit(context.Background(), ch)
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := r.CommitInfo(local)
	got, _ := r.CommitInfo(re)
	if got.Author != orig.Author || got.Email != orig.Email || !got.When.Equal(orig.When) || got.Message != orig.Message {
		t.Errorf("replayed %+v, want the author, time and message of %+v", got, orig)
	}
	if ps, _ := r.Parents(re); len(ps) != 1 || ps[0] != theirs {
		t.Errorf("parents %v, want %s", ps, theirs)
	}
	changed, removed, err := r.Changes(theirs, re)
	if err != nil || len(changed) != 1 || changed[0].Path != "a.md" || string(changed[0].Data) != "a2" || len(removed) != 1 || removed[0] != "gone.md" {
		t.Errorf("replayed change: %v %v %v", changed, removed, err)
	}
	if changed[0].Version != BlobID([]byte("a2")) {
		t.Errorf("BlobID differs from the stored blob id")
	}
	if h, _ := r.Head(); h != theirs {
		t.Errorf("WriteCommit moved the branch to %s", h)
	}
}
