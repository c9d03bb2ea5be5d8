package cognito_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/sandbox/cognito"
)

const callback = "http://localhost:8081/oauth2/callback"

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

type hosted struct {
	*env
	fixture
	secret, iss string
}

func (e *env) hostedFixture(t *testing.T) hosted {
	f := e.fixture(t, &cip.CreateUserPoolClientInput{GenerateSecret: true, CallbackURLs: []string{callback},
		AllowedOAuthFlows: []types.OAuthFlowType{"code"}, AllowedOAuthScopes: []string{"openid", "profile", "email"},
		AllowedOAuthFlowsUserPoolClient: true, SupportedIdentityProviders: []string{"COGNITO"},
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_REFRESH_TOKEN_AUTH"}})
	must(e.api.CreateUserPoolDomain(e.ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String("agentcore-identity-x1"), UserPoolId: &f.poolID}))
	c := must(e.api.DescribeUserPoolClient(e.ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &f.poolID, ClientId: &f.clientID}))
	return hosted{env: e, fixture: f, secret: *c.UserPoolClient.ClientSecret, iss: cognito.Issuer(e.sb.URL, f.poolID)}
}

func pkce(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// login runs authorize → form → POST and returns the redirect Location.
func (h hosted) login(t *testing.T, q url.Values, password string) *http.Response {
	t.Helper()
	resp, err := noRedirect.Get(h.iss + "/oauth2/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `<form method="post" action="`+h.iss+`/login"`) || !strings.Contains(string(page), `name="password"`) {
		t.Fatalf("authorize page %d: %s", resp.StatusCode, page)
	}
	form := url.Values{"username": {h.username}, "password": {password}, "_csrf": {csrfOf(t, string(page))}}
	for k, v := range q {
		form[k] = v
	}
	req, _ := http.NewRequest(http.MethodPost, h.iss+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	resp, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func (h hosted) codeFor(t *testing.T, q url.Values) string {
	t.Helper()
	resp := h.login(t, q, h.password)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("login status %d", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != callback {
		t.Fatalf("redirected to %q", got)
	}
	if loc.Query().Get("state") != q.Get("state") {
		t.Fatalf("state %q, want %q", loc.Query().Get("state"), q.Get("state"))
	}
	return loc.Query().Get("code")
}

func tokenCall(t *testing.T, endpoint string, form url.Values, basicUser, basicPass string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicUser != "" {
		req.SetBasicAuth(basicUser, basicPass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestHostedAuthorizationCodeFlow(t *testing.T) {
	e := start(t)
	h := e.hostedFixture(t)
	tokenURL := h.iss + "/oauth2/token"

	// Discovery advertises the hosted endpoints, which are served.
	resp, err := http.Get(cognito.DiscoveryURL(e.sb.URL, h.poolID))
	if err != nil {
		t.Fatal(err)
	}
	var disc map[string]any
	json.NewDecoder(resp.Body).Decode(&disc)
	resp.Body.Close()
	if disc["issuer"] != h.iss || disc["authorization_endpoint"] != h.iss+"/oauth2/authorize" || disc["token_endpoint"] != tokenURL ||
		disc["userinfo_endpoint"] != h.iss+"/oauth2/userInfo" || disc["jwks_uri"] != h.iss+"/.well-known/jwks.json" {
		t.Fatalf("discovery: %v", disc)
	}

	verifier := "a-sufficiently-long-code-verifier-0123456789-abcdefghijk"
	q := url.Values{"client_id": {h.clientID}, "response_type": {"code"}, "redirect_uri": {callback}, "scope": {"openid profile email"},
		"state": {"xyz-state"}, "code_challenge": {pkce(verifier)}, "code_challenge_method": {"S256"}}

	// Wrong password: the page comes back with an error and no code.
	bad := h.login(t, q, "Wrong123!")
	body, _ := io.ReadAll(bad.Body)
	bad.Body.Close()
	if bad.StatusCode != http.StatusBadRequest || bad.Header.Get("Location") != "" || !strings.Contains(string(body), "Incorrect username or password.") {
		t.Fatalf("wrong password: %d %q", bad.StatusCode, body)
	}

	code := h.codeFor(t, q)
	redeem := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback}, "client_id": {h.clientID}, "code_verifier": {verifier}}

	// PKCE mismatch and a wrong redirect_uri are refused (and do not burn the code).
	wrongPKCE := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback}, "code_verifier": {"not-the-verifier-not-the-verifier-not-the-verifier"}}
	if st, m := tokenCall(t, tokenURL, wrongPKCE, h.clientID, h.secret); st != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("pkce mismatch: %d %v", st, m)
	}
	wrongRedirect := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://localhost:8081/other"}, "code_verifier": {verifier}}
	if st, m := tokenCall(t, tokenURL, wrongRedirect, h.clientID, h.secret); st != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("wrong redirect_uri: %d %v", st, m)
	}
	// Basic and form credentials at once → invalid_client.
	both := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {callback}, "code_verifier": {verifier}, "client_secret": {h.secret}}
	if st, m := tokenCall(t, tokenURL, both, h.clientID, h.secret); st != 401 || m["error"] != "invalid_client" {
		t.Fatalf("basic+form: %d %v", st, m)
	}

	st, m := tokenCall(t, tokenURL, redeem, h.clientID, h.secret)
	if st != 200 || m["token_type"] != "Bearer" || m["id_token"] == nil || m["refresh_token"] == nil || m["expires_in"] != float64(3600) {
		t.Fatalf("redeem: %d %v", st, m)
	}
	accessV, idV := e.verifiers(t, h.poolID, h.clientID)
	at, err := accessV.Verify(context.Background(), m["access_token"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if ac := claimsOf(t, at); ac["scope"] != "openid profile email" || ac["client_id"] != h.clientID || ac["username"] != h.username {
		t.Fatalf("code-flow access claims: %v", ac)
	}
	it, err := idV.Verify(context.Background(), m["id_token"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if ic := claimsOf(t, it); ic["email"] != "testuser@example.com" {
		t.Fatalf("code-flow id claims: %v", ic)
	}

	// Replay → invalid_grant.
	if st, m := tokenCall(t, tokenURL, redeem, h.clientID, h.secret); st != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("replayed code: %d %v", st, m)
	}

	// userInfo with the access token.
	req, _ := http.NewRequest(http.MethodGet, h.iss+"/oauth2/userInfo", nil)
	req.Header.Set("Authorization", "Bearer "+m["access_token"].(string))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var ui map[string]string
	json.NewDecoder(resp.Body).Decode(&ui)
	resp.Body.Close()
	if resp.StatusCode != 200 || ui["email"] != "testuser@example.com" || ui["username"] != h.username {
		t.Fatalf("userInfo %d: %v", resp.StatusCode, ui)
	}

	// refresh_token grant with form credentials.
	st, rm := tokenCall(t, tokenURL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {m["refresh_token"].(string)}, "client_id": {h.clientID}, "client_secret": {h.secret}}, "", "")
	if st != 200 || rm["access_token"] == nil || rm["id_token"] == nil || rm["refresh_token"] != nil {
		t.Fatalf("refresh grant: %d %v", st, rm)
	}

	// A different state is passed through untouched; a code expires after 5 minutes.
	q2 := url.Values{"client_id": {h.clientID}, "response_type": {"code"}, "redirect_uri": {callback}, "scope": {"openid"}, "state": {"other state/&="}}
	code2 := h.codeFor(t, q2)
	e.clock.Advance(5*time.Minute + time.Second)
	if st, m := tokenCall(t, tokenURL, url.Values{"grant_type": {"authorization_code"}, "code": {code2}, "redirect_uri": {callback}}, h.clientID, h.secret); st != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("expired code: %d %v", st, m)
	}
	if st, m := tokenCall(t, tokenURL, url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "redirect_uri": {callback}}, h.clientID, "wrong"); st != 401 || m["error"] != "invalid_client" {
		t.Fatalf("wrong secret: %d %v", st, m)
	}
	if st, m := tokenCall(t, tokenURL, url.Values{"grant_type": {"password"}}, h.clientID, h.secret); st != 400 || m["error"] != "unsupported_grant_type" {
		t.Fatalf("unknown grant: %d %v", st, m)
	}
}

func TestHostedAuthorizeRejections(t *testing.T) {
	e := start(t)
	h := e.hostedFixture(t)
	get := func(q url.Values) *http.Response {
		resp, err := noRedirect.Get(h.iss + "/oauth2/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	base := func() url.Values {
		return url.Values{"client_id": {h.clientID}, "response_type": {"code"}, "redirect_uri": {callback}, "state": {"s1"}}
	}
	q := base()
	q.Set("redirect_uri", "https://evil.example/cb")
	if r := get(q); r.StatusCode != 400 || r.Header.Get("Location") != "" {
		t.Fatalf("unregistered redirect_uri: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	q = base()
	q.Set("client_id", "unknown")
	if r := get(q); r.StatusCode != 400 {
		t.Fatalf("unknown client: %d", r.StatusCode)
	}
	q = base()
	q.Set("scope", "openid phone")
	if r := get(q); r.StatusCode != 302 || !strings.Contains(r.Header.Get("Location"), "error=invalid_scope") || !strings.Contains(r.Header.Get("Location"), "state=s1") {
		t.Fatalf("bad scope: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	q = base()
	q.Set("response_type", "token")
	if r := get(q); r.StatusCode != 302 || !strings.Contains(r.Header.Get("Location"), "error=unsupported_response_type") {
		t.Fatalf("response_type token: %d %s", r.StatusCode, r.Header.Get("Location"))
	}

	// Without a domain there is no hosted UI, and discovery does not advertise one.
	g := e.fixture(t, nil)
	iss := cognito.Issuer(e.sb.URL, g.poolID)
	resp, err := http.Get(iss + "/oauth2/authorize?client_id=" + g.clientID)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("authorize without domain: %d", resp.StatusCode)
	}
	resp, _ = http.Get(cognito.DiscoveryURL(e.sb.URL, g.poolID))
	var disc map[string]any
	json.NewDecoder(resp.Body).Decode(&disc)
	resp.Body.Close()
	if disc["issuer"] != iss || disc["authorization_endpoint"] != nil {
		t.Fatalf("discovery without domain: %v", disc)
	}
}

func TestClientCredentialsGrant(t *testing.T) {
	e := start(t)
	pool := must(e.api.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("AgentCoreIdentityPool-M2M")}))
	pid := *pool.UserPool.Id
	must(e.api.CreateUserPoolDomain(e.ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String("agentcore-m2m-1"), UserPoolId: &pid}))
	must(e.api.CreateResourceServer(e.ctx, &cip.CreateResourceServerInput{UserPoolId: &pid, Identifier: aws.String("agentcore-m2m-1"), Name: aws.String("m2m"),
		Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("r")}, {ScopeName: aws.String("write"), ScopeDescription: aws.String("w")}}}))
	_, err := e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &pid, ClientName: aws.String("nosecret"),
		AllowedOAuthFlows: []types.OAuthFlowType{"client_credentials"}, AllowedOAuthScopes: []string{"agentcore-m2m-1/read"}, AllowedOAuthFlowsUserPoolClient: true})
	wantAPIError[*types.InvalidParameterException](t, err, "client_credentials flow can not be selected if client does not have a client secret.")
	cl := must(e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &pid, ClientName: aws.String("M2MClient"), GenerateSecret: true,
		AllowedOAuthFlows: []types.OAuthFlowType{"client_credentials"}, AllowedOAuthScopes: []string{"agentcore-m2m-1/read", "agentcore-m2m-1/write"}, AllowedOAuthFlowsUserPoolClient: true}))
	id, secret := *cl.UserPoolClient.ClientId, *cl.UserPoolClient.ClientSecret
	tokenURL := cognito.Issuer(e.sb.URL, pid) + "/oauth2/token"
	accessV, _ := e.verifiers(t, pid, id)

	st, m := tokenCall(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "scope": {"agentcore-m2m-1/read"}}, id, secret)
	if st != 200 || m["id_token"] != nil || m["refresh_token"] != nil {
		t.Fatalf("basic: %d %v", st, m)
	}
	at, err := accessV.Verify(context.Background(), m["access_token"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if c := claimsOf(t, at); c["scope"] != "agentcore-m2m-1/read" || c["client_id"] != id || c["sub"] != id || c["token_use"] != "access" {
		t.Fatalf("m2m claims: %v", c)
	}
	st, m = tokenCall(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}, "", "")
	if st != 200 {
		t.Fatalf("form: %d %v", st, m)
	}
	at, _ = accessV.Verify(context.Background(), m["access_token"].(string))
	if c := claimsOf(t, at); c["scope"] != "agentcore-m2m-1/read agentcore-m2m-1/write" {
		t.Fatalf("default scopes: %v", c["scope"])
	}
	if st, m := tokenCall(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_secret": {secret}}, id, secret); st != 401 || m["error"] != "invalid_client" {
		t.Fatalf("basic+form: %d %v", st, m)
	}
	if st, m := tokenCall(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "scope": {"openid"}}, id, secret); st != 400 || m["error"] != "invalid_scope" {
		t.Fatalf("bad scope: %d %v", st, m)
	}
	if st, m := tokenCall(t, tokenURL, url.Values{"grant_type": {"client_credentials"}}, id, "wrong"); st != 401 || m["error"] != "invalid_client" {
		t.Fatalf("wrong secret: %d %v", st, m)
	}
}

// csrfOf returns the login page's _csrf field.
func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("login page has no _csrf field: %s", page)
	}
	return m[1]
}
