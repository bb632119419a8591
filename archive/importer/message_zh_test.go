package importer

import (
	"errors"
	"go/ast"
	goparser "go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestEveryMessageInChinese finds every message format the importer uses
// in its source and requires a Chinese translation of it: a message added
// without one would reach the Chinese site in English. A sentence made
// with fmt or errors directly would bypass the translation, so those are
// refused too, but for the few that never reach a person as such.
func TestEveryMessageInChinese(t *testing.T) {
	verb := regexp.MustCompile(`%[-+# 0-9.\[\]]*[a-zA-Z]`)
	english := regexp.MustCompile(`[a-zA-Z]{2,}`)
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	formatArg := map[string]int{"errorf": 0, "bad": 3, "note": 0, "say": 1, "phrase": 0}
	// Not for a person, or only pieces of a value.
	untranslated := map[string]bool{
		"read %s: %w":         true, // the store failed: an internal error
		"write %s: %w":        true,
		"unknown file format": true, // ErrUnknownFormat, wrapped in a translated sentence
		"%s-%d":               true, // an id
	}
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
			var fn, pkg string
			switch e := call.Fun.(type) {
			case *ast.SelectorExpr:
				fn = e.Sel.Name
				if id, ok := e.X.(*ast.Ident); ok {
					pkg = id.Name
				}
			case *ast.Ident:
				fn = e.Name
			}
			literal := func(e ast.Expr) (string, token.Pos, bool) {
				bl, ok := e.(*ast.BasicLit)
				if !ok || bl.Kind != token.STRING {
					return "", 0, false
				}
				s, _ := strconv.Unquote(bl.Value)
				return s, bl.Pos(), true
			}
			if (pkg == "fmt" && (fn == "Errorf" || fn == "Sprintf")) || (pkg == "errors" && fn == "New") {
				if s, pos, ok := literal(call.Args[0]); ok && english.MatchString(verb.ReplaceAllString(s, "")) && !untranslated[s] {
					t.Errorf("%s: %s.%s(%q) makes a message only in English: use errorf (and add its Chinese to zhMessages)", fset.Position(pos), pkg, fn, s)
				}
				return true
			}
			i, ok := formatArg[fn]
			if !ok || len(call.Args) <= i {
				return true
			}
			s, pos, ok := literal(call.Args[i])
			if !ok || s == "%s" || s == "%v" || s == "" {
				return true
			}
			found++
			if _, ok := zhMessages[s]; !ok {
				t.Errorf("%s: no Chinese for %q (add it to zhMessages in message_zh.go)", fset.Position(pos), s)
			}
			return true
		})
	}
	if found < 60 {
		t.Errorf("found only %d message formats in the source: the scan is broken", found)
	}
}

// TestChineseVerbs: every translation takes the same arguments as its
// English, so that neither shows a %!verb.
func TestChineseVerbs(t *testing.T) {
	for en := range zhMessages {
		n := strings.Count(strings.ReplaceAll(en, "%%", ""), "%")
		args := make([]any, n)
		for i := range args {
			args[i] = 7
		}
		if strings.Contains(say(false, en, args...), "%!") {
			continue // takes strings: checked through the fixtures below
		}
		if s := say(true, en, args...); strings.Contains(s, "%!") {
			t.Errorf("%q: Chinese %q does not take the English's arguments", en, s)
		}
	}
}

func TestMessagesInBothLanguages(t *testing.T) {
	base := loadDir(t, "testdata/archive")
	p, err := Build(base.snapshot(t), base.read, "devices.xlsx", fixture(t, "devices.xlsx"), Options{Kind: Devices, Customer: "mz-renmin-hospital"})
	if err != nil {
		t.Fatal(err)
	}
	var zh []string
	for _, b := range p.Bad {
		if b.Chinese == "" {
			t.Errorf("%s: no Chinese", b)
		}
		zh = append(zh, b.Text(true))
	}
	for _, n := range p.Notes {
		zh = append(zh, n.Message(true))
	}
	got := strings.Join(zh, "\n")
	for _, want := range []string{
		`工作表 设备清单，第 7 行，H 列（安装日期）："2024-02-30" 不是日期：2024 年 2 月没有 30 日`,
		`"10.12.0.256" 不是 IP 地址`,
		`未导入的列：序号, 备注（要导入它们，请用 --map '表头=字段' 指定）`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Chinese messages:\n%s\nwant one containing %q", got, want)
		}
	}
	var text strings.Builder
	p.WriteChinese(&text)
	for _, want := range []string{"从 devices.xlsx，工作表 设备清单 导入设备清单（版本 0123456789）：读取 5 行", "新增设备 2 台，更新 1 台", "3 行无法导入：", "  修改 customers/mz-renmin-hospital/devices.md"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("WriteChinese:\n%s\nwant %q", text.String(), want)
		}
	}

	// A form names its fields instead of the flags.
	form := Options{Kind: Devices, MapField: &Label{"Other headings", "其他表头"}, CustomerField: &Label{"Customer", "客户"}}
	p, err = Build(base.snapshot(t), base.read, "devices.xlsx", fixture(t, "devices.xlsx"), withCustomer(form, "mz-renmin-hospital"))
	if err != nil {
		t.Fatal(err)
	}
	if n := p.Notes[0]; strings.Contains(n.Msg+n.Chinese, "--map") || !strings.Contains(n.Msg, "the field Other headings") || !strings.Contains(n.Chinese, "“其他表头”") {
		t.Errorf("note with a form: %+v", n)
	}
	_, err = Build(base.snapshot(t), base.read, "devices.xlsx", fixture(t, "devices.xlsx"), form)
	var e *Error
	if !errors.As(err, &e) || strings.Contains(err.Error(), "--customer") || !strings.Contains(Chinese(err), "“客户”") {
		t.Errorf("no customer with a form: %v / %q", err, Chinese(err))
	}
}

func withCustomer(o Options, id string) Options { o.Customer = id; return o }

func TestErrorWraps(t *testing.T) {
	_, err := ReadTable("x.doc", []byte("x"), "")
	if !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("ReadTable(x.doc) = %v, want ErrUnknownFormat", err)
	}
	if zh := Chinese(err); !strings.Contains(zh, "请导入 .xlsx 或 .csv 文件") {
		t.Errorf("Chinese(%v) = %q", err, zh)
	}
	if got := Chinese(errors.New("plain")); got != "plain" {
		t.Errorf("Chinese of a foreign error = %q", got)
	}
}
