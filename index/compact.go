package index

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Segments reports the live index's segments and the records they still
// hold for saves that replaced or removed them (deleted, skipped by every
// search).
func (ix *Index) Segments() (segments int, deleted uint64, err error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.segments()
}

func (ix *Index) segments() (int, uint64, error) {
	if ix.bi == nil {
		return 0, 0, nil
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return 0, 0, err
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return 0, 0, nil
	}
	r, err := s.Reader()
	if err != nil {
		return 0, 0, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return 0, 0, nil
	}
	var deleted uint64
	segs := snap.Segments()
	for _, seg := range segs {
		if d := seg.Deleted(); d != nil {
			deleted += d.GetCardinality()
		}
	}
	return len(segs), deleted, nil
}

// Compact merges the live index into one segment when it has several. The
// merges that follow saves (servingMerges) keep the rebuild's big segment
// as it is, so the records saves replaced stay in it as deletions, and each
// search pays for them and for every other segment: a server compacts when
// nobody is using it. It reports whether it merged; ctx stops the wait, not
// a merge under way.
func (ix *Index) Compact(ctx context.Context) (bool, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n, _, err := ix.segments()
	if err != nil {
		return false, fmt.Errorf("compact the index: %w", err)
	}
	if n <= 1 {
		return false, nil // scorch cannot rewrite a lone segment to drop its deletions
	}
	if err := forceMerge(ctx, ix.bi, filepath.Join(ix.dir, liveDir)); err != nil {
		return false, err
	}
	return true, nil
}
