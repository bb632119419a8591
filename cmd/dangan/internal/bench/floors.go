package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/dangan-archive/dangan/index"
)

// blobs lists HEAD's files: path and blob id.
type blob struct{ id, path string }

func headBlobs(ctx context.Context, dir string) ([]blob, error) {
	out, err := gitOutput(ctx, dir, "ls-tree", "-r", "-z", "HEAD")
	if err != nil {
		return nil, err
	}
	var bs []blob
	for rec := range strings.SplitSeq(out, "\x00") {
		meta, path, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 || f[1] != "blob" {
			continue
		}
		bs = append(bs, blob{id: f[2], path: path})
	}
	return bs, nil
}

// catFileFloor reads every blob of HEAD's tree with one `git cat-file
// --batch`, the least any index build from git must do, and returns the
// bytes read.
func catFileFloor(ctx context.Context, dir string) (time.Duration, int64, error) {
	start := time.Now()
	bs, err := headBlobs(ctx, dir)
	if err != nil {
		return 0, 0, err
	}
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "cat-file", "--batch")
	in, err := cmd.StdinPipe()
	if err != nil {
		return 0, 0, err
	}
	outp, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	go func() {
		w := bufio.NewWriter(in)
		for _, b := range bs {
			w.WriteString(b.id)
			w.WriteByte('\n')
		}
		w.Flush()
		in.Close()
	}()
	var total int64
	r := bufio.NewReaderSize(outp, 1<<20)
	for range bs {
		hdr, err := r.ReadString('\n')
		if err != nil {
			cmd.Wait()
			return 0, 0, fmt.Errorf("git cat-file --batch: %w", err)
		}
		f := strings.Fields(hdr)
		if len(f) != 3 {
			cmd.Wait()
			return 0, 0, fmt.Errorf("git cat-file --batch: unexpected header %q", hdr)
		}
		n, _ := strconv.ParseInt(f[2], 10, 64)
		if _, err := io.CopyN(io.Discard, r, n+1); err != nil {
			cmd.Wait()
			return 0, 0, fmt.Errorf("git cat-file --batch: %w", err)
		}
		total += n
	}
	if err := cmd.Wait(); err != nil {
		return 0, 0, fmt.Errorf("git cat-file --batch: %w", err)
	}
	return time.Since(start), total, nil
}

// markdown reads the text of every markdown file of the archive's work
// tree (the files at HEAD right after generation).
func markdown(ctx context.Context, dir string) ([][]byte, int64, int, error) {
	bs, err := headBlobs(ctx, dir)
	if err != nil {
		return nil, 0, 0, err
	}
	var texts [][]byte
	var total int64
	for _, b := range bs {
		if !strings.HasSuffix(b.path, ".md") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(b.path)))
		if err != nil {
			return nil, 0, 0, err
		}
		texts = append(texts, data)
		total += int64(len(data))
	}
	return texts, total, len(bs), nil
}

// zhTokenizer is the index's own Chinese tokenizer (dictionary segmenter
// and traditional-to-simplified folding), its dictionary already loaded.
func zhTokenizer() (analysis.Tokenizer, error) {
	t, err := registry.NewCache().TokenizerNamed(index.ZhTokenizerName)
	if err != nil {
		return nil, fmt.Errorf("load the index's Chinese tokenizer: %w", err)
	}
	t.Tokenize([]byte("交换机光衰")) // the dictionary loads on first use
	return t, nil
}

// segmentFloor runs the tokenizer alone over every markdown text, on all
// cores (the build may use them too), and returns the tokens it made.
func segmentFloor(t analysis.Tokenizer, texts [][]byte) (time.Duration, int) {
	start := time.Now()
	var next, tokens atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(texts) {
					return
				}
				tokens.Add(int64(len(t.Tokenize(texts[i]))))
			}
		})
	}
	wg.Wait()
	return time.Since(start), int(tokens.Load())
}
