package site_test

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/site"
)

const (
	sparesPath = "customers/mz-renmin-hospital/spares.md"
	leadsPath  = "customers/mz-renmin-hospital/leads.md"
	visitPath  = "customers/mz-renmin-hospital/visits/2026-07-20-repair.md"
)

// current reads a file at the archive's head.
func (ts *testServer) current(tb testing.TB, path string) archive.File {
	tb.Helper()
	head, err := ts.Repo.Head()
	if err != nil {
		tb.Fatal(err)
	}
	f, err := ts.Repo.ReadFile(head, path)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func (ts *testServer) head(tb testing.TB) string {
	tb.Helper()
	h, err := ts.Repo.Head()
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// push commits a change the way a person's git push would: straight into
// the repository, behind the site's back.
func (ts *testServer) push(tb testing.TB, path, content string) string {
	tb.Helper()
	return ts.commit(tb, today, "王芳", "push "+path, []gitstore.FileChange{{Path: path, Data: []byte(content)}})
}

func TestSaveCommitsAsThePerson(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	ctx := context.Background()
	cur := ts.current(t, sparesPath)
	next := string(cur.Data) + "光模块已申领。\n"
	res, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: sparesPath, Content: []byte(next), Base: cur.Version, Message: "申领光模块"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged || res.Commit == ts.Second || res.Commit != ts.head(t) {
		t.Fatalf("result %+v, head %s: want a new commit at the head", res, ts.head(t))
	}
	saved := ts.current(t, sparesPath)
	if string(saved.Data) != next || saved.Version != res.Version {
		t.Errorf("saved %q at %s, result says version %s", saved.Data, saved.Version, res.Version)
	}
	info, err := ts.Repo.CommitInfo(res.Commit)
	if err != nil {
		t.Fatal(err)
	}
	if info.Author != "李强" || info.Email != "liqiang" || strings.TrimSpace(info.Message) != "申领光模块" {
		t.Errorf("commit %+v: want authored by 李强 <liqiang> with the message", info)
	}
	// The site follows its own save before answering.
	if got := ts.Site.Live().Snapshot().Commit; got != res.Commit {
		t.Errorf("live snapshot at %s, want %s", got, res.Commit)
	}
	if r := ts.Site.Live().Snapshot().Record(sparesPath); r == nil || r.Version != res.Version {
		t.Errorf("live record %+v, want version %s", r, res.Version)
	}

	// The same content again: nothing to commit, the head stays.
	again, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: sparesPath, Content: []byte(next), Base: res.Version})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Unchanged || again.Commit != res.Commit || again.Version != res.Version {
		t.Errorf("unchanged save: %+v, want Unchanged at %s", again, res.Commit)
	}
	if h := ts.head(t); h != res.Commit {
		t.Errorf("an unchanged save moved the head to %s", h)
	}
}

func TestSaveAuthorFromUsers(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	ts.Site.Author = func(v access.Viewer) gitstore.Signature {
		return gitstore.Signature{Name: "李强", Email: "liqiang@mz.example.cn"}
	}
	cur := ts.current(t, sparesPath)
	res, err := ts.Site.Save(context.Background(), liqiang, site.SaveRequest{Path: sparesPath, Content: append(cur.Data, "x\n"...), Base: cur.Version})
	if err != nil {
		t.Fatal(err)
	}
	info, _ := ts.Repo.CommitInfo(res.Commit)
	if info.Email != "liqiang@mz.example.cn" || !strings.Contains(info.Message, sparesPath) {
		t.Errorf("commit %+v: want the user store's email and a default message naming the file", info)
	}
}

func TestSaveConflicts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name          string
		yours, theirs func(string) string
		clean         bool
		merged        func(string) string
	}{
		{
			name: "apart: merged",
			yours: func(s string) string {
				return strings.Replace(s, "on_hand: 1, required: 2", "on_hand: 2, required: 2", 1)
			},
			theirs: func(s string) string { return s + "电源模块够用。\n" },
			clean:  true,
			merged: func(s string) string {
				return strings.Replace(s, "on_hand: 1, required: 2", "on_hand: 2, required: 2", 1) + "电源模块够用。\n"
			},
		},
		{
			name:   "same line: markers",
			yours:  func(s string) string { return strings.Replace(s, "due: 2026-12-01", "due: 2026-12-15", 1) },
			theirs: func(s string) string { return strings.Replace(s, "due: 2026-12-01", "due: 2026-11-30", 1) },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newServer(t, options{})
			base := ts.current(t, sparesPath)
			theirsCommit := ts.push(t, sparesPath, tc.theirs(string(base.Data)))
			theirs := ts.current(t, sparesPath)
			yours := tc.yours(string(base.Data))
			_, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: sparesPath, Content: []byte(yours), Base: base.Version})
			var c *site.SaveConflict
			if !errors.As(err, &c) || !errors.Is(err, gitstore.ErrConflict) {
				t.Fatalf("save on a stale base: %v, want a *SaveConflict", err)
			}
			if string(c.Base) != string(base.Data) || string(c.Theirs) != string(theirs.Data) || string(c.Yours) != yours ||
				c.BaseVersion != base.Version || c.TheirsVersion != theirs.Version || c.Commit != theirsCommit {
				t.Errorf("conflict %+v does not carry base, theirs and yours", c)
			}
			if c.Merge == nil || c.Merge.Clean() != tc.clean {
				t.Fatalf("merge %+v, want clean = %v", c.Merge, tc.clean)
			}
			if tc.clean && string(c.Merge.Text) != tc.merged(string(base.Data)) {
				t.Errorf("merged:\n%s", c.Merge.Text)
			}
			// Nothing was committed: theirs is still the file.
			if h := ts.head(t); h != theirsCommit {
				t.Errorf("a conflicting save moved the head to %s", h)
			}
			// Saving the merge with markers left in is refused at the marker.
			if !tc.clean {
				_, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: sparesPath, Content: c.Merge.Text, Base: c.TheirsVersion})
				var inv *site.InvalidError
				if !errors.As(err, &inv) || inv.Problems[0].Path != sparesPath || inv.Problems[0].Line == 0 {
					t.Fatalf("saving conflict markers: %v, want an InvalidError at the marker's line", err)
				}
				return
			}
			// The merge saved on the new base is the file.
			res, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: sparesPath, Content: c.Merge.Text, Base: c.TheirsVersion})
			if err != nil {
				t.Fatal(err)
			}
			if got := ts.current(t, sparesPath); got.Version != res.Version || string(got.Data) != string(c.Merge.Text) {
				t.Errorf("after saving the merge the file is %q", got.Data)
			}
		})
	}
}

func TestSaveNewAndDeleted(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	ctx := context.Background()
	p := "customers/mz-school/notes/wiring.md"
	note := "# 布线\n\n机房在二楼。\n"
	res, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: p, Content: []byte(note)})
	if err != nil {
		t.Fatal(err)
	}
	// Creating it again from nothing: someone created it meanwhile.
	_, err = ts.Site.Save(ctx, wangfang, site.SaveRequest{Path: p, Content: []byte("# 另一份\n")})
	var c *site.SaveConflict
	if !errors.As(err, &c) || c.Base != nil || string(c.Theirs) != note || c.Merge == nil || c.Merge.Clean() {
		t.Fatalf("second create: %v (%+v), want a conflict with theirs and a conflicted merge", err, c)
	}
	// Deleted by someone, then saved on the old version: a conflict with no merge.
	if _, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: p, Base: res.Version, Delete: true}); err != nil {
		t.Fatal(err)
	}
	_, err = ts.Site.Save(ctx, wangfang, site.SaveRequest{Path: p, Content: []byte(note + "补充。\n"), Base: res.Version})
	if !errors.As(err, &c) || c.Theirs != nil || c.Merge != nil || string(c.Base) != note {
		t.Fatalf("save of a deleted file: %v (%+v), want a conflict with the base and no theirs", err, c)
	}
}

func TestSaveOtherFilesNeverConflict(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	base := ts.current(t, sparesPath)
	ts.push(t, leadsPath, string(ts.current(t, leadsPath).Data)+"另一个文件。\n")
	ts.push(t, "guides/olt.md", "# OLT\n\n改过了。\n")
	res, err := ts.Site.Save(context.Background(), liqiang, site.SaveRequest{Path: sparesPath, Content: append(base.Data, "y\n"...), Base: base.Version})
	if err != nil {
		t.Fatalf("save after commits to other files: %v", err)
	}
	if !strings.Contains(string(ts.current(t, leadsPath).Data), "另一个文件") {
		t.Error("the save lost the other commit")
	}
	if res.Commit != ts.head(t) {
		t.Errorf("commit %s is not the head", res.Commit)
	}
}

func TestSaveInvalid(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	ctx := context.Background()
	for _, tc := range []struct {
		name, path, content string
		wantPath            string
		wantLine            int
	}{
		{name: "broken YAML", path: sparesPath, content: "---\nkind: spares\nparts: [\n---\n", wantPath: sparesPath, wantLine: 3},
		{name: "unknown device", path: sparesPath, content: "---\nkind: spares\nparts:\n  - {part: 风扇, for: no-such-sw, on_hand: 1, required: 1}\n---\n", wantPath: sparesPath, wantLine: 4},
		{
			// devices.md without core-sw-1 breaks the visit that names it.
			name: "device still named elsewhere", path: "customers/mz-renmin-hospital/devices.md",
			content:  "---\nkind: devices\ndevices:\n  - {id: fw-1, role: 防火墙, status: in_service}\n---\n",
			wantPath: visitPath,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := ts.head(t)
			cur := ts.current(t, tc.path)
			_, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: tc.path, Content: []byte(tc.content), Base: cur.Version})
			var inv *site.InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("save: %v, want an InvalidError", err)
			}
			i := slices.IndexFunc(inv.Problems, func(p archive.Problem) bool { return p.Path == tc.wantPath })
			if i < 0 || inv.Problems[0].Severity != archive.SeverityError || (tc.wantLine > 0 && inv.Problems[i].Line != tc.wantLine) {
				t.Errorf("problems %v: want an error in %s at line %d", inv.Problems, tc.wantPath, tc.wantLine)
			}
			if h := ts.head(t); h != before {
				t.Error("an invalid save was committed")
			}
		})
	}
}

func TestSaveAccess(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	ctx := context.Background()
	gongan := "customers/mz-gongan/devices.md"
	for _, tc := range []struct {
		name    string
		v       access.Viewer
		path    string
		content func(old string) string
		want    int // 0: saved
	}{
		{"restricted customer, not assigned", liqiang, gongan, func(s string) string { return s + "x\n" }, 404},
		{"restricted customer, new file", liqiang, "customers/mz-gongan/notes/x.md", func(string) string { return "# x\n" }, 404},
		{"restricted customer, assigned", wangfang, gongan, func(s string) string { return s + "复核。\n" }, 0},
		{"marketing on devices", marketing, sparesPath, func(s string) string { return s + "x\n" }, 403},
		{"marketing changes a need", marketing, leadsPath, func(s string) string { return strings.Replace(s, "千兆专线", "万兆专线", 1) }, 403},
		{"marketing sets a status", marketing, leadsPath, func(s string) string { return strings.Replace(s, "status: new", "status: contacted", 1) }, 0},
		{"nobody", access.Viewer{}, sparesPath, func(s string) string { return s + "x\n" }, 404},
		{"outside the archive's sections", liqiang, "dangan.yaml", func(s string) string { return s + "# x\n" }, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var base string
			var old []byte
			if f, err := ts.Repo.ReadFile(ts.head(t), tc.path); err == nil {
				base, old = f.Version, f.Data
			}
			before := ts.head(t)
			_, err := ts.Site.Save(ctx, tc.v, site.SaveRequest{Path: tc.path, Content: []byte(tc.content(string(old))), Base: base})
			got := 0
			if err != nil {
				got = site.ErrorStatus(err)
			}
			if got != tc.want {
				t.Fatalf("save: %v (status %d), want %d", err, got, tc.want)
			}
			if tc.want != 0 && ts.head(t) != before {
				t.Error("a refused save was committed")
			}
		})
	}
}

// TestConcurrentSaves saves from many goroutines at once: to files of
// their own (every save lands, none is lost) and to one file from the same
// version (exactly one wins, the others get conflicts, none overwrites).
func TestConcurrentSaves(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	ctx := context.Background()
	const writers, each, racers = 6, 3, 6
	start := ts.head(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := map[string]string{} // commit -> path
	record := func(res site.SaveResult) {
		mu.Lock()
		defer mu.Unlock()
		accepted[res.Commit] = res.Path
	}
	for w := range writers {
		wg.Go(func() {
			p := fmt.Sprintf("customers/mz-school/notes/w%d.md", w)
			version := ""
			for i := range each {
				res, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: p, Content: fmt.Appendf(nil, "# 笔记 %d\n\n第 %d 次。\n", w, i), Base: version})
				if err != nil {
					t.Errorf("writer %d save %d: %v", w, i, err)
					return
				}
				version = res.Version
				record(res)
			}
		})
	}
	base := ts.current(t, sparesPath)
	var won, conflicted int
	for r := range racers {
		wg.Go(func() {
			res, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: sparesPath, Content: fmt.Appendf(base.Data, "racer %d\n", r), Base: base.Version})
			mu.Lock()
			defer mu.Unlock()
			var c *site.SaveConflict
			switch {
			case err == nil:
				won++
				accepted[res.Commit] = res.Path
			case errors.As(err, &c):
				conflicted++
			default:
				t.Errorf("racer %d: %v", r, err)
			}
		})
	}
	wg.Wait()
	if won != 1 || conflicted != racers-1 {
		t.Errorf("same-file racers: %d won, %d conflicted; want 1 and %d", won, conflicted, racers-1)
	}
	if len(accepted) != writers*each+1 {
		t.Errorf("%d distinct commits accepted, want %d", len(accepted), writers*each+1)
	}
	log, err := ts.Repo.Log(1000)
	if err != nil {
		t.Fatal(err)
	}
	inHistory := map[string]bool{}
	for _, c := range log {
		inHistory[c.Hash] = true
		if c.Hash == start {
			break
		}
	}
	for id, p := range accepted {
		if !inHistory[id] {
			t.Errorf("accepted save of %s (%.10s) is not in the history", p, id)
		}
	}
	for w := range writers {
		p := fmt.Sprintf("customers/mz-school/notes/w%d.md", w)
		if got := string(ts.current(t, p).Data); got != fmt.Sprintf("# 笔记 %d\n\n第 %d 次。\n", w, each-1) {
			t.Errorf("%s ends as %q", p, got)
		}
	}
	if out, err := exec.Command("git", "-C", ts.Dir, "fsck", "--full", "--strict").CombinedOutput(); err != nil {
		t.Errorf("git fsck: %v\n%s", err, out)
	}
}

// A broken profile is answered with its problems, not with the access
// rule that reads a broken profile as restricted.
func TestSaveBrokenProfileIsInvalid(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	p := "customers/mz-school/customer.md"
	cur := ts.current(t, p)
	broken := strings.Replace(string(cur.Data), "kind: customer\n", "kind: customer\nindustry: [教育\n", 1)
	_, err := ts.Site.Save(context.Background(), liqiang, site.SaveRequest{Path: p, Content: []byte(broken), Base: cur.Version})
	var inv *site.InvalidError
	if !errors.As(err, &inv) || site.ErrorStatus(err) != 422 {
		t.Fatalf("broken profile: %v, want 422 with problems", err)
	}
}

// TestSaveWithFiles saves a record and a photo beside it as one commit; a
// photo already there is not replaced by a save that thought it new.
func TestSaveWithFiles(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	ctx := context.Background()
	p := "customers/mz-school/notes/rack.md"
	img := "customers/mz-school/notes/rack.png"
	res, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: p, Content: []byte("# 机柜\n\n![机柜](rack.png)\n"),
		Files: []site.SaveFile{{Path: img, Data: pngBytes(t)}}})
	if err != nil {
		t.Fatal(err)
	}
	changed, _, err := ts.Repo.Changes(ts.Second, res.Commit)
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) != 2 {
		t.Errorf("the save changed %d files, want the record and the photo", len(changed))
	}
	if log, _ := ts.Repo.Log(2); len(log) < 2 || log[1].Hash != ts.Second {
		t.Error("the record and the photo took more than one commit")
	}
	_, err = ts.Site.Save(ctx, wangfang, site.SaveRequest{Path: "customers/mz-school/notes/rack2.md", Content: []byte("# 另一张\n"),
		Files: []site.SaveFile{{Path: img, Data: []byte("not the same photo")}}})
	var c *site.SaveConflict
	if !errors.As(err, &c) || c.Path != img || c.Merge != nil {
		t.Fatalf("a new photo over an existing one: %v, want a conflict on %s without a merge", err, img)
	}
	// A file given twice, or outside the archive, is refused before anything.
	for _, req := range []site.SaveRequest{
		{Path: p, Content: []byte("x"), Files: []site.SaveFile{{Path: p, Data: []byte("y")}}},
		{Path: "../x.md", Content: []byte("x")},
		{Path: "customers/mz-school/notes/a.md", Content: []byte("x"), Files: []site.SaveFile{{Path: ".git/config"}}},
	} {
		if _, err := ts.Site.Save(ctx, admin, req); site.ErrorStatus(err) != 400 && site.ErrorStatus(err) != 403 {
			t.Errorf("save %s + %v: %v, want a refusal", req.Path, req.Files, err)
		}
	}
}

// BenchmarkSave is one save through the whole path: access, the checker
// over the archive, the commit (objects flushed to disk) and the site and
// index following it.
func BenchmarkSave(b *testing.B) {
	ts := newServer(b, options{index: true})
	ctx := context.Background()
	cur := ts.current(b, sparesPath)
	version := cur.Version
	i := 0
	for b.Loop() {
		i++
		res, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: sparesPath, Content: fmt.Appendf(cur.Data, "第 %d 次\n", i), Base: version})
		if err != nil {
			b.Fatal(err)
		}
		version = res.Version
	}
}

// BenchmarkSaveParallel is saves from many people at once, each to a file
// of their own: they serialise on the branch, and each retry on a moved
// head re-checks only the file it writes.
func BenchmarkSaveParallel(b *testing.B) {
	ts := newServer(b, options{index: true})
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		p := fmt.Sprintf("customers/mz-school/notes/bench-%d.md", n.Add(1))
		version := ""
		for i := 0; pb.Next(); i++ {
			res, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: p, Content: fmt.Appendf(nil, "# 压测\n\n第 %d 次\n", i), Base: version})
			if err != nil {
				b.Error(err)
				return
			}
			version = res.Version
		}
	})
}

// TestSaveSameChangeTwice: a save whose text is already the file's (someone
// made the same change since) is done, not a conflict; so is deleting a
// file someone else deleted.
func TestSaveSameChangeTwice(t *testing.T) {
	t.Parallel()
	ts := newServer(t, options{})
	ctx := context.Background()
	base := ts.current(t, sparesPath)
	text := string(base.Data) + "同一处修改。\n"
	pushed := ts.push(t, sparesPath, text)
	res, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: sparesPath, Content: []byte(text), Base: base.Version})
	if err != nil || !res.Unchanged || res.Commit != pushed {
		t.Fatalf("the same change again: %+v, %v; want unchanged at %s", res, err, pushed)
	}
	p := "customers/mz-renmin-hospital/notes/jifang.md"
	old := ts.current(t, p)
	ts.commit(t, today, "王芳", "删除", []gitstore.FileChange{{Path: p, Delete: true}})
	if _, err := ts.Site.Save(ctx, liqiang, site.SaveRequest{Path: p, Base: old.Version, Delete: true}); err != nil {
		t.Errorf("deleting a file already deleted: %v", err)
	}
}
