package site_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dangan-archive/dangan/archive"
	"github.com/dangan-archive/dangan/archive/access"
	"github.com/dangan-archive/dangan/site/i18n"
)

// TestCatalogsComplete checks that both catalogs have the same keys and that
// every key the templates and handlers use exists.
func TestCatalogsComplete(t *testing.T) {
	cs, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	zh, en := cs.Get(i18n.Chinese), cs.Get(i18n.English)
	if diff := cmp.Diff(zh.Keys(), en.Keys()); diff != "" {
		t.Errorf("catalog keys differ (-zh-CN +en):\n%s", diff)
	}
	used := map[string]string{} // key → where
	literal := regexp.MustCompile(`\bt "([a-zA-Z0-9_.-]+)"`)
	goKey := regexp.MustCompile(`"((?:error|home|search|customers|guides)\.[a-z_]+)"`)
	files, _ := filepath.Glob("templates/*.html")
	partials, _ := filepath.Glob("templates/partials/*.html")
	gofiles, _ := filepath.Glob("*.go")
	for _, f := range slices.Concat(files, partials, gofiles) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		re := literal
		if filepath.Ext(f) == ".go" {
			re = goKey
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	// Keys built from values: kinds, statuses and the like.
	add := func(prefix string, vals ...string) {
		for _, v := range vals {
			used[prefix+v] = "values"
		}
	}
	for _, k := range archive.Kinds {
		add("kind.", string(k))
	}
	for _, s := range archive.DeviceStatuses {
		add("status.", string(s))
	}
	for _, o := range archive.Outcomes {
		add("outcome.", string(o))
	}
	for _, v := range archive.VisitTypes {
		add("visit.", string(v))
	}
	for _, r := range access.Roles {
		add("role.", string(r))
	}
	for _, l := range i18n.Langs {
		add("lang.", string(l))
	}
	add("satisfaction.", archive.Satisfactions...)
	add("lead.", archive.LeadStatuses...)
	add("mstatus.", archive.MilestoneStatuses...)
	add("facet.", "kind", "industry", "district", "vendor", "account_manager", "technician")
	if len(used) < 100 {
		t.Fatalf("found only %d keys in use; is the pattern still right?", len(used))
	}
	for k, where := range used {
		if !zh.Has(k) {
			t.Errorf("key %q used in %s is missing from the catalogs", k, where)
		}
	}
}

func TestMatchAcceptLanguage(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   i18n.Lang
	}{
		{"", i18n.Chinese},
		{"zh-CN,zh;q=0.9,en;q=0.8", i18n.Chinese},
		{"en-US,en;q=0.9", i18n.English},
		{"de-DE", i18n.Chinese},
		{"zh-TW", i18n.Chinese},
		{"fr;q=0.9, en;q=0.5", i18n.English},
		{"garbage;;;", i18n.Chinese},
	} {
		if got := i18n.Match(tt.header); got != tt.want {
			t.Errorf("Match(%q) = %s, want %s", tt.header, got, tt.want)
		}
	}
}

func TestLocalFormats(t *testing.T) {
	cs, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	d := archive.Date{Year: 2026, Month: 3, Day: 5}
	for _, tt := range []struct {
		lang      i18n.Lang
		date, num string
	}{
		{i18n.Chinese, "2026年3月5日", "12,345"},
		{i18n.English, "5 Mar 2026", "12,345"},
	} {
		c := cs.Get(tt.lang)
		if got := c.Date(d); got != tt.date {
			t.Errorf("%s: Date = %q, want %q", tt.lang, got, tt.date)
		}
		if got := c.Num(12345); got != tt.num {
			t.Errorf("%s: Num = %q, want %q", tt.lang, got, tt.num)
		}
	}
}
