package site

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestBusyPause: a walk's pause returns at once while no request runs, waits
// while one does, and gives up with the walk's context.
func TestBusyPause(t *testing.T) {
	var b busy
	if err := b.pause(context.Background()); err != nil {
		t.Fatalf("idle pause: %v", err)
	}
	inside, finish := make(chan struct{}), make(chan struct{})
	h := b.track(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(inside)
		<-finish
	}))
	served := make(chan struct{})
	go func() {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		close(served)
	}()
	<-inside
	if b.idle(time.Now()) {
		t.Fatal("idle while a request runs")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.pause(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("pause with an ended context while busy: %v", err)
	}
	paused := make(chan error)
	go func() { paused <- b.pause(context.Background()) }()
	close(finish)
	<-served
	if err := <-paused; err != nil {
		t.Errorf("pause after the request: %v", err)
	}
	if b.inFlight.Load() != 0 {
		t.Errorf("%d requests in flight after the last ended", b.inFlight.Load())
	}
}
