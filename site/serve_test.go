package site_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/dangan-archive/dangan/archive/gitstore"
	"github.com/dangan-archive/dangan/site"
)

// TestServeAndShutdown runs the site on a real port, follows a commit made
// behind its back without a manual refresh, and shuts down when the
// context ends, as on SIGINT.
func TestServeAndShutdown(t *testing.T) {
	ts := newServer(t, options{})
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- site.Serve(ctx, "127.0.0.1:0", ts.Handler, nil, func(a net.Addr) { addrc <- a }) }()
	base := "http://" + (<-addrc).String()

	get := func(path string) int {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	if code := get("/customers/mz-renmin-hospital"); code != 200 {
		t.Fatalf("customer page: %d", code)
	}
	ts.commit(t, today, "王芳", "新增客户", []gitstore.FileChange{{Path: "customers/mz-new/customer.md", Data: []byte("---\nkind: customer\nname: 新客户\n---\n")}})
	ts.Site.Poke() // what the site does after its own commits; the ticker would too
	for i := 0; get("/customers/mz-new") != 200; i++ {
		if i > 500 {
			t.Fatal("the new commit never showed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Errorf("server still answers after shutdown")
	}
}
