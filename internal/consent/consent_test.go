package consent_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"agentcore-workshop/internal/consent"
)

// The happy path and the sandbox's own refusals (wrong password, an
// unregistered redirect URI) are exercised against a real sandbox in
// internal/sandbox/agentcore (TestThreeLeggedFlowEndToEnd,
// TestWrongPasswordIsReportedByConsent, TestUnregisteredRedirectURIStopsAtCognito).
// These tests cover the browser's own guards with small real servers.

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestRefusesToPostPasswordToAnotherHost(t *testing.T) {
	var posted bool
	thief := serve(t, func(w http.ResponseWriter, r *http.Request) { posted = true })
	site := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, `<html><body><form method="post" action="`+thief.URL+`/login"><input type="hidden" name="client_id" value="c">`+
			`<input type="text" name="username"><input type="password" name="password"></form></body></html>`)
	})
	err := consent.Complete(context.Background(), &http.Client{Timeout: 5 * time.Second}, site.URL+"/identities/oauth2/authorize?request_uri=x", "u", "p")
	if err == nil || !strings.Contains(err.Error(), "refusing to send the password") || posted {
		t.Fatalf("err %v posted %v", err, posted)
	}
}

func TestReportsPagesWithoutLoginForm(t *testing.T) {
	site := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/start" {
			http.Redirect(w, r, "/broken", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `<html><body><h1>Oops</h1><p id="error">This authorization link is invalid or has expired.</p></body></html>`)
	})
	err := consent.Complete(context.Background(), nil, site.URL+"/start", "u", "p")
	if err == nil || !strings.Contains(err.Error(), "HTTP 400: This authorization link is invalid or has expired.") {
		t.Fatalf("err %v", err)
	}
}

func TestRedirectLoopIsBounded(t *testing.T) {
	site := serve(t, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, r.URL.Path, http.StatusFound) })
	err := consent.Complete(context.Background(), nil, site.URL+"/loop", "u", "p")
	if err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Fatalf("err %v", err)
	}
}

func TestRejectsNonHTTPURL(t *testing.T) {
	for _, u := range []string{"", "file:///etc/passwd", "not a url"} {
		if err := consent.Complete(context.Background(), nil, u, "u", "p"); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	site := serve(t, func(w http.ResponseWriter, r *http.Request) {})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := consent.Complete(ctx, nil, site.URL, "u", "p"); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("err %v", err)
	}
}
