// Package cognito emulates Amazon Cognito user pools (cognito-idp) for the
// offline sandbox: the awsJson1.1 API the workshop calls, RS256 tokens with
// Cognito's claims and per-pool keys, OIDC discovery and JWKS, and the
// hosted OAuth2 endpoints with a real HTML login page.
//
// The package follows moto's split: handler.go and wire.go are the wire
// (decode the request, encode the answer), the op_*.go files are the rules
// and state as plain Go methods on *Service, errors.go holds every AWS error,
// and hosted.go / discovery.go serve the unsigned HTTP endpoints.
package cognito

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/signkeys"
	"agentcore-workshop/internal/sandbox/store"
)

// storeDoc is the name of the state document in the sandbox store.
const storeDoc = "cognito"

// Service is the emulated cognito-idp service.
type Service struct {
	url       string
	region    string
	accountID string
	store     *store.Store
	writer    *store.Writer // saves each changed pool off s.mu (persist.go)
	clock     clock.Clock
	log       *slog.Logger
	delays    edge.Delays
	keys      *signkeys.Spare // signing keys made ahead; nil makes each on demand

	mu      sync.RWMutex
	pools   map[string]*Pool  // by pool id
	clients map[string]string // client id → pool id
	domains map[string]string // domain prefix → pool id

	codes *codeStore // authorization codes live in memory only: they last minutes
	// The hosted login's CSRF key and failed-attempt counts (hosted_guard.go).
	csrf     *csrfKey
	attempts *attempts
	// usersGone hears of deleted users (users_gone.go).
	usersGone func(iss, sub string) error

	muxOnce sync.Once
	mux     *http.ServeMux // discovery and hosted routes, "/{pool}/..." patterns

	pathMu  sync.Mutex
	edge    *edge.Edge      // set by Register; new pools are exposed on it
	exposed map[string]bool // pool ids whose prefix is registered on edge
}

// persisted is the old on-disk shape of the service's state: every pool in
// one document, rewritten on every change. New moves it to one record per
// pool.
type persisted struct {
	Pools []*Pool `json:"pools"`
}

// New builds the service and loads any persisted state.
func New(d edge.Deps) (*Service, error) {
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Region == "" {
		d.Region = "us-west-2"
	}
	s := &Service{
		url: d.URL, region: d.Region, accountID: d.AccountID, store: d.Store,
		clock: d.Clock, log: d.Log, delays: d.Delays, keys: d.Keys,
		pools: map[string]*Pool{}, clients: map[string]string{}, domains: map[string]string{},
		codes: newCodeStore(), exposed: map[string]bool{}, csrf: newCSRFKey(), attempts: newAttempts(),
	}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// Issuer returns the token issuer of a user pool served at baseURL (the
// sandbox edge URL, no trailing slash). It is also the OIDC discovery base:
// relying parties pass it to oidc.NewProvider.
func Issuer(baseURL, poolID string) string { return baseURL + "/" + poolID }

// DiscoveryURL returns the pool's OpenID configuration URL, the value a
// customJWTAuthorizer's discoveryUrl takes.
func DiscoveryURL(baseURL, poolID string) string {
	return Issuer(baseURL, poolID) + "/.well-known/openid-configuration"
}

// Issuer returns the issuer of poolID on this sandbox.
func (s *Service) Issuer(poolID string) string { return Issuer(s.url, poolID) }

func (s *Service) now() time.Time { return s.clock.Now() }

// pool returns the pool with id; callers hold s.mu.
func (s *Service) pool(id string) (*Pool, *awswire.Error) {
	if id == "" {
		return nil, errRequired("userPoolId")
	}
	if err := checkPoolID(id); err != nil {
		return nil, err
	}
	p, ok := s.pools[id]
	if !ok {
		return nil, errPoolNotFound(id)
	}
	return p, nil
}

// clientByID finds a client in any pool; callers hold s.mu.
func (s *Service) clientByID(id string) (*Pool, *Client, *awswire.Error) {
	if id == "" {
		return nil, nil, errRequired("clientId")
	}
	if len(id) > 128 {
		return nil, nil, errTooLong("clientId", 128)
	}
	pid, ok := s.clients[id]
	if !ok {
		return nil, nil, errClientNotFound(id)
	}
	p := s.pools[pid]
	return p, p.Clients[id], nil
}
