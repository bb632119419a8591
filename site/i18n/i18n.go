// Package i18n holds the site's message catalogs (zh-CN first, English
// second) and formats dates and numbers the way each language writes them.
// Templates never contain literal UI text: they look keys up here.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/dangan-archive/dangan/archive"
)

// Lang is a language the site speaks, as a BCP 47 tag.
type Lang string

// The languages, Chinese first: it is the default.
const (
	Chinese Lang = "zh-CN"
	English Lang = "en"
)

// Langs lists the languages in the order the switch offers them.
var Langs = []Lang{Chinese, English}

// Parse accepts a language tag as a person or a cookie writes it
// ("zh", "zh-CN", "en", "en-GB").
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "zh" || strings.HasPrefix(s, "zh-") || strings.HasPrefix(s, "zh_"):
		return Chinese, true
	case s == "en" || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en_"):
		return English, true
	}
	return "", false
}

var matcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// Match picks the language for an Accept-Language header; Chinese when the
// header is missing or names neither language.
func Match(acceptLanguage string) Lang {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Chinese
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No || i == 0 {
		return Chinese
	}
	return English
}

// The catalog of a language is catalogs/LANG.json plus every
// catalogs/*.LANG.json (one per feature: edit.zh-CN.json, leads.en.json),
// so features can grow their words without touching one shared file. A key
// defined twice is an error, not a silent override.
//
//go:embed catalogs/*.json
var catalogFiles embed.FS

// Catalog is the messages of one language.
type Catalog struct {
	Lang    Lang
	msgs    map[string]string
	printer *message.Printer
}

// Catalogs are the catalogs of every language.
type Catalogs struct {
	byLang map[Lang]*Catalog
}

// Load reads the embedded catalogs.
func Load() (*Catalogs, error) {
	cs := &Catalogs{byLang: map[Lang]*Catalog{}}
	for _, l := range Langs {
		c := &Catalog{Lang: l, msgs: map[string]string{}, printer: message.NewPrinter(language.MustParse(string(l)))}
		names, err := fs.Glob(catalogFiles, "catalogs/*."+string(l)+".json")
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", l, err)
		}
		names = append([]string{"catalogs/" + string(l) + ".json"}, names...)
		for _, name := range names {
			data, err := catalogFiles.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("catalog %s: %w", l, err)
			}
			var msgs map[string]string
			if err := json.Unmarshal(data, &msgs); err != nil {
				return nil, fmt.Errorf("catalog %s: %w", name, err)
			}
			for k, v := range msgs {
				if _, dup := c.msgs[k]; dup {
					return nil, fmt.Errorf("catalog %s: key %q is defined twice", name, k)
				}
				c.msgs[k] = v
			}
		}
		cs.byLang[l] = c
	}
	return cs, nil
}

// Get returns the catalog of a language (Chinese for an unknown one).
func (cs *Catalogs) Get(l Lang) *Catalog {
	if c, ok := cs.byLang[l]; ok {
		return c
	}
	return cs.byLang[Chinese]
}

// Has reports whether the catalog has a key.
func (c *Catalog) Has(key string) bool { _, ok := c.msgs[key]; return ok }

// Keys returns every key of the catalog, sorted.
func (c *Catalog) Keys() []string { return slices.Sorted(maps.Keys(c.msgs)) }

// T returns the message for key, formatted with args when it has verbs. A
// missing key comes back as itself, visible on the page; a test makes sure
// none is missing.
func (c *Catalog) T(key string, args ...any) string {
	m, ok := c.msgs[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m
	}
	return c.printer.Sprintf(m, args...)
}

// Date writes a calendar day: 2026年3月5日, or 5 Mar 2026.
func (c *Catalog) Date(d archive.Date) string {
	if d.IsZero() {
		return ""
	}
	if c.Lang == Chinese {
		return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day)
	}
	return d.Time().Format("2 Jan 2006")
}

// DateTime writes a time of day: 2026年3月5日 09:00, or 5 Mar 2026 09:00.
func (c *Catalog) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return c.Date(archive.DateOf(t)) + " " + t.Format("15:04")
}

// Num writes an integer with the language's digit grouping.
func (c *Catalog) Num(n any) string { return c.printer.Sprintf("%d", n) }
