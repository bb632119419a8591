package index_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/demo"
	"github.com/dangan-archive/dangan/index"
)

// Benchmarks over the 10,000-customer demo archive (archive/demo, seed 1,
// about 100,000 records), the size the targets of docs/BENCHMARKS.md are
// set for:
//
//	go test ./index -run '^$' -bench 'Search10k' -benchtime 1x -cpuprofile cpu.prof
//	go tool pprof -top index.test cpu.prof
//
// The index is built once and kept in $DANGAN_BENCH_CACHE (default: a
// folder under the system's temporary directory), reused while it is at
// the demo's commit and of this program's schema; generating the archive
// and building it takes about a minute. The query set is
// testdata/queries.txt (index.BenchQueries).

var update = flag.Bool("update", false, "rewrite generated testdata files (testdata/queries.txt)")

var demo10k = demo.Options{Customers: 10000, Seed: 1}

// demoCommit names the snapshot of a generated demo archive.
func demoCommit(o demo.Options) string {
	return fmt.Sprintf("demo-%d-seed%d", o.Customers, o.Seed)
}

var (
	demoIxMu sync.Mutex
	demoIx   = map[string]*index.Index{}
)

// demoIndex opens the cached index of a demo archive, building it when
// the cache is missing or out of date.
func demoIndex(b *testing.B, o demo.Options) *index.Index {
	demoIxMu.Lock()
	defer demoIxMu.Unlock()
	commit := demoCommit(o)
	if ix := demoIx[commit]; ix != nil {
		return ix
	}
	root := os.Getenv("DANGAN_BENCH_CACHE")
	if root == "" {
		root = filepath.Join(os.TempDir(), "dangan-index-bench")
	}
	ix, err := index.Open(filepath.Join(root, commit))
	if err != nil {
		b.Fatal(err)
	}
	if ix.Stale() != "" || ix.Commit() != commit {
		start := time.Now()
		files := demoFiles(b, o)
		md := 0
		for _, d := range files {
			md += len(d)
		}
		snap := snapshot(b, commit, files)
		gen := time.Since(start)
		cpu0 := cpuTime()
		if err := ix.Rebuild(context.Background(), snap, nil); err != nil {
			b.Fatal(err)
		}
		took, cpu := time.Since(start)-gen, cpuTime()-cpu0
		// bleve removes the files of merged segments in the background
		// after the swap: wait for them to go before measuring the size.
		size := dirSize(b, filepath.Join(root, commit))
		for range 50 {
			time.Sleep(100 * time.Millisecond)
			if s := dirSize(b, filepath.Join(root, commit)); s < size {
				size = s
			} else {
				break
			}
		}
		b.Logf("demo index %s built: archive generated in %s, indexed in %s (CPU %s); %d records, %.1f MB of files, index %.2f times that",
			commit, gen.Round(time.Millisecond), took.Round(time.Millisecond), cpu.Round(time.Millisecond), snap.Len(), float64(md)/(1<<20),
			float64(size)/float64(md))
	}
	demoIx[commit] = ix
	return ix
}

// BenchmarkSearch10k runs every query of testdata/queries.txt once per
// iteration from 8 concurrent clients, with facets, as the marketing role
// (hidden fields and restricted customers filtered), as a technician (the
// restricted customers other than theirs filtered: what dangan bench's
// searches run as) and unfiltered, and reports the median and 99th
// percentile of one query's latency and the CPU time per query.
func BenchmarkSearch10k(b *testing.B) {
	if testing.Short() {
		b.Skip("the 10,000-customer demo index takes a minute to build; skipped with -short")
	}
	qs, err := index.BenchQueries()
	if err != nil {
		b.Fatal(err)
	}
	ix := demoIndex(b, demo10k)
	for _, tc := range []struct {
		name   string
		filter index.Filter
		facets bool
	}{
		{"marketing+facets", marketing, true},
		{"technician+facets", index.Filter{AllowRestricted: []string{"mz-renmin-hospital"}}, true},
		{"all+facets", all, true},
		{"all", all, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			cpu0 := cpuTime()
			took := runQueries(b, ix, qs, tc.filter, tc.facets)
			reportPercentiles(b, took)
			// CPU time per query: what the machine spends, less sensitive
			// than latency to other work running on it.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(len(took)), "cpu-ms/query")
			b.ReportMetric(float64(len(qs)), "queries")
		})
	}
}

// cpuTime is the CPU time this process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runQueries sends each query of qs once per b.N from 8 clients.
func runQueries(b *testing.B, ix *index.Index, qs []string, f index.Filter, facets bool) []time.Duration {
	ctx := context.Background()
	var took []time.Duration
	var mu sync.Mutex
	b.ResetTimer()
	for range b.N {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				for {
					i := int(next.Add(1)) - 1
					if i >= len(qs) {
						break
					}
					start := time.Now()
					if _, err := ix.Search(ctx, index.Request{Query: qs[i], Facets: facets, Filter: f}); err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(start))
				}
				mu.Lock()
				took = append(took, mine...)
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	return took
}

// BenchmarkSearch10kEach runs each kind of query alone (one client), to
// see which kinds are slow: go test -bench Search10kEach -benchtime 20x.
func BenchmarkSearch10kEach(b *testing.B) {
	if testing.Short() {
		b.Skip("the 10,000-customer demo index takes a minute to build; skipped with -short")
	}
	ix := demoIndex(b, demo10k)
	for _, q := range []string{"交换机", "机房", "光模块", "S5735", "huawei", "10.16", `"光衰偏高"`, "交换机 故障", "vendor:华为 kind:devices", "云主机", "弱电机房"} {
		b.Run(q, func(b *testing.B) {
			ctx := context.Background()
			var res *index.Result
			for range b.N {
				var err error
				res, err = ix.Search(ctx, index.Request{Query: q, Facets: true, Filter: marketing})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Total), "hits")
		})
	}
}

// BenchmarkRebuildDemo10k builds the index of the 10,000-customer demo
// archive from a snapshot in memory (the archive generated beforehand).
func BenchmarkRebuildDemo10k(b *testing.B) {
	if testing.Short() {
		b.Skip("the 10,000-customer demo index takes a minute to build; skipped with -short")
	}
	files := demoFiles(b, demo10k)
	md := 0
	for _, d := range files {
		md += len(d)
	}
	snap := snapshot(b, demoCommit(demo10k), files)
	b.ResetTimer()
	for range b.N {
		dir := b.TempDir()
		ix, err := index.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		if err := ix.Rebuild(context.Background(), snap, nil); err != nil {
			b.Fatal(err)
		}
		ix.Close()
		b.ReportMetric(float64(dirSize(b, dir))/float64(md), "size/md")
	}
	b.ReportMetric(float64(snap.Len()), "records")
	b.ReportMetric(float64(md)/(1<<20), "md-MB")
}

// TestBenchQueries checks the query set: enough queries, every one
// readable. With -update it regenerates testdata/queries.txt from the
// 10,000-customer demo archive (a minute).
func TestBenchQueries(t *testing.T) {
	if *update {
		writeBenchQueries(t)
	}
	qs, err := index.BenchQueries()
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 500 {
		t.Errorf("%d queries, the benchmark needs at least 500", len(qs))
	}
	ix := mustBuild(t, fixture(t), index.Options{})
	for _, q := range qs {
		if _, err := ix.Search(context.Background(), index.Request{Query: q, Size: 1}); err != nil {
			t.Errorf("query %q: %v", q, err)
		}
	}
}

// writeBenchQueries samples the query set from the demo archive: words of
// the trade (frequent ones included), English words, identifiers taken
// from the devices (models, serials, IPs and their prefixes, customer
// ids), two-word queries, quoted phrases cut from visit reports, and
// field filters. Only words that occur in the archive are kept, so that
// every query finds something.
func writeBenchQueries(t *testing.T) {
	files := demoFiles(t, demo10k)
	r := rand.New(rand.NewPCG(1, 2))
	var all strings.Builder
	var paths []string
	for p, d := range files {
		if strings.HasSuffix(p, ".md") {
			paths = append(paths, p)
			all.Write(d)
			all.WriteByte('\n')
		}
	}
	slices.Sort(paths)
	text := all.String()
	present := func(ws []string) []string {
		var out []string
		for _, w := range ws {
			if strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
				out = append(out, w)
			}
		}
		return out
	}
	zh := present(strings.Fields(`交换机 机房 光模块 智慧校园 冷链仓库 光衰 掉线 断网 环路 防火墙 监控 摄像头 云主机 天翼云 专线 扩容 搬迁 割接
		门禁 风扇 光猫 路由器 无线 巡检 故障 维修 安装 培训 勘察 备件 电源 硬盘 录像机 核心交换机 接入交换机 汇聚交换机 宽带 带宽 光纤 尾纤 跳线
		机柜 空调 温度 告警 升级 固件 配置 端口 链路 中断 恢复 重启 更换 测试 验收 合同 续约 报价 需求 商机 学校 医院 卫生院 政府 银行 超市 酒店
		仓库 工厂 合作社 教育 医疗 物流 农业 营业厅 弱电 弱电间 综合布线 网络 设备 服务器 存储 备份 安全 等保 视频 会议 电话 语音 物联网 校园网
		班班通 多媒体 信息化 机顶盒 天翼 翼企 光衰偏高 丢包 延迟 网速 卡顿 停电 雷击 老化 过保 停产 替换 采购 预算 投标 中标 客户经理 联系人 机架
		UPS 蓄电池 接地 防雷 标签 整改 图纸 拓扑 地址 米脂 银州 十里铺 桃镇 龙镇 杨家店 沙家店 印斗 郭兴庄 石沟 城郊 高渠 杜家石沟`))
	en := present(strings.Fields(`Huawei ZTE H3C Ruijie Cisco Hikvision TP-LINK Dahua Fiberhome Sangfor Inspur Lenovo fiber copper OLT ONU PON
		AP VLAN OSPF BGP NAT VPN SFP PoE firmware switch router firewall inspection repair install survey training NVR DVR IPTV WiFi ERP OA
		LAN WAN UPS IP SN`))
	re := func(expr string) []string {
		seen := map[string]bool{}
		var out []string
		for _, m := range regexp.MustCompile(expr).FindAllStringSubmatch(text, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
		slices.Sort(out)
		return out
	}
	models := re(`(?m)^\s+model: "?([^"\n]+?)"?$`)
	serials := re(`(?m)^\s+serial: "?([^"\n]+?)"?$`)
	ips := re(`(?m)^\s+mgmt_ip: ([0-9.]+)$`)
	var customers []string
	for _, p := range paths {
		if c := archive.CustomerOf(p); c != "" && (len(customers) == 0 || customers[len(customers)-1] != c) {
			customers = append(customers, c)
		}
	}
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	var qs []string
	add := func(n int, f func() string) {
		for range n {
			qs = append(qs, f())
		}
	}
	// Frequent words are asked often: 交换机, 机房, 故障 in every tenth query.
	add(30, func() string { return pick([]string{"交换机", "机房", "故障", "光模块", "监控"}) })
	add(130, func() string { return pick(zh) })
	add(40, func() string { return pick(en) })
	add(40, func() string { return pick(models) })
	add(20, func() string { m := pick(models); return m[:min(len(m), 5)] })
	add(40, func() string { return pick(serials) })
	add(30, func() string { return pick(ips) })
	add(20, func() string { ip := pick(ips); return ip[:strings.LastIndex(ip, ".")] })
	add(20, func() string { return pick(customers) })
	add(70, func() string { return pick(zh) + " " + pick(zh) })
	han := regexp.MustCompile(`\p{Han}{4,8}`)
	visits := slices.DeleteFunc(slices.Clone(paths), func(p string) bool { return !strings.Contains(p, "/visits/") })
	add(50, func() string {
		for {
			body := string(files[pick(visits)])
			if _, b, ok := strings.Cut(body[3:], "\n---\n"); ok {
				if ms := han.FindAllString(b, -1); len(ms) > 0 {
					rs := []rune(pick(ms))
					n := 4 + r.IntN(min(3, len(rs)-3))
					return `"` + string(rs[:n]) + `"`
				}
			}
		}
	})
	add(40, func() string {
		return pick([]string{"vendor:华为", "vendor:Huawei", "kind:visit", "kind:devices", "status:faulty", "industry:教育", "industry:医疗",
			"warranty_until:<2026-01-01", "eol:<2027-06-30", "date:2026-01-01..2026-06-30", "kind:note", "status:follow_up"}) + " " + pick(zh)
	})
	add(20, func() string { return pick(zh) + " -" + pick(zh) })
	r.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	var b strings.Builder
	b.WriteString("# The search benchmark's query set (index.BenchQueries), one query a line,\n")
	b.WriteString("# sampled from the 10,000-customer demo archive (seed 1) by TestBenchQueries:\n")
	b.WriteString("#   go test ./index -run TestBenchQueries -update\n")
	for _, q := range qs {
		b.WriteString(q + "\n")
	}
	if err := os.WriteFile("testdata/queries.txt", []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d queries (%d Chinese words, %d English, %d models, %d serials, %d IPs present)", len(qs), len(zh), len(en), len(models), len(serials), len(ips))
}
