//go:build deps

// Package dangan pins modules that packages still being written will use,
// so that go mod tidy keeps them while work lands in parallel.
package dangan

import (
	_ "github.com/blevesearch/bleve/v2"
	_ "github.com/chromedp/chromedp"
	_ "github.com/go-ego/gse"
	_ "github.com/go-git/go-git/v5"
	_ "github.com/goccy/go-graphviz"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/longbridgeapp/opencc"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/schollz/progressbar/v3"
	_ "github.com/spf13/cobra"
	_ "github.com/xuri/excelize/v2"
	_ "github.com/yuin/goldmark"
	_ "golang.org/x/crypto/bcrypt"
)
