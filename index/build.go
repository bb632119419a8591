package index

import (
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/dangan-archive/dangan/archive"
)

// visibility answers which fields and records a Filter lets through.
type visibility struct{ hide []string }

// hidden reports whether a field is hidden: named in Hide, or under a name
// in Hide ("customer.contacts" hides customer.contacts.phone).
func (v visibility) hidden(field string) bool {
	for _, h := range v.hide {
		h = strings.TrimSpace(h)
		if h != "" && (field == h || strings.HasPrefix(field, h+".")) {
			return true
		}
	}
	return false
}

func (v visibility) visible(fields []string) []string {
	var out []string
	for _, f := range fields {
		if !v.hidden(f) {
			out = append(out, f)
		}
	}
	return out
}

// marks are what a query looks for, to be marked in snippets.
type marks struct {
	terms  map[string]bool // analyzed words
	idents []string        // normalized identifiers (exact or prefix)
}

// compiler turns parsed clauses into a bleve query over visible fields.
type compiler struct {
	text  textAnalyzer
	vis   visibility
	marks marks
}

func (c *compiler) compile(cs []clause, f Filter) query.Query {
	var must, mustNot []query.Query
	for _, cl := range cs {
		q := c.clause(cl, !cl.Neg)
		if q == nil {
			continue
		}
		if cl.Neg {
			mustNot = append(mustNot, q)
		} else {
			must = append(must, q)
		}
	}
	mustNot = append(mustNot, c.unseen(f)...)
	var q query.Query
	switch len(must) {
	case 0:
		q = query.NewMatchAllQuery()
	case 1:
		q = must[0]
	default:
		q = conjunction(must)
	}
	return excluding(q, mustNot...)
}

// unseen matches the records the caller may not see at all: restricted
// customers unless allowed, and whole kinds whose name is hidden (Hide:
// [topology] hides topology records; there is nothing else in them).
// They are excluded rather than the visible ones required: a restricted
// customer's records are a few hundred of a hundred thousand, and a
// searcher that must match nearly every record costs a step per match.
func (c *compiler) unseen(f Filter) []query.Query {
	var out []query.Query
	if !f.AllRestricted {
		closed := query.NewBoolFieldQuery(true)
		closed.SetField(fRestricted)
		var allowed []query.Query
		for _, id := range f.AllowRestricted {
			allowed = append(allowed, term(fCustomer, id))
		}
		if len(allowed) == 0 {
			out = append(out, closed)
		} else {
			out = append(out, excluding(closed, or(allowed)))
		}
	}
	for _, k := range archive.Kinds {
		if c.vis.hidden(kindPrefix[k]) {
			out = append(out, term(fKind, string(k)))
		}
	}
	return out
}

// proseField is a prose field to search, without the records of the
// kinds whose part of it the caller may not see.
type proseField struct {
	name    string
	exclude []query.Query // kind terms
}

// prose lists the visible prose fields. A kind's part of the merged
// fields (visits.body in body) hidden on its own excludes that kind's
// records from the field; a kind hidden altogether is excluded from the
// whole search already (unseen).
func (c *compiler) prose() []proseField {
	var out []proseField
	for _, f := range textFields {
		src, merged := textSource[f]
		if !merged {
			if !c.vis.hidden(f) {
				out = append(out, proseField{name: f})
			}
			continue
		}
		var ex []query.Query
		visible := false
		for _, k := range archive.Kinds {
			if _, ok := src[k]; !ok {
				continue
			}
			switch {
			case c.vis.hidden(kindPrefix[k]):
			case c.vis.hidden(src[k]):
				ex = append(ex, term(fKind, string(k)))
			default:
				visible = true
			}
		}
		if visible {
			out = append(out, proseField{name: f, exclude: ex})
		}
	}
	return out
}

// in restricts q, a query on field f, to the records whose part of f
// the caller may see.
func (f proseField) in(q query.Query) query.Query {
	if len(f.exclude) == 0 {
		return q
	}
	return excluding(q, f.exclude...)
}

func term(field, v string) *query.TermQuery {
	q := query.NewTermQuery(v)
	q.SetField(field)
	return q
}

func prefix(field, v string) *query.PrefixQuery {
	q := query.NewPrefixQuery(v)
	q.SetField(field)
	return q
}

func boosted[T interface{ SetBoost(float64) }](q T, b float64) T {
	q.SetBoost(b)
	return q
}

func or(qs []query.Query) query.Query {
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// clause compiles one clause; mark says whether its words are marked in
// snippets (not for excluded words).
func (c *compiler) clause(cl clause, mark bool) query.Query {
	switch cl.Field {
	case "":
		return c.words(cl.Value, cl.Quoted, mark)
	case "kind":
		return term(fKind, cl.Value)
	case "customer":
		return term(fCustomer, strings.ToLower(strings.TrimSpace(cl.Value)))
	case "vendor":
		if c.vis.hidden(fVendor) {
			return query.NewMatchNoneQuery()
		}
		v := strings.TrimSpace(cl.Value)
		if mark {
			canon := canonicalVendor(v)
			c.markWords(v, canon)
			for alias, cv := range vendorAliases {
				if cv == canon {
					c.markWords(alias)
				}
			}
		}
		return or([]query.Query{term(fVendor, canonicalVendor(v)), term(fVendorLC, strings.ToLower(v))})
	case "industry", "district", "account_manager", "technician":
		if c.vis.hidden(cl.Field) {
			return query.NewMatchNoneQuery()
		}
		v := strings.TrimSpace(cl.Value)
		return or([]query.Query{boosted(term(cl.Field, v), 2), prefix(cl.Field, v)})
	case "status":
		if mark {
			c.markWords(statusLabel[cl.Value])
		}
		return term(fStatus, cl.Value)
	case "model":
		return c.ident([]string{fModel, fSpareModel}, cl.Value, mark)
	case "serial":
		return c.ident([]string{fSerial}, cl.Value, mark)
	case "ip":
		return c.ident([]string{fIP}, cl.Value, mark)
	}
	if field, ok := dateFields[cl.Field]; ok {
		if c.vis.hidden(field) {
			return query.NewMatchNoneQuery()
		}
		return dateRange(field, cl.From, cl.To)
	}
	return nil
}

// markWords adds the words of vs to what snippets mark.
func (c *compiler) markWords(vs ...string) {
	if c.marks.terms == nil {
		c.marks.terms = map[string]bool{}
	}
	for _, v := range vs {
		for _, w := range c.text.queryWords(v) {
			c.marks.terms[w.Term] = true
		}
	}
}

// ident matches an identifier field by its exact value or a prefix of it.
func (c *compiler) ident(fields []string, v string, mark bool) query.Query {
	n := normIdent(v)
	fields = c.vis.visible(fields)
	if n == "" || len(fields) == 0 {
		return query.NewMatchNoneQuery()
	}
	if mark {
		c.marks.idents = append(c.marks.idents, n)
	}
	var qs []query.Query
	for _, f := range fields {
		qs = append(qs, boosted(term(f, n), 3), prefix(f, n))
	}
	return or(qs)
}

// words matches a word or phrase in the visible text fields, and as an
// identifier in the visible identifier fields. A word that segments into
// several terms (核心交换机故障) needs all of them, and ranks higher where
// they stand together; a quoted phrase needs them together.
func (c *compiler) words(v string, quoted, mark bool) query.Query {
	var terms []string
	for _, w := range c.text.queryWords(v) {
		terms = append(terms, w.Term)
	}
	var alts []query.Query
	fields := c.prose()
	if len(terms) > 0 && len(fields) > 0 {
		readings := append([][]string{terms}, c.text.queryAlts(v)...)
		for _, ts := range readings {
			if mark {
				if c.marks.terms == nil {
					c.marks.terms = map[string]bool{}
				}
				for _, t := range ts {
					c.marks.terms[t] = true
				}
			}
			alts = append(alts, c.reading(fields, ts, quoted))
		}
	}
	if n := normIdent(v); n != "" && strings.ContainsFunc(n, isASCIIAlnum) {
		idf := c.vis.visible(identOrder)
		if len(idf) > 0 {
			if mark {
				c.marks.idents = append(c.marks.idents, n)
			}
			digits := strings.ContainsFunc(n, unicode.IsDigit)
			for _, f := range idf {
				alts = append(alts, boosted(term(f, n), 5))
				// A serial starts with letters its vendor shares by the
				// thousand (ZTEG…, 2102…): a word without digits is not the
				// beginning of one, and its prefix would expand to every
				// serial of the vendor.
				if runeLen(n) >= 3 && (digits || f != fSerial) {
					alts = append(alts, prefix(f, n))
				}
			}
		}
	}
	if len(alts) == 0 {
		if quoted || len(terms) > 0 {
			return query.NewMatchNoneQuery()
		}
		return nil // punctuation alone: nothing to look for
	}
	return or(alts)
}

// reading matches one reading of a word (its terms) in the prose fields.
func (c *compiler) reading(fields []proseField, terms []string, quoted bool) query.Query {
	phrase := func() query.Query {
		var qs []query.Query
		for _, f := range fields {
			qs = append(qs, f.in(newPhraseQuery(terms, f.name)))
		}
		return or(qs)
	}
	anyField := func(t string) query.Query { return inFields(fields, t) }
	switch {
	case len(terms) == 1:
		return anyField(terms[0])
	case quoted:
		return phrase()
	}
	var each []query.Query
	for _, t := range uniq(terms) {
		each = append(each, anyField(t))
	}
	// Records where the terms stand together rank first: the phrase
	// adds its score to theirs.
	bq := query.NewBooleanQuery(nil, nil, nil)
	bq.Must = conjunction(each)
	bq.AddShould(phrase())
	return bq
}

func uniq(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

func isASCIIAlnum(r rune) bool {
	return r < 128 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z')
}
