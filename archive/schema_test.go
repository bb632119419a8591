package archive_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/archive"
	"github.com/google/go-cmp/cmp"
)

// TestFormatDoc keeps docs/FORMAT.md generated from the Go types: change a
// type, run go test ./archive -update, and review the doc's diff.
func TestFormatDoc(t *testing.T) {
	p := filepath.Join("..", "docs", "FORMAT.md")
	head, err := os.ReadFile(filepath.Join("testdata", "format-head.md"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.Write(head)
	for _, k := range archive.Kinds {
		fmt.Fprintf(&b, "\n## `kind: %s`\n\n`%s`\n\n| key | 中文 | type | required | values |\n| --- | --- | --- | --- | --- |\n", k, archive.KindFile(k))
		writeFields(&b, archive.Schema(k), "")
	}
	got := b.String()
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("docs/FORMAT.md is out of date with the Go types (go test ./archive -update):\n%s", d)
	}
}

func writeFields(b *strings.Builder, fs []archive.Field, prefix string) {
	for _, f := range fs {
		req := ""
		if f.Required {
			req = "yes"
		}
		fmt.Fprintf(b, "| `%s%s` | %s | %s | %s | %s |\n", prefix, f.Key, f.Label, f.Type, req, strings.Join(f.Enum, ", "))
		writeFields(b, f.Fields, prefix+f.Key+".")
	}
}

func TestSchemaCoversEveryKind(t *testing.T) {
	for _, k := range archive.Kinds {
		fs := archive.Schema(k)
		if len(fs) == 0 {
			t.Errorf("kind %s has no fields", k)
		}
		for _, f := range fs {
			if f.Label == "" {
				t.Errorf("%s.%s has no Chinese label (doc tag)", k, f.Key)
			}
		}
	}
	var status archive.Field
	for _, f := range archive.Schema(archive.KindDevices)[1].Fields {
		if f.Key == "status" {
			status = f
		}
	}
	if !cmp.Equal(status.Enum, []string{"in_service", "standby", "faulty", "removed"}) {
		t.Errorf("device status enum = %v", status.Enum)
	}
}
