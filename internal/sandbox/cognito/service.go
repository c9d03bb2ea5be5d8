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
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/edge"
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
	clock     clock.Clock
	log       *slog.Logger
	delays    edge.Delays

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

// persisted is the on-disk shape of the service's state.
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
		clock: d.Clock, log: d.Log, delays: d.Delays,
		pools: map[string]*Pool{}, clients: map[string]string{}, domains: map[string]string{},
		codes: newCodeStore(), exposed: map[string]bool{}, csrf: newCSRFKey(), attempts: newAttempts(),
	}
	if s.store != nil {
		var st persisted
		ok, err := s.store.Load(storeDoc, &st)
		if err != nil {
			return nil, fmt.Errorf("load cognito state: %w", err)
		}
		if ok {
			for _, p := range st.Pools {
				if err := p.Keys.load(); err != nil {
					return nil, fmt.Errorf("load keys of user pool %s: %w", p.ID, err)
				}
				p.init()
				s.pools[p.ID] = p
				for id := range p.Clients {
					s.clients[id] = p.ID
				}
				if p.Domain != "" {
					s.domains[p.Domain] = p.ID
				}
			}
		}
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

// save persists the whole state. Callers hold s.mu for writing. When the
// write fails the caller undoes its change, so an error never leaves the
// in-memory state ahead of the disk.
func (s *Service) save() *awswire.Error {
	if s.store == nil {
		return nil
	}
	st := persisted{Pools: make([]*Pool, 0, len(s.pools))}
	for _, p := range s.pools {
		st.Pools = append(st.Pools, p)
	}
	sort.Slice(st.Pools, func(i, j int) bool { return st.Pools[i].ID < st.Pools[j].ID })
	if err := s.store.Save(storeDoc, st); err != nil {
		s.log.Error("persist cognito state", "err", err)
		return errInternal("persist state: %v", err)
	}
	return nil
}

// commit saves, running undo when the save fails.
func (s *Service) commit(undo func()) *awswire.Error {
	if err := s.save(); err != nil {
		undo()
		return err
	}
	return nil
}

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
