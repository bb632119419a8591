// Package index is the full-text index of the archive: a bleve (scorch)
// index of every record at one commit, kept in a directory, that
// understands Chinese words, identifiers (models, serials, IPs, customer
// ids), facets and who may see what.
//
//	ix, err := index.Open(dir)              // ErrLocked if another process has it
//	err = ix.Sync(ctx, snap, changes)       // nothing, Update, or Rebuild (logged with the reason)
//	res, err := ix.Search(ctx, index.Request{Query: `vendor:华为 "光模块"`, Facets: true, Filter: f})
//
// The index is a cache of the archive. It records the commit it reflects
// and its schema version in bleve's internal store, written in the same
// batch as the documents, so an interrupted update leaves it at the old
// commit. Open replaces a missing, damaged or old-schema index with an
// empty one and Stale says why; Sync then rebuilds. Rebuild writes a new
// index beside the live one and swaps it in. Update reindexes only the
// paths given, and every record of a customer whose customer.md changed
// (customer facts are copied into each record: name, industry, district,
// account manager, technicians, restricted).
//
// Search takes the query language of docs/SEARCH.md; a query that cannot
// be read gives a *QueryError whose message is for people (Chinese, or
// QueryError.In("en")). The Filter is compiled into the query: hidden
// fields (named as in dangan.yaml, such as devices.serial or visits.body)
// are neither searched nor shown in snippets, restricted customers are
// filtered out by a term filter, so totals and facets count only what the
// caller may see.
//
// Chinese is segmented with gse on a trimmed dictionary plus the trade's
// words (dict/), traditional characters folded to simplified (OpenCC
// t2s); docs/ANALYZERS.md has the comparison behind the choice. The
// dictionaries load once per process. The tokenizer is registered with
// bleve as "dangan_zh".
//
// Facet counts come from per-segment tables of each record's facet values
// (facets.go), counted as the collector passes each match, not from
// bleve's doc-value facets: exact, and cheap on queries matching most of
// the archive.
//
// Benchmarks: BenchmarkSearch10k runs the query set of
// testdata/queries.txt (BenchQueries: 550 queries sampled from the
// 10,000-customer demo archive; `dangan bench` uses the same set) from 8
// goroutines over that archive's index, built once and cached; see
// bench_demo_test.go for the commands.
//
// For the CLI, Progress gives a Rebuild progress callback (a bar on a
// terminal, plain lines otherwise).
package index
