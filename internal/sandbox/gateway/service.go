// Package gateway emulates the Amazon Bedrock AgentCore Gateway for the
// sandbox: the control plane's gateways and targets (CREATING → READY,
// DELETING → gone) and each gateway's MCP endpoint, guarded by the same
// inbound JWT authorizer as the runtimes (package authorizer), with tools
// named "<target>___<tool>" as the Gateway names them.
//
// The gateway control plane signs as "bedrock-agentcore" like the runtimes
// (package agentcore); the edge tells the two apart by path (/gateways/).
// A Lambda target's function runs through Options.Invoker: in the sandbox,
// package lambda's functions; alone, a stand-in (StandInFunction).
package gateway

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/egress"
	"agentcore-workshop/internal/sandbox/jwtverify"
	"agentcore-workshop/internal/sandbox/store"
)

// SigningName is the SigV4 service name of the gateway control plane (the
// same as the runtimes').
const SigningName = "bedrock-agentcore"

// storeDoc is the store document holding this service's state.
const storeDoc = "gateway"

// Options are the service's injectable collaborators; zero values pick the
// real ones.
type Options struct {
	// Authorizer checks bearer tokens at the MCP endpoint; default:
	// authorizer.New over Egress with the sandbox clock.
	Authorizer *authorizer.Authorizer
	// Egress limits where the authorizer's discovery and JWKS fetches may
	// go; default: the sandbox's own URL only.
	Egress *egress.Policy
	// Invoker runs a Lambda target's function; default: StandInFunction.
	Invoker Invoker
}

// Service is the gateway emulation.
type Service struct {
	d     edge.Deps
	log   *slog.Logger
	authz *authorizer.Authorizer
	fn    Invoker

	mu  sync.Mutex // guards st, doc and every persisted change
	st  state
	doc *store.Doc[state]
}

// New loads persisted state and returns the service.
func New(d edge.Deps, opt Options) (*Service, error) {
	s := &Service{d: d, log: d.Log, authz: opt.Authorizer, fn: opt.Invoker}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.authz == nil {
		eg := opt.Egress
		if eg == nil {
			eg = egress.New(d.URL, nil)
		}
		s.authz = authorizer.New(authorizer.Options{HTTPClient: eg.Client(jwtverify.DefaultHTTPTimeout), Clock: d.Clock, Log: s.log})
	}
	if s.fn == nil {
		s.fn = StandInFunction{}
	}
	var err error
	if s.doc, err = store.LoadDoc(d.Store, storeDoc, &s.st, (*state).init); err != nil {
		return nil, err
	}
	return s, nil
}

// save persists st; s.mu is held. A failed write puts st back to what
// was last persisted, so a request answered with an error leaves nothing
// behind.
func (s *Service) save() error { return s.doc.Save(&s.st) }

func (s *Service) now() time.Time { return s.d.Clock.Now().UTC() }

// settleDelay is how long CREATING, UPDATING and DELETING last.
func (s *Service) settleDelay() time.Duration {
	return time.Duration(s.d.Delays.GatewayReady) * time.Millisecond
}

func internalErr(err error) *awswire.Error {
	return awswire.Errorf(http.StatusInternalServerError, "InternalServerException", "%v", err)
}

// randomFrom returns n random characters of alphabet.
func randomFrom(alphabet string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

const (
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)
