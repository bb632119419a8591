package index

import (
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/size"
	bindex "github.com/blevesearch/bleve_index_api"
)

// zhField is a prose field analyzed by the Chinese segmenter straight
// into term frequencies: what bleve's TextField makes of zhAnalyzer's
// tokens (TestZhFieldEqualsTextField), without a token per word and
// with the locations of a term in one piece. Term frequencies were a
// fifth of the memory an index build allocates, and the collector's work
// with it. Stored and read back, it is an ordinary text field.
type zhField struct {
	*document.TextField
	c      *chinese
	length int
	freqs  bindex.TokenFrequencies
}

// newProse makes a prose field: a zhField for the Chinese analyzers
// that run without the HMM (which dagCut does not do), bleve's own
// TextField otherwise.
func newProse(text textAnalyzer, name string, value []byte, opts bindex.FieldIndexingOptions) document.Field {
	if a, ok := text.(zhAnalyzer); ok && !a.c.hmm {
		return &zhField{TextField: document.NewTextFieldCustom(name, nil, value, opts, text), c: a.c}
	}
	return document.NewTextFieldCustom(name, nil, value, opts, text)
}

func (f *zhField) Analyze() {
	// Terms point into the value when they are as written; nothing
	// writes to them (bleve copies a stored value before analysing it
	// only because token filters may change terms in place).
	text := f.Value()
	ws := f.c.words(string(text))
	f.length = len(ws)
	vectors := f.Options().IncludeTermVectors()

	// First the distinct terms and how often each occurs, then the
	// locations, each term's in a piece of one slice.
	freqs := make(bindex.TokenFrequencies, len(ws)/2+1)
	tfs := make([]bindex.TokenFreq, 0, len(ws))
	// which is the index in tfs of each word's term when the word was
	// its first occurrence, -1 when it must be looked up again.
	which := make([]int32, len(ws))
	extra := 0
	for _, w := range ws {
		if string(text[w.Start:w.End]) != w.Term {
			extra += len(w.Term)
		}
	}
	buf := make([]byte, 0, extra)
	for i, w := range ws {
		tf, ok := freqs[w.Term]
		if !ok {
			term := text[w.Start:w.End:w.End]
			if string(term) != w.Term {
				k := len(buf)
				buf = append(buf, w.Term...)
				term = buf[k:len(buf):len(buf)]
			}
			tfs = append(tfs, bindex.TokenFreq{Term: term})
			tf = &tfs[len(tfs)-1]
			freqs[w.Term] = tf
		}
		tf.SetFrequency(tf.Frequency() + 1)
		which[i] = -1
		if !ok {
			which[i] = int32(len(tfs) - 1)
		}
	}
	if vectors {
		locs := make([]bindex.TokenLocation, len(ws))
		ptrs := make([]*bindex.TokenLocation, len(ws))
		next := 0
		for i := range tfs {
			n := tfs[i].Frequency()
			tfs[i].Locations = ptrs[next : next : next+n]
			next += n
		}
		pos := 0
		for i, w := range ws {
			if !w.Sub || pos == 0 {
				pos++
			}
			locs[i] = bindex.TokenLocation{ArrayPositions: f.ArrayPositions(), Start: w.Start, End: w.End, Position: pos}
			tf := freqs[w.Term]
			if which[i] >= 0 {
				tf = &tfs[which[i]]
			}
			tf.Locations = append(tf.Locations, &locs[i])
		}
	}
	f.freqs = freqs
}

func (f *zhField) AnalyzedLength() int                               { return f.length }
func (f *zhField) AnalyzedTokenFrequencies() bindex.TokenFrequencies { return f.freqs }

func (f *zhField) Size() int {
	n := f.TextField.Size() + size.SizeOfPtr*2 + size.SizeOfInt
	if f.freqs != nil {
		n += f.freqs.Size()
	}
	return n
}
