package remote

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzRedact: a URL's password or token never survives Redact, and the
// clone name never holds one either (it is a folder name people see).
func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		"https://user:s3cret@git.example.cn/a.git",
		"https://tok3n@git.example.cn/a.git",
		"ssh://git@git.example.cn:22/a.git",
		"git@git.example.cn:mz/archive.git",
		"file:///srv/git/a.git",
		"http://u:p@h:80/x?y=1#z",
		"/srv/git/a.git",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		out := Redact(raw)
		name := CloneName(raw)
		if strings.ContainsAny(name, "/\\:@ \x00") {
			t.Errorf("CloneName(%q) = %q: not a plain folder name", raw, name)
		}
		u, err := url.Parse(raw)
		if err != nil || u.User == nil || u.Scheme == "" {
			return
		}
		_, has := u.User.Password()
		if !has && u.Scheme != "https" && u.Scheme != "http" {
			return // ssh://git@host: a user name, not a secret
		}
		if v, err := url.Parse(out); err == nil && v.User != nil {
			t.Errorf("Redact(%q) = %q keeps the user information", raw, out)
		}
	})
}
