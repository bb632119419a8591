package site

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
)

// FuzzHookAuthorized: whatever the header and body, a call is accepted
// only when it carries the secret itself or the body's signature made
// with it.
func FuzzHookAuthorized(f *testing.F) {
	const secret = "hook-s3cret"
	f.Add("X-Hub-Signature-256", "sha256=00", []byte("{}"))
	f.Add("X-Gitlab-Token", "hook-s3cre", []byte{})
	f.Add("Authorization", "Bearer hook-s3cret ", []byte("x"))
	f.Add("X-Gitea-Signature", "zz", []byte("{\"ref\":\"refs/heads/main\"}"))
	f.Fuzz(func(t *testing.T, name, value string, body []byte) {
		h := http.Header{}
		h.Set(name, value)
		ok := hookAuthorized(secret, h, body)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		sig := hex.EncodeToString(mac.Sum(nil))
		v := strings.ToLower(value)
		legit := strings.Contains(value, secret) || strings.Contains(v, sig)
		if ok && !legit {
			t.Errorf("accepted %s: %q for body %q", name, value, body)
		}
		if hookAuthorized("", h, body) {
			t.Error("accepted with no secret configured")
		}
	})
}
