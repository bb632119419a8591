// Package diagram draws a customer's topology as SVG on the server, from
// the topology and device records, for the customer page.
//
// # What is drawn
//
// The operator's side (topology.md's external nodes) is at the top
// (rank=source, top to bottom). Each device box says its role (and status),
// id, vendor and model, and the management address unless the viewer may
// not see it; serials, locations and firmware only when Options.Show asks
// and Options.Hide allows. Links carry medium and bandwidth; fiber is thick
// blue, copper thin brown, wireless dotted green. Faulty devices are red,
// standby grey, removed grey and dotted. A link to an id that is neither a
// device nor an external node is drawn dashed to a "未知设备" box and
// reported in Output.Problems: nothing is dropped.
//
// The SVG is rebuilt from graphviz's output keeping only drawing elements
// and attributes (sanitize.go), so it can be inlined under a strict
// Content-Security-Policy: no script, link, event handler, id, style or
// external reference survives, and labels are text. Text uses the font list
// FontFamily; the browser draws it, the server needs no fonts. Graphviz has
// Latin metrics only and makes Chinese labels about a quarter too narrow, so
// boxes get a width hint at one em per wide character (TestCJKWidth).
//
// # Layout engine: go-graphviz, measured
//
// Layout is Graphviz's, not ours. Two ways to run it were measured on the
// topology-zoo files converted with archive/topofile (three-line labels,
// 2-core AMD EPYC, load from other work present; go test -bench . -benchtime 5x):
//
//	file          nodes  layout  go-graphviz (wasm)   dot/sfdp binary
//	Abilene          11  dot        3 ms                22 ms (process start)
//	Chinanet         42  dot       23 ms                35 ms
//	Cernet           41  dot       26 ms                28 ms
//	Uninett2011      69  dot       39 ms                69 ms
//	Cogentco        197  dot      148 ms               104 ms
//	Kdl             754  sfdp    1.08 s (0.6 s idle)   0.53 s
//	Kdl             754  dot     0.42 s idle           0.18 s idle
//	Kdl             754  neato   7.5 s                 0.9 s
//
// Memory: a process rendering all six with go-graphviz peaks at about
// 50 MB RSS, the dot binary at 49 MB for Kdl. The whole Renderer
// (BenchmarkRender: records → DOT → layout → sanitized SVG) adds little:
// Kdl 0.74 s, 79 MB allocated, 695 KB of SVG.
//
// go-graphviz (Graphviz 12 in WebAssembly, pure Go) is the default Engine:
// `go run ./cmd/dangan serve` works on a fresh machine and in CI, and it is
// as fast as the binary up to a few hundred nodes, which covers real
// customers. Its costs, and what this package does about them:
//
//   - One WebAssembly instance per process, not safe for concurrent use:
//     every render takes one shared slot (Graphviz, wasmSlot).
//   - A layout cannot be interrupted. Graphs over Config.MaxDotNodes (300)
//     use sfdp with overlap=scale (overlap=false took 15 s on Kdl) and
//     drop edge labels; over Config.MaxNodes (3000) get a summary without
//     layout; past Config.Timeout (5 s) the page gets the summary and the
//     drawing, when it finishes, goes into the cache for the next visit.
//     Waiting for the slot does stop at the deadline.
//   - go-graphviz v0.2.10 never frees the strings it passes in and out of
//     the instance (DOT source, SVG output): about the size of both per
//     render (2000 renders of a tiny graph: heap 5 → 13 MB; Cogentco about
//     0.25 MB a render). The content cache (256 drawings, 64 MB) means a
//     drawing is made once per change of records, not per page view. A
//     site that renders heavily should use Command (Debian's graphviz,
//     `dangan serve --graphviz dot`), which is faster on big graphs and
//     killable at the deadline.
//   - Compiling the module costs about 0.6 s at start-up, once per
//     machine: wazero caches the compiled code in $TMPDIR/go-graphviz.
//
// # Cache
//
// Drawings are cached by the SHA-256 of the DOT source built from records
// and options: it holds exactly what is drawn, so viewers who see the same
// fields share an entry and hidden values never reach the cache.
package diagram
