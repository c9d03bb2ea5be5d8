package agentcore

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"

	"golang.org/x/oauth2"
)

// The browser-facing half of 3LO: the authorization URL the agent hands the
// user, and the callback the provider redirects back to. Both are unsigned
// GETs from a browser, so failures are small HTML pages, not AWS JSON.

var oauthPage = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}
.error{color:#b00020}.note{color:#555;font-size:.8rem;margin-top:2rem}</style></head>
<body>
<h1>{{.Title}}</h1>
<p id="error" class="error">{{.Message}}</p>
<p class="note">AgentCore Identity · agentcore-workshop offline sandbox</p>
</body>
</html>
`))

// writeFailure is the only page: a consent that succeeds always ends at
// the workload's return URL (session binding).
func writeFailure(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	oauthPage.Execute(w, struct{ Title, Message string }{"Authorization failed", msg})
}

// standardAuthParams are the parameters customParameters may not override.
var standardAuthParams = []string{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"}

// serveAuthorize is GET /identities/oauth2/authorize?request_uri=…: it
// starts the user's visit to the provider with a fresh state and PKCE pair.
func (s *Service) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	uri := r.URL.Query().Get("request_uri")
	s.oauth.mu.Lock()
	s.oauth.prune(now)
	ss := s.oauth.sessionByURI(uri, now)
	var snap session3LO
	if ss != nil {
		snap = *ss
	}
	s.oauth.mu.Unlock()
	switch {
	case uri == "":
		writeFailure(w, http.StatusBadRequest, "The authorization link has no request_uri.")
		return
	case ss == nil:
		writeFailure(w, http.StatusBadRequest, "This authorization link is invalid or has expired. Ask the agent again for a new one.")
		return
	case snap.status != sessionInProgress:
		writeFailure(w, http.StatusBadRequest, "This authorization link has already been used. Ask the agent again if you need a new one.")
		return
	}
	prov, ok := s.LookupOauth2Provider(snap.provider)
	if !ok || prov.CallbackURL != snap.providerCallback {
		writeFailure(w, http.StatusBadRequest, "The credential provider of this authorization link no longer exists.")
		return
	}
	ep, err := s.oauth.providerEndpoints(r.Context(), prov)
	if err != nil {
		s.log.Warn("agentcore: provider discovery failed", "provider", prov.Name, "err", err)
		writeFailure(w, http.StatusBadGateway, "The credential provider's authorization server could not be reached: "+err.Error())
		return
	}
	state, verifier := randomToken(32), oauth2.GenerateVerifier()
	s.oauth.mu.Lock()
	s.oauth.addState(state, pendingState{session: snap.id, verifier: verifier, expires: snap.expires})
	s.oauth.mu.Unlock()

	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	for k, v := range snap.customParams {
		if !slices.Contains(standardAuthParams, k) {
			opts = append(opts, oauth2.SetAuthURLParam(k, v))
		}
	}
	cfg := oauthConfig(prov, ep, snap.scopes)
	http.Redirect(w, r, cfg.AuthCodeURL(state, opts...), http.StatusFound)
}

func oauthConfig(prov Oauth2Provider, ep endpoints, scopes []string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: prov.ClientID, ClientSecret: prov.ClientSecret, RedirectURL: prov.CallbackURL, Scopes: scopes,
		Endpoint: oauth2.Endpoint{AuthURL: ep.Authorization, TokenURL: ep.Token},
	}
}

// serveCallback is GET /identities/oauth2/callback/{id}: the provider's
// redirect back with a code (or an error) and the state it was given.
func (s *Service) serveCallback(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	callbackURL := s.d.URL + callbackPrefix + r.PathValue("id")
	q := r.URL.Query()
	state := q.Get("state")

	s.mu.Lock()
	known := false
	for _, p := range s.st.Providers {
		known = known || p.CallbackURL == callbackURL
	}
	s.mu.Unlock()
	if !known {
		writeFailure(w, http.StatusNotFound, "No credential provider uses this callback URL.")
		return
	}
	if state == "" {
		writeFailure(w, http.StatusBadRequest, "The callback carries no state parameter, so it cannot be matched to an authorization request.")
		return
	}

	// A state is single use: take it before anything else can fail, so a
	// replayed callback (or a replayed code) never gets a second try.
	s.oauth.mu.Lock()
	s.oauth.prune(now)
	ps, ok := s.oauth.states[state]
	delete(s.oauth.states, state)
	var ss *session3LO
	if ok {
		ss = s.oauth.sessions[ps.session]
	}
	var snap session3LO
	if ss != nil {
		snap = *ss
	}
	s.oauth.mu.Unlock()
	switch {
	case !ok:
		writeFailure(w, http.StatusBadRequest, "Unknown or already used state. Start again from the agent's authorization link.")
		return
	case ss == nil || snap.status != sessionInProgress:
		writeFailure(w, http.StatusBadRequest, "This authorization session has expired or is already finished.")
		return
	case snap.providerCallback != callbackURL:
		writeFailure(w, http.StatusBadRequest, "The state was issued for a different credential provider.")
		return
	}
	if e := q.Get("error"); e != "" {
		msg := "The authorization server refused the request: " + e
		if d := q.Get("error_description"); d != "" {
			msg += " (" + d + ")"
		}
		s.failSession(snap.id)
		writeFailure(w, http.StatusBadRequest, msg)
		return
	}
	code := q.Get("code")
	if code == "" {
		s.failSession(snap.id)
		writeFailure(w, http.StatusBadRequest, "The callback carries no authorization code.")
		return
	}
	prov, ok := s.LookupOauth2Provider(snap.provider)
	if !ok || prov.CallbackURL != callbackURL {
		writeFailure(w, http.StatusBadRequest, "The credential provider of this session no longer exists.")
		return
	}
	ep, err := s.oauth.providerEndpoints(r.Context(), prov)
	if err != nil {
		writeFailure(w, http.StatusBadGateway, "The credential provider's authorization server could not be reached: "+err.Error())
		return
	}
	ctx := context.WithValue(r.Context(), oauth2.HTTPClient, s.oauth.http)
	tok, err := oauthConfig(prov, ep, snap.scopes).Exchange(ctx, code, oauth2.VerifierOption(ps.verifier))
	if err != nil {
		msg := "The authorization server " + tokenEndpointFailure("authorization code redemption", err) + "."
		status := http.StatusBadGateway
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode != "" {
			status = http.StatusBadRequest
		}
		s.log.Info("agentcore: code exchange failed", "session", snap.id, "err", err)
		s.failSession(snap.id)
		writeFailure(w, status, msg)
		return
	}
	vt := s.vaultTokenFrom(tok, flowUser, snap.workload, snap.user, prov, snap.scopes, now)

	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	ss = s.oauth.sessions[snap.id]
	if ss == nil || ss.status != sessionInProgress {
		// Another callback of the same session won the race.
		writeFailure(w, http.StatusBadRequest, "This authorization session is already finished.")
		return
	}
	// Session binding: the token waits until the application proves, with
	// CompleteResourceTokenAuth, that the browser's user is the session's
	// user. Every session has a return URL: GetResourceOauth2Token refuses
	// USER_FEDERATION without one, as AWS does.
	ss.status, ss.token = sessionAwaitingUser, &vt
	back, err := url.Parse(ss.returnURL)
	if err != nil {
		writeFailure(w, http.StatusBadRequest, "The session's return URL is not a valid URL.")
		return
	}
	bq := back.Query()
	bq.Set("session_id", ss.uri())
	if ss.customState != "" {
		bq.Set("state", ss.customState)
	}
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// failSession marks a session failed, so polling reports FAILED.
func (s *Service) failSession(id string) {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	if ss := s.oauth.sessions[id]; ss != nil && ss.status == sessionInProgress {
		ss.status = sessionFailed
	}
}
