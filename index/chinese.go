package index

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
	"github.com/longbridgeapp/opencc"
)

//go:embed dict/zh.txt.gz
var zhDictGz []byte

//go:embed dict/domain.txt
var domainDict string

// domainFreq is the frequency given to the archive's own words: high enough
// that 光模块 is one word rather than 光 + 模块.
const domainFreq = 100000

// chinese holds what segmenting Chinese needs: a word dictionary and the
// traditional-to-simplified converter. Both are loaded once per process
// (sharedChinese) because loading costs far more than any request.
type chinese struct {
	seg *gse.Segmenter
	hmm bool // let gse guess unknown words (measured in docs/ANALYZERS.md; off)
	cc  *opencc.OpenCC
	// trad maps each traditional character to its simplified form, and
	// tells in one lookup per rune whether a text needs converting at all:
	// most of the archive is simplified and pays nothing.
	trad map[rune]rune
	// isTrad has a bit for each key of trad, in the CJK blocks trad's keys
	// come from: whether a text needs converting is one bit test per
	// character, not a map lookup (simplify runs on every snippet line).
	isTrad []uint64
	// LoadTime is how long the dictionaries took to load.
	LoadTime time.Duration
}

// dictionaries are the segmenter dictionaries compared in ANALYZERS.md.
const (
	dictSmall = "small" // gse's words seen ≥10 times, plus the domain words (the default)
	dictFull  = "full"  // gse's whole simplified dictionary, plus the domain words
)

var (
	chineseOnce sync.Mutex
	chineseByID = map[string]*chinese{}
)

// sharedChinese returns the process-wide segmenter for a dictionary,
// loading it on first use. A registry of loaded dictionaries is global on
// purpose: bleve constructs analyzers from its own global registry, and
// loading a dictionary per index or per request would cost seconds.
func sharedChinese(dict string) (*chinese, error) {
	chineseOnce.Lock()
	defer chineseOnce.Unlock()
	if c := chineseByID[dict]; c != nil {
		return c, nil
	}
	c, err := loadChinese(dict)
	if err != nil {
		return nil, err
	}
	chineseByID[dict] = c
	return c, nil
}

func loadChinese(dict string) (*chinese, error) {
	start := time.Now()
	seg := &gse.Segmenter{SkipLog: true}
	switch dict {
	case dictSmall:
		zr, err := gzip.NewReader(bytes.NewReader(zhDictGz))
		if err != nil {
			return nil, fmt.Errorf("read the Chinese dictionary: %w", err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			return nil, fmt.Errorf("read the Chinese dictionary: %w", err)
		}
		if err := seg.LoadDictStr(string(b)); err != nil {
			return nil, fmt.Errorf("load the Chinese dictionary: %w", err)
		}
	case dictFull:
		if err := seg.LoadDictEmbed("zh_s"); err != nil {
			return nil, fmt.Errorf("load gse's Chinese dictionary: %w", err)
		}
	default:
		return nil, fmt.Errorf("unknown dictionary %q", dict)
	}
	sc := bufio.NewScanner(strings.NewReader(domainDict))
	for sc.Scan() {
		w := strings.TrimSpace(sc.Text())
		if w == "" || strings.HasPrefix(w, "#") {
			continue
		}
		if err := seg.AddToken(strings.ToLower(w), domainFreq); err != nil {
			return nil, fmt.Errorf("add %q to the dictionary: %w", w, err)
		}
	}
	cc, err := opencc.New("t2s")
	if err != nil {
		return nil, fmt.Errorf("load the traditional-to-simplified tables: %w", err)
	}
	c := &chinese{seg: seg, cc: cc, trad: tradChars(cc)}
	c.isTrad = make([]uint64, (tradLast-tradFirst)/64+1)
	for r := range c.trad {
		c.isTrad[(r-tradFirst)/64] |= 1 << ((r - tradFirst) % 64)
	}
	c.LoadTime = time.Since(start)
	return c, nil
}

// The CJK blocks tradChars looks in: extension A, the unified ideographs
// and the compatibility ideographs.
const tradFirst, tradLast = 0x3400, 0xFAFF

// tradChars finds every CJK character that t2s changes, by converting each
// one alone.
func tradChars(cc *opencc.OpenCC) map[rune]rune {
	m := map[rune]rune{}
	for _, rg := range [][2]rune{{tradFirst, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, tradLast}} {
		for r := rg[0]; r <= rg[1]; r++ {
			s, err := cc.Convert(string(r))
			if err != nil || s == string(r) {
				continue
			}
			if sr, n := utf8.DecodeRuneInString(s); n == len(s) {
				m[r] = sr
			}
		}
	}
	return m
}

// simplify converts traditional characters to simplified ones, and
// full-width letters and digits (typed with Chinese input methods) to
// ASCII. It keeps
// the text's length in runes, so that offsets found in the result are
// offsets in the original (snippets mark the text as written): when the
// phrase-aware conversion would change the length, characters are mapped
// one by one instead.
func (c *chinese) simplify(s string) string {
	need, wide := false, false
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if c.traditional(r) {
			need = true
		}
		if r >= 0xFF01 && r <= 0xFF5E {
			wide = true
		}
	}
	if wide {
		s = strings.Map(func(r rune) rune {
			if r >= 0xFF01 && r <= 0xFF5E {
				return r - 0xFEE0
			}
			return r
		}, s)
	}
	if !need {
		return s
	}
	if out, err := c.cc.Convert(s); err == nil && utf8.RuneCountInString(out) == utf8.RuneCountInString(s) {
		return out
	}
	return strings.Map(func(r rune) rune {
		if sr, ok := c.trad[r]; ok {
			return sr
		}
		return r
	}, s)
}

// fold is the text lowercase and simplified, as terms are cut from it,
// for snippets to find terms in. A text with nothing to lowercase or
// simplify (most lines of the archive) comes back as it is, full-width
// punctuation included: terms are letters, digits and Han characters
// only, so where they occur does not change, and the line is not copied.
func (c *chinese) fold(s string) string {
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if 'A' <= b && b <= 'Z' {
				return strings.ToLower(c.simplify(s))
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r >= 0xFF01 && r <= 0xFF5E && (unicode.IsLetter(r-0xFEE0) || unicode.IsDigit(r-0xFEE0)) ||
			c.traditional(r) || r == utf8.RuneError || unicode.ToLower(r) != r {
			return strings.ToLower(c.simplify(s))
		}
	}
	return s
}

// traditional reports whether t2s changes r.
func (c *chinese) traditional(r rune) bool {
	return r >= tradFirst && r <= tradLast && c.isTrad[(r-tradFirst)/64]&(1<<((r-tradFirst)%64)) != 0
}

// word is one term of a text and where it is in the text (byte offsets).
type word struct {
	Start, End int
	Term       string
	// Sub marks a dictionary word found inside the word before it
	// (交换机 inside 核心交换机): indexed at the same position, so that a
	// search for the shorter word finds the longer one.
	Sub bool
}

// words segments a text for the index: the words of queryWords, each
// followed by the dictionary words inside it.
func (c *chinese) words(text string) []word { return c.segment(text, true, c.cut) }

// queryWords segments a query: the most likely words only, so that
// 交换机 does not match a text that has 交换 and 机房 apart.
func (c *chinese) queryWords(text string) []word { return c.segment(text, false, c.cut) }

// queryAlts are other readings of a query than queryWords, each a list of
// terms: the run cut into the longest dictionary words from the left and
// from the right. gse reads 弱电机房 as 弱 / 电机 / 房, the person meant
// 弱电 + 机房; searching every reading finds what either meant. Readings
// equal to queryWords' are left out.
func (c *chinese) queryAlts(text string) [][]string {
	first := termsOf(c.queryWords(text))
	var out [][]string
	for _, cut := range []func(string) []string{c.forwardMax, c.backwardMax} {
		alt := termsOf(c.segment(text, false, cut))
		if !slices.Equal(alt, first) && !slices.ContainsFunc(out, func(o []string) bool { return slices.Equal(o, alt) }) {
			out = append(out, alt)
		}
	}
	return out
}

func termsOf(ws []word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Term
	}
	return out
}

// cut segments a run of Chinese characters with gse's dictionary: its
// DAG cut (dagCut, the same words as gse's own, cheaper), or gse's
// guessing of unknown words (HMM) when asked for.
func (c *chinese) cut(run string) []string {
	if c.hmm {
		return c.seg.Cut(run, true)
	}
	return c.dagCut(run)
}

// maxWordRunes bounds the dictionary words looked for by the maximum
// matching cuts and across word boundaries.
const maxWordRunes = 6

// inDict reports whether w is a word of the dictionary. (gse's Find also
// says yes to the beginnings of words, 核心交 of 核心交换机: isPrefix.)
func (c *chinese) inDict(w string) bool {
	_, _, err := c.seg.Dictionary().Value([]byte(w))
	return err == nil
}

// isPrefix reports whether some dictionary word begins with w.
func (c *chinese) isPrefix(w string) bool {
	_, _, ok := c.seg.Dictionary().Find([]byte(w))
	return ok
}

// forwardMax cuts a run into the longest dictionary words from the left.
func (c *chinese) forwardMax(run string) []string {
	rs := []rune(run)
	var out []string
	for i := 0; i < len(rs); {
		n := 1
		for k := min(maxWordRunes, len(rs)-i); k >= 2; k-- {
			if c.inDict(string(rs[i : i+k])) {
				n = k
				break
			}
		}
		out = append(out, string(rs[i:i+n]))
		i += n
	}
	return out
}

// backwardMax cuts a run into the longest dictionary words from the right.
func (c *chinese) backwardMax(run string) []string {
	rs := []rune(run)
	var out []string
	for j := len(rs); j > 0; {
		n := 1
		for k := min(maxWordRunes, j); k >= 2; k-- {
			if c.inDict(string(rs[j-k : j])) {
				n = k
				break
			}
		}
		out = append(out, string(rs[j-n:j]))
		j -= n
	}
	slices.Reverse(out)
	return out
}

// segment splits a text: runs of Chinese characters into dictionary words,
// everything else into lowercase runs of letters and digits (so a model
// number S5735-L24P4X-A1 in prose gives s5735, l24p4x, a1). Punctuation and
// spaces are dropped.
func (c *chinese) segment(text string, subs bool, cut func(string) []string) []word {
	simple := c.simplify(text)
	// Byte offsets in simple differ from text when a character changed
	// width; keep a map from rune index to original byte offset.
	// simplify keeps the rune count, so the n-th rune of simple is the
	// n-th of text: origOff maps each rune start in simple (and its end)
	// to the byte offset of the same rune in text.
	var origOff []int
	if simple != text {
		origOff = make([]int, len(simple)+1)
		j := 0
		for i := range simple {
			origOff[i] = j
			_, n := utf8.DecodeRuneInString(text[j:])
			j += n
		}
		origOff[len(simple)] = len(text)
	}
	// About a word every four bytes of text (three bytes a Chinese
	// character, words of one to three characters, plus sub-words).
	out := make([]word, 0, len(simple)/4+1)
	emit := func(start, end int, term string, sub bool) {
		if origOff != nil {
			start, end = origOff[start], origOff[end]
		}
		out = append(out, word{start, end, term, sub})
	}
	i := 0
	for i < len(simple) {
		r, n := utf8.DecodeRuneInString(simple[i:])
		switch {
		case isHan(r):
			j := i + n
			for j < len(simple) {
				r2, n2 := utf8.DecodeRuneInString(simple[j:])
				if !isHan(r2) {
					break
				}
				j += n2
			}
			run := simple[i:j]
			ws := cut(run)
			if !concatIs(ws, run) {
				// Never lose text to the segmenter: fall back to characters.
				ws = strings.Split(run, "")
			}
			off := i
			for k, w := range ws {
				emit(off, off+len(w), w, false)
				if subs {
					c.subWords(w, func(s, e int) { emit(off+s, off+e, w[s:e], true) })
					if k > 0 {
						c.crossWords(run, off-i, off-i+len(w), func(s, e int) { emit(i+s, i+e, run[s:e], true) })
					}
				}
				off += len(w)
			}
			i = j
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i + n
			for j < len(simple) {
				r2, n2 := utf8.DecodeRuneInString(simple[j:])
				if isHan(r2) || !(unicode.IsLetter(r2) || unicode.IsDigit(r2)) {
					break
				}
				j += n2
			}
			emit(i, j, strings.ToLower(simple[i:j]), false)
			i = j
		default:
			i += n
		}
	}
	return out
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// concatIs reports whether the words ws, put together, are s.
func concatIs(ws []string, s string) bool {
	for _, w := range ws {
		if !strings.HasPrefix(s, w) {
			return false
		}
		s = s[len(w):]
	}
	return s == ""
}

// crossWords calls fn with the byte range of every dictionary word of three
// or more characters that ends inside the word run[start:end] and starts
// before it: words the segmenter cut apart (云主机 in 天翼云 / 主机). They
// are indexed at the position of the word they end in, like sub-words, so
// that phrases reading on from them still match. Two-character words
// across a boundary are mostly accidents (电机 in 弱电 / 机房) and are left
// out.
func (c *chinese) crossWords(run string, start, end int, fn func(s, e int)) {
	// Character offsets: up to maxWordRunes-1 characters before start.
	var beforeBuf, endsBuf [maxWordRunes]int
	before := beforeBuf[:0]
	for i := start; i > 0 && len(before) < maxWordRunes-1; {
		_, n := utf8.DecodeLastRuneInString(run[:i])
		i -= n
		before = append(before, i)
	}
	ends := endsBuf[:0]
	for i := start; i < end && len(ends) < maxWordRunes-1; {
		_, n := utf8.DecodeRuneInString(run[i:])
		i += n
		ends = append(ends, i)
	}
	for bi, s := range before {
		if !c.isPrefix(run[s:start]) {
			continue
		}
		for ei, e := range ends {
			if bi+1+ei+1 > maxWordRunes || !c.isPrefix(run[s:e]) {
				break
			}
			if bi+1+ei+1 >= 3 && c.inDict(run[s:e]) {
				fn(s, e)
			}
		}
	}
}

// subWords calls fn with the byte range of every dictionary word of two or
// more characters strictly inside w.
func (c *chinese) subWords(w string, fn func(start, end int)) {
	n := utf8.RuneCountInString(w)
	if n < 3 {
		return
	}
	var offBuf [16]int
	offs := offBuf[:0]
	for i := range w {
		offs = append(offs, i)
	}
	offs = append(offs, len(w))
	for i := 0; i+2 <= n; i++ {
		for size := 2; i+size <= n && size < n; size++ {
			sub := w[offs[i]:offs[i+size]]
			if !c.isPrefix(sub) {
				break
			}
			if c.inDict(sub) {
				fn(offs[i], offs[i+size])
			}
		}
	}
}
