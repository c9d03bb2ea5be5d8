// Package agent is the sandbox's stand-in for the learner's agent container.
// It honours the AgentCore container contract (POST /invocations, GET /ping)
// and answers like the tutorial's agent, without a language model.
//
// The layout mirrors the tutorial's agent: a calculator tool
// (calculator.go), a weather tool (weather.go) and an external-service tool
// that needs an outbound OAuth2 token (external.go), chosen per prompt by a
// rule-based router (router.go) behind the HTTP contract (server.go).
package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"agentcore-workshop/internal/agent/agentpy"
	"agentcore-workshop/internal/sandbox/clock"
)

// Config configures one stand-in agent process (one per READY runtime).
type Config struct {
	Addr             string // listen address, "127.0.0.1:0" picks a free port
	RuntimeName      string // the runtime's agentRuntimeName
	IdentityEndpoint string // the sandbox edge URL (identity data plane), for outbound tokens
	Log              *slog.Logger

	// Tokens obtains outbound tokens for the external-service tool. Nil means
	// an IdentityClient when Credentials is set, else the identity data
	// plane is not wired in and the tool says so.
	Tokens TokenSource
	// Region and Credentials sign the IdentityClient's calls to
	// IdentityEndpoint (the sandbox passes its own key pair).
	Region      string
	Credentials aws.CredentialsProvider
	// CredentialProvider names the OAuth2 credential provider of the
	// external service (the runtime's CREDENTIAL_PROVIDER variable); empty
	// means the tutorial's "ExternalServiceProvider".
	CredentialProvider string
	// Clock stamps /ping's time_of_last_update. Nil means the wall clock.
	Clock clock.Clock
	// Spec is what the build read from the learner's agent.py; nil means
	// the tutorial's agent as shipped. With a Spec, the provider name, the
	// scopes, the flow, the model and the tools come from it, and
	// CredentialProvider is ignored.
	Spec *agentpy.Spec
	// Env is the runtime's environment (what os.environ holds in the
	// container): Spec's provider variable is resolved against it.
	Env map[string]string
}

// behaviour is what one stand-in takes from its Config's Spec.
type behaviour struct {
	modelErr error           // the model call fails: every invocation does
	tools    map[intent]bool // nil: every tool
	// consent is agent.py's force_authentication and the payload key that
	// chooses it: when the tool asks AgentCore Identity for a new consent.
	consent agentpy.Spec
}

// fromSpec applies spec to the identity client's settings and returns the
// stand-in's behaviour. A provider the source reads from an unset variable
// fails the tool as Python's KeyError would.
func fromSpec(cfg Config, ic *IdentityConfig) (behaviour, TokenSource) {
	spec := cfg.Spec
	b := behaviour{consent: agentpy.Shipped()}
	if spec == nil {
		return b, nil
	}
	b.consent = agentpy.Spec{ForceAuthentication: spec.ForceAuthentication, ForceKey: spec.ForceKey}
	b.modelErr = agentpy.CheckModel(spec.ModelID, cfg.Region)
	if len(spec.Tools) > 0 {
		b.tools = map[intent]bool{}
		for _, t := range spec.Tools {
			switch {
			case strings.Contains(t, "calculator"):
				b.tools[intentCalculator] = true
			case strings.Contains(t, "weather"):
				b.tools[intentWeather] = true
			case strings.Contains(t, "external"):
				b.tools[intentExternal] = true
			}
		}
	}
	ic.Scopes = spec.Scopes
	ic.Flow = spec.AuthFlow
	name, ok := spec.ProviderFrom(cfg.Env)
	switch {
	case !spec.Decorated:
		return b, failingSource{errors.New("agent.py has no @requires_access_token, so no token can be requested")}
	case !ok && spec.ProviderEnv != "":
		return b, failingSource{fmt.Errorf("KeyError: '%s' (agent.py reads the provider name from %s, which the runtime's environment does not set)", spec.ProviderEnv, spec.ProviderEnv)}
	case !ok:
		return b, failingSource{errors.New("agent.py's @requires_access_token names no provider_name")}
	}
	ic.Provider = name
	ic.ReturnURL = spec.CallbackURLFrom(cfg.Env)
	return b, nil
}

// failingSource is a token source whose every request fails the same way.
type failingSource struct{ err error }

func (f failingSource) ResourceToken(context.Context, TokenRequest) (TokenResult, error) {
	return TokenResult{}, f.err
}

// shutdownGrace is how long Close lets in-flight invocations finish before
// cancelling them.
const shutdownGrace = 5 * time.Second

// Server is a running stand-in agent.
type Server struct {
	URL string // base URL, e.g. http://127.0.0.1:41234

	srv        *http.Server
	cancelBase context.CancelFunc // cancels every request's context
	served     chan error         // Serve's result, once it returns
	grace      time.Duration
	log        *slog.Logger
	closeOnce  sync.Once
	closeErr   error
}

// Start serves a stand-in agent until Close. ctx bounds only the listen; the
// server outlives it so that a runtime's agent is not tied to the request
// that made the runtime READY.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("runtime", cfg.RuntimeName)
	ic := IdentityConfig{Endpoint: cfg.IdentityEndpoint, Region: cfg.Region,
		Credentials: cfg.Credentials, Provider: cfg.CredentialProvider, Log: log}
	behave, failing := fromSpec(cfg, &ic)
	tokens := cfg.Tokens
	if failing != nil {
		tokens = failing
	}
	if tokens == nil && cfg.Credentials != nil && cfg.IdentityEndpoint != "" {
		tokens = NewIdentityClient(ic)
	}
	if tokens == nil {
		tokens = notConnected{}
	}
	clk := cfg.Clock
	if clk == nil {
		clk = clock.System{}
	}

	// ListenConfig consults ctx only while resolving names, so a literal
	// address would ignore a cancelled context without this check.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("start stand-in agent %q: %w", cfg.RuntimeName, err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("start stand-in agent %q: listen on %s: %w", cfg.RuntimeName, addr, err)
	}

	base, cancel := context.WithCancel(context.Background())
	h := &handler{log: log, tokens: tokens, behaviour: behave, status: &status{clock: clk, changed: clk.Now()}}
	s := &Server{
		URL: "http://" + ln.Addr().String(),
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			BaseContext:       func(net.Listener) context.Context { return base },
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		cancelBase: cancel,
		served:     make(chan error, 1),
		grace:      shutdownGrace,
		log:        log,
	}
	go func() { s.served <- s.srv.Serve(ln) }()
	log.Info("agent: stand-in agent listening", "url", s.URL)
	return s, nil
}

// Close stops the agent: it stops accepting connections, lets in-flight
// invocations finish for a short grace period, then cancels them. Calling it
// again returns the first result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), s.grace)
		defer cancel()
		err := s.srv.Shutdown(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			// Grace is over: abort what is still running. That is the
			// intended outcome of closing a busy agent, not a failure.
			s.log.Warn("agent: cancelled invocations still running at close", "grace", s.grace)
			// Close the connections before cancelling, so an aborted
			// invocation cannot slip out an empty 200 in between.
			err = s.srv.Close()
		}
		s.cancelBase()
		if serr := <-s.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
		if err != nil {
			s.closeErr = fmt.Errorf("close stand-in agent: %w", err)
		}
	})
	return s.closeErr
}
