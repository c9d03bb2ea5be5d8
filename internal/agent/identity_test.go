package agent

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"agentcore-workshop/internal/sandbox/resourceapi"
)

// The IdentityClient's GetResourceOauth2Token path runs against the real
// sandbox in internal/sandbox/agentcore (TestAgentExternalServiceThroughConsent);
// these tests pin its external API call and how the tool words the outcomes.

func TestCallExternalSendsBearerAndReportsRefusals(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer good" {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			http.Error(w, `{"error":"invalid_token"}`, http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"user":"ext"}` + "\n"))
	}))
	defer srv.Close()
	c := NewIdentityClient(IdentityConfig{Endpoint: srv.URL, Region: "us-west-2"})
	got, err := c.CallExternal(context.Background(), "good")
	if err != nil || got != `{"user":"ext"}` {
		t.Fatalf("good token: %q %v", got, err)
	}
	_, err = c.CallExternal(context.Background(), "bad")
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") || !strings.Contains(err.Error(), `error="invalid_token"`) {
		t.Fatalf("bad token: %v", err)
	}
	if c.provider != DefaultCredentialProvider || len(c.scopes) != 1 || c.scopes[0] != "openid" || c.extURL != srv.URL+resourceapi.ProfilePath {
		t.Fatalf("defaults: %+v", c)
	}
}

// callerSource is a TokenSource that also calls the external service.
type callerSource struct {
	res     TokenResult
	reply   string
	callErr error
	gotTok  string
}

func (s *callerSource) ResourceToken(context.Context, TokenRequest) (TokenResult, error) {
	return s.res, nil
}
func (s *callerSource) CallExternal(_ context.Context, tok string) (string, error) {
	s.gotTok = tok
	return s.reply, s.callErr
}

func TestExternalServiceReportsTheExternalAnswer(t *testing.T) {
	tests := []struct {
		name    string
		src     *callerSource
		want    string
		wantTok string // the token the external call must get; "" = not called
	}{
		{"answer shown as indented JSON", &callerSource{res: TokenResult{AccessToken: "tok"}, reply: `{"user":"ext"}`},
			"External service response:\n{\n  \"user\": \"ext\"\n}", "tok"},
		{"refusal reported", &callerSource{res: TokenResult{AccessToken: "tok"}, callErr: errors.New("HTTP 401: nope")},
			"The external service refused the call: HTTP 401: nope", "tok"},
		{"consent URL on its own line", &callerSource{res: TokenResult{AuthorizationURL: "http://127.0.0.1:1/identities/oauth2/authorize?request_uri=x"}},
			"\nhttp://127.0.0.1:1/identities/oauth2/authorize?request_uri=x\n", ""},
	}
	for _, tc := range tests {
		text, err := externalService(context.Background(), tc.src, TokenRequest{WorkloadToken: "wat", SessionID: "s1"})
		if err != nil || !strings.Contains(text, tc.want) || tc.src.gotTok != tc.wantTok {
			t.Errorf("%s: %q %v (external call got token %q, want %q)", tc.name, text, err, tc.src.gotTok, tc.wantTok)
		}
	}
}
