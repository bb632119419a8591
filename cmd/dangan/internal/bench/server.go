package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/site/auth"
)

// tokens are the bearer tokens of the suite's users in one data folder.
type tokens struct {
	reader string // a technician: what a person at a customer's door sees
	admin  string
}

// setupUsers creates the suite's users in a data folder (or renews their
// tokens) and returns their tokens.
func setupUsers(dataDir string) (tokens, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return tokens{}, err
	}
	au := auth.New(auth.Config{DataDir: dataDir})
	var t tokens
	for _, u := range []struct {
		name string
		role access.Role
		tok  *string
	}{{"liqiang", access.Technician, &t.reader}, {"admin", access.Admin, &t.admin}} {
		if _, err := au.Users.Get(u.name); err != nil {
			if err := au.Users.Add(u.name, u.role, auth.NewPassword(), "", ""); err != nil {
				return tokens{}, fmt.Errorf("add user %s: %w", u.name, err)
			}
		}
		tok, err := au.Users.NewToken(u.name)
		if err != nil {
			return tokens{}, err
		}
		*u.tok = tok
	}
	return t, nil
}

// child is a `dangan serve` running as a child process.
type child struct {
	cmd     *exec.Cmd
	base    string // http://127.0.0.1:PORT
	started time.Time
	addrAt  time.Time
	done    chan error
	stderr  *os.File
}

var servingRe = regexp.MustCompile(`on (http://[^\s/]+)/`)

// startServe starts `dangan serve` on a free loopback port and returns once
// it says where it listens (or fails, or timeout passes).
func startServe(ctx context.Context, s *suite, archiveDir, dataDir, logPath string, extra ...string) (*child, error) {
	args := append([]string{"--archive", archiveDir, "--data", dataDir, "serve", "--addr", "127.0.0.1:0"}, extra...)
	cmd := s.cfg.Dangan(ctx, args...)
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	c := &child{cmd: cmd, done: make(chan error, 1), stderr: logf}
	c.started = time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start dangan serve: %w", err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := servingRe.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, out)
		c.done <- cmd.Wait()
	}()
	select {
	case a := <-addr:
		c.base, c.addrAt = a, time.Now()
		return c, nil
	case err := <-c.done:
		logf.Close()
		return nil, fmt.Errorf("dangan serve stopped before listening (%v): see %s", err, logPath)
	case <-time.After(10 * time.Minute):
		c.stop()
		return nil, fmt.Errorf("dangan serve did not listen within 10 minutes: see %s", logPath)
	}
}

// rss is the child's resident memory now and at its peak, in MB, from
// /proc (Linux).
func (c *child) rss() (now, peak float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		switch k {
		case "VmRSS":
			now = kb / 1024
		case "VmHWM":
			peak = kb / 1024
		}
	}
	return now, peak
}

// cpu is the CPU time the child has used so far (user and system), from
// /proc (Linux); zero when unknown. Per request, it does not depend on
// how busy the machine is the way wall-clock latency does.
func (c *child) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ is 100 on Linux
}

// stop interrupts the server (it shuts down and writes its profile) and
// waits for it.
func (c *child) stop() error {
	defer c.stderr.Close()
	c.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-c.done:
		return err
	case <-time.After(60 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
		return errors.New("dangan serve did not stop within 60 s of an interrupt; killed")
	}
}

// maxRSS is a finished child's peak resident memory in MB.
func maxRSS(ps *os.ProcessState) float64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return 0
}

// client does the suite's HTTP requests, on loopback only.
type client struct {
	http  *http.Client
	base  string
	token string
}

func newClient(base, token string, conns int) *client {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	return &client{http: &http.Client{Transport: tr, Timeout: 60 * time.Second}, base: base, token: token}
}

// get fetches a path and reads the whole answer; an answer other than 200
// is an error.
func (c *client) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return body, fmt.Errorf("GET %s: %s", path, res.Status)
	}
	return body, nil
}

// do sends a request with a JSON body and decodes a JSON answer into out
// (when not nil); it returns the status.
func (c *client) do(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if res.StatusCode/100 != 2 {
		return res.StatusCode, fmt.Errorf("%s %s: %s: %.200s", method, path, res.Status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return res.StatusCode, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return res.StatusCode, nil
}

// canSave tells whether the server saves records through its API
// (PUT /api/records/{path}): a save without content is refused as a bad
// request there, and is not found or not allowed where there is no such
// route.
func (c *client) canSave(ctx context.Context, path string) bool {
	st, _ := c.do(ctx, http.MethodPut, "/api/records/"+path, map[string]any{}, nil)
	return st == http.StatusBadRequest
}

// saveNote saves a record through the API with a line carrying a unique
// word added, as an editor would: read it with its version, send it back.
func (c *client) saveNote(ctx context.Context, path, word string) error {
	var rec struct {
		Version string `json:"version"`
		Content string `json:"content"`
	}
	if _, err := c.do(ctx, http.MethodGet, "/api/records/"+path, nil, &rec); err != nil {
		return err
	}
	_, err := c.do(ctx, http.MethodPut, "/api/records/"+path, map[string]any{
		"content": rec.Content + "\n备注 " + word + "\n", "version": rec.Version, "message": "bench: note " + word,
	}, nil)
	return err
}

func searchPath(q string) string { return "/search?q=" + url.QueryEscape(q) }
func apiSearchPath(q string) string {
	return "/api/search?q=" + url.QueryEscape(q)
}
