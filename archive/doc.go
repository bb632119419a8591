// Package archive is the domain of dangan: the customer maintenance archive
// (客户维护档案) as typed records, how they are parsed from markdown files with
// YAML front matter, and how they are checked.
//
// It knows nothing of git, HTTP or search. Storage lives in archive/gitstore,
// derived views (leads, health) in their own subpackages; index/ and site/
// import this package, never the reverse.
//
// The Go types in this package are the single source of truth for the
// archive format: the checker, the site's forms and docs/FORMAT.md are all
// derived from them.
package archive
