// Package agentcore emulates Amazon Bedrock AgentCore for the sandbox: the
// control plane (runtimes, their DEFAULT endpoint, workload identities,
// OAuth2 credential providers, the token vault), the data plane's
// InvokeAgentRuntime with SigV4 or bearer-token inbound auth, and the
// identity data plane's workload-access-token operations.
//
// Both AWS endpoints sign as "bedrock-agentcore", so one handler serves
// them; method and path tell the operations apart. State persists in the
// sandbox store; a restart keeps every resource and relaunches stand-in
// agents lazily on the first invoke.
package agentcore

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/egress"
	"agentcore-workshop/internal/sandbox/jwtverify"
	"agentcore-workshop/internal/sandbox/store"
)

// SigningName is the SigV4 service name of both AgentCore planes.
const SigningName = "bedrock-agentcore"

// storeDoc is the store document holding this service's state.
const storeDoc = "agentcore"

// ImageChecker reports whether a container image exists (the sandbox's ECR).
type ImageChecker func(uri string) bool

// Options are the service's injectable collaborators. Zero values pick the
// real ones.
type Options struct {
	// Launcher starts a runtime's agent; default: the stand-in agent (internal/agent).
	Launcher Launcher
	// ImageChecker decides whether CreateAgentRuntime's image exists; nil
	// treats every image as present.
	ImageChecker ImageChecker
	// ImageConfig returns what the build recorded with an image (see
	// AgentLauncher.ImageConfig); nil starts stand-ins with the defaults.
	ImageConfig func(uri string) (json.RawMessage, bool)
	// Authorizer checks bearer tokens; default: authorizer.New with the sandbox clock.
	Authorizer *authorizer.Authorizer
	// HTTPClient forwards invocations to agents; default: no overall timeout
	// (responses stream), the request's context bounds it.
	HTTPClient *http.Client
	// Egress limits where the sandbox's own outbound calls (discovery,
	// JWKS, token endpoints) may go; default: the sandbox's own URL only.
	Egress *egress.Policy
	// Credentials sign the stand-in agent's calls to the identity data
	// plane (the sandbox's own key pair); nil leaves the default agent
	// without outbound tokens.
	Credentials aws.CredentialsProvider
	// LogGroups, when set, gets the log group a runtime writes to when
	// it starts (/aws/bedrock-agentcore/runtimes/<id>-DEFAULT), as AWS
	// makes it.
	LogGroups interface{ EnsureLogGroup(name string) error }
}

// Service is the AgentCore emulation.
type Service struct {
	d     edge.Deps
	opt   Options
	log   *slog.Logger
	authz *authorizer.Authorizer

	mu  sync.Mutex // guards st, doc and every persisted change
	st  state
	doc *store.Doc[state]

	agentsMu     sync.Mutex
	agents       map[string]*agentProc // by runtime id
	agentsClosed bool                  // Close ran: start no more agents

	oauth *oauthPlane // token vault and 3LO sessions (oauth_*.go, vault.go)
}

// New loads persisted state and returns the service.
func New(d edge.Deps, opt Options) (*Service, error) {
	s := &Service{d: d, opt: opt, log: d.Log, agents: map[string]*agentProc{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if opt.Launcher == nil {
		s.opt.Launcher = &AgentLauncher{IdentityEndpoint: d.URL, Region: d.Region, Credentials: opt.Credentials, ImageConfig: opt.ImageConfig, Log: s.log}
	}
	if opt.HTTPClient == nil {
		s.opt.HTTPClient = &http.Client{}
	}
	if opt.Egress == nil {
		s.opt.Egress = egress.New(d.URL, nil)
	}
	s.authz = opt.Authorizer
	if s.authz == nil {
		s.authz = authorizer.New(authorizer.Options{HTTPClient: s.opt.Egress.Client(jwtverify.DefaultHTTPTimeout), Clock: d.Clock, Log: s.log})
	}
	var err error
	if s.doc, err = store.LoadDoc(d.Store, storeDoc, &s.st, (*state).init); err != nil {
		return nil, err
	}
	v, err := loadVault(d.Store)
	if err != nil {
		return nil, err
	}
	s.oauth = newOAuthPlane(v, s.opt.Egress, d.Clock, s.log)
	if len(s.st.WATKey) == 0 {
		s.st.WATKey = make([]byte, 32)
		rand.Read(s.st.WATKey)
		s.st.VaultCreated = d.Clock.Now().UTC()
		if err := s.save(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Close stops every agent this service launched.
func (s *Service) Close() error {
	s.agentsMu.Lock()
	defer s.agentsMu.Unlock()
	s.agentsClosed = true
	var errs []error
	for id, a := range s.agents {
		if err := a.stop(); err != nil {
			errs = append(errs, fmt.Errorf("stop agent for %s: %w", id, err))
		}
		delete(s.agents, id)
	}
	return errors.Join(errs...)
}

// save persists st; s.mu is held. When the write fails, st goes back to
// what was last persisted (store.Doc): every caller answers the failure as
// an error, and that error must not leave its change behind in memory.
func (s *Service) save() error { return s.doc.Save(&s.st) }

func (s *Service) now() time.Time { return s.d.Clock.Now().UTC() }

func internalErr(err error) *awswire.Error {
	return awswire.Errorf(http.StatusInternalServerError, "InternalServerException", "%v", err)
}

// randomAlnum returns n random characters from [A-Za-z0-9].
func randomAlnum(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
