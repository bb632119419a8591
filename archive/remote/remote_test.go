package remote

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive/gitstore"
)

// gitBin returns the git binary, or skips when there is none on a
// developer's machine; CI installs git, so there the test fails instead.
func gitBin(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("git")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("git is not installed, and CI must run the remote tests against a real git server")
		}
		t.Skip("git is not installed: these tests run a real git server (git http-backend)")
	}
	return p
}

func run(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=王芳", "GIT_AUTHOR_EMAIL=wangfang@example.cn",
		"GIT_COMMITTER_NAME=王芳", "GIT_COMMITTER_EMAIL=wangfang@example.cn", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// gitServer is git http-backend behind an httptest server (net/http/cgi):
// a real git smart-HTTP server on a loopback port the OS chose. stop and
// start shut it down (connections refused) and bring it back on the same
// address; down makes it answer 503, as a git host behind a load balancer
// does while it is stopped.
type gitServer struct {
	URL  string // of the archive repository
	Dir  string // the bare repository
	down atomic.Bool

	handler http.Handler
	addr    string
	srv     *httptest.Server
}

// stop shuts the server down: connections are refused, as when the git
// host is stopped.
func (gs *gitServer) stop() { gs.srv.Close() }

// start starts it again on the same address.
func (gs *gitServer) start(t testing.TB) {
	t.Helper()
	ln, err := net.Listen("tcp", gs.addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", gs.addr, err)
	}
	gs.srv = httptest.NewUnstartedServer(gs.handler)
	gs.srv.Listener.Close()
	gs.srv.Listener = ln
	gs.srv.Start()
	t.Cleanup(gs.srv.Close)
}

func newGitServer(t testing.TB) *gitServer {
	t.Helper()
	gitBin(t)
	execPath := run(t, t.TempDir(), "--exec-path")
	root := t.TempDir()
	gs := &gitServer{Dir: filepath.Join(root, "archive.git")}
	run(t, root, "init", "--quiet", "--bare", "--initial-branch=main", gs.Dir)
	run(t, gs.Dir, "config", "http.receivepack", "true")
	backend := &cgi.Handler{
		Path: filepath.Join(execPath, "git-http-backend"),
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"},
	}
	gs.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if gs.down.Load() {
			http.Error(w, "git server stopped", http.StatusServiceUnavailable)
			return
		}
		backend.ServeHTTP(w, r)
	})
	gs.srv = httptest.NewServer(gs.handler)
	t.Cleanup(gs.srv.Close)
	gs.addr = gs.srv.Listener.Addr().String()
	gs.URL = gs.srv.URL + "/archive.git"
	return gs
}

// seed pushes a first archive into the server from a person's clone and
// returns that clone.
func (gs *gitServer) seed(t testing.TB, files map[string]string) string {
	t.Helper()
	wt := filepath.Join(t.TempDir(), "person")
	run(t, filepath.Dir(wt), "clone", "--quiet", gs.URL, wt)
	writeFiles(t, wt, files)
	run(t, wt, "add", "-A")
	run(t, wt, "commit", "--quiet", "-m", "archive")
	run(t, wt, "push", "--quiet", "origin", "HEAD:main")
	return wt
}

func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type replica struct {
	name string
	repo *gitstore.Repo
	sync *Syncer
}

func newReplica(t testing.TB, gs *gitServer, name string) *replica {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "remote", CloneName(gs.URL))
	if err := Clone(context.Background(), "", gs.URL, dir, ""); err != nil {
		t.Fatal(err)
	}
	repo, err := gitstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	repo.Logger = slog.New(slog.DiscardHandler)
	t.Cleanup(func() { repo.Close() })
	return &replica{name: name, repo: repo, sync: New(repo, Options{URL: gs.URL, Logger: slog.New(slog.DiscardHandler)})}
}

// save commits one web edit on the replica, as the site's save path does.
func (r *replica) save(t testing.TB, path, data string) string {
	t.Helper()
	head, err := r.repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	id, err := r.repo.Commit(context.Background(), gitstore.Change{
		Parent:  head,
		Author:  gitstore.Signature{Name: "李强 " + r.name, Email: "liqiang@example.cn", When: time.Date(2026, 3, 5, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))},
		Message: "edit " + path + " on " + r.name,
		Files:   []gitstore.FileChange{{Path: path, Data: []byte(data)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (r *replica) mustSync(t testing.TB) {
	t.Helper()
	if err := r.sync.Sync(context.Background()); err != nil {
		t.Fatalf("sync %s: %v", r.name, err)
	}
}

func (r *replica) read(t testing.TB, path string) string {
	t.Helper()
	f, err := r.repo.ReadFile("", path)
	if err != nil {
		t.Fatalf("%s: read %s: %v", r.name, path, err)
	}
	return string(f.Data)
}

func head(t testing.TB, r *gitstore.Repo) string {
	t.Helper()
	h, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestReplicas runs two replicas against one git server with edits on
// both, pushes from the command line and the server stopped and started
// in between, and checks every change arrives everywhere.
func TestReplicas(t *testing.T) {
	gs := newGitServer(t)
	person := gs.seed(t, map[string]string{
		"dangan.yaml":               "name: 测试分公司\n",
		"customers/c1/customer.md":  "---\nname: 一号客户\n---\n",
		"customers/c2/customer.md":  "---\nname: 二号客户\n---\n",
		"customers/c3/customer.md":  "---\nname: 三号客户\n---\n",
		"customers/c3/devices.md":   "---\ndevices: []\n---\n",
		"customers/c1/visits/v1.md": "first visit\n",
	})
	a, b := newReplica(t, gs, "A"), newReplica(t, gs, "B")
	if ha, hb := head(t, a.repo), head(t, b.repo); ha == "" || ha != hb {
		t.Fatalf("clones at %q and %q, want the same non-empty head", ha, hb)
	}

	// Edits on both replicas and from the command line, different files.
	a.save(t, "customers/c1/visits/v2.md", "A's visit\n")
	bSave := b.save(t, "customers/c2/visits/v1.md", "B's visit\n")
	writeFiles(t, person, map[string]string{"customers/c3/devices.md": "---\ndevices: [{name: OLT-1}]\n---\n"})
	run(t, person, "commit", "--quiet", "-am", "devices from the command line")
	run(t, person, "push", "--quiet", "origin", "HEAD:main")

	a.mustSync(t) // A: rebased on the person's push, pushed
	b.mustSync(t) // B: rebased on both, pushed
	a.mustSync(t) // A: fast-forward to B's push
	run(t, person, "pull", "--quiet", "--ff-only", "origin", "main")

	want := map[string]string{
		"customers/c1/visits/v2.md": "A's visit\n",
		"customers/c2/visits/v1.md": "B's visit\n",
		"customers/c3/devices.md":   "---\ndevices: [{name: OLT-1}]\n---\n",
	}
	checkEverywhere(t, gs, person, want, a, b)

	// B's save was re-created on top of the remote: same author, time and
	// message, new parent.
	bHead := head(t, b.repo)
	if bHead == bSave {
		t.Fatalf("B's save %s should have been re-created on the remote's commits", bSave)
	}
	orig, err := b.repo.CommitInfo(bSave)
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.repo.CommitInfo(bHead)
	if err != nil {
		t.Fatal(err)
	}
	if got.Author != orig.Author || got.Email != orig.Email || !got.When.Equal(orig.When) || got.Message != orig.Message {
		t.Errorf("replayed commit %+v, want author, time and message of %+v", got, orig)
	}

	// The server stops: saves stay local and are counted.
	gs.stop()
	a.save(t, "customers/c1/visits/v3.md", "saved while the server was down\n")
	a.save(t, "customers/c1/visits/v4.md", "and another\n")
	b.save(t, "customers/c2/visits/v2.md", "B while down\n")
	if err := a.sync.Sync(context.Background()); err == nil {
		t.Fatal("sync with the server stopped: no error")
	}
	if err := b.sync.Sync(context.Background()); err == nil {
		t.Fatal("sync with the server stopped: no error")
	}
	st := a.sync.Status()
	if st.Pending != 2 || st.PendingSince.IsZero() || st.UnreachableSince.IsZero() || st.InSync() {
		t.Errorf("A's status while the server is down: %+v, want 2 pending and unreachable", st)
	}
	if strings.Contains(st.LastError, "@") && strings.Contains(st.LastError, "://") {
		t.Errorf("error shows credentials: %s", st.LastError)
	}
	// A push from the command line can't reach it either; it is made
	// when the server is back, before the replicas sync.
	gs.start(t)
	writeFiles(t, person, map[string]string{"customers/c3/customer.md": "---\nname: 三号客户（新）\n---\n"})
	run(t, person, "commit", "--quiet", "-am", "rename c3")
	run(t, person, "push", "--quiet", "origin", "HEAD:main")

	a.mustSync(t)
	b.mustSync(t)
	a.mustSync(t)
	run(t, person, "pull", "--quiet", "--ff-only", "origin", "main")
	want["customers/c1/visits/v3.md"] = "saved while the server was down\n"
	want["customers/c1/visits/v4.md"] = "and another\n"
	want["customers/c2/visits/v2.md"] = "B while down\n"
	want["customers/c3/customer.md"] = "---\nname: 三号客户（新）\n---\n"
	checkEverywhere(t, gs, person, want, a, b)
	for _, r := range []*replica{a, b} {
		if st := r.sync.Status(); !st.InSync() || st.LastContact.IsZero() {
			t.Errorf("%s after the server is back: %+v, want in sync", r.name, st)
		}
	}
	fsck(t, gs.Dir, a.repo.CommonDir(), b.repo.CommonDir(), person)
}

// TestConflictKeptAside: both replicas change the same file; the second
// to sync keeps its save on a conflict ref, follows the remote, and says
// so in its status.
func TestConflictKeptAside(t *testing.T) {
	gs := newGitServer(t)
	gs.seed(t, map[string]string{"customers/c1/customer.md": "---\nname: 一号客户\n---\n"})
	a, b := newReplica(t, gs, "A"), newReplica(t, gs, "B")

	a.save(t, "customers/c1/customer.md", "---\nname: 一号客户 A\n---\n")
	lost := b.save(t, "customers/c1/customer.md", "---\nname: 一号客户 B\n---\n")
	b.save(t, "customers/c1/visits/v1.md", "a later save of B, another file\n")
	a.mustSync(t)
	b.mustSync(t)
	a.mustSync(t)

	if got := b.read(t, "customers/c1/customer.md"); !strings.Contains(got, "一号客户 A") {
		t.Errorf("B's customer.md = %q, want the remote's (A's) version", got)
	}
	if got := a.read(t, "customers/c1/visits/v1.md"); got != "a later save of B, another file\n" {
		t.Errorf("B's later save on another file did not arrive on A: %q", got)
	}
	st := b.sync.Status()
	if len(st.Conflicts) != 1 {
		t.Fatalf("B's conflicts = %+v, want one", st.Conflicts)
	}
	c := st.Conflicts[0]
	if c.Ref != ConflictPrefix+lost || c.Commit.Hash != lost || c.Theirs == "" || len(c.Paths) != 1 || c.Paths[0] != "customers/c1/customer.md" {
		t.Errorf("conflict = %+v, want B's save %s on customer.md", c, lost)
	}
	if f, err := b.repo.ReadFile(c.Commit.Hash, "customers/c1/customer.md"); err != nil || !strings.Contains(string(f.Data), "一号客户 B") {
		t.Errorf("B's version in the conflict = %q, %v: the save must not be lost", f.Data, err)
	}
	if f, err := b.repo.ReadFile(c.Theirs, "customers/c1/customer.md"); err != nil || !strings.Contains(string(f.Data), "一号客户 A") {
		t.Errorf("their version in the conflict = %q, %v", f.Data, err)
	}
	if st.InSync() {
		t.Error("a status with a conflict says in sync")
	}
	// A restart sees the conflict again: it lives in the repository.
	again := New(b.repo, Options{URL: gs.URL, Logger: slog.New(slog.DiscardHandler)})
	if n := len(again.Status().Conflicts); n != 1 {
		t.Errorf("after a restart %d conflicts, want 1", n)
	}
	if err := b.sync.Dismiss(lost); err != nil {
		t.Fatal(err)
	}
	if n := len(b.sync.Status().Conflicts); n != 0 {
		t.Errorf("after Dismiss %d conflicts, want 0", n)
	}
	fsck(t, gs.Dir, a.repo.CommonDir(), b.repo.CommonDir())
}

// TestRunPushesAndFollows runs the background loop: a save is pushed
// without being asked, and Trigger (the webhook) fetches a push at once.
func TestRunPushesAndFollows(t *testing.T) {
	gs := newGitServer(t)
	person := gs.seed(t, map[string]string{"customers/c1/customer.md": "---\nname: 一号客户\n---\n"})
	a := newReplica(t, gs, "A")
	changed := make(chan struct{}, 10)
	a.sync = New(a.repo, Options{URL: gs.URL, Interval: time.Hour, Poll: 10 * time.Millisecond, Logger: slog.New(slog.DiscardHandler),
		OnChange: func() { changed <- struct{}{} }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.sync.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	saved := a.save(t, "customers/c1/visits/v1.md", "pushed by the loop\n")
	waitFor(t, "the save pushed", func() bool { return run(t, gs.Dir, "rev-parse", "main") == saved })

	writeFiles(t, person, map[string]string{"customers/c1/visits/v2.md": "from the command line\n"})
	run(t, person, "add", "-A")
	run(t, person, "commit", "--quiet", "-m", "visit")
	run(t, person, "pull", "--quiet", "--rebase", "origin", "main")
	run(t, person, "push", "--quiet", "origin", "HEAD:main")
	pushed := run(t, person, "rev-parse", "HEAD")
	a.sync.Trigger()
	waitFor(t, "the push fetched", func() bool { h, _ := a.repo.Head(); return h == pushed })
	// OnChange follows the move of the branch; wait for it rather than race it.
	waitFor(t, "OnChange after the branch moved", func() bool {
		select {
		case <-changed:
			return true
		default:
			return false
		}
	})
}

// waitFor polls cond until it holds; the limit only stops a broken test
// from hanging, it is not a speed requirement.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkEverywhere checks the server, the person's clone and every replica
// are at one commit holding every wanted file.
func checkEverywhere(t testing.TB, gs *gitServer, person string, want map[string]string, rs ...*replica) {
	t.Helper()
	server := run(t, gs.Dir, "rev-parse", "main")
	if p := run(t, person, "rev-parse", "HEAD"); p != server {
		t.Errorf("person's clone at %s, server at %s", p, server)
	}
	for _, r := range rs {
		if h := head(t, r.repo); h != server {
			t.Errorf("replica %s at %s, server at %s", r.name, h, server)
		}
		for p, data := range want {
			if got := r.read(t, p); got != data {
				t.Errorf("replica %s: %s = %q, want %q", r.name, p, got, data)
			}
		}
	}
	for p, data := range want {
		if got := run(t, gs.Dir, "show", "main:"+p); got != strings.TrimSpace(data) {
			t.Errorf("server: %s = %q, want %q", p, got, data)
		}
	}
}

func fsck(t testing.TB, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		cmd := exec.Command("git", "-C", d, "fsck", "--strict", "--no-progress", "--no-dangling")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("git fsck %s: %v\n%s", filepath.Base(d), err, out)
		}
	}
}

func TestCloneEmptyRemote(t *testing.T) {
	gs := newGitServer(t)
	a := newReplica(t, gs, "A")
	if h := head(t, a.repo); h != "" {
		t.Fatalf("clone of an empty remote at %s", h)
	}
	first := a.save(t, "dangan.yaml", "name: 新分公司\n")
	a.mustSync(t)
	if got := run(t, gs.Dir, "rev-parse", "main"); got != first {
		t.Errorf("server at %s, want the first save %s", got, first)
	}
}

func TestIsURLAndNames(t *testing.T) {
	bare := filepath.Join(t.TempDir(), "r.git")
	for _, d := range []string{"objects", "refs"} {
		if err := os.MkdirAll(filepath.Join(bare, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(bare, "HEAD"), []byte("ref: refs/heads/main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"https://git.example.cn/branch/archive.git", true},
		{"ssh://git@git.example.cn:2222/branch/archive.git", true},
		{"git@git.example.cn:branch/archive.git", true},
		{"file:///srv/git/archive.git", true},
		{bare, true},
		{t.TempDir(), false},
		{"archive", false},
		{"./a:b", false},
	} {
		if got := IsURL(tc.in); got != tc.want {
			t.Errorf("IsURL(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"https://user:s3cret@git.example.cn/a.git", "https://git.example.cn/a.git"},
		{"https://token@git.example.cn/a.git", "https://git.example.cn/a.git"},
		{"ssh://git@git.example.cn/a.git", "ssh://git@git.example.cn/a.git"},
		{"git@git.example.cn:a.git", "git@git.example.cn:a.git"},
	} {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	a, b := CloneName("https://git.example.cn/branch/archive.git"), CloneName("https://git.example.cn/other/archive.git")
	if a == b || !strings.HasPrefix(a, "archive-") {
		t.Errorf("CloneName gave %q and %q: want readable and different", a, b)
	}
	if CloneName("https://u:one@h/a.git") != CloneName("https://u:two@h/a.git") {
		t.Error("a new token must not make a new clone")
	}
}

// TestGroup: an archive in two repositories (restricted customers apart)
// shows one state: saves waiting in both are added up, the webhook fetches
// both, and a conflict is dismissed where it lives.
func TestGroup(t *testing.T) {
	open, closed := newGitServer(t), newGitServer(t)
	open.seed(t, map[string]string{"customers/c1/customer.md": "---\nname: 一号\n---\n"})
	closed.seed(t, map[string]string{"customers/gongan/customer.md": "---\nname: 公安\nrestricted: true\n---\n"})
	a, b := newReplica(t, open, "open"), newReplica(t, closed, "closed")
	g := Group{a.sync, b.sync}
	closed.down.Store(true)
	a.save(t, "customers/c1/visits/v1.md", "one\n")
	b.save(t, "customers/gongan/visits/v1.md", "two\n")
	a.mustSync(t)
	_ = b.sync.Sync(context.Background())
	st := g.Status()
	if st.Pending != 1 || st.UnreachableSince.IsZero() || st.InSync() || !strings.Contains(st.URL, " + ") {
		t.Errorf("group status %+v, want one save waiting and unreachable", st)
	}
	closed.down.Store(false)
	b.mustSync(t)
	if st := g.Status(); !st.InSync() {
		t.Errorf("group status after the server is back: %+v", st)
	}
}

// TestSavesDuringSync: web saves keep coming on one replica while its
// syncer runs and another replica pushes; every save ends on the server.
// The site's save retries on a moved branch, as site.Save does.
func TestSavesDuringSync(t *testing.T) {
	gs := newGitServer(t)
	gs.seed(t, map[string]string{"dangan.yaml": "name: 测试\n"})
	a, b := newReplica(t, gs, "A"), newReplica(t, gs, "B")
	a.sync = New(a.repo, Options{URL: gs.URL, Interval: 50 * time.Millisecond, Poll: 5 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.sync.Run(ctx); close(done) }()

	const nA, nB = 25, 8
	saveRetrying := func(r *replica, path, data string) {
		for {
			head, err := r.repo.Head()
			if err != nil {
				t.Error(err)
				return
			}
			_, err = r.repo.Commit(context.Background(), gitstore.Change{Parent: head, Author: gitstore.Signature{Name: r.name}, Message: path,
				Files: []gitstore.FileChange{{Path: path, Data: []byte(data)}}})
			if err == nil {
				return
			}
			if !errors.Is(err, gitstore.ErrConflict) {
				t.Error(err)
				return
			}
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range nA {
			saveRetrying(a, fmt.Sprintf("customers/a/visits/v%02d.md", i), fmt.Sprint("A ", i, "\n"))
		}
	})
	wg.Go(func() {
		for i := range nB {
			saveRetrying(b, fmt.Sprintf("customers/b/visits/v%02d.md", i), fmt.Sprint("B ", i, "\n"))
			// Losing every round to A is possible; Run would try again
			// at its next tick, as this does.
			for try := 0; ; try++ {
				err := b.sync.Sync(context.Background())
				if err == nil {
					break
				}
				if try == 20 {
					t.Error(err)
					break
				}
			}
		}
	})
	wg.Wait()
	cancel()
	<-done
	a.mustSync(t)
	b.mustSync(t)
	a.mustSync(t)
	want := map[string]string{}
	for i := range nA {
		want[fmt.Sprintf("customers/a/visits/v%02d.md", i)] = fmt.Sprint("A ", i, "\n")
	}
	for i := range nB {
		want[fmt.Sprintf("customers/b/visits/v%02d.md", i)] = fmt.Sprint("B ", i, "\n")
	}
	server := run(t, gs.Dir, "rev-parse", "main")
	for _, r := range []*replica{a, b} {
		if h := head(t, r.repo); h != server {
			t.Errorf("%s at %s, server at %s", r.name, h, server)
		}
		if st := r.sync.Status(); len(st.Conflicts) != 0 || !st.InSync() {
			t.Errorf("%s: %+v", r.name, st)
		}
		for p, data := range want {
			if got := r.read(t, p); got != data {
				t.Errorf("%s: %s = %q, want %q", r.name, p, got, data)
			}
		}
	}
	if n := run(t, gs.Dir, "rev-list", "--count", "main"); n != fmt.Sprint(1+nA+nB) {
		t.Errorf("server has %s commits, want %d: a save was lost or doubled", n, 1+nA+nB)
	}
	fsck(t, gs.Dir, a.repo.CommonDir(), b.repo.CommonDir())
}

// TestForcePushFollowed: when someone rewrites the remote branch, replicas
// follow it. What had reached the remote and was dropped stays dropped
// (not pushed back); saves never pushed are kept on top of the new history.
func TestForcePushFollowed(t *testing.T) {
	gs := newGitServer(t)
	person := gs.seed(t, map[string]string{"customers/c1/customer.md": "---\nname: 一号\n---\n"})
	seed := run(t, person, "rev-parse", "HEAD")
	a, b := newReplica(t, gs, "A"), newReplica(t, gs, "B")
	a.save(t, "customers/c1/notes/mistake.md", "pushed, then removed by an admin\n")
	a.mustSync(t)
	b.mustSync(t)

	// The admin takes the mistake out of the history.
	run(t, person, "push", "--quiet", "--force", "origin", seed+":refs/heads/main")
	b.save(t, "customers/c1/notes/kept.md", "saved on B, never pushed before the rewrite\n")
	a.mustSync(t) // nothing unpushed: follows the rewound branch
	b.mustSync(t) // its save replayed on the rewound branch and pushed
	a.mustSync(t)

	server := run(t, gs.Dir, "rev-parse", "main")
	for _, r := range []*replica{a, b} {
		if h := head(t, r.repo); h != server {
			t.Errorf("%s at %s, server at %s", r.name, h, server)
		}
		if _, err := r.repo.ReadFile("", "customers/c1/notes/mistake.md"); err == nil {
			t.Errorf("%s still has the commit the admin removed", r.name)
		}
		if got := r.read(t, "customers/c1/notes/kept.md"); got != "saved on B, never pushed before the rewrite\n" {
			t.Errorf("%s: B's unpushed save = %q", r.name, got)
		}
	}
	if parent := run(t, gs.Dir, "rev-parse", "main~1"); parent != seed {
		t.Errorf("server history: main~1 = %s, want the rewound %s", parent, seed)
	}
	fsck(t, gs.Dir, a.repo.CommonDir(), b.repo.CommonDir())
}
