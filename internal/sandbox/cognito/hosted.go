package cognito

import (
	"agentcore-workshop/internal/i18n"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages are parsed on first use, not at package init: most runs never
// show the hosted UI.
var pages = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(templateFS, "templates/*.html"))
})

// codeTTL is how long an authorization code can be redeemed (Cognito: 5 min).
const codeTTL = 5 * time.Minute

// authCode is one issued authorization code.
type authCode struct {
	pool, client, username, sub string
	redirectURI, scope, nonce   string
	challenge, method           string
	authTime, expires           time.Time
}

// codeStore keeps codes in memory: they live minutes and are single-use.
type codeStore struct {
	mu    sync.Mutex
	codes map[string]authCode
}

func newCodeStore() *codeStore { return &codeStore{codes: map[string]authCode{}} }

func (cs *codeStore) put(now time.Time, c authCode) string {
	code := uuid.NewString()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for k, v := range cs.codes {
		if now.After(v.expires) {
			delete(cs.codes, k)
		}
	}
	cs.codes[code] = c
	return code
}

func (cs *codeStore) get(code string) (authCode, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c, ok := cs.codes[code]
	return c, ok
}

// take removes code, reporting whether this call was the one that did.
func (cs *codeStore) take(code string) bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	_, ok := cs.codes[code]
	delete(cs.codes, code)
	return ok
}

// authRequest is a validated /oauth2/authorize request.
type authRequest struct {
	pool                     *Pool
	client                   *Client
	redirectURI, state       string
	scopes                   []string
	challenge, method, nonce string
	params                   url.Values   // what the login form carries back
	tr                       i18n.Printer // the pages' language (pageLang)
}

// authFailure says how to answer an invalid authorize request: with an
// error page when the redirect URI cannot be trusted, else by redirecting
// the error to the client.
type authFailure struct {
	status   int
	page     string // error page text
	redirect string // redirect with OAuth error
}

// hostedPool finds a pool whose hosted UI is available; callers hold s.mu.
func (s *Service) hostedPool(id string) (*Pool, bool) {
	p, ok := s.pools[id]
	if !ok || p.Domain == "" {
		return nil, false
	}
	return p, true
}

func redirectWithError(redirectURI, code, state string) string {
	u, _ := url.Parse(redirectURI)
	q := u.Query()
	q.Set("error", code)
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// validateAuthorize checks an authorize request; callers hold s.mu.
func (s *Service) validateAuthorize(poolID string, q url.Values) (*authRequest, *authFailure) {
	p, ok := s.hostedPool(poolID)
	if !ok {
		return nil, &authFailure{status: http.StatusNotFound, page: i18n.M("This user pool has no hosted sign-in domain.")}
	}
	clientID := q.Get("client_id")
	c, ok := p.Clients[clientID]
	if clientID == "" || !ok {
		return nil, &authFailure{status: http.StatusBadRequest, page: i18n.M("invalid_request: unknown or missing client_id")}
	}
	redirectURI := q.Get("redirect_uri")
	if redirectURI == "" {
		redirectURI = c.DefaultRedirectURI
	}
	if redirectURI == "" || !slices.Contains(c.CallbackURLs, redirectURI) {
		return nil, &authFailure{status: http.StatusBadRequest, page: i18n.M("redirect_mismatch: redirect_uri is not one of the client's callback URLs")}
	}
	state := q.Get("state")
	fail := func(code string) (*authRequest, *authFailure) {
		return nil, &authFailure{status: http.StatusFound, redirect: redirectWithError(redirectURI, code, state)}
	}
	if !c.AllowedOAuthFlowsUserPoolClient {
		return fail("unauthorized_client")
	}
	if q.Get("response_type") != "code" {
		return fail("unsupported_response_type")
	}
	if !slices.Contains(c.AllowedOAuthFlows, "code") {
		return fail("unauthorized_client")
	}
	scopes := strings.Fields(q.Get("scope"))
	if len(scopes) == 0 {
		scopes = c.AllowedOAuthScopes
	}
	for _, sc := range scopes {
		if !slices.Contains(c.AllowedOAuthScopes, sc) {
			return fail("invalid_scope")
		}
	}
	// PKCE: Cognito supports S256 only. A challenge without a method, or
	// any other method (plain included), is redirected back as
	// invalid_request (Cognito developer guide, "Using PKCE in authorization
	// code grants" and the authorize endpoint page; gateway-identity-facts.md
	// §5). The sandbox does the same, so a client that would fail on AWS
	// fails here first. Cognito does not require PKCE of a client, so
	// neither does the sandbox.
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if (challenge != "" || method != "") && (challenge == "" || method != "S256") {
		return fail("invalid_request")
	}
	keep := url.Values{}
	for _, k := range []string{"client_id", "response_type", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "nonce", "lang"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	return &authRequest{pool: p, client: c, redirectURI: redirectURI, state: state, scopes: scopes,
		challenge: challenge, method: method, nonce: q.Get("nonce"), params: keep}, nil
}

type hiddenField struct{ Name, Value string }

type loginPage struct {
	ClientName, PoolID, Action, Error, Username string
	Hidden                                      []hiddenField
	// The page's words, in its language.
	Lang, Title, Heading, UsernameLabel, PasswordLabel, Button, Note string
}

// errorPage is the hosted error page.
type errorPage struct {
	Lang, Title, Heading, Message string
}

// pageHeaders are the headers of every hosted page: never cached, and
// never framed by another site (clickjacking), as Cognito's pages.
func pageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "frame-ancestors 'none'")
}

// renderLogin shows the login form with a fresh CSRF token.
func (s *Service) renderLogin(w http.ResponseWriter, status int, ar *authRequest, username, errText string) {
	tr := ar.tr
	page := loginPage{ClientName: ar.client.Name, PoolID: ar.pool.ID, Action: s.Issuer(ar.pool.ID) + "/login", Username: username,
		Lang:          tr.Lang(),
		Title:         tr.Sprintf("Sign in · %s", ar.client.Name),
		Heading:       tr.Sprintf("Sign in to %s", ar.client.Name),
		UsernameLabel: tr.T("Username"),
		PasswordLabel: tr.T("Password"),
		Button:        tr.T("Sign in"),
		Note:          tr.Sprintf("User pool %s · agentcore-workshop offline sandbox", ar.pool.ID),
	}
	if errText != "" {
		page.Error = tr.T(errText)
	}
	cookiePath := "/" + ar.pool.ID
	if u, err := url.Parse(s.Issuer(ar.pool.ID)); err == nil && u.Path != "" {
		cookiePath = u.Path
	}
	page.Hidden = append(page.Hidden, hiddenField{csrfField, s.setCSRF(w, cookiePath)})
	for _, k := range []string{"client_id", "response_type", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "nonce", "lang"} {
		if v := ar.params.Get(k); v != "" {
			page.Hidden = append(page.Hidden, hiddenField{k, v})
		}
	}
	pageHeaders(w)
	w.WriteHeader(status)
	pages().ExecuteTemplate(w, "login.html", page)
}

func writeAuthFailure(w http.ResponseWriter, r *http.Request, params url.Values, f *authFailure) {
	if f.redirect != "" {
		http.Redirect(w, r, f.redirect, http.StatusFound)
		return
	}
	tr := pageLang(r, params)
	pageHeaders(w)
	w.WriteHeader(f.status)
	pages().ExecuteTemplate(w, "error.html", errorPage{
		Lang:    tr.Lang(),
		Title:   tr.T("Sign-in error"),
		Heading: tr.T("An error was encountered with the requested page."),
		Message: tr.T(f.page),
	})
}

// serveAuthorize validates the request and shows the login form.
func (s *Service) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	ar, f := s.validateAuthorize(r.PathValue("pool"), r.URL.Query())
	s.mu.RUnlock()
	if f != nil {
		writeAuthFailure(w, r, r.URL.Query(), f)
		return
	}
	ar.tr = pageLang(r, r.URL.Query())
	s.renderLogin(w, http.StatusOK, ar, "", "")
}

// serveLogin checks the submitted credentials and, on success, redirects to
// the client with a single-use code and the caller's state.
func (s *Service) serveLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeAuthFailure(w, r, r.URL.Query(), &authFailure{status: http.StatusBadRequest, page: i18n.M("invalid_request: malformed form")})
		return
	}
	s.mu.RLock()
	ar, f := s.validateAuthorize(r.PathValue("pool"), r.PostForm)
	var user User
	var found bool
	username, password := r.PostForm.Get("username"), r.PostForm.Get("password")
	if f == nil {
		user, found = userCopy(ar.pool, username)
	}
	s.mu.RUnlock()
	if f != nil {
		writeAuthFailure(w, r, r.PostForm, f)
		return
	}
	ar.tr = pageLang(r, r.PostForm)
	if !s.csrf.valid(r, s.now()) {
		// Not posted from a login page this sandbox served (or served too
		// long ago): show the form again, with a fresh token.
		s.renderLogin(w, http.StatusForbidden, ar, "", i18n.M("Your sign-in page expired or was not opened from this site. Please sign in again."))
		return
	}
	attempt := attemptKey(ar.pool.ID, username)
	if s.attempts.locked(attempt, s.now()) {
		s.renderLogin(w, http.StatusBadRequest, ar, username, attemptsExceeded)
		return
	}
	switch {
	case !found || !user.passwordMatches(password):
		s.attempts.failed(attempt, s.now())
		s.renderLogin(w, http.StatusBadRequest, ar, username, i18n.M("Incorrect username or password."))
		return
	case !user.Enabled:
		s.renderLogin(w, http.StatusBadRequest, ar, username, i18n.M("User is disabled."))
		return
	case user.Status != "CONFIRMED":
		s.renderLogin(w, http.StatusBadRequest, ar, username, i18n.M("This user must set a new password first (AdminSetUserPassword with Permanent=true); the sandbox login page cannot change passwords."))
		return
	}
	s.attempts.succeeded(attempt)
	now := s.now()
	code := s.codes.put(now, authCode{pool: ar.pool.ID, client: ar.client.ID, username: user.Username, sub: user.Sub,
		redirectURI: ar.redirectURI, scope: strings.Join(ar.scopes, " "), nonce: ar.nonce,
		challenge: ar.challenge, method: ar.method, authTime: now, expires: now.Add(codeTTL)})
	u, _ := url.Parse(ar.redirectURI)
	q := u.Query()
	q.Set("code", code)
	if ar.state != "" {
		q.Set("state", ar.state)
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// oauthError answers an RFC 6749 error.
func oauthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth2"`)
	}
	writePlainJSON(w, status, map[string]string{"error": code})
}

// serveToken is /oauth2/token: client_credentials, authorization_code and
// refresh_token grants.
func (s *Service) serveToken(w http.ResponseWriter, r *http.Request) {
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	form := r.PostForm
	basicID, basicSecret, hasBasic := r.BasicAuth()
	if hasBasic {
		// RFC 6749 §2.3.1: both parts are form-encoded before Basic encoding.
		if v, err := url.QueryUnescape(basicID); err == nil {
			basicID = v
		}
		if v, err := url.QueryUnescape(basicSecret); err == nil {
			basicSecret = v
		}
	} else if r.Header.Get("Authorization") != "" {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	clientID, secret := form.Get("client_id"), form.Get("client_secret")
	if hasBasic {
		if form.Has("client_secret") || (clientID != "" && clientID != basicID) {
			oauthError(w, http.StatusUnauthorized, "invalid_client") // one authentication method only
			return
		}
		clientID, secret = basicID, basicSecret
	}

	s.mu.RLock()
	p, ok := s.hostedPool(r.PathValue("pool"))
	var c *Client
	if ok {
		c = p.Clients[clientID]
	}
	s.mu.RUnlock()
	if !ok {
		writePlainJSON(w, http.StatusNotFound, map[string]string{"error": "not_found"})
		return
	}
	if clientID == "" || c == nil {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	if c.Secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	if c.Secret == "" && secret != "" {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	switch form.Get("grant_type") {
	case "client_credentials":
		s.grantClientCredentials(w, p, c, form)
	case "authorization_code":
		s.grantCode(w, p, c, form)
	case "refresh_token":
		s.grantRefresh(w, p, c, form)
	case "":
		oauthError(w, http.StatusBadRequest, "invalid_request")
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
	}
}

func writeTokens(w http.ResponseWriter, ts TokenSet) {
	out := map[string]any{"access_token": ts.AccessToken, "expires_in": ts.ExpiresIn, "token_type": "Bearer"}
	if ts.IDToken != "" {
		out["id_token"] = ts.IDToken
	}
	if ts.RefreshToken != "" {
		out["refresh_token"] = ts.RefreshToken
	}
	w.Header().Set("Cache-Control", "no-store")
	writePlainJSON(w, http.StatusOK, out)
}

func (s *Service) grantClientCredentials(w http.ResponseWriter, p *Pool, c *Client, form url.Values) {
	if c.Secret == "" || !c.AllowedOAuthFlowsUserPoolClient || !slices.Contains(c.AllowedOAuthFlows, "client_credentials") {
		oauthError(w, http.StatusBadRequest, "unauthorized_client")
		return
	}
	var scopes []string
	if req := strings.Fields(form.Get("scope")); len(req) > 0 {
		for _, sc := range req {
			if !slices.Contains(c.AllowedOAuthScopes, sc) || !strings.Contains(sc, "/") {
				oauthError(w, http.StatusBadRequest, "invalid_scope")
				return
			}
		}
		scopes = req
	} else {
		for _, sc := range c.AllowedOAuthScopes {
			if strings.Contains(sc, "/") {
				scopes = append(scopes, sc)
			}
		}
	}
	if len(scopes) == 0 {
		oauthError(w, http.StatusBadRequest, "invalid_scope")
		return
	}
	ts, err := s.mint(grant{poolID: p.ID, keys: &p.Keys, client: c, scope: strings.Join(scopes, " "), authTime: s.now(), hosted: true}, false, false)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error")
		return
	}
	writeTokens(w, ts)
}

// verifyPKCE checks an S256 code verifier (the only method authorize
// accepts) against the challenge.
func verifyPKCE(method, challenge, verifier string) bool {
	if method != "S256" || verifier == "" || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

func (s *Service) grantCode(w http.ResponseWriter, p *Pool, c *Client, form url.Values) {
	code := form.Get("code")
	if code == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	ac, ok := s.codes.get(code)
	switch {
	case !ok, ac.pool != p.ID, ac.client != c.ID, s.now().After(ac.expires):
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	case form.Get("redirect_uri") != ac.redirectURI:
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	case ac.challenge != "" && !verifyPKCE(ac.method, ac.challenge, form.Get("code_verifier")):
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	if !s.codes.take(code) { // lost a race with a concurrent redemption
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	s.mu.RLock()
	user, ok := userCopy(p, ac.username)
	s.mu.RUnlock()
	if !ok || user.Sub != ac.sub {
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	withID := slices.Contains(strings.Fields(ac.scope), "openid")
	ts, err := s.mint(grant{poolID: p.ID, keys: &p.Keys, client: c, user: &user, scope: ac.scope, authTime: ac.authTime, nonce: ac.nonce, hosted: true}, withID, true)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error")
		return
	}
	writeTokens(w, ts)
}

func (s *Service) grantRefresh(w http.ResponseWriter, p *Pool, c *Client, form url.Values) {
	rc, aerr := s.openRefresh(p, c, form.Get("refresh_token"))
	if aerr != nil {
		if form.Get("refresh_token") == "" {
			oauthError(w, http.StatusBadRequest, "invalid_request")
			return
		}
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	s.mu.RLock()
	user, ok := userCopy(p, rc.Username)
	s.mu.RUnlock()
	if !ok || user.Sub != rc.Sub || !user.Enabled {
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	withID := rc.Scope == passwordScope || slices.Contains(strings.Fields(rc.Scope), "openid")
	g := grant{poolID: p.ID, keys: &p.Keys, client: c, user: &user, scope: rc.Scope, authTime: time.Unix(rc.AuthTime, 0),
		originJTI: rc.OriginJTI, nonce: rc.Nonce, hosted: true}
	ts, err := s.mint(g, withID, false)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error")
		return
	}
	writeTokens(w, ts)
}

// serveUserInfo returns the signed-in user's attributes for a valid access
// token from this pool.
func (s *Service) serveUserInfo(w http.ResponseWriter, r *http.Request) {
	invalid := func(desc string) { invalidToken(w, desc) }
	s.mu.RLock()
	p, ok := s.hostedPool(r.PathValue("pool"))
	s.mu.RUnlock()
	_, claims, ok := s.bearer(w, r, p, ok)
	if !ok {
		return
	}
	scopes := strings.Fields(claims.Scope)
	if !slices.Contains(scopes, "openid") && !slices.Contains(scopes, passwordScope) {
		invalid("Access token does not have the openid scope")
		return
	}
	s.mu.RLock()
	user, ok := userCopy(p, claims.Username)
	s.mu.RUnlock()
	if !ok || user.Sub != claims.Sub {
		invalid("User does not exist.")
		return
	}
	out := map[string]string{"username": user.Username}
	for _, a := range user.Attributes {
		out[a.Name] = a.Value
	}
	writePlainJSON(w, http.StatusOK, out)
}

type accessClaims struct {
	Sub      string `json:"sub"`
	Iss      string `json:"iss"`
	TokenUse string `json:"token_use"`
	Scope    string `json:"scope"`
	Username string `json:"username"`
	Exp      int64  `json:"exp"`
}

// verifyAccessToken checks signature, issuer, use and expiry, returning a
// reason on failure.
// bearer reads the access token of a call to one of pool p's bearer
// endpoints (found false: there is no such pool) and verifies it. When it
// reports false it has answered the call.
func (s *Service) bearer(w http.ResponseWriter, r *http.Request, p *Pool, found bool) (raw string, _ accessClaims, ok bool) {
	if !found {
		writePlainJSON(w, http.StatusNotFound, map[string]string{"error": "not_found"})
		return "", accessClaims{}, false
	}
	raw, ok = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || raw == "" {
		invalidToken(w, "Access token is missing")
		return "", accessClaims{}, false
	}
	claims, why := s.verifyAccessToken(p, raw)
	if why != "" {
		invalidToken(w, why)
		return "", accessClaims{}, false
	}
	return raw, claims, true
}

// invalidToken answers a bearer call with RFC 6750's invalid_token.
func invalidToken(w http.ResponseWriter, desc string) {
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+desc+`"`)
	writePlainJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token", "error_description": desc})
}

func (s *Service) verifyAccessToken(p *Pool, raw string) (accessClaims, string) {
	var c accessClaims
	jws, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(jws.Signatures) != 1 || jws.Signatures[0].Header.KeyID != p.Keys.Access.KID {
		return c, "Invalid access token"
	}
	payload, err := jws.Verify(p.Keys.Access.Public())
	if err != nil || json.Unmarshal(payload, &c) != nil {
		return c, "Invalid access token"
	}
	if c.Iss != s.Issuer(p.ID) || c.TokenUse != "access" {
		return c, "Invalid access token"
	}
	if s.now().Unix() >= c.Exp {
		return c, "Access token has expired"
	}
	return c, ""
}
