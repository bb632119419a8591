package gitstore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

func randomPath(rng *rand.Rand) string {
	dirs := []string{"customers/a", "customers/b", "customers/b/visits", "customers/c/notes", "guides", ""}
	d := dirs[rng.IntN(len(dirs))]
	name := fmt.Sprintf("f%d.md", rng.IntN(6))
	if d == "" {
		return name
	}
	return d + "/" + name
}

func randomText(rng *rand.Rand, i int) string {
	var sb strings.Builder
	for range 1 + rng.IntN(8) {
		fmt.Fprintf(&sb, "line %d of commit %d\n", rng.IntN(5), i)
	}
	return sb.String()
}

func sortStrings(s []string) { slices.Sort(s) }
