//go:build unix

package health_test

import (
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/demo"
	"github.com/dangan-archive/dangan/archive/health"
)

var (
	demoOnce sync.Once
	demoSnap *archive.Snapshot
	demoErr  error
)

// demoArchive is the 10,000-customer demo archive at its last commit,
// generated in memory once per run.
func demoArchive(b *testing.B) *archive.Snapshot {
	b.Helper()
	demoOnce.Do(func() {
		demoSnap, demoErr = demo.Snapshot(demo.Options{Customers: 10000, Seed: 1}, "demo")
	})
	if demoErr != nil {
		b.Fatal(demoErr)
	}
	return demoSnap
}

// BenchmarkCheck10k judges every customer of the 10,000-customer demo
// (without history: authorship needs git).
func BenchmarkCheck10k(b *testing.B) {
	snap := demoArchive(b)
	users := health.Staff(snap)
	b.ResetTimer()
	defer cpu(b)()
	for b.Loop() {
		if _, err := health.Check(snap, health.Options{At: demo.DefaultToday, Users: users}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckCustomerSummarize is the site's incremental step: one
// customer judged again, then the archive summed up.
func BenchmarkCheckCustomerSummarize(b *testing.B) {
	snap := demoArchive(b)
	opt := health.Options{At: demo.DefaultToday, Users: health.Staff(snap)}
	r, err := health.Check(snap, opt)
	if err != nil {
		b.Fatal(err)
	}
	f := snap.Customer(snap.CustomerIDs()[0])
	b.ResetTimer()
	defer cpu(b)()
	for b.Loop() {
		c, err := health.CheckCustomer(f, snap.Settings, opt)
		if err != nil {
			b.Fatal(err)
		}
		r.Customers[0] = c
		health.Summarize(r.Customers, opt.At)
	}
}

// cpu reports the process's CPU time per operation beside the wall time:
// on a shared machine the wall time says more about the neighbours.
func cpu(b *testing.B) func() {
	start := cpuNow()
	return func() {
		b.ReportMetric(float64((cpuNow()-start)/time.Microsecond)/float64(b.N)/1000, "cpu-ms/op")
	}
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
