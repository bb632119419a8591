package archive

import (
	"go/ast"
	goparser "go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEveryProblemInChinese finds every message format the checker uses
// in its source and requires a Chinese translation of it: a message added
// without one would reach the Chinese site in English.
func TestEveryProblemInChinese(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	formatArg := map[string]int{"errAt": 2, "warnAt": 2, "errNode": 1, "warnNode": 1, "problemf": 4}
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := goparser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var fn string
			switch e := call.Fun.(type) {
			case *ast.SelectorExpr:
				fn = e.Sel.Name
			case *ast.Ident:
				fn = e.Name
			}
			check := func(lit ast.Expr) {
				bl, ok := lit.(*ast.BasicLit)
				if !ok || bl.Kind != token.STRING {
					return
				}
				s, _ := strconv.Unquote(bl.Value)
				if s == "%s" || s == "" {
					return
				}
				found++
				if _, ok := zhProblems[s]; !ok {
					t.Errorf("%s: no Chinese for %q (add it to zhProblems in problem_zh.go)", fset.Position(bl.Pos()), s)
				}
			}
			if i, ok := formatArg[fn]; ok && len(call.Args) > i {
				check(call.Args[i])
			}
			if fn == "phrase" && len(call.Args) == 1 {
				check(call.Args[0])
			}
			return true
		})
	}
	if found < 30 {
		t.Errorf("found only %d message formats in the source: the scan is broken", found)
	}
}

func TestProblemsInBothLanguages(t *testing.T) {
	tests := []struct {
		path, content string
		zh            string // a part of the Chinese message
	}{
		{"customers/x/devices.md", "---\nkind: devices\ndevices:\n  - {id: a, mgmt_ip: 10.1.1}\n---\n", "管理地址（mgmt_ip）\"10.1.1\" 不是 IP 地址"},
		{"customers/x/devices.md", "---\nkind: devices\ndevices: 3\n---\n", "类型不对：应为列表，实际是\"3\""},
		{"customers/x/devices.md", "---\nkind: devices\nreviewed: 2026-02-30\n---\n", "不是日期"},
		{"customers/x/devices.md", "---\nkind: devices\nreviewed: [1]\n---\n", "应为日期（YYYY-MM-DD），实际是列表"},
		{"customers/x/visits/2026-01-01-a.md", "---\nkind: devices\n---\n", "这个位置的文件必须是 kind: visit"},
		{"customers/x/devices.md", "\xb0\xa1\xb0\xa1: x\n", "看起来是 GBK"},
	}
	for _, tt := range tests {
		r := Parse(tt.path, []byte(tt.content))
		var zh []string
		for _, p := range r.Problems {
			if p.Message == "" {
				t.Errorf("%s: a problem without an English message", tt.path)
			}
			zh = append(zh, p.Chinese)
		}
		if !strings.Contains(strings.Join(zh, "\n"), tt.zh) {
			t.Errorf("Parse(%q): Chinese messages %q, want one containing %q (English: %v)", tt.content, zh, tt.zh, r.Problems)
		}
	}
}

// TestYAMLSyntaxLines: a syntax error points at the line to fix (yaml.v3
// counts some of its lines from zero).
func TestYAMLSyntaxLines(t *testing.T) {
	tests := []struct {
		content string
		line    int
		zh      string
	}{
		{"---\nkind: devices\ndevices:\n  - {id: a, vendor: [x\n---\n", 4, "方括号没有闭合"},
		{"---\nkind: devices\ndevices:\n  - {id: a, vendor: x\n---\n", 4, "花括号没有闭合"},
		{"---\nkind: devices\na:\n  b: 1\n c: 2\n---\n", 5, "缩进"},
		{"---\nkind: devices\nfoo: bar: baz\n---\n", 3, "加引号"},
		{"---\nkind: customer\nname: x\ncontacts: [\n---\n", 4, "缺少内容"},
	}
	for _, tt := range tests {
		ps := Parse("customers/x/devices.md", []byte(tt.content)).Problems
		if len(ps) != 1 || ps[0].Line != tt.line || !strings.Contains(ps[0].Chinese, tt.zh) {
			t.Errorf("Parse(%q) = %v, want one problem on line %d saying %q", tt.content, ps, tt.line, tt.zh)
		}
	}
}
