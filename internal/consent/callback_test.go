package consent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// freePort is a port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func visit(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestCallbackBindsOnlyTheExpectedSessionOnce(t *testing.T) {
	ret := fmt.Sprintf("http://localhost:%d/oauth2/callback", freePort(t))
	var bound []string
	cb, err := Listen(context.Background(), ret, func(_ context.Context, s string) error {
		bound = append(bound, s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	const mine = "urn:ietf:params:oauth:request_uri:mine"
	with := func(s string) string { return ret + "?session_id=" + url.QueryEscape(s) }

	if code, body := visit(t, ret); code != http.StatusBadRequest || !strings.Contains(body, `"missing session_id query parameter"`) {
		t.Fatalf("no session_id: %d %s", code, body)
	}
	// Before the workshop starts a consent, nothing is completed.
	if code, _ := visit(t, with(mine)); code != http.StatusBadRequest {
		t.Fatalf("unarmed: %d", code)
	}
	cb.Expect(mine)
	if code, _ := visit(t, with("urn:ietf:params:oauth:request_uri:theirs")); code != http.StatusBadRequest {
		t.Fatalf("another session: %d", code)
	}
	select {
	case <-cb.Done():
		t.Fatal("done before the expected session came back")
	default:
	}
	if code, body := visit(t, with(mine)); code != http.StatusOK || !strings.Contains(body, "Consent complete") {
		t.Fatalf("expected session: %d %s", code, body)
	}
	<-cb.Done()
	if s, err := cb.Result(); s != mine || err != nil {
		t.Fatalf("result %q %v", s, err)
	}
	if code, _ := visit(t, with(mine)); code != http.StatusGone {
		t.Fatalf("replay: %d", code)
	}
	if len(bound) != 1 || bound[0] != mine {
		t.Fatalf("bound %q", bound)
	}
	if code, _ := visit(t, strings.Replace(ret, "/oauth2/callback", "/other", 1)); code != http.StatusNotFound {
		t.Fatalf("other path: %d", code)
	}
}

func TestCallbackReportsAFailedBind(t *testing.T) {
	ret := fmt.Sprintf("http://127.0.0.1:%d/cb", freePort(t))
	cb, err := Listen(context.Background(), ret, func(context.Context, string) error {
		return errors.New("AccessDeniedException: Invalid or expired session")
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	cb.Expect("")
	if code, body := visit(t, ret+"?session_id=s"); code != http.StatusBadGateway || !strings.Contains(body, "Invalid or expired session") {
		t.Fatalf("failed bind: %d %s", code, body)
	}
	<-cb.Done()
	if _, err := cb.Result(); err == nil {
		t.Fatal("no error recorded")
	}
}

func TestListenRefusesWhatIsNotLoopback(t *testing.T) {
	for _, u := range []string{"https://localhost:8081/cb", "http://example.com:8081/cb", "http://localhost/cb", "http://10.0.0.1:80/cb"} {
		if cb, err := Listen(context.Background(), u, nil); err == nil {
			cb.Close()
			t.Errorf("Listen(%s) served", u)
		}
	}
	// A port another program holds is named in the error.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if _, err := Listen(context.Background(), fmt.Sprintf("http://localhost:%d/cb", port), nil); err == nil || !strings.Contains(err.Error(), fmt.Sprint(port)) {
		t.Errorf("busy port: %v", err)
	}
}

func TestSessionOf(t *testing.T) {
	if s := SessionOf("https://bedrock-agentcore.us-west-2.amazonaws.com/identities/oauth2/authorize?request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc"); s != "urn:ietf:params:oauth:request_uri:abc" {
		t.Errorf("got %q", s)
	}
	if s := SessionOf("https://x/authorize?request_uri=https://evil"); s != "" {
		t.Errorf("got %q", s)
	}
}
