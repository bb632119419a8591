// Package importer brings existing data into the archive: device and
// customer lists from spreadsheets (XLSX, CSV in UTF-8 or GBK) and
// topologies from GML and GraphML files.
//
// An import is two steps. Build reads the source against a snapshot of the
// archive and returns a Plan: the files it would create or change, the rows
// it added or updated per customer, and the rows it could not read, each
// located by sheet, row and column. Nothing is written until the caller
// commits the plan's files in one commit (Plan.Change), so an import is
// never half done: either every good row goes in with a report of the bad
// ones, or, with Options.Strict, nothing goes in while any row is bad.
//
// Existing records are edited, not rewritten: the importer changes the
// YAML nodes of the front matter it has values for and keeps every other
// key, comment and the markdown body as they were.
package importer
