package bench

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// Machine is where the figures were measured.
type Machine struct {
	CPU      string `json:"cpu"`
	Cores    int    `json:"cores"`
	MemoryMB int    `json:"memory_mb"`
	OS       string `json:"os"`
	Kernel   string `json:"kernel,omitempty"`
	// Load is /proc/loadavg before and after the run: the machine may be
	// shared, and other work slows every figure.
	LoadBefore string `json:"load_before"`
	LoadAfter  string `json:"load_after"`
}

// Versions are the programs measured and compared.
type Versions struct {
	Go      string `json:"go"`
	Dangan  string `json:"dangan"`
	Git     string `json:"git"`
	Ripgrep string `json:"ripgrep,omitempty"` // empty: not installed
}

func machine() Machine {
	m := Machine{Cores: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, LoadBefore: loadavg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			if ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
				m.MemoryMB = kb / 1024
			}
		}
	}
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				m.OS = strings.Trim(v, `"`) + " (" + m.OS + ")"
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// loadavg is the first three fields of /proc/loadavg (1, 5, 15 minutes).
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func versions(ctx context.Context, dangan string) Versions {
	v := Versions{Go: runtime.Version(), Dangan: dangan}
	v.Git = firstLine(ctx, "git", "--version")
	v.Ripgrep = firstLine(ctx, "rg", "--version")
	return v
}

// firstLine is the first line a program prints, "" when it cannot run.
func firstLine(ctx context.Context, name string, args ...string) string {
	out, err := exec.CommandContext(ctx, name, args...).Output()
	if err != nil {
		return ""
	}
	s, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(s)
}
