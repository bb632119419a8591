// Command gendict writes the Chinese dictionary the index segments text
// with: the words of gse's simplified-Chinese dictionary seen at least -min
// times, gzip-compressed. A trimmed dictionary loads in a fraction of the
// time and memory of the full one for the same relevance on the archive
// (docs/ANALYZERS.md has the figures).
//
//	go run ./internal/gendict -min 10 -o dict/zh.txt.gz
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	minFreq := flag.Int("min", 10, "keep words with at least this frequency")
	out := flag.String("o", "dict/zh.txt.gz", "output file")
	flag.Parse()
	if err := run(*minFreq, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gendict:", err)
		os.Exit(1)
	}
}

func run(minFreq int, out string) error {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/go-ego/gse").Output()
	if err != nil {
		return fmt.Errorf("find the gse module: %w", err)
	}
	src := filepath.Join(strings.TrimSpace(string(dir)), "data", "dict", "zh", "s_1.txt")
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	sc := bufio.NewScanner(in)
	n := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		freq, err := strconv.Atoi(fields[1])
		if err != nil || freq < minFreq {
			continue
		}
		fmt.Fprintf(w, "%s %d\n", fields[0], freq)
		n++
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gendict: %d words from %s\n", n, src)
	return f.Close()
}
