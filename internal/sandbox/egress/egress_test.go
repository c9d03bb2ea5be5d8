package egress_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"agentcore-workshop/internal/sandbox/egress"
)

func TestAllows(t *testing.T) {
	p := egress.New("http://127.0.0.1:4747", []string{"idp.example:8443", "10.0.0.5", " ", "https://login.example"})
	for u, want := range map[string]bool{
		"http://127.0.0.1:4747/us-east-1_x/.well-known/openid-configuration": true,
		"http://127.0.0.1:4748/":               false, // another loopback service
		"http://localhost:4747/":               false, // same machine, other name: not the issuer
		"https://idp.example:8443/jwks":        true,
		"https://idp.example/jwks":             false,
		"http://10.0.0.5:9000/token":           true,
		"https://login.example/oauth2/token":   true, // a URL given: its host, default port
		"https://login.example:444/":           false,
		"file:///etc/passwd":                   false,
		"http://user:pw@127.0.0.1:4747/":       false,
		"gopher://127.0.0.1:4747/":             false,
		"not a url\x7f":                        false,
		"http://127.0.0.1:4747@evil.example/x": false,
	} {
		if got := p.Allows(u); got != want {
			t.Errorf("Allows(%q) = %v, want %v", u, got, want)
		}
	}
	if got := egress.ParseList(" a:1, ,b "); len(got) != 2 || got[0] != "a:1" || got[1] != "b" {
		t.Errorf("ParseList = %q", got)
	}
}

// TestClientRefusesOtherHostsWithoutARequest: the client never connects to
// a host the policy refuses, not even through a redirect from an allowed one.
func TestClientRefusesOtherHostsWithoutARequest(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer other.Close()
	self := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
	}))
	defer self.Close()
	c := egress.New(self.URL, nil).Client(5 * time.Second)
	for _, u := range []string{other.URL + "/token", self.URL + "/redirect"} {
		resp, err := c.Get(u)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("GET %s went through", u)
		}
		if !errors.Is(err, egress.ErrNotAllowed) {
			t.Errorf("GET %s: %v, want ErrNotAllowed", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the refused host got %d requests", n)
	}
}

func TestClientCapsBodies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := egress.MaxBodyBytes
		if r.URL.Path == "/big" {
			n++
		}
		w.Write([]byte(strings.Repeat("x", n)))
	}))
	defer srv.Close()
	c := egress.New(srv.URL, nil).Client(5 * time.Second)
	read := func(path string) (int, error) {
		resp, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return len(b), err
	}
	if n, err := read("/exact"); err != nil || n != egress.MaxBodyBytes {
		t.Errorf("body of exactly the cap: %d bytes, %v", n, err)
	}
	if n, err := read("/big"); !errors.Is(err, egress.ErrBodyTooLarge) || n > egress.MaxBodyBytes {
		t.Errorf("body over the cap: %d bytes, %v; want ErrBodyTooLarge", n, err)
	}
}

// TestSandboxHostedIssuers: every issuer the sandbox hosts is on its own
// address: Cognito pools and foreign-IdP tenants alike (their issuers end
// in a slash, as Auth0's do).
func TestSandboxHostedIssuers(t *testing.T) {
	p := egress.New("http://127.0.0.1:4747", nil)
	for _, u := range []string{
		"http://127.0.0.1:4747/us-west-2_abc/.well-known/openid-configuration",
		"http://127.0.0.1:4747/foreign-idp/dev-workshop/.well-known/openid-configuration",
		"http://127.0.0.1:4747/foreign-idp/dev-workshop/.well-known/jwks.json",
		"http://127.0.0.1:4747/foreign-idp/dev-workshop/oauth/token",
	} {
		if !p.Allows(u) {
			t.Errorf("Allows(%q) = false", u)
		}
	}
	if p.Allows("https://dev-workshop.us.auth0.com/.well-known/openid-configuration") {
		t.Error("a real Auth0 tenant is allowed without --allow-outbound")
	}
}
