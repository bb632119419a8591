package diagram

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/dangan-archive/dangan/archive"
)

// Input is what to draw: one customer's topology and devices, for a viewer.
type Input struct {
	// Customer is the customer id; it only locates problems.
	Customer string
	Topology archive.Topology
	Devices  []archive.Device
	Options  Options
}

// Options say what the viewer may see.
type Options struct {
	// Hide lists fields the viewer may not see, written as in dangan.yaml
	// ("devices.serial", "devices.mgmt_ip"); a parent hides its children
	// ("topology" hides the whole drawing).
	Hide []string
	// Show lists the optional device fields to write on the boxes when not
	// hidden: "devices.mgmt_ip", "devices.serial", "devices.location",
	// "devices.firmware". Nil means the management address only. Role, id
	// and vendor/model are always written unless hidden.
	Show []string
}

func (o Options) hidden(field string) bool {
	for _, h := range o.Hide {
		if h == field || strings.HasPrefix(field, h+".") {
			return true
		}
	}
	return false
}

func (o Options) shown() []string {
	if o.Show == nil {
		return []string{"devices.mgmt_ip"}
	}
	return o.Show
}

// Output is a drawing ready to inline in a page.
type Output struct {
	// SVG is a standalone SVG document with no script, link, event handler
	// or external reference; nil when there is nothing to draw.
	SVG []byte
	// Problems are what the drawing had to guess: links to devices that are
	// not in devices.md (drawn dashed as "未知设备"), duplicate ids.
	Problems []archive.Problem
	// Simplified is set when the drawing is not the full layered diagram:
	// a big topology drawn with the force-directed layout, or a summary.
	Simplified bool
	// Message says why, in Chinese, for the page; "" when all is drawn.
	Message string
}

// Config sets up a Renderer; the zero value is usable.
type Config struct {
	// Engine lays graphs out; nil means Graphviz (in process).
	Engine Engine
	// Timeout bounds one drawing; past it the page gets a summary.
	// Default 5 s (the 754-node Kdl topology takes about 0.5 s).
	Timeout time.Duration
	// MaxDotNodes is the largest graph drawn with the layered layout
	// (dot); bigger ones use sfdp, which is quicker and more compact.
	// Default 300.
	MaxDotNodes int
	// MaxNodes is the largest graph laid out at all; bigger ones get the
	// summary straight away. Default 3000.
	MaxNodes int
	// CacheEntries and CacheBytes bound the cache of drawings. Defaults
	// 256 entries and 64 MB.
	CacheEntries int
	CacheBytes   int
	Logger       *slog.Logger
}

// Renderer draws topologies as SVG and keeps recent drawings. It is safe
// for concurrent use.
type Renderer struct {
	cfg   Config
	cache *lru
}

// New returns a Renderer with cfg's zero fields set to their defaults.
func New(cfg Config) *Renderer {
	if cfg.Engine == nil {
		cfg.Engine = Graphviz{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.MaxDotNodes <= 0 {
		cfg.MaxDotNodes = 300
	}
	if cfg.MaxNodes <= 0 {
		cfg.MaxNodes = 3000
	}
	if cfg.CacheEntries <= 0 {
		cfg.CacheEntries = 256
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = 64 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Renderer{cfg: cfg, cache: newLRU(cfg.CacheEntries, cfg.CacheBytes)}
}

// SVG draws in. It returns an error only when ctx ends before the drawing
// does for reasons of the caller's own (the client went away); a slow or
// failing layout gives a summary drawing with a Message instead, so the page
// can always show something.
//
// Drawings are cached by the hash of the DOT source built from the input
// and options: it holds exactly what is drawn, so two viewers who see the
// same fields share an entry and hidden fields never reach the cache key.
func (r *Renderer) SVG(ctx context.Context, in Input) (Output, error) {
	if err := ctx.Err(); err != nil {
		return Output{}, err
	}
	if in.Options.hidden("topology") {
		return Output{Message: "当前角色不能查看拓扑图。"}, nil
	}
	g := build(in)
	n := len(g.nodes)
	switch {
	case n == 0:
		return Output{Problems: g.problems, Message: "还没有登记设备和链路，暂无拓扑图。"}, nil
	case n > r.cfg.MaxNodes:
		return Output{SVG: summary(g, "节点太多，只显示汇总"), Problems: g.problems, Simplified: true,
			Message: fmt.Sprintf("拓扑有 %d 个节点，超过画图上限 %d，只显示汇总。", n, r.cfg.MaxNodes)}, nil
	}
	layout, simple, msg := "dot", false, ""
	if n > r.cfg.MaxDotNodes {
		layout, simple = "sfdp", true
		msg = fmt.Sprintf("拓扑有 %d 个节点，已改用简化布局：不显示链路标注和设备型号。", n)
	}
	src := g.dot(simple)
	key := sha256.Sum256(append([]byte(layout+"\x00"), src...))
	if out, ok := r.cache.get(key); ok {
		out.Problems = g.problems
		return out, nil
	}

	rctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	type result struct {
		out Output
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		// The engine may finish after SVG has given up (the in-process
		// engine cannot be stopped): the drawing still goes in the cache,
		// so the next visit to the page gets it.
		raw, err := r.cfg.Engine.Render(rctx, src, layout)
		var out Output
		if err == nil {
			out.SVG, err = sanitize(raw)
		}
		if err == nil {
			out.Simplified, out.Message = simple, msg
			r.cache.put(key, out)
		}
		done <- result{out, err}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			if ctx.Err() != nil {
				return Output{}, ctx.Err()
			}
			if rctx.Err() != nil {
				return r.timedOut(in, g, n), nil
			}
			r.cfg.Logger.Error("draw topology", "customer", in.Customer, "nodes", n, "layout", layout, "err", res.err)
			return Output{SVG: summary(g, "拓扑图生成失败，只显示汇总"), Problems: g.problems, Simplified: true,
				Message: "拓扑图生成失败，已记录错误，先显示汇总。"}, nil
		}
		r.cfg.Logger.Debug("draw topology", "customer", in.Customer, "nodes", n, "layout", layout, "took", time.Since(start))
		res.out.Problems = g.problems
		return res.out, nil
	case <-rctx.Done():
		if ctx.Err() != nil {
			return Output{}, ctx.Err()
		}
		return r.timedOut(in, g, n), nil
	}
}

func (r *Renderer) timedOut(in Input, g *graph, n int) Output {
	r.cfg.Logger.Warn("draw topology: timed out", "customer", in.Customer, "nodes", n, "timeout", r.cfg.Timeout)
	return Output{SVG: summary(g, "拓扑图生成超时，只显示汇总"), Problems: g.problems, Simplified: true,
		Message: fmt.Sprintf("拓扑有 %d 个节点，%s 内没能画完，先显示汇总；稍后刷新页面再看完整拓扑图。", n, r.cfg.Timeout)}
}
