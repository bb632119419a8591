package index

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/dangan-archive/dangan/archive/demo"
)

// phraseQuery finds the same records with the same scores as bleve's
// PhraseQuery, for phrases cut from the records themselves (so that they
// are found), in every prose field.
func TestPhraseQueryEqualsBleve(t *testing.T) {
	files, err := demo.Files(demo.Options{Customers: 30, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	ix, _ := indexFiles(t, files)
	// Phrases: runs of 2 to 4 words of the records' text, plus a few
	// that occur nowhere in this order.
	var phrases [][]string
	seen := map[string]bool{}
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if !strings.HasSuffix(p, ".md") || len(phrases) > 300 {
			continue
		}
		ws := termsOf(ix.text.queryWords(string(files[p])))
		for i := 0; i+4 <= len(ws); i += 37 {
			for n := 2; n <= 4; n++ {
				if k := strings.Join(ws[i:i+n], " "); !seen[k] {
					seen[k] = true
					phrases = append(phrases, ws[i:i+n])
				}
			}
		}
	}
	phrases = append(phrases, []string{"温度", "机房"}, []string{"巡检", "例行"}, []string{"交换机", "交换机"})
	hits := func(q query.Query) string {
		req := bleve.NewSearchRequestOptions(q, 1000, 0, false)
		res, err := ix.bi.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%d:", res.Total)
		for _, h := range res.Hits {
			fmt.Fprintf(&b, " %s %.6f", h.ID, h.Score)
		}
		return b.String()
	}
	found := 0
	for _, ts := range phrases {
		for _, f := range textFields {
			want := hits(query.NewPhraseQuery(ts, f))
			if got := hits(newPhraseQuery(ts, f)); got != want {
				t.Errorf("%s:%q\n got %s\nwant %s", f, ts, got, want)
			}
			if !strings.HasPrefix(want, "0:") {
				found++
			}
		}
	}
	if found < 50 {
		t.Errorf("only %d of %d phrases found anything: the test compares too little", found, len(phrases))
	}
}
