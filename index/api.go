package index

import "github.com/dangan-archive/dangan/archive"

// Request is one search as a person typed it.
type Request struct {
	Query  string // the query language of docs/SEARCH.md
	From   int    // offset of the first hit, for paging
	Size   int    // hits per page (default 20)
	Facets bool   // compute facet counts
	Filter Filter // what the caller may see; the zero Filter sees every field of every customer that is not restricted
}

// Filter restricts a search to what a caller may see. It is applied inside
// the search, so totals, facets and snippets only count and show permitted
// records and fields.
type Filter struct {
	// Restricted customers (restricted: true) are hidden unless listed in
	// AllowRestricted or AllRestricted is set.
	AllRestricted   bool
	AllowRestricted []string
	// Hide lists fields, named as in dangan.yaml (devices.serial,
	// customer.contacts.phone, visits.body, topology): hidden fields are not
	// searched, not shown in snippets and not counted in facets.
	Hide []string
}

// Result is one page of hits with facet counts over every permitted match.
type Result struct {
	Total  uint64             `json:"total"`
	Hits   []Hit              `json:"hits"`
	Facets map[string][]Facet `json:"facets,omitempty"`
	Took   float64            `json:"took_ms"`
}

// Hit is one matching record.
type Hit struct {
	Customer     string       `json:"customer"`
	CustomerName string       `json:"customer_name,omitempty"`
	Path         string       `json:"path"`
	Kind         archive.Kind `json:"kind"`
	Title        string       `json:"title"`
	Snippet      string       `json:"snippet"` // HTML: escaped text with <mark> around matches
	Score        float64      `json:"score"`
}

// Facet is one value of a facet and how many permitted records have it.
type Facet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// QueryError is a query a person typed that cannot be understood; its
// message is a plain sentence to show them.
type QueryError struct {
	Query   string
	Pos     int // rune offset in Query where the problem is, -1 if none
	Message string
	// Code names the problem ("unclosed_quote"); In gives its message in
	// another language.
	Code string
	args []any
}

func (e *QueryError) Error() string { return e.Message }
