package agentcore

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/egress"
	"agentcore-workshop/internal/sandbox/jwtverify"
)

// The identity data plane's outbound half: GetResourceOauth2Token (3LO and
// M2M), CompleteResourceTokenAuth, the browser-facing authorize and callback
// endpoints, and the token vault behind them.
//
// 3LO sessions live in memory, like the authorization codes of the sandbox's
// Cognito: they last minutes, and a sandbox restart in the middle of a
// consent simply asks the user to start again. Tokens are persisted.

const (
	// sessionURIPrefix is the RFC 9126 request_uri namespace AWS uses for
	// 3LO session URIs.
	sessionURIPrefix = "urn:ietf:params:oauth:request_uri:"
	// sessionTTL bounds a 3LO session: the Python SDK polls for 600 s.
	sessionTTL = 10 * time.Minute
	// outboundTimeout bounds every call the sandbox makes to a provider
	// (discovery, token endpoint, JWKS).
	outboundTimeout = 15 * time.Second
)

// sessionStatus is where a 3LO session stands.
type sessionStatus int

const (
	sessionInProgress   sessionStatus = iota // waiting for the user at the provider
	sessionAwaitingUser                      // provider answered; waiting for CompleteResourceTokenAuth
	sessionComplete                          // token is in the vault
	sessionFailed                            // provider refused, or the code could not be redeemed
)

// session3LO is one user-federation authorization in flight.
type session3LO struct {
	id               string
	workload, user   string
	provider         string
	providerCallback string // the provider's callbackUrl when the session began
	scopes           []string
	returnURL        string
	customState      string
	customParams     map[string]string
	status           sessionStatus
	token            *vaultToken // held between the callback and CompleteResourceTokenAuth
	expires          time.Time
}

func (ss *session3LO) uri() string { return sessionURIPrefix + ss.id }

// pendingState is one authorize redirect waiting for its callback. Each
// visit to the authorization URL gets its own state and PKCE verifier; a
// state is consumed by the first callback that presents it.
type pendingState struct {
	session  string
	verifier string
	expires  time.Time
	seq      uint64 // issue order, to evict a session's oldest state
}

// maxStatesPerSession bounds the pending states of one session. The
// authorization URL is an unsigned GET: without a bound, reloading it in a
// loop would grow the state table until the session expires. A user has
// no use for more than a few tabs on one consent; the oldest state goes.
const maxStatesPerSession = 8

// endpoints are a provider's OAuth2 endpoints.
type endpoints struct {
	Authorization string `json:"authorization_endpoint"`
	Token         string `json:"token_endpoint"`
}

// oauthPlane holds the outbound identity state of one Service.
type oauthPlane struct {
	vault  *vault
	egress *egress.Policy
	http   *http.Client // enforces egress and caps every body

	mu        sync.Mutex
	sessions  map[string]*session3LO // by id
	states    map[string]pendingState
	stateSeq  uint64
	discovery map[string]endpoints // by discovery URL; only complete documents

	userTokens *jwtverify.Verifier // CompleteResourceTokenAuth's userToken check
}

func newOAuthPlane(v *vault, eg *egress.Policy, clk clock.Clock, log *slog.Logger) *oauthPlane {
	hc := eg.Client(outboundTimeout)
	return &oauthPlane{
		vault: v, egress: eg, http: hc,
		sessions: map[string]*session3LO{}, states: map[string]pendingState{},
		discovery:  map[string]endpoints{},
		userTokens: jwtverify.New(jwtverify.Options{HTTPClient: hc, Clock: clk, Log: log}),
	}
}

// prune drops expired sessions and states; callers hold p.mu.
func (p *oauthPlane) prune(now time.Time) {
	for id, ss := range p.sessions {
		if now.After(ss.expires) {
			delete(p.sessions, id)
		}
	}
	for k, ps := range p.states {
		if now.After(ps.expires) {
			delete(p.states, k)
		}
	}
}

// addState records a new pending state for a session, evicting the
// session's oldest once it holds maxStatesPerSession; callers hold p.mu.
func (p *oauthPlane) addState(state string, ps pendingState) {
	p.stateSeq++
	ps.seq = p.stateSeq
	n, oldest, oldestSeq := 0, "", uint64(0)
	for k, o := range p.states {
		if o.session != ps.session {
			continue
		}
		n++
		if oldest == "" || o.seq < oldestSeq {
			oldest, oldestSeq = k, o.seq
		}
	}
	if n >= maxStatesPerSession {
		delete(p.states, oldest)
	}
	p.states[state] = ps
}

// dropSessions forgets the 3LO sessions drop selects, and their pending
// states: their workload identity or provider is gone.
func (p *oauthPlane) dropSessions(drop func(*session3LO) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, ss := range p.sessions {
		if drop(ss) {
			delete(p.sessions, id)
		}
	}
	for k, ps := range p.states {
		if _, live := p.sessions[ps.session]; !live {
			delete(p.states, k)
		}
	}
}

// sessionByURI returns a live session; callers hold p.mu.
func (p *oauthPlane) sessionByURI(uri string, now time.Time) *session3LO {
	id, ok := strings.CutPrefix(uri, sessionURIPrefix)
	if !ok {
		return nil
	}
	ss := p.sessions[id]
	if ss == nil || now.After(ss.expires) {
		return nil
	}
	return ss
}

// newSession starts a 3LO session, or hands back an identical one still in
// progress. Reuse keeps an agent that asks on every invocation (as the
// tutorial's does) from piling up sessions, and lets a user who opened the
// first URL finish it even after the agent asked again. forceAuthentication
// always starts afresh.
func (p *oauthPlane) newSession(tmpl session3LO, force bool, now time.Time) *session3LO {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.prune(now)
	if !force {
		for _, ss := range p.sessions {
			if ss.status == sessionInProgress && ss.workload == tmpl.workload && ss.user == tmpl.user &&
				ss.provider == tmpl.provider && ss.providerCallback == tmpl.providerCallback &&
				ss.returnURL == tmpl.returnURL && ss.customState == tmpl.customState &&
				slices.Equal(ss.scopes, tmpl.scopes) && maps.Equal(ss.customParams, tmpl.customParams) {
				return ss
			}
		}
	}
	ss := tmpl
	ss.id = uuid.NewString()
	ss.status = sessionInProgress
	ss.expires = now.Add(sessionTTL)
	p.sessions[ss.id] = &ss
	return &ss
}

// randomToken returns n random bytes, base64url without padding.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// providerEndpoints returns where a provider authorizes and issues tokens:
// from its explicit metadata, else from its discovery document, fetched over
// HTTP like any relying party would (the sandbox's own Cognito is just
// another server here). Only complete documents are cached: a Cognito pool
// advertises its hosted endpoints only once it has a domain.
//
// Both the discovery URL and the token endpoint must be hosts the egress
// policy allows, checked before any request: the token endpoint receives
// the client secret. Errors never carry what a server answered, only its
// status.
func (p *oauthPlane) providerEndpoints(ctx context.Context, prov Oauth2Provider) (endpoints, error) {
	ep, err := p.fetchEndpoints(ctx, prov)
	if err != nil {
		return endpoints{}, err
	}
	if !p.egress.Allows(ep.Token) {
		return endpoints{}, errors.New(p.egress.Refusal("token endpoint", ep.Token))
	}
	return ep, nil
}

func (p *oauthPlane) fetchEndpoints(ctx context.Context, prov Oauth2Provider) (endpoints, error) {
	if prov.Metadata != nil {
		return endpoints{Authorization: prov.Metadata.AuthorizationEndpoint, Token: prov.Metadata.TokenEndpoint}, nil
	}
	if prov.DiscoveryURL == "" {
		return endpoints{}, fmt.Errorf("credential provider %s has neither a discovery URL nor authorization server metadata", prov.Name)
	}
	if !p.egress.Allows(prov.DiscoveryURL) {
		return endpoints{}, errors.New(p.egress.Refusal("discovery URL", prov.DiscoveryURL))
	}
	p.mu.Lock()
	ep, ok := p.discovery[prov.DiscoveryURL]
	p.mu.Unlock()
	if ok {
		return ep, nil
	}
	ctx, cancel := context.WithTimeout(ctx, outboundTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, prov.DiscoveryURL, nil)
	if err != nil {
		return endpoints{}, fmt.Errorf("discovery request for %s: %w", prov.Name, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.http.Do(req)
	if err != nil {
		return endpoints{}, fmt.Errorf("fetch discovery document %s: %w", prov.DiscoveryURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, egress.MaxBodyBytes))
	if err != nil {
		return endpoints{}, fmt.Errorf("read discovery document %s: %w", prov.DiscoveryURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return endpoints{}, fmt.Errorf("discovery document %s: HTTP %d", prov.DiscoveryURL, resp.StatusCode)
	}
	if json.Unmarshal(body, &ep) != nil {
		return endpoints{}, fmt.Errorf("discovery document %s is not a JSON object", prov.DiscoveryURL)
	}
	if ep.Authorization == "" || ep.Token == "" {
		return endpoints{}, fmt.Errorf("discovery document %s advertises no authorization_endpoint or token_endpoint (a Cognito pool needs a domain for its hosted endpoints)", prov.DiscoveryURL)
	}
	p.mu.Lock()
	p.discovery[prov.DiscoveryURL] = ep
	p.mu.Unlock()
	return ep, nil
}

// issuerOf returns the issuer a provider's configuration names: the
// metadata's, or the discovery URL without its well-known suffix (OIDC
// Discovery §4 and RFC 8414 §3 both build the URL that way).
func issuerOf(prov Oauth2Provider) string {
	if prov.Metadata != nil {
		return prov.Metadata.Issuer
	}
	for _, suffix := range []string{"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"} {
		if iss, ok := strings.CutSuffix(prov.DiscoveryURL, suffix); ok {
			return iss
		}
	}
	return ""
}

// TrustsResourceIssuer reports whether iss is the issuer of one of the
// OAuth2 credential providers configured with a discovery URL or explicit
// metadata. The sandbox's external resource API trusts exactly those: the
// outbound pools, whose tokens the vault hands to agents, and not the
// inbound pool that signs learners in to the runtime.
func (s *Service) TrustsResourceIssuer(iss string) bool {
	if iss == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rec := range s.st.Providers {
		if issuerOf(Oauth2Provider{DiscoveryURL: rec.DiscoveryURL, Metadata: rec.Metadata}) == iss {
			return true
		}
	}
	return false
}
