package bench

import (
	"context"
	"testing"

	"github.com/dangan-archive/dangan/archive/demo"
)

// BenchmarkSegmentFloor is the segmenter floor on a 100-customer demo
// archive: where the index build's time goes, profiled with
// go test -bench SegmentFloor -cpuprofile.
func BenchmarkSegmentFloor(b *testing.B) {
	dir := b.TempDir()
	if _, err := demo.Write(context.Background(), dir, demo.Options{Customers: 100, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	texts, size, _, err := markdown(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	tok, err := zhTokenizer()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		segmentFloor(tok, texts)
	}
}

func TestSegmentFloor(t *testing.T) {
	tok, err := zhTokenizer()
	if err != nil {
		t.Fatal(err)
	}
	_, n := segmentFloor(tok, [][]byte{[]byte("核心交换机光衰偏高"), []byte("Huawei S5731 firmware")})
	if n < 4 {
		t.Errorf("%d tokens from two short texts, want at least 4", n)
	}
}
