package resourceapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/cognito"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/resourceapi"
	"agentcore-workshop/internal/sandbox/sandboxtest"
)

// userToken signs a user in on a fresh pool of a real sandbox and returns
// the pool's issuer and the user's access token.
func userToken(t *testing.T) (string, string) {
	sb := sandboxtest.Start(t, sandbox.Config{})
	pool, tokens := sandboxtest.SignedIn(t, context.Background(), sandboxtest.Cognito(sb), "p", sandboxtest.User{Name: "ext", Password: "Ext!pass123"})
	return cognito.Issuer(sb.URL, pool.ID), *tokens.AccessToken
}

func call(t *testing.T, h http.Handler, token string) (int, string, map[string]any) {
	req := httptest.NewRequest(http.MethodGet, resourceapi.ProfilePath, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var m map[string]any
	json.Unmarshal(rec.Body.Bytes(), &m)
	return rec.Code, rec.Header().Get("WWW-Authenticate"), m
}

func TestProfileAcceptsOnlyTrustedIssuers(t *testing.T) {
	iss, tok := userToken(t)
	trusting := resourceapi.New(edge.Deps{}, resourceapi.Options{TrustedIssuer: func(s string) bool { return s == iss }})
	code, _, body := call(t, trusting, tok)
	if code != http.StatusOK || body["user"] != "ext" || body["issuer"] != iss || body["service"] != resourceapi.ServiceName {
		t.Fatalf("trusted: %d %v", code, body)
	}
	// Default: trusts nobody.
	code, wa, _ := call(t, resourceapi.New(edge.Deps{}, resourceapi.Options{}), tok)
	if code != http.StatusUnauthorized || !strings.Contains(wa, "not accepted") {
		t.Fatalf("untrusted: %d %q", code, wa)
	}
	// A token altered after signing fails verification even from a trusted issuer.
	parts := strings.Split(tok, ".")
	code, wa, _ = call(t, trusting, parts[0]+"."+parts[1]+"x."+parts[2])
	if code != http.StatusUnauthorized || !strings.Contains(wa, `error="invalid_token"`) {
		t.Fatalf("tampered: %d %q", code, wa)
	}
	code, wa, _ = call(t, trusting, "")
	if code != http.StatusUnauthorized || wa != `Bearer realm="external-api"` {
		t.Fatalf("missing: %d %q", code, wa)
	}
}
