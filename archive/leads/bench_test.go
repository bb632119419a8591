//go:build unix

package leads_test

import (
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/demo"
	"github.com/dangan-archive/dangan/archive/leads"
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

// BenchmarkDerive10k derives every lead of the 10,000-customer demo: what
// the site does on each new commit.
func BenchmarkDerive10k(b *testing.B) {
	snap := demoArchive(b)
	b.ResetTimer()
	defer cpu(b)()
	n := 0
	for b.Loop() {
		n = len(leads.Derive(snap, snap.Settings.Leads, demo.DefaultToday))
	}
	b.ReportMetric(float64(n), "leads")
}

// BenchmarkDeriveCustomer is the incremental step: one customer again.
func BenchmarkDeriveCustomer(b *testing.B) {
	snap := demoArchive(b)
	f := snap.Customer(snap.CustomerIDs()[0])
	b.ResetTimer()
	defer cpu(b)()
	for b.Loop() {
		leads.DeriveCustomer(f, snap.Settings.Leads, demo.DefaultToday)
	}
}

// BenchmarkRedactAll is marketing's view of every lead.
func BenchmarkRedactAll(b *testing.B) {
	snap := demoArchive(b)
	ls := leads.Derive(snap, snap.Settings.Leads, demo.DefaultToday)
	hidden := func(f string) bool { return snap.Settings.Hidden("marketing", f) }
	b.ResetTimer()
	defer cpu(b)()
	for b.Loop() {
		leads.RedactAll(ls, hidden)
	}
}

// BenchmarkCacheOneCommit is the site's step after a commit that changed
// one customer: that customer derived again, then the merge.
func BenchmarkCacheOneCommit(b *testing.B) {
	snap := demoArchive(b)
	var c leads.Cache
	c.Derive(snap, snap.Settings.Leads, demo.DefaultToday)
	id := snap.CustomerIDs()[0]
	f := snap.Customer(id)
	var files []archive.File
	for _, r := range f.Records() {
		files = append(files, archive.File{Path: r.Path, Data: []byte("---\nkind: " + string(r.Kind) + "\n---\n")})
	}
	b.ResetTimer()
	defer cpu(b)()
	for i := 0; b.Loop(); i++ {
		// Alternate between two versions so that every step re-derives.
		s := snap
		if i%2 == 0 {
			b.StopTimer()
			s = snap.With("changed", files[:1], nil)
			b.StartTimer()
		}
		c.Derive(s, snap.Settings.Leads, demo.DefaultToday)
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
