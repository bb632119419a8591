package gitstore

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const crashEnv = "DANGAN_GITSTORE_CRASH_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashChild(dir)
		return
	}
	code := m.Run()
	if fixtureRoot != "" {
		os.RemoveAll(fixtureRoot)
	}
	os.Exit(code)
}

// crashChild commits in a loop until it is killed, printing each commit.
func crashChild(dir string) {
	r, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	r.Logger = slog.New(slog.DiscardHandler)
	r.StaleLock = -1 // the parent test removes left-over locks, as a person would
	pid := os.Getpid()
	for i := 0; ; i++ {
		head, err := r.Head()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		body := strings.Repeat(fmt.Sprintf("process %d commit %d\n", pid, i), 50+i%200)
		fcs := []FileChange{
			{Path: fmt.Sprintf("customers/c%02d/visits/v%d.md", i%37, i%5), Data: []byte(body)},
			{Path: fmt.Sprintf("customers/c%02d/devices.md", i%11), Data: []byte(body[:len(body)/2])},
		}
		if i%7 == 3 {
			fcs = append(fcs, FileChange{Path: fmt.Sprintf("customers/c%02d/visits/v%d.md", (i+1)%37, (i+3)%5), Delete: true})
		}
		id, err := r.Commit(context.Background(), Change{Parent: head, Author: Signature{Name: "crash"}, Message: fmt.Sprint("commit ", i), Files: fcs})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println(id)
	}
}

// TestCrashSafety kills a committing process at random moments and checks
// with git that the repository is sound and the branch at a commit made
// (the old one or a new one) whose tree reads.
func TestCrashSafety(t *testing.T) {
	gitBin(t)
	budget := 20 * time.Second
	if testing.Short() {
		budget = 4 * time.Second
	}
	r := newRepo(t, true)
	prev := commit(t, r, "base", files{"dangan.yaml": "name: test\n"})
	rng := newRand(uint64(time.Now().UnixNano()))
	lock := filepath.Join(r.Dir(), "refs", "heads", "main.lock")
	rounds, made, locksLeft := 0, 0, 0
	for start := time.Now(); time.Since(start) < budget; rounds++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashEnv+"="+r.Dir())
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		reported := make(chan []string)
		go func() {
			var ids []string
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				ids = append(ids, sc.Text())
			}
			reported <- ids
		}()
		time.Sleep(time.Duration(10+rng.IntN(120)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		ids := <-reported
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("round %d: child ended by itself: %v\n%s", rounds, err, stderr.String())
		}
		made += len(ids)

		if out, err := gitErr(t, r.Dir(), "fsck", "--full", "--no-dangling"); err != nil || out != "" {
			t.Fatalf("round %d: git fsck: %v\n%s", rounds, err, out)
		}
		head := runGit(t, r.Dir(), "rev-parse", "--verify", "main^{commit}")
		// The branch is at the last reported commit, or one made after it
		// that the child had no time to print, never behind.
		if _, err := gitErr(t, r.Dir(), "merge-base", "--is-ancestor", prev, head); err != nil {
			t.Fatalf("round %d: branch went back from %s to %s", rounds, prev, head)
		}
		if len(ids) > 0 {
			if _, err := gitErr(t, r.Dir(), "merge-base", "--is-ancestor", ids[len(ids)-1], head); err != nil {
				t.Fatalf("round %d: reported commit %s is not in the branch %s", rounds, ids[len(ids)-1], head)
			}
		}
		runGit(t, r.Dir(), "ls-tree", "-r", "main")
		r2, err := Open(r.Dir())
		if err != nil {
			t.Fatal(err)
		}
		for _, err := range r2.Files(head) {
			if err != nil {
				t.Fatalf("round %d: %v", rounds, err)
			}
		}
		r2.Close()
		if _, err := os.Stat(lock); err == nil {
			locksLeft++
			os.Remove(lock) // what git tells a person to do after a crash
		}
		prev = head
	}
	t.Logf("%d rounds, %d commits reported, %d killed while holding the ref lock", rounds, made, locksLeft)
	if made == 0 {
		t.Fatal("no child ever committed: the test proves nothing")
	}
}
