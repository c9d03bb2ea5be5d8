package agent

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

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
		status  string // the structured outcome's status
	}{
		{"answer shown as indented JSON", &callerSource{res: TokenResult{AccessToken: jwtLike}, reply: `{"user":"ext"}`},
			"External service response:\n{\n  \"user\": \"ext\"\n}", jwtLike, StatusConnected},
		{"refusal reported", &callerSource{res: TokenResult{AccessToken: "tok"}, callErr: errors.New("HTTP 401: nope")},
			"The external service refused the call: HTTP 401: nope", "tok", StatusFailed},
		{"consent URL on its own line", &callerSource{res: TokenResult{AuthorizationURL: "http://127.0.0.1:1/identities/oauth2/authorize?request_uri=x"}},
			"\nhttp://127.0.0.1:1/identities/oauth2/authorize?request_uri=x\n", "", StatusConsentRequired},
	}
	for _, tc := range tests {
		text, out, err := externalService(context.Background(), tc.src, TokenRequest{WorkloadToken: "wat", SessionID: "s1"})
		if err != nil || !strings.Contains(text, tc.want) || tc.src.gotTok != tc.wantTok || out == nil || out.Status != tc.status {
			t.Errorf("%s: %q %+v %v (external call got token %q, want %q)", tc.name, text, out, err, tc.src.gotTok, tc.wantTok)
		}
	}
	// The connected outcome names the vault and the token's owner, never the token.
	_, out, _ := externalService(context.Background(), &callerSource{res: TokenResult{AccessToken: jwtLike}, reply: `{"user":"ext"}`},
		TokenRequest{WorkloadToken: "wat"})
	b, _ := json.Marshal(out)
	if out.TokenSource != VaultSource || out.TokenLength != len(jwtLike) || out.TokenClaims["username"] != "ext" ||
		out.TokenClaims["secret"] != nil || strings.Contains(string(b), jwtLike) || string(out.ExternalAPI) != `{"user":"ext"}` {
		t.Errorf("connected outcome: %s", b)
	}
	// The consent outcome carries the URL as a field.
	_, out, _ = externalService(context.Background(), &callerSource{res: TokenResult{AuthorizationURL: "http://x/identities/oauth2/authorize?request_uri=y"}},
		TokenRequest{WorkloadToken: "wat"})
	if out.AuthorizationURL != "http://x/identities/oauth2/authorize?request_uri=y" {
		t.Errorf("consent outcome: %+v", out)
	}
}

// jwtLike is an unsigned JWT whose payload names user "ext" and holds a
// claim TokenClaims must not copy.
var jwtLike = "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://idp","sub":"42","username":"ext","secret":"s"}`)) + ".sig"

// The IdentityClient sends the invocation's forceAuthentication on the
// wire, false as well as true (the SDK always sends the field).
func TestResourceTokenSendsForceAuthentication(t *testing.T) {
	var got []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got = append(got, in)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"accessToken":"tok"}`))
	}))
	defer srv.Close()
	c := NewIdentityClient(IdentityConfig{Endpoint: srv.URL, Region: "us-west-2",
		Credentials: aws.AnonymousCredentials{}})
	for _, force := range []bool{true, false} {
		if _, err := c.ResourceToken(t.Context(), TokenRequest{WorkloadToken: "wat", ForceAuthentication: force}); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 2 || got[0]["forceAuthentication"] != true || got[1]["forceAuthentication"] != false {
		t.Errorf("requests %v, want forceAuthentication true then false", got)
	}
}
