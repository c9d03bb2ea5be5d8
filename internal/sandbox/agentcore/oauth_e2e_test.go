package agentcore_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/consent"
	"agentcore-workshop/internal/sandbox/cognito"
	"agentcore-workshop/internal/sandbox/sandboxtest"
)

var authURLRe = regexp.MustCompile(`https?://\S+/identities/oauth2/authorize\?\S+`)

func wantAccessDenied(t *testing.T, err error, msg string) {
	t.Helper()
	var ad *dptypes.AccessDeniedException
	if !errors.As(err, &ad) {
		t.Fatalf("got %T %v, want AccessDeniedException", err, err)
	}
	if msg != "" && !strings.Contains(ad.ErrorMessage(), msg) {
		t.Fatalf("message %q, want %q", ad.ErrorMessage(), msg)
	}
}

func wantValidation(t *testing.T, err error, msg string) {
	t.Helper()
	var ve *dptypes.ValidationException
	if !errors.As(err, &ve) {
		t.Fatalf("got %T %v, want ValidationException", err, err)
	}
	if !strings.Contains(ve.ErrorMessage(), msg) {
		t.Fatalf("message %q, want %q", ve.ErrorMessage(), msg)
	}
}

// TestThreeLeggedFlowEndToEnd is the tutorial's consent: the agent asks,
// gets an authorization URL, the user signs in at the outbound pool, the
// application binds the session at its return URL, and the next ask
// returns a token the external API accepts as that user's.
func TestThreeLeggedFlowEndToEnd(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	alice := e.wat(workloadName, "alice")

	first := e.mustAsk(alice, nil)
	if first.AccessToken != nil || first.SessionStatus != dptypes.SessionStatusInProgress || first.SessionUri == nil ||
		!strings.HasPrefix(*first.SessionUri, "urn:ietf:params:oauth:request_uri:") || !authURLRe.MatchString(*first.AuthorizationUrl) ||
		!strings.HasPrefix(*first.AuthorizationUrl, e.sb.URL+"/identities/oauth2/authorize?request_uri=") {
		t.Fatalf("first ask: %+v", first)
	}
	// Asking again before consent reuses the session instead of piling up new ones.
	again := e.mustAsk(alice, nil)
	if *again.SessionUri != *first.SessionUri || *again.AuthorizationUrl != *first.AuthorizationUrl {
		t.Fatalf("second ask started a new session: %s vs %s", *again.SessionUri, *first.SessionUri)
	}
	// forceAuthentication always starts a new one.
	forced := e.mustAsk(alice, func(in *bedrockagentcore.GetResourceOauth2TokenInput) { in.ForceAuthentication = aws.Bool(true) })
	if *forced.SessionUri == *first.SessionUri {
		t.Fatal("forceAuthentication reused the session")
	}

	res, err := consent.Run(e.ctx, browser(t), *first.AuthorizationUrl, extUser, extPassword)
	if err != nil {
		t.Fatalf("consent: %v", err)
	}
	if !strings.HasPrefix(res.FinalURL.String(), returnURL+"?") || res.FinalURL.Query().Get("session_id") != *first.SessionUri {
		t.Fatalf("consent ended at %s %d %q", res.FinalURL, res.Status, res.Page)
	}
	e.bind(first.SessionUri, userID("alice"))

	got := e.mustAsk(alice, func(in *bedrockagentcore.GetResourceOauth2TokenInput) { in.SessionUri = first.SessionUri })
	if got.AccessToken == nil || got.AuthorizationUrl != nil {
		t.Fatalf("after consent: %+v", got)
	}
	status, body, _ := e.externalProfile(*got.AccessToken)
	if status != http.StatusOK || body["user"] != extUser || body["service"] != "external profile API" {
		t.Fatalf("external API: %d %v", status, body)
	}
	// Without the session URI the vault still answers, with the same token.
	if plain := e.mustAsk(alice, nil); plain.AccessToken == nil || *plain.AccessToken != *got.AccessToken {
		t.Fatalf("vault lookup without session: %+v", plain)
	}
	// A scope the consent did not cover needs a new consent.
	if wider := e.mustAsk(alice, func(in *bedrockagentcore.GetResourceOauth2TokenInput) { in.Scopes = []string{"openid", "email"} }); wider.AccessToken != nil {
		t.Fatal("token handed out for scopes it was not granted")
	}

	// Another user of the same workload gets no token: only a consent of their own.
	bob := e.mustAsk(e.wat(workloadName, "bob"), nil)
	if bob.AccessToken != nil || bob.AuthorizationUrl == nil || *bob.SessionUri == *first.SessionUri {
		t.Fatalf("bob got %+v", bob)
	}
	// Bob cannot poll Alice's session either.
	_, err = e.ask(e.wat(workloadName, "bob"), func(in *bedrockagentcore.GetResourceOauth2TokenInput) { in.SessionUri = first.SessionUri })
	wantAccessDenied(t, err, "Invalid or expired session")
	// The same user under another workload identity gets nothing either.
	ok(e.ctl.CreateWorkloadIdentity(e.ctx, &bedrockagentcorecontrol.CreateWorkloadIdentityInput{Name: aws.String("other-workload"),
		AllowedResourceOauth2ReturnUrls: []string{returnURL}}))(t)
	if other := e.mustAsk(e.wat("other-workload", "alice"), nil); other.AccessToken != nil {
		t.Fatal("alice's token leaked to another workload")
	}

	// The vault persists: a restarted sandbox on the same state and address
	// still hands Alice her token.
	addr := strings.TrimPrefix(e.sb.URL, "http://")
	e.stop()
	e.sb, e.svc, e.stop = startSandbox(t, envOpts{dir: e.dir, addr: addr, clk: e.clk})
	e.clients()
	if after := e.mustAsk(alice, nil); after.AccessToken == nil || *after.AccessToken != *got.AccessToken {
		t.Fatalf("after restart: %+v", after)
	}

	// Past the token's lifetime the vault stops handing it out.
	e.clk.Advance(time.Hour)
	if late := e.mustAsk(e.wat(workloadName, "alice"), nil); late.AccessToken != nil || late.AuthorizationUrl == nil {
		t.Fatalf("expired token handed out: %+v", late)
	}
}

func TestCallbackRefusesMissingUnknownAndReusedState(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	out := e.mustAsk(e.wat(workloadName, "alice"), nil)
	c := browser(t)
	cb := e.login(c, e.toIdP(c, *out.AuthorizationUrl), extUser, extPassword)

	for name, mod := range map[string]func(url.Values){
		"missing state": func(q url.Values) { q.Del("state") },
		"unknown state": func(q url.Values) { q.Set("state", "forged-state-value-0123456789abcdefghij") },
	} {
		u := *cb
		q := u.Query()
		mod(q)
		u.RawQuery = q.Encode()
		p := get(t, c, u.String())
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, `id="error"`) {
			t.Fatalf("%s: %d %s", name, p.status, p.body)
		}
	}
	// The genuine callback still works once…
	if p := get(t, c, cb.String()); !backAtReturnURL(p, *out.SessionUri) {
		t.Fatalf("genuine callback: %d %s", p.status, p.body)
	}
	// …and never again: the state (and with it the code) is spent.
	p := get(t, c, cb.String())
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "already used state") {
		t.Fatalf("replayed callback: %d %s", p.status, p.body)
	}
	// A callback path no provider owns is a 404 page.
	if p := get(t, c, e.sb.URL+"/identities/oauth2/callback/00000000-0000-0000-0000-000000000000?"+cb.RawQuery); p.status != http.StatusNotFound {
		t.Fatalf("foreign callback: %d", p.status)
	}
	// An authorization link with no or an unknown request_uri is refused.
	for _, u := range []string{"/identities/oauth2/authorize", "/identities/oauth2/authorize?request_uri=urn:ietf:params:oauth:request_uri:nope"} {
		if p := get(t, c, e.sb.URL+u); p.status != http.StatusBadRequest || !strings.Contains(p.body, `id="error"`) {
			t.Fatalf("%s: %d %s", u, p.status, p.body)
		}
	}
}

func TestExpiredCodeFailsTheSession(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	alice := e.wat(workloadName, "alice")
	out := e.mustAsk(alice, nil)
	c := browser(t)
	cb := e.login(c, e.toIdP(c, *out.AuthorizationUrl), extUser, extPassword)
	e.clk.Advance(6 * time.Minute) // Cognito codes live 5 minutes; the session 10
	p := get(t, c, cb.String())
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "invalid_grant") {
		t.Fatalf("expired code: %d %s", p.status, p.body)
	}
	polled := e.mustAsk(alice, func(in *bedrockagentcore.GetResourceOauth2TokenInput) { in.SessionUri = out.SessionUri })
	if polled.AccessToken != nil || polled.SessionStatus != dptypes.SessionStatusFailed {
		t.Fatalf("polled: %+v", polled)
	}
	// A failed session is not reused: the next ask starts afresh.
	if next := e.mustAsk(alice, nil); next.AccessToken != nil || *next.SessionUri == *out.SessionUri {
		t.Fatalf("next ask: %+v", next)
	}
}

func TestUnregisteredRedirectURIStopsAtCognito(t *testing.T) {
	e := newIDEnv(t, envOpts{skipRegisterCallback: true})
	out := e.mustAsk(e.wat(workloadName, "alice"), nil)
	err := consent.Complete(e.ctx, browser(t), *out.AuthorizationUrl, extUser, extPassword)
	if err == nil || !strings.Contains(err.Error(), "redirect_mismatch") {
		t.Fatalf("consent error %v, want Cognito's redirect_mismatch", err)
	}
	if again := e.mustAsk(e.wat(workloadName, "alice"), nil); again.AccessToken != nil {
		t.Fatal("token stored")
	}
}

func TestWrongPasswordIsReportedByConsent(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	out := e.mustAsk(e.wat(workloadName, "alice"), nil)
	err := consent.Complete(e.ctx, browser(t), *out.AuthorizationUrl, extUser, "not-the-password")
	if err == nil || !strings.Contains(err.Error(), "Incorrect username or password.") {
		t.Fatalf("consent error %v", err)
	}
	// The session is untouched: the right password still completes it.
	if err := consent.Complete(e.ctx, browser(t), *out.AuthorizationUrl, extUser, extPassword); err != nil {
		t.Fatal(err)
	}
}

// TestPKCEVerifierMismatch swaps the code challenge on the way to the IdP:
// Cognito binds the code to the forged challenge, and AgentCore's verifier
// no longer fits, so the exchange is refused and nothing is stored.
func TestPKCEVerifierMismatch(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	alice := e.wat(workloadName, "alice")
	out := e.mustAsk(alice, nil)
	c := browser(t)
	idp := e.toIdP(c, *out.AuthorizationUrl)
	q := idp.Query()
	q.Set("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM") // the RFC 7636 example
	idp.RawQuery = q.Encode()
	cb := e.login(c, idp, extUser, extPassword)
	p := get(t, c, cb.String())
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "invalid_grant") {
		t.Fatalf("callback: %d %s", p.status, p.body)
	}
	polled := e.mustAsk(alice, func(in *bedrockagentcore.GetResourceOauth2TokenInput) { in.SessionUri = out.SessionUri })
	if polled.AccessToken != nil || polled.SessionStatus != dptypes.SessionStatusFailed {
		t.Fatalf("polled: %+v", polled)
	}
}

func TestReturnURLMustBeAllowed(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	_, err := e.ask(e.wat(workloadName, "alice"), func(in *bedrockagentcore.GetResourceOauth2TokenInput) {
		in.ResourceOauth2ReturnUrl = aws.String("https://attacker.example/steal")
	})
	wantValidation(t, err, "You must register and use at least one ResourceOauth2ReturnUrl on your workload identity to use this flow")
}

// TestReturnURLIsRequired: USER_FEDERATION names a return URL on every
// request, polls of a session included, or AWS answers a
// ValidationException (text as reported in enechange/collmbo PR #742).
func TestReturnURLIsRequired(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	alice := e.wat(workloadName, "alice")
	const want = "You must provide a ResourceOauth2ReturnUrl to proceed with this flow"
	_, err := e.ask(alice, func(in *bedrockagentcore.GetResourceOauth2TokenInput) { in.ResourceOauth2ReturnUrl = nil })
	wantValidation(t, err, want)
	first := e.mustAsk(alice, nil)
	_, err = e.ask(alice, func(in *bedrockagentcore.GetResourceOauth2TokenInput) {
		in.ResourceOauth2ReturnUrl, in.SessionUri = nil, first.SessionUri
	})
	wantValidation(t, err, want)
	// With no return URL registered, AWS's answer is the registration one
	// (awslabs/agentcore-samples#528), whether or not the request names one.
	ok(e.ctl.UpdateWorkloadIdentity(e.ctx, &bedrockagentcorecontrol.UpdateWorkloadIdentityInput{Name: aws.String(workloadName)}))(t)
	_, err = e.ask(alice, func(in *bedrockagentcore.GetResourceOauth2TokenInput) { in.ResourceOauth2ReturnUrl = nil })
	wantValidation(t, err, "You must register and use at least one ResourceOauth2ReturnUrl on your workload identity to use this flow")
}

// TestSessionBindingWithUserID: with a return URL the token waits for
// CompleteResourceTokenAuth, and only the session's own user can release it.
func TestSessionBindingWithUserID(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	alice := e.wat(workloadName, "alice")
	withReturn := func(in *bedrockagentcore.GetResourceOauth2TokenInput) {
		in.ResourceOauth2ReturnUrl = aws.String(returnURL)
		in.CustomState = aws.String("app-csrf-123")
	}
	out := e.mustAsk(alice, withReturn)
	res, err := consent.Run(e.ctx, browser(t), *out.AuthorizationUrl, extUser, extPassword)
	if err != nil {
		t.Fatal(err)
	}
	q := res.FinalURL.Query()
	if !strings.HasPrefix(res.FinalURL.String(), returnURL+"?") || q.Get("session_id") != *out.SessionUri || q.Get("state") != "app-csrf-123" {
		t.Fatalf("return URL visit %s", res.FinalURL)
	}
	// Not yet bound: still in progress, no token.
	if polled := e.mustAsk(alice, func(in *bedrockagentcore.GetResourceOauth2TokenInput) { withReturn(in); in.SessionUri = out.SessionUri }); polled.AccessToken != nil || polled.SessionStatus != dptypes.SessionStatusInProgress {
		t.Fatalf("before binding: %+v", polled)
	}
	// Bob cannot bind Alice's session, and his attempt stores nothing.
	_, err = e.data.CompleteResourceTokenAuth(e.ctx, &bedrockagentcore.CompleteResourceTokenAuthInput{
		SessionUri: out.SessionUri, UserIdentifier: &dptypes.UserIdentifierMemberUserId{Value: "bob"}})
	wantAccessDenied(t, err, "Invalid or expired session")
	if polled := e.mustAsk(alice, withReturn); polled.AccessToken != nil {
		t.Fatal("token stored after another user's CompleteResourceTokenAuth")
	}
	if bob := e.mustAsk(e.wat(workloadName, "bob"), withReturn); bob.AccessToken != nil {
		t.Fatal("bob got a token")
	}
	// An unknown session is refused the same way.
	_, err = e.data.CompleteResourceTokenAuth(e.ctx, &bedrockagentcore.CompleteResourceTokenAuthInput{
		SessionUri: aws.String("urn:ietf:params:oauth:request_uri:unknown"), UserIdentifier: &dptypes.UserIdentifierMemberUserId{Value: "alice"}})
	wantAccessDenied(t, err, "Invalid or expired session")

	if _, err := e.data.CompleteResourceTokenAuth(e.ctx, &bedrockagentcore.CompleteResourceTokenAuthInput{
		SessionUri: out.SessionUri, UserIdentifier: &dptypes.UserIdentifierMemberUserId{Value: "alice"}}); err != nil {
		t.Fatal(err)
	}
	got := e.mustAsk(alice, withReturn)
	if got.AccessToken == nil {
		t.Fatalf("after binding: %+v", got)
	}
	if status, body, _ := e.externalProfile(*got.AccessToken); status != http.StatusOK || body["user"] != extUser {
		t.Fatalf("external API: %d %v", status, body)
	}
}

// TestSessionBindingWithUserToken binds with the user's inbound JWT: the
// workload token came from GetWorkloadAccessTokenForJWT, and only that
// user's token (verified through discovery and JWKS) releases the session.
func TestSessionBindingWithUserToken(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	pool := sandboxtest.NewPool(t, e.ctx, e.cog, "agentcore-identity-runtime-pool", &cip.CreateUserPoolClientInput{ClientName: aws.String("runtime")})
	signIn := func(user string) string {
		u := sandboxtest.User{Name: user, Password: "Inb0und!Pass"}
		sandboxtest.AddUser(t, e.ctx, e.cog, pool.ID, u)
		return *sandboxtest.SignIn(t, e.ctx, e.cog, pool.ClientID, u, nil).AccessToken
	}
	carol, dave := signIn("carol"), signIn("dave")
	wat := ok(e.data.GetWorkloadAccessTokenForJWT(e.ctx, &bedrockagentcore.GetWorkloadAccessTokenForJWTInput{
		WorkloadName: aws.String(workloadName), UserToken: aws.String(carol)}))(t)
	withReturn := func(in *bedrockagentcore.GetResourceOauth2TokenInput) {
		in.ResourceOauth2ReturnUrl = aws.String(returnURL)
	}
	out := e.mustAsk(*wat.WorkloadAccessToken, withReturn)
	if _, err := consent.Run(e.ctx, browser(t), *out.AuthorizationUrl, extUser, extPassword); err != nil {
		t.Fatal(err)
	}
	complete := func(tok string) error {
		_, err := e.data.CompleteResourceTokenAuth(e.ctx, &bedrockagentcore.CompleteResourceTokenAuthInput{
			SessionUri: out.SessionUri, UserIdentifier: &dptypes.UserIdentifierMemberUserToken{Value: tok}})
		return err
	}
	wantAccessDenied(t, complete(dave), "Invalid or expired session")
	// A token with a forged signature is refused before any session lookup.
	parts := strings.Split(carol, ".")
	wantAccessDenied(t, complete(parts[0]+"."+parts[1]+".AAAA"+parts[2][4:]), "could not be verified")
	if got := e.mustAsk(*wat.WorkloadAccessToken, withReturn); got.AccessToken != nil {
		t.Fatal("token stored before the right user completed")
	}
	if err := complete(carol); err != nil {
		t.Fatal(err)
	}
	if got := e.mustAsk(*wat.WorkloadAccessToken, withReturn); got.AccessToken == nil {
		t.Fatalf("after binding: %+v", got)
	}
}

func TestGetResourceOauth2TokenBadInput(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	alice := e.wat(workloadName, "alice")

	_, err := e.ask("wat1.forged.token", nil)
	wantAccessDenied(t, err, "workload access token is invalid")

	_, err = e.ask(alice, func(in *bedrockagentcore.GetResourceOauth2TokenInput) {
		in.ResourceCredentialProviderName = aws.String("NoSuchProvider")
	})
	var nf *dptypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("unknown provider: %T %v", err, err)
	}
	userless := ok(e.data.GetWorkloadAccessToken(e.ctx, &bedrockagentcore.GetWorkloadAccessTokenInput{WorkloadName: aws.String(workloadName)}))(t)
	_, err = e.ask(*userless.WorkloadAccessToken, nil)
	wantValidation(t, err, "USER_FEDERATION needs a workload access token issued for a user")

	_, err = e.ask(alice, func(in *bedrockagentcore.GetResourceOauth2TokenInput) {
		in.SessionUri = aws.String("not-a-request-uri")
	})
	wantValidation(t, err, "sessionUri")
	_, err = e.ask(alice, func(in *bedrockagentcore.GetResourceOauth2TokenInput) { in.Oauth2Flow = "SIDEWAYS" })
	wantValidation(t, err, "oauth2Flow")

	// Raw bodies the SDK would never send.
	for body, want := range map[string]string{
		`{`: "CannotParse",
		`{"resourceCredentialProviderName":"ExternalServiceProvider","oauth2Flow":"USER_FEDERATION"}`:                             "workloadIdentityToken",
		`{"workloadIdentityToken":"x","resourceCredentialProviderName":"ExternalServiceProvider","oauth2Flow":"USER_FEDERATION"}`: "scopes",
	} {
		resp := signedRaw(t, e, "/identities/oauth2/token", body)
		ae := readErr(t, resp)
		if ae.Status != http.StatusBadRequest || ae.Type != "ValidationException" || (!strings.Contains(ae.Message, want) && ae.Reason != want) {
			t.Fatalf("%s: %+v", body, ae)
		}
	}
	resp := signedRaw(t, e, "/identities/CompleteResourceTokenAuth", `{"sessionUri":"urn:ietf:params:oauth:request_uri:x","userIdentifier":{"userId":"a","userToken":"a.b.c"}}`)
	if ae := readErr(t, resp); ae.Type != "ValidationException" || !strings.Contains(ae.Message, "exactly one of userToken, userId") {
		t.Fatalf("both identifiers: %+v", ae)
	}
	// Unsigned calls never reach the operation.
	r, err := http.Post(e.sb.URL+"/identities/oauth2/token", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode < 400 || r.StatusCode >= 500 {
		t.Fatalf("unsigned: %d", r.StatusCode)
	}
}

func TestExternalAPITrustsOnlyOutboundPools(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	status, _, wa := e.externalProfile("")
	if status != http.StatusUnauthorized || wa != `Bearer realm="external-api"` {
		t.Fatalf("no token: %d %q", status, wa)
	}
	status, _, wa = e.externalProfile("not.a.jwt")
	if status != http.StatusUnauthorized || !strings.Contains(wa, `error="invalid_token"`) {
		t.Fatalf("garbage: %d %q", status, wa)
	}
	// A genuine access token from a pool that is no credential provider's
	// (the inbound pool, say) is refused.
	_, auth := sandboxtest.SignedIn(t, e.ctx, e.cog, "inbound", sandboxtest.User{Name: "inbounduser", Password: "Inb0und!Pass"})
	status, _, wa = e.externalProfile(*auth.AccessToken)
	if status != http.StatusUnauthorized || !strings.Contains(wa, "not accepted") {
		t.Fatalf("inbound pool token: %d %q", status, wa)
	}
	// An ID token from the outbound pool is not an access token. Get both
	// as an ordinary client would: code flow straight at Cognito.
	c := browser(t)
	iss := cognito.Issuer(e.sb.URL, e.poolID)
	idp, _ := url.Parse(iss + "/oauth2/authorize?" + url.Values{"client_id": {e.clientID}, "response_type": {"code"},
		"redirect_uri": {e.callback}, "scope": {"openid profile"}, "state": {"s"}}.Encode())
	code := e.login(c, idp, extUser, extPassword).Query().Get("code")
	tr, err := http.PostForm(iss+"/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {e.callback}, "client_id": {e.clientID}, "client_secret": {e.secret}})
	if err != nil {
		t.Fatal(err)
	}
	var toks struct {
		AccessToken string `json:"access_token"`
		IDToken     string `json:"id_token"`
	}
	json.NewDecoder(tr.Body).Decode(&toks)
	tr.Body.Close()
	if toks.IDToken == "" || toks.AccessToken == "" {
		t.Fatalf("token endpoint: %d", tr.StatusCode)
	}
	status, _, wa = e.externalProfile(toks.IDToken)
	if status != http.StatusUnauthorized || !strings.Contains(wa, "token_use") {
		t.Fatalf("id token: %d %q", status, wa)
	}
	status, body, _ := e.externalProfile(toks.AccessToken)
	if status != http.StatusOK || body["user"] != extUser {
		t.Fatalf("outbound access token: %d %v", status, body)
	}
	if sc, _ := body["scopes"].([]any); len(sc) != 2 {
		t.Fatalf("scopes %v", body["scopes"])
	}
	// Expired tokens are refused (the API verifies on the sandbox clock).
	e.clk.Advance(2 * time.Hour)
	status, _, wa = e.externalProfile(toks.AccessToken)
	if status != http.StatusUnauthorized || !strings.Contains(wa, "expired") {
		t.Fatalf("expired: %d %q", status, wa)
	}
}

// signedRaw sends a SigV4-signed POST with a raw body to the sandbox.
func signedRaw(t *testing.T, e *idEnv, path, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.sb.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	creds := aws.Credentials{AccessKeyID: e.sb.Credentials.AccessKeyID, SecretAccessKey: e.sb.Credentials.SecretAccessKey}
	return sigv4Do(t, req, []byte(body), creds, e.sb.Region)
}

// TestM2MClientCredentials: the M2M flow runs client_credentials at the
// provider's token endpoint (found through discovery) and caches the token
// for the workload.
func TestM2MClientCredentials(t *testing.T) {
	e := newIDEnv(t, envOpts{})
	ok(e.cog.CreateResourceServer(e.ctx, &cip.CreateResourceServerInput{UserPoolId: &e.poolID, Identifier: aws.String("external-api"),
		Name: aws.String("External API"), Scopes: []ciptypes.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")}}}))(t)
	m2m := ok(e.cog.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &e.poolID, ClientName: aws.String("m2m"), GenerateSecret: true,
		AllowedOAuthFlows: []ciptypes.OAuthFlowType{"client_credentials"}, AllowedOAuthScopes: []string{"external-api/read"}, AllowedOAuthFlowsUserPoolClient: true}))(t)
	ok(e.ctl.CreateOauth2CredentialProvider(e.ctx, &bedrockagentcorecontrol.CreateOauth2CredentialProviderInput{
		Name: aws.String("M2MProvider"), CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
		Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
			ClientId: m2m.UserPoolClient.ClientId, ClientSecret: m2m.UserPoolClient.ClientSecret,
			OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberDiscoveryUrl{Value: cognito.DiscoveryURL(e.sb.URL, e.poolID)},
		}},
	}))(t)
	userless := ok(e.data.GetWorkloadAccessToken(e.ctx, &bedrockagentcore.GetWorkloadAccessTokenInput{WorkloadName: aws.String(workloadName)}))(t)
	ask := func(scope string) (*bedrockagentcore.GetResourceOauth2TokenOutput, error) {
		return e.ask(*userless.WorkloadAccessToken, func(in *bedrockagentcore.GetResourceOauth2TokenInput) {
			in.ResourceCredentialProviderName, in.Oauth2Flow, in.Scopes = aws.String("M2MProvider"), dptypes.Oauth2FlowTypeM2m, []string{scope}
			in.ResourceOauth2ReturnUrl = nil // M2M has no browser to send back
		})
	}
	first := ok(ask("external-api/read"))(t)
	if first.AccessToken == nil || first.AuthorizationUrl != nil {
		t.Fatalf("M2M: %+v", first)
	}
	if again := ok(ask("external-api/read"))(t); *again.AccessToken != *first.AccessToken {
		t.Fatal("M2M token not cached")
	}
	status, body, _ := e.externalProfile(*first.AccessToken)
	if status != http.StatusOK || body["user"] != *m2m.UserPoolClient.ClientId {
		t.Fatalf("external API with M2M token: %d %v", status, body)
	}
	_, err := ask("external-api/write")
	wantAccessDenied(t, err, "invalid_scope")
}
