package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an output stream the server goroutine writes while the
// test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func gitCLI(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=王芳", "GIT_AUTHOR_EMAIL=w@example.cn", "GIT_COMMITTER_NAME=王芳", "GIT_COMMITTER_EMAIL=w@example.cn", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestServeRemoteArchive runs `dangan serve --archive BARE.git` as a
// person would: it clones into the data folder, reports the sync state on
// /healthz, and follows a push once the webhook calls.
func TestServeRemoteArchive(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("git is not installed; CI must install it")
		}
		t.Skip("git is not installed: serving a remote archive runs git")
	}
	src := commitDir(t, "../../archive/testdata/good")
	bare := filepath.Join(t.TempDir(), "archive.git")
	gitCLI(t, filepath.Dir(bare), "clone", "--quiet", "--bare", src, bare)
	data := t.TempDir()

	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"serve", "--archive", bare, "--data", data, "--addr", "127.0.0.1:0", "--fetch-interval", "1h", "--hook-secret", "s3cret"}, strings.NewReader(""), &out, &errb)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited with %d: %s", code, errb.String())
		}
	}()
	addr := regexp.MustCompile(`on http://([0-9.:]+)/`)
	var base string
	wait(t, "the server to listen", func() bool {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			base = "http://" + m[1]
			return true
		}
		return false
	})
	if !strings.Contains(out.String(), "cloning "+bare) {
		t.Errorf("no word of the clone: %s", out.String())
	}
	if _, err := os.Stat(filepath.Join(data, "remote")); err != nil {
		t.Errorf("the clone is not in the data folder: %v", err)
	}

	type health struct {
		Commit string `json:"commit"`
		Sync   struct {
			InSync  bool `json:"in_sync"`
			Pending int  `json:"pending"`
		} `json:"sync"`
	}
	get := func() health {
		res, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var h health
		if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	wait(t, "in sync", func() bool { return get().Sync.InSync })

	// A technician pushes; the git server's webhook calls.
	wt := filepath.Join(t.TempDir(), "wt")
	gitCLI(t, filepath.Dir(wt), "clone", "--quiet", bare, wt)
	if err := os.WriteFile(filepath.Join(wt, "guides", "pushed.md"), []byte("---\ntitle: 推送的指南\n---\n正文\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitCLI(t, wt, "add", "-A")
	gitCLI(t, wt, "commit", "--quiet", "-m", "guide")
	gitCLI(t, wt, "push", "--quiet", "origin", "HEAD")
	pushed := gitCLI(t, wt, "rev-parse", "HEAD")
	req, _ := http.NewRequest("POST", base+"/hooks/git", strings.NewReader("{}"))
	req.Header.Set("X-Gitlab-Token", "s3cret")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("webhook answered %d", res.StatusCode)
	}
	wait(t, "the push served", func() bool { return get().Commit == pushed })
}

// wait polls cond; the limit only stops a broken test from hanging.
func wait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
