package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dangan-archive/dangan/site/diagram"
)

func TestDiagramEngine(t *testing.T) {
	if e, err := diagramEngine("wasm"); err != nil || e != (diagram.Graphviz{}) {
		t.Errorf("wasm = %v, %v", e, err)
	}
	if _, err := diagramEngine("graphviz"); err == nil || !strings.Contains(err.Error(), "wasm or dot") {
		t.Errorf("an unknown engine: %v", err)
	}
	// dot without the package installed: said at start, with the fix.
	t.Setenv("PATH", t.TempDir())
	if _, err := diagramEngine("dot"); err == nil || !strings.Contains(err.Error(), "apt-get install graphviz") {
		t.Errorf("dot without graphviz: %v", err)
	}
	// With programs of those names on $PATH it is the command engine.
	bin := t.TempDir()
	for _, p := range []string{"dot", "sfdp"} {
		if err := os.WriteFile(filepath.Join(bin, p), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
	if e, err := diagramEngine("dot"); err != nil || e != (diagram.Command{}) {
		t.Errorf("dot = %v, %v", e, err)
	}
}
