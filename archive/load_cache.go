package archive

import "slices"

// Parts returns what a snapshot is made of, for a cache that stores it
// (archive/snapcache): the problems of dangan.yaml and every record, in
// path order. Folders are not part of it: Assemble groups them again, the
// way Load does, so that a cached snapshot cannot disagree with a parsed one.
func (s *Snapshot) Parts() (settingsProblems []Problem, records []*Record) {
	records = make([]*Record, 0, s.records.len())
	for r := range s.records.values() {
		records = append(records, r)
	}
	slices.SortFunc(records, byPath)
	return s.settingsProblems, records
}

// Assemble builds the snapshot Load would have built from the same parsed
// settings and records: what a cache of parsed records turns back into a
// snapshot without reading or parsing a file. The records are owned by the
// snapshot from then on.
func Assemble(commit string, settings Settings, settingsProblems []Problem, records []*Record) *Snapshot {
	s := &Snapshot{Commit: commit, Settings: settings, settingsProblems: settingsProblems}
	for _, r := range records {
		s.records.set(r.Path, r)
	}
	s.rebuild(nil)
	return s
}
