package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/dangan-archive/dangan/archive"
)

// SchemaVersion changes whenever documents are built differently; an index
// of another version is rebuilt.
const SchemaVersion = 5

// Keys of what the index records about itself, stored in bleve's internal
// store, written in the same batch as the documents they describe.
var (
	keyCommit = []byte("dangan.commit")
	keySchema = []byte("dangan.schema")
)

// ErrLocked is returned by Open when another process has the index open.
var ErrLocked = errors.New("the index is in use by another process")

// batchSize bounds the documents held in memory per bleve batch.
const batchSize = 1000

// Options tune Open; the zero value is what the product uses.
type Options struct {
	// LockTimeout is how long Open waits for another process to release
	// the index (default 2s): bleve's store would otherwise wait forever.
	LockTimeout time.Duration
	// Analyzer is the text analyzer (AnalyzerZh by default); the other
	// ones exist for the comparison in docs/ANALYZERS.md.
	Analyzer string
	// BuildWorkers is how many goroutines Rebuild builds documents and
	// writes batches from (default GOMAXPROCS+1); BatchSize is the
	// documents per batch (default batchSize). Tests vary them: the index
	// must not depend on either.
	BuildWorkers, BatchSize int
}

// Index is the search index of the archive at one commit, kept in a
// directory. It is a cache: whatever is wrong with it, Sync rebuilds it
// from the archive. Safe for concurrent use.
type Index struct {
	Logger *slog.Logger

	dir  string
	opts Options
	text textAnalyzer

	mu     sync.RWMutex // guards bi against the swap at the end of Rebuild
	bi     bleve.Index
	facets *facetCache // facet tables of bi's segments
	stale  string      // why the index must be rebuilt, "" when it need not

	write sync.Mutex // one writer at a time
}

const liveDir, newDir, oldDir = "bleve", "bleve.new", "bleve.old"

// Open opens the index in dir, creating dir if needed. An index that is
// missing, damaged or of an older schema is replaced by an empty one and
// Stale says why; Sync (or Rebuild) then rebuilds it. An index held by
// another process gives ErrLocked after opts.LockTimeout.
func Open(dir string) (*Index, error) { return OpenWith(dir, Options{}) }

// OpenWith is Open with options.
func OpenWith(dir string, opts Options) (*Index, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = 2 * time.Second
	}
	if opts.Analyzer == "" {
		opts.Analyzer = AnalyzerZh
	}
	text, err := newTextAnalyzer(opts.Analyzer)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create index directory: %w", err)
	}
	ix := &Index{Logger: slog.Default(), dir: dir, opts: opts, text: text, facets: newFacetCache()}
	// Left over from a rebuild that was interrupted.
	_ = os.RemoveAll(filepath.Join(dir, newDir))
	_ = os.RemoveAll(filepath.Join(dir, oldDir))

	live := filepath.Join(dir, liveDir)
	if _, err := os.Stat(filepath.Join(live, "index_meta.json")); errors.Is(err, os.ErrNotExist) {
		ix.stale = "索引不存在 (no index yet)"
	} else {
		bi, reason, err := ix.openExisting(live)
		if err != nil {
			return nil, err
		}
		if reason == "" {
			ix.bi = bi
			return ix, nil
		}
		ix.stale = reason
	}
	if err := os.RemoveAll(live); err != nil {
		return nil, fmt.Errorf("remove the old index: %w", err)
	}
	bi, err := ix.create(live, "")
	if err != nil {
		return nil, err
	}
	ix.bi = bi
	return ix, nil
}

// openExisting opens the live index and checks it; reason says why it
// cannot be used, err is for what a rebuild would not cure (a lock).
func (ix *Index) openExisting(path string) (bi bleve.Index, reason string, err error) {
	defer func() {
		// A damaged segment can make bleve panic rather than fail.
		if p := recover(); p != nil {
			if bi != nil {
				_ = bi.Close()
			}
			bi, reason, err = nil, fmt.Sprintf("索引已损坏 (damaged index: %v)", p), nil
		}
	}()
	bi, err = bleve.OpenUsing(path, ix.servingConfig())
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) || strings.Contains(err.Error(), "timeout") {
			return nil, "", fmt.Errorf("open index %s: %w (waited %s)", ix.dir, ErrLocked, ix.opts.LockTimeout)
		}
		return nil, fmt.Sprintf("索引已损坏 (damaged index: %v)", err), nil
	}
	schema, err := bi.GetInternal(keySchema)
	if err != nil {
		_ = bi.Close()
		return nil, fmt.Sprintf("索引已损坏 (damaged index: %v)", err), nil
	}
	if want := ix.schema(); string(schema) != want {
		_ = bi.Close()
		return nil, fmt.Sprintf("索引格式已过时 (schema %q, this program writes %q)", schema, want), nil
	}
	// Read every segment once: a truncated file shows up here, not in the
	// middle of a search.
	n, err := bi.DocCount()
	if err == nil {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1, 0, false)
		req.Fields = []string{sSnip}
		var res *bleve.SearchResult
		res, err = bi.Search(req)
		if err == nil && res.Total != n {
			err = fmt.Errorf("%d documents counted, %d found", n, res.Total)
		}
	}
	if err != nil {
		_ = bi.Close()
		return nil, fmt.Sprintf("索引已损坏 (damaged index: %v)", err), nil
	}
	return bi, "", nil
}

// servingMerges is the part of scorch's merge plan a live index changes.
// bleve's default lets segments pile up in tiers of ten, and every save
// adds one: after twenty one-file saves an index of 89,000 records had
// twelve segments, and since a search looks each of its terms up in every
// segment, Index.Search took 1.65 ms against 1.1 ms on one segment. With
// one segment per tier the big segment of a rebuild stays alone in its
// tier and the saves' small segments are merged with each other as they
// come, which is cheap: two or three segments at 10,000 customers, and
// never a rewrite of the big one for a save.
var servingMerges = map[string]any{"MaxSegmentsPerTier": 1}

// noMerges is a merge plan under which no segment is small enough to be
// merged.
var noMerges = map[string]any{"MaxSegmentSize": 1}

// servingConfig is bleve's runtime configuration for the live index. It
// is given at every open, so it also applies to indexes built before it.
func (ix *Index) servingConfig() map[string]any { return ix.scorchConfig(servingMerges) }

// scorchConfig is bleve's runtime configuration with the merge plan
// merges (a map of scorch's mergeplan.MergePlanOptions fields).
func (ix *Index) scorchConfig(merges map[string]any) map[string]any {
	return map[string]any{
		"bolt_timeout":           ix.opts.LockTimeout.String(),
		"scorchMergePlanOptions": merges,
	}
}

func (ix *Index) schema() string {
	return fmt.Sprintf("%d/%s", SchemaVersion, ix.opts.Analyzer)
}

// create makes an empty index at path recording commit.
func (ix *Index) create(path, commit string) (bleve.Index, error) {
	bi, err := bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, map[string]any{"bolt_timeout": ix.opts.LockTimeout.String()})
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	b := bi.NewBatch()
	b.SetInternal(keySchema, []byte(ix.schema()))
	b.SetInternal(keyCommit, []byte(commit))
	if err := bi.Batch(b); err != nil {
		_ = bi.Close()
		return nil, fmt.Errorf("create index: %w", err)
	}
	return bi, nil
}

// newMapping is deliberately bare: documents are built field by field
// (document.go), nothing is dynamic, nothing goes to _all, and only what
// hits show is stored. The Chinese analyzer is declared so that the index
// metadata names it.
func newMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	_ = im.AddCustomAnalyzer(ZhTokenizerName, map[string]any{"type": custom.Name, "tokenizer": ZhTokenizerName})
	dm := bleve.NewDocumentStaticMapping()
	im.DefaultMapping = dm
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultAnalyzer = "keyword"
	return im
}

// Stale says why the index must be rebuilt before it can be trusted, or ""
// when it reflects Commit.
func (ix *Index) Stale() string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.stale
}

// Commit returns the commit the index reflects ("" for an empty index).
func (ix *Index) Commit() string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return ""
	}
	c, _ := ix.bi.GetInternal(keyCommit)
	return string(c)
}

// Close closes the index.
func (ix *Index) Close() error {
	ix.write.Lock()
	defer ix.write.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.bi == nil {
		return nil
	}
	err := ix.bi.Close()
	ix.bi = nil
	return err
}

// Rebuild indexes every record of snap into a new index beside the live
// one, then swaps it in: searches keep working on the old index meanwhile,
// and an interrupted rebuild leaves the old one in place. progress (may be
// nil) is called after each batch, never by two goroutines at once.
func (ix *Index) Rebuild(ctx context.Context, snap *archive.Snapshot, progress func(done, total int)) error {
	ix.write.Lock()
	defer ix.write.Unlock()
	path := filepath.Join(ix.dir, newDir)
	_ = os.RemoveAll(path)
	bi, err := ix.create(path, "")
	if err != nil {
		return err
	}
	// Reopened with the build's settings, which bleve does not write to
	// the index's metadata: the index served later merges as usual.
	if err := bi.Close(); err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	bi, err = bleve.OpenUsing(path, ix.buildConfig())
	if err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	if err := ix.build(ctx, bi, path, snap, progress); err != nil {
		_ = bi.Close()
		return err
	}
	if err := bi.Close(); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	return ix.swap(path)
}

// build fills bi with the records of snap and merges its segments.
//
// Merging is single-threaded in bleve, and a merge of the whole index at
// the end left a core idle for a fifth of a 10,000-customer build. A
// large archive is therefore built in two parts: the segments of the
// first part are merged into one while the records of the rest (about a
// seventh, what keeps both cores busy meanwhile) are indexed, and then
// the rest's segments are merged into a second segment. A search looks
// its terms up in both; a server compacts them into one when it has
// nothing else to do (Compact).
func (ix *Index) build(ctx context.Context, bi bleve.Index, path string, snap *archive.Snapshot, progress func(done, total int)) error {
	recs := slices.Collect(snap.Records())
	total := len(recs)
	size := ix.opts.BatchSize
	if size <= 0 {
		size = batchSize
	}
	head := total
	if total >= splitBatches*size {
		head = total - total/tailShare
	}
	start := time.Now()
	rep := newReporter(progress, total)
	if err := ix.fill(ctx, bi, snap, recs[:head], size, 0, rep); err != nil {
		return err
	}
	filled := time.Now()
	var tailMerge time.Duration
	if head < total {
		merged := make(chan error, 1)
		go func() { merged <- mergeSegments(ctx, bi, 0) }()
		// One worker: the merge has the other core.
		err := ix.fill(ctx, bi, snap, recs[head:], size, 1, rep)
		if merr := <-merged; err == nil {
			err = merr
		}
		if err != nil {
			return err
		}
		t := time.Now()
		// Only segments of fewer records than the tail merge now, not
		// the one the head was merged into.
		if err := mergeSegments(ctx, bi, 2*(total-head)+2); err != nil {
			return err
		}
		tailMerge = time.Since(t)
	} else if err := mergeSegments(ctx, bi, 0); err != nil {
		return err
	}
	b := bi.NewBatch()
	b.SetInternal(keyCommit, []byte(snap.Commit))
	if err := bi.Batch(b); err != nil {
		return fmt.Errorf("index records: %w", err)
	}
	if total == 0 {
		rep.report(0)
	}
	want := 1
	if head < total {
		want = 2
	}
	if err := waitMerged(ctx, path, want); err != nil {
		return err
	}
	ix.Logger.Debug("search index written", "records", total, "took", time.Since(start).Round(time.Millisecond),
		"head_filled", filled.Sub(start).Round(time.Millisecond), "tail_merge", tailMerge.Round(time.Millisecond))
	return nil
}

const (
	// splitBatches is the fewest batches of records a rebuild is made in
	// two parts for; tailShare is the part of the records (one in
	// tailShare) indexed while the others' segments merge.
	splitBatches = 10
	tailShare    = 7
)

// reporter counts the records in the index for progress.
type reporter struct {
	progress func(done, total int)
	total    int
	mu       sync.Mutex
	done     int
}

func newReporter(progress func(done, total int), total int) *reporter {
	return &reporter{progress: progress, total: total}
}

func (r *reporter) report(n int) {
	if r.progress == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done += n
	r.progress(r.done, r.total)
}

// buildConfig is the scorch configuration of a rebuild. Segments are not
// merged while they are written: the tiers bleve would merge them into
// are rewritten again and again as the build goes on (a third of the
// build's CPU time at 10,000 customers), while build merges each record
// once.
func (ix *Index) buildConfig() map[string]any { return ix.scorchConfig(noMerges) }

// fill indexes recs into bi from several workers (default GOMAXPROCS+1),
// each building documents and writing them in batches of its own: bleve
// analyses a batch on every core but writes its segment on one, so one
// worker's segment is written while another's documents are built and
// analysed.
func (ix *Index) fill(ctx context.Context, bi bleve.Index, snap *archive.Snapshot, recs []*archive.Record, size, workers int, rep *reporter) error {
	if workers <= 0 {
		workers = ix.opts.BuildWorkers
	}
	if workers <= 0 {
		// One more than the cores: a worker waits for its segment to be
		// written and synced to disk before it goes on, and meanwhile the
		// others keep the cores busy.
		workers = runtime.GOMAXPROCS(0) + 1
	}
	total := len(recs)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		next atomic.Int64 // the next batch to take
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			b := bi.NewBatch()
			// A batch is a run of records in path order: a customer's
			// records share a segment, and the documents come in path
			// order but for the order the batches are written in.
			for ctx.Err() == nil {
				from := (int(next.Add(1)) - 1) * size
				if from >= total {
					return
				}
				for _, r := range recs[from:min(from+size, total)] {
					if err := b.IndexAdvanced(recordDoc(ix.text, r, snap.Customer(r.Customer))); err != nil {
						cancel(fmt.Errorf("index %s: %w", r.Path, err))
						return
					}
				}
				n := b.Size()
				if err := bi.Batch(b); err != nil {
					cancel(fmt.Errorf("index records: %w", err))
					return
				}
				b.Reset()
				rep.report(n)
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return nil
}

// mergeSegments merges the segments of bi holding fewer than below/2
// records (every one, for 0) into one: a search looks every term up in
// every segment of every field it names, so the segments a build leaves
// cost that many lookups.
func mergeSegments(ctx context.Context, bi bleve.Index, below int) error {
	adv, err := bi.Advanced()
	if err != nil {
		return fmt.Errorf("merge the index: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	// bleve's single-segment plan merges ten segments per task, so
	// eleven take two passes that rewrite the largest twice.
	mo := mergeplan.SingleSegmentMergePlanOptions
	mo.SegmentsPerMergeTask = 1 << 10
	if below > 0 {
		mo.MaxSegmentSize = int64(below)
	}
	if err := s.ForceMerge(ctx, &mo); err != nil {
		return fmt.Errorf("merge the index: %w", err)
	}
	return ctx.Err()
}

// forceMerge merges every segment of bi into one and waits for the
// files of the merged ones to go.
func forceMerge(ctx context.Context, bi bleve.Index, path string) error {
	if err := mergeSegments(ctx, bi, 0); err != nil {
		return err
	}
	return waitMerged(ctx, path, 1)
}

// waitMerged waits until the index at path has at most n segment files.
// bleve deletes merged segments' files in the background once the merged
// one is recorded (a few seconds at most), and a process that exits right
// after a rebuild (dangan index --rebuild) would leave twice the index on
// disk.
func waitMerged(ctx context.Context, path string, n int) error {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && ctx.Err() == nil; {
		zaps, _ := filepath.Glob(filepath.Join(path, "store", "*.zap"))
		if len(zaps) <= n {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return ctx.Err()
}

// swap makes the index at path the live one.
func (ix *Index) swap(path string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	live := filepath.Join(ix.dir, liveDir)
	old := filepath.Join(ix.dir, oldDir)
	if ix.bi != nil {
		if err := ix.bi.Close(); err != nil {
			ix.Logger.Warn("closing the old index", "err", err)
		}
		ix.bi = nil
	}
	_ = os.RemoveAll(old)
	if err := os.Rename(live, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("swap in the new index: %w", err)
	}
	if err := os.Rename(path, live); err != nil {
		return fmt.Errorf("swap in the new index: %w", err)
	}
	_ = os.RemoveAll(old)
	bi, err := bleve.OpenUsing(live, ix.servingConfig())
	if err != nil {
		return fmt.Errorf("open the new index: %w", err)
	}
	ix.bi, ix.stale, ix.facets = bi, "", newFacetCache()
	return nil
}

// Update brings the index from Commit() to snap.Commit, given the paths
// changed (added or modified) and removed in between. Only those records
// are reindexed, plus every record of a customer whose customer.md
// changed, since customer facts are copied into each of its records.
func (ix *Index) Update(ctx context.Context, snap *archive.Snapshot, changed, removed []string) error {
	ix.write.Lock()
	defer ix.write.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return errors.New("update index: the index is closed")
	}
	if ix.stale != "" {
		return fmt.Errorf("update index: it must be rebuilt first: %s", ix.stale)
	}
	reindex := map[string]bool{}
	deleted := map[string]bool{}
	wholeCustomer := func(p string) {
		if f := snap.Customer(archive.CustomerOf(p)); f != nil {
			for _, r := range f.Records() {
				reindex[r.Path] = true
			}
		}
	}
	for _, p := range removed {
		if archive.PlaceOf(p).Kind == "" {
			continue
		}
		deleted[p] = true
		if archive.PlaceOf(p).Kind == archive.KindCustomer {
			wholeCustomer(p)
		}
	}
	for _, p := range changed {
		pl := archive.PlaceOf(p)
		if pl.Kind == "" {
			continue
		}
		reindex[p] = true
		if pl.Kind == archive.KindCustomer {
			wholeCustomer(p)
		}
	}
	b := ix.bi.NewBatch()
	for p := range deleted {
		if !reindex[p] || snap.Record(p) == nil {
			b.Delete(p)
		}
	}
	for p := range reindex {
		if err := ctx.Err(); err != nil {
			return err
		}
		r := snap.Record(p)
		if r == nil {
			b.Delete(p) // listed as changed but gone: trust the snapshot
			continue
		}
		if err := b.IndexAdvanced(recordDoc(ix.text, r, snap.Customer(r.Customer))); err != nil {
			return fmt.Errorf("index %s: %w", p, err)
		}
		if b.Size() >= batchSize {
			if err := ix.bi.Batch(b); err != nil {
				return fmt.Errorf("update index: %w", err)
			}
			b.Reset()
		}
	}
	// The commit goes with the last batch: an index interrupted before it
	// still says the old commit, and the same changes are applied again.
	b.SetInternal(keyCommit, []byte(snap.Commit))
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("update index: %w", err)
	}
	return nil
}

// Sync brings the index to snap: nothing when it is there already, an
// update with the changes since its commit, or a rebuild (logged with the
// reason) when the index is stale, empty, or the changes cannot be had.
func (ix *Index) Sync(ctx context.Context, snap *archive.Snapshot, changes func(from, to string) (changed, removed []string, err error)) error {
	from := ix.Commit()
	reason := ix.Stale()
	switch {
	case reason == "" && from == snap.Commit:
		return nil
	case reason == "" && from == "":
		reason = "索引为空 (empty index)"
	case reason == "" && changes != nil:
		changed, removed, err := changes(from, snap.Commit)
		if err == nil {
			return ix.Update(ctx, snap, changed, removed)
		}
		reason = fmt.Sprintf("无法取得 %.10s 以来的改动 (changes since %.10s: %v)", from, from, err)
	case reason == "":
		reason = "no way to get the changes since the indexed commit"
	}
	ix.Logger.Info("rebuilding the search index", "dir", ix.dir, "reason", reason, "records", snap.Len())
	start := time.Now()
	if err := ix.Rebuild(ctx, snap, nil); err != nil {
		return err
	}
	ix.Logger.Info("search index rebuilt", "records", snap.Len(), "took", time.Since(start).Round(time.Millisecond))
	return nil
}
