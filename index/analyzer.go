package index

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/registry"
)

// The analyzers the index is built with. Text is analyzed by the index
// itself (documents are built field by field, see document.go), so query
// terms, index terms and snippet marks all come from the same functions.

// ZhTokenizerName is the bleve tokenizer registered by this package: Chinese
// word segmentation with a dictionary (gse), traditional characters folded
// to simplified ones (OpenCC t2s), other text split into lowercase runs of
// letters and digits. Other code can use it in a bleve mapping as
// {"type": "custom", "tokenizer": "dangan_zh"}; config key "dict" picks
// the dictionary ("small", the default, or "full").
const ZhTokenizerName = "dangan_zh"

func init() {
	// bleve's registry is global by design; registering here is how a
	// custom tokenizer becomes available to mappings that name it.
	if err := registry.RegisterTokenizer(ZhTokenizerName, zhTokenizerConstructor); err != nil {
		panic(err)
	}
}

func zhTokenizerConstructor(config map[string]any, _ *registry.Cache) (analysis.Tokenizer, error) {
	dict, _ := config["dict"].(string)
	if dict == "" {
		dict = dictSmall
	}
	c, err := sharedChinese(dict)
	if err != nil {
		return nil, err
	}
	return zhAnalyzer{c}, nil
}

// textAnalyzer analyzes prose for the index and for queries.
type textAnalyzer interface {
	analysis.Analyzer
	words(text string) []word      // for the index and snippets
	queryWords(text string) []word // for queries
	// queryAlts are other readings of a query (lists of terms), searched
	// as well as queryWords' terms.
	queryAlts(text string) [][]string
	// fold is the text as terms are cut from it (lowercase, simplified,
	// half-width): a term of words(text) is a substring of fold(text), so
	// snippets segment only the lines that can hold a marked word.
	fold(text string) string
}

// zhAnalyzer is the dictionary segmenter; it is both a bleve Tokenizer and
// an Analyzer (its terms are already lowercase and simplified).
type zhAnalyzer struct{ c *chinese }

func (a zhAnalyzer) words(text string) []word         { return a.c.words(text) }
func (a zhAnalyzer) queryWords(text string) []word    { return a.c.queryWords(text) }
func (a zhAnalyzer) queryAlts(text string) [][]string { return a.c.queryAlts(text) }
func (a zhAnalyzer) fold(text string) string          { return a.c.fold(text) }

func (a zhAnalyzer) Tokenize(text []byte) analysis.TokenStream {
	return toStream(text, a.c.words(string(text)))
}

func (a zhAnalyzer) Analyze(text []byte) analysis.TokenStream { return a.Tokenize(text) }

// toStream makes the tokens of the words of text. It allocates once for
// all the tokens and once for the terms that are not as written in text
// (lowercased, simplified): an index build makes tens of millions of them.
// bleve keeps the terms as long as the document, which holds text.
func toStream(text []byte, ws []word) analysis.TokenStream {
	ts := make(analysis.TokenStream, len(ws))
	toks := make([]analysis.Token, len(ws))
	n := 0
	for _, w := range ws {
		if string(text[w.Start:w.End]) != w.Term {
			n += len(w.Term)
		}
	}
	buf := make([]byte, 0, n)
	pos := 0
	for i, w := range ws {
		if !w.Sub || pos == 0 {
			pos++
		}
		term := text[w.Start:w.End:w.End]
		if string(term) != w.Term {
			k := len(buf)
			buf = append(buf, w.Term...)
			term = buf[k:len(buf):len(buf)]
		}
		toks[i] = analysis.Token{Start: w.Start, End: w.End, Term: term, Position: pos, Type: analysis.Ideographic}
		ts[i] = &toks[i]
	}
	return ts
}

// bleveAnalyzer adapts one of bleve's own analyzers (the CJK bigram one,
// kept for the comparison in docs/ANALYZERS.md).
type bleveAnalyzer struct{ a analysis.Analyzer }

func (b bleveAnalyzer) Analyze(text []byte) analysis.TokenStream { return b.a.Analyze(text) }

func (b bleveAnalyzer) queryWords(text string) []word { return b.words(text) }
func (b bleveAnalyzer) queryAlts(string) [][]string   { return nil }

func (b bleveAnalyzer) fold(text string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			return r - 0xFEE0
		}
		return r
	}, text))
}

func (b bleveAnalyzer) words(text string) []word {
	ts := b.a.Analyze([]byte(text))
	ws := make([]word, len(ts))
	for i, t := range ts {
		ws[i] = word{Start: t.Start, End: t.End, Term: string(t.Term)}
	}
	return ws
}

// Analyzer names, recorded in the index so that a change rebuilds it.
const (
	AnalyzerZh     = "zh"      // gse, small dictionary + domain words, t2s (the default)
	AnalyzerZhFull = "zh-full" // gse, gse's full dictionary + domain words, t2s
	AnalyzerZhHMM  = "zh-hmm"  // like zh, with gse guessing unknown words (HMM)
	AnalyzerCJK    = "cjk"     // bleve's CJK bigrams
)

func newTextAnalyzer(name string) (textAnalyzer, error) {
	switch name {
	case AnalyzerZh, "":
		c, err := sharedChinese(dictSmall)
		return zhAnalyzer{c}, err
	case AnalyzerZhFull:
		c, err := sharedChinese(dictFull)
		return zhAnalyzer{c}, err
	case AnalyzerZhHMM:
		c, err := sharedChinese(dictSmall)
		if err != nil {
			return nil, err
		}
		h := *c
		h.hmm = true
		return zhAnalyzer{&h}, nil
	case AnalyzerCJK:
		a, err := registry.NewCache().AnalyzerNamed(cjk.AnalyzerName)
		if err != nil {
			return nil, err
		}
		return bleveAnalyzer{a}, nil
	}
	return nil, fmt.Errorf("unknown analyzer %q", name)
}

// identAnalyzer indexes an identifier (model, serial, IP, phone, e-mail)
// as its whole lowercase value, so that exact and prefix queries work on
// it, and, when split is set, also as its parts between hyphens, spaces,
// slashes and underscores, so that L24P4X or 5960 find S5735-L24P4X-A1 and
// ZXR10 5960-32DL.
type identAnalyzer struct{ split bool }

func (a identAnalyzer) Analyze(text []byte) analysis.TokenStream {
	var ts analysis.TokenStream
	for _, t := range identTerms(string(text), a.split) {
		ts = append(ts, &analysis.Token{Start: 0, End: len(text), Term: []byte(t), Position: len(ts) + 1, Type: analysis.AlphaNumeric})
	}
	return ts
}

func identTerms(v string, split bool) []string {
	v = normIdent(v)
	if v == "" {
		return nil
	}
	out := []string{v}
	if split {
		parts := strings.FieldsFunc(v, isIdentSep)
		if len(parts) > 1 {
			for _, p := range parts {
				out = append(out, p)
			}
			// "5960-32dl" inside "zxr10 5960-32dl": the space-separated
			// pieces, so a prefix query on them works too.
			for _, p := range strings.Fields(v) {
				if p != v && strings.ContainsFunc(p, isIdentSep) {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// normIdent lowercases an identifier and folds its spaces, full-width
// characters included, so that "ZXR10  5960" and "zxr10 5960" are one value.
func normIdent(v string) string {
	v = strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII, as typed by Chinese IMEs
			r -= 0xFEE0
		}
		if unicode.IsSpace(r) {
			return ' '
		}
		return unicode.ToLower(r)
	}, v)
	return strings.Join(strings.Fields(v), " ")
}

func isIdentSep(r rune) bool { return r == '-' || r == ' ' || r == '/' || r == '_' }

// keywordAnalyzer indexes the value as one term, unchanged.
type keywordAnalyzer struct{}

func (keywordAnalyzer) Analyze(text []byte) analysis.TokenStream {
	if len(text) == 0 {
		return nil
	}
	return analysis.TokenStream{{Start: 0, End: len(text), Term: text, Position: 1, Type: analysis.AlphaNumeric}}
}

// runeLen is the length of s in runes.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
