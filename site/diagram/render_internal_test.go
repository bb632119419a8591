package diagram

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

// fakeEngine counts calls and can be held until the test lets it go. Like
// the in-process engine, it does not stop when its context ends.
type fakeEngine struct {
	calls   atomic.Int32
	release chan struct{} // nil: answer at once
	err     error
}

func (f *fakeEngine) Render(ctx context.Context, src []byte, layout string) ([]byte, error) {
	f.calls.Add(1)
	if f.release != nil {
		<-f.release
	}
	if f.err != nil {
		return nil, f.err
	}
	return []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt"><g class="graph"><text>` + layout + `</text></g></svg>`), nil
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func small(role string) Input {
	return Input{Customer: "c", Devices: []archive.Device{{ID: "a", Role: role}, {ID: "b"}}, Topology: archive.Topology{Links: []archive.Link{{From: "a", To: "b"}}}}
}

func TestCacheByContent(t *testing.T) {
	eng := &fakeEngine{}
	r := New(Config{Engine: eng, CacheEntries: 2, Logger: quiet()})
	ctx := context.Background()
	steps := []struct {
		in        Input
		wantCalls int32
	}{
		{small("x"), 1},
		{small("x"), 1}, // same records: cached
		{func() Input { in := small("x"); in.Devices[0].Serial = "S1"; return in }(), 1},       // serial not drawn: same drawing
		{func() Input { in := small("x"); in.Devices[0].MgmtIP = "10.0.0.1"; return in }(), 2}, // address drawn
		{func() Input {
			in := small("x")
			in.Devices[0].MgmtIP = "10.0.0.1"
			in.Options.Hide = []string{"devices.mgmt_ip"}
			return in
		}(), 2}, // hidden: as the first
		{small("y"), 3},
		{small("z"), 4}, // evicts the least recently used ("x" with address)
		{func() Input { in := small("x"); in.Devices[0].MgmtIP = "10.0.0.1"; return in }(), 5},
	}
	for i, s := range steps {
		if _, err := r.SVG(ctx, s.in); err != nil {
			t.Fatal(err)
		}
		if got := eng.calls.Load(); got != s.wantCalls {
			t.Errorf("step %d: engine called %d times, want %d", i, got, s.wantCalls)
		}
	}
	if n := r.cache.len(); n != 2 {
		t.Errorf("cache holds %d entries, want its bound 2", n)
	}
}

func TestCacheBytes(t *testing.T) {
	c := newLRU(10, 100)
	for i := range 5 {
		c.put([32]byte{byte(i)}, Output{SVG: make([]byte, 40)})
	}
	if c.len() != 2 || c.bytes != 80 {
		t.Errorf("len %d, bytes %d; want 2 entries, 80 bytes", c.len(), c.bytes)
	}
	if _, ok := c.get([32]byte{4}); !ok {
		t.Error("newest entry evicted")
	}
	c.put([32]byte{9}, Output{SVG: make([]byte, 101)})
	if _, ok := c.get([32]byte{9}); ok {
		t.Error("entry larger than the bound was kept")
	}
}

// TestTimeout: a layout that does not finish in time gives the summary at
// the deadline, and its drawing still reaches the cache when it ends.
func TestTimeout(t *testing.T) {
	eng := &fakeEngine{release: make(chan struct{})}
	r := New(Config{Engine: eng, Timeout: 50 * time.Millisecond, Logger: quiet()})
	in := small("x")
	in.Topology.Links = append(in.Topology.Links, archive.Link{From: "a", To: "ghost"})
	out, err := r.SVG(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Simplified || !strings.Contains(out.Message, "没能画完") || !bytes.Contains(out.SVG, []byte("未知设备")) || len(out.Problems) != 1 {
		t.Errorf("got %+v, want the summary with a message and the problem", out)
	}
	mustParse(t, out.SVG)
	close(eng.release)
	deadline := time.Now().Add(time.Minute)
	for r.cache.len() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the late drawing never reached the cache")
		}
		time.Sleep(time.Millisecond)
	}
	out, _ = r.SVG(context.Background(), in)
	if out.Simplified || !bytes.Contains(out.SVG, []byte(">dot<")) || eng.calls.Load() != 1 {
		t.Errorf("after the late drawing: %+v, %d calls; want the cached drawing", out, eng.calls.Load())
	}
}

// TestWaitForSlot: the real engine gives up waiting for the shared
// instance when the request's time is over, instead of queueing forever.
func TestWaitForSlot(t *testing.T) {
	wasmSlot.ch <- struct{}{} // another render holds the instance
	defer func() { <-wasmSlot.ch }()
	r := New(Config{Timeout: 20 * time.Millisecond, Logger: quiet()})
	out, err := r.SVG(context.Background(), small("x"))
	if err != nil || !out.Simplified || out.SVG == nil {
		t.Errorf("got %+v, %v; want the summary", out, err)
	}
}

func TestCallerGone(t *testing.T) {
	r := New(Config{Engine: &fakeEngine{}, Logger: quiet()})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.SVG(ctx, small("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestEngineFails(t *testing.T) {
	r := New(Config{Engine: &fakeEngine{err: errors.New("boom")}, Logger: quiet()})
	out, err := r.SVG(context.Background(), small("x"))
	if err != nil || !out.Simplified || !strings.Contains(out.Message, "失败") {
		t.Errorf("got %+v, %v; want the summary saying the drawing failed", out, err)
	}
	mustParse(t, out.SVG)
}

func TestLimits(t *testing.T) {
	eng := &fakeEngine{}
	r := New(Config{Engine: eng, MaxDotNodes: 2, MaxNodes: 3, Logger: quiet()})
	var in Input
	for i := range 3 {
		in.Devices = append(in.Devices, archive.Device{ID: fmt.Sprint(i)})
	}
	out, _ := r.SVG(context.Background(), in)
	if !out.Simplified || !bytes.Contains(out.SVG, []byte(">sfdp<")) {
		t.Errorf("3 nodes over MaxDotNodes 2: %s, want sfdp", out.SVG)
	}
	in.Devices = append(in.Devices, archive.Device{ID: "3"})
	out, _ = r.SVG(context.Background(), in)
	if !out.Simplified || !strings.Contains(out.Message, "上限") || eng.calls.Load() != 1 {
		t.Errorf("4 nodes over MaxNodes 3: %+v, %d calls; want the summary without layout", out, eng.calls.Load())
	}
	mustParse(t, out.SVG)
}

func mustParse(t *testing.T, b []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := dec.Token(); err == io.EOF {
			return
		} else if err != nil {
			t.Fatalf("invalid SVG: %v\n%s", err, b)
		}
	}
}

// FuzzSanitize: whatever comes in, what comes out parses and holds only
// allowed elements and attributes.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg" onload="x()"><script>x()</script><g id="a"><text x="1">&lt;b&gt;</text></g></svg>`,
		`<?xml version="1.0"?><!DOCTYPE svg><!-- c --><svg><a xlink:href="javascript:x" xmlns:xlink="http://www.w3.org/1999/xlink"><text>t</text></a><rect fill="url(#x)"/></svg>`,
		`<svg><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject><text>&#160; a &#160;</text></svg>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := sanitize(in)
		if err != nil {
			return
		}
		dec := xml.NewDecoder(bytes.NewReader(out))
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("output does not parse: %v\n%s", err, out)
			}
			if se, ok := tok.(xml.StartElement); ok {
				if !allowedElements[se.Name.Local] {
					t.Fatalf("element %s kept", se.Name.Local)
				}
				for _, a := range se.Attr {
					if !allowedAttrs[a.Name.Local] && a.Name.Local != "xmlns" && a.Name.Local != "role" && a.Name.Local != "font-family" {
						t.Fatalf("attribute %s kept", a.Name.Local)
					}
				}
			}
		}
	})
}

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<svg onload="x"><script>alert(1)</script><g id="a" class="node"><title>n0</title><text x="1" font-family="Times">&lt;b&gt; &#160;</text></g></svg><svg><text>second</text></svg>`,
			`<svg xmlns="http://www.w3.org/2000/svg" role="img" font-family="` + escText(FontFamily) + `"><g class="node"><text x="1">&lt;b&gt;</text></g></svg>`},
		{`<!DOCTYPE svg><!-- c --><svg xmlns:x="http://www.w3.org/1999/xlink"><a x:href="javascript:x"><text>t</text></a><rect fill="url(#g)" stroke="red"/></svg>`,
			`<svg xmlns="http://www.w3.org/2000/svg" role="img" font-family="` + escText(FontFamily) + `"><rect stroke="red"></rect></svg>`},
	}
	for _, tt := range tests {
		got, err := sanitize([]byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("sanitize(%s)\n got %s, %v\nwant %s", tt.in, got, err, tt.want)
		}
	}
	if _, err := sanitize([]byte(`<g/>`)); err == nil {
		t.Error("no <svg>: want an error")
	}
}
