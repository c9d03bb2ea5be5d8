// Package sandbox runs the embedded offline AWS: one loopback edge serving
// every service the workshop calls, with state persisted in a directory.
package sandbox

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/net/netutil"

	"agentcore-workshop/internal/boundedlog"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/connlimit"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/egress"
	"agentcore-workshop/internal/sandbox/signkeys"
	"agentcore-workshop/internal/sandbox/sigv4"
	"agentcore-workshop/internal/sandbox/store"
)

// Defaults for a sandbox nobody configured.
const (
	DefaultAddr      = "127.0.0.1:4747"
	DefaultRegion    = "us-west-2"
	DefaultAccountID = "123456789012"
)

// Paces of the sandbox's slow operations.
const (
	PaceInstant  = "instant"  // every operation settles at once: tests, CI, dry runs
	PaceLifelike = "lifelike" // builds and runtimes take a few seconds, so there is something to watch
)

// Delays returns the delays of a pace.
func Delays(pace string) (edge.Delays, error) {
	switch pace {
	case PaceInstant, "":
		return edge.Delays{}, nil
	case PaceLifelike:
		// Seconds where AWS takes minutes: enough to see the phases and the
		// polling, short enough for a room.
		return edge.Delays{RuntimeReady: 6000, BuildPhase: 400, DomainActive: 1500, RuntimeDelete: 2000, GatewayReady: 3000}, nil
	default:
		return edge.Delays{}, fmt.Errorf("unknown pace %q (want %q or %q)", pace, PaceInstant, PaceLifelike)
	}
}

// Config configures a sandbox.
type Config struct {
	Addr     string // host:port to listen on; port 0 picks a free one
	StateDir string // where state persists; empty keeps it in memory
	Region   string
	Clock    clock.Clock
	Log      *slog.Logger
	Delays   edge.Delays
	// Listener, when set, is used instead of listening on Addr.
	Listener net.Listener
	// PublicURL is the URL clients reach the sandbox at, when it is not the
	// listening address: a facilitator's sandbox listening on 0.0.0.0 for a
	// room. Issuer, discovery and callback URLs are built from it.
	PublicURL string
	// MaxConns caps the connections open at once (zero: DefaultMaxConns),
	// and MaxConnsPerHost those from one remote IP address (zero:
	// DefaultMaxConnsPerHost).
	MaxConns, MaxConnsPerHost int
	// AllowOutbound names hosts ("host" or "host:port") the sandbox may
	// call besides itself: for discovery, JWKS and token endpoints it does
	// not host (see package egress).
	AllowOutbound []string
	// SpareKeys is how many RSA signing keys the sandbox keeps generated
	// ahead of need (see signkeys.Spare); zero generates each on demand.
	SpareKeys int
}

// Connection caps and timeouts of the sandbox's HTTP server. A room shares
// one sandbox, so no learner's machine may hold it up: a connection that
// sends its headers slowly, its body slowly, reads its answer slowly or sits
// idle is dropped, and one host can hold only a share of the connections.
const (
	DefaultMaxConns        = 2048
	DefaultMaxConnsPerHost = 256
	readHeaderTimeout      = 10 * time.Second
	// readTimeout covers the whole request: a 64 MiB S3 upload over a slow
	// room network (about 5 Mbit/s) still fits.
	readTimeout = 2 * time.Minute
	// writeTimeout covers writing the answer. AgentCore invocations stream
	// for up to 900 s (InvokeAgentRuntime's own timeout), so it is that
	// long; a handler streaming for longer (server-sent events) lifts it
	// with http.ResponseController.SetWriteDeadline.
	writeTimeout   = 900 * time.Second
	idleTimeout    = 60 * time.Second
	maxHeaderBytes = 64 << 10
)

// Service is one emulated AWS service.
type Service interface {
	Register(e *edge.Edge)
}

// Drainer is implemented by services that hold requests open (live
// streams): Shutdown ends them when the server begins shutting down, which
// otherwise waits for them.
type Drainer interface {
	Shutdown()
}

// Closer is implemented by services with background work to stop.
type Closer interface {
	Close() error
}

// Sandbox is a running sandbox.
type Sandbox struct {
	URL         string
	Region      string
	Credentials sigv4.Credentials
	Edge        *edge.Edge
	Services    []Service

	srv   *http.Server
	done  chan error
	spare *signkeys.Spare
}

// Start listens, loads state and serves until Close.
func Start(ctx context.Context, cfg Config) (*Sandbox, error) {
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	// Requests put what they carry (tokens, key ids, names) in log values:
	// cut each one short, so no request can grow the log by much.
	cfg.Log = slog.New(boundedlog.CapValues(cfg.Log.Handler(), boundedlog.MaxValueBytes))
	st, err := store.New(cfg.StateDir)
	if err != nil {
		return nil, err
	}
	creds, err := loadCredentials(st)
	if err != nil {
		return nil, err
	}
	ln := cfg.Listener
	if ln == nil {
		addr := cfg.Addr
		if addr == "" {
			addr = DefaultAddr
		}
		var lc net.ListenConfig
		ln, err = lc.Listen(ctx, "tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("sandbox listen on %s: %w", addr, err)
		}
	}
	maxConns, perHost := cfg.MaxConns, cfg.MaxConnsPerHost
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	if perHost <= 0 {
		perHost = DefaultMaxConnsPerHost
	}
	ln = netutil.LimitListener(connlimit.PerHost(ln, perHost), maxConns)
	url := "http://" + ln.Addr().String()
	if cfg.PublicURL != "" {
		url = strings.TrimRight(cfg.PublicURL, "/")
	} else if host, _, _ := net.SplitHostPort(ln.Addr().String()); net.ParseIP(host).IsUnspecified() {
		ln.Close()
		return nil, fmt.Errorf("listening on %s needs --public-url: the address other machines reach the sandbox at "+
			"(issuer URLs in tokens name it, so it must be reachable from every learner's machine)", ln.Addr())
	}
	spare := signkeys.NewSpare(cfg.SpareKeys)
	deps := edge.Deps{URL: url, Region: cfg.Region, AccountID: creds.AccountID, Store: st, Clock: cfg.Clock, Log: cfg.Log, Delays: cfg.Delays, Keys: spare}
	e := edge.New(&sigv4.Verifier{Keys: map[string]sigv4.Credentials{creds.AccessKeyID: creds}, Region: cfg.Region}, cfg.Log)
	svcs, err := newServices(deps, creds, egress.New(url, cfg.AllowOutbound))
	if err != nil {
		spare.Close()
		ln.Close()
		return nil, err
	}
	for _, s := range svcs {
		s.Register(e)
	}
	sb := &Sandbox{
		URL: url, Region: cfg.Region, Credentials: creds, Edge: e, Services: svcs, spare: spare,
		srv: &http.Server{Handler: e, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout, WriteTimeout: writeTimeout,
			IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes, ErrorLog: slog.NewLogLogger(cfg.Log.Handler(), slog.LevelWarn)},
		done: make(chan error, 1),
	}
	for _, s := range svcs {
		if d, ok := s.(Drainer); ok {
			sb.srv.RegisterOnShutdown(d.Shutdown)
		}
	}
	go func() { sb.done <- sb.srv.Serve(ln) }()
	cfg.Log.Info("sandbox started", "url", url, "state", cfg.StateDir)
	return sb, nil
}

// Close stops serving, waiting for in-flight requests up to ctx's deadline,
// and stops the services' background work.
func (s *Sandbox) Close(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	if serr := <-s.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	for i := len(s.Services) - 1; i >= 0; i-- {
		if c, ok := s.Services[i].(Closer); ok {
			if cerr := c.Close(); cerr != nil && err == nil {
				err = cerr
			}
		}
	}
	s.spare.Close()
	return err
}

// Env returns the environment that points any AWS SDK or CLI at the sandbox.
func (s *Sandbox) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + s.URL,
		"AWS_ACCESS_KEY_ID=" + s.Credentials.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + s.Credentials.SecretAccessKey,
		"AWS_REGION=" + s.Region,
	}
}

// loadCredentials returns the sandbox's access key pair, generating and
// persisting one on first start so it stays valid across restarts.
func loadCredentials(st *store.Store) (sigv4.Credentials, error) {
	var c sigv4.Credentials
	ok, err := st.Load("credentials", &c)
	if err != nil {
		return c, err
	}
	if ok && c.AccessKeyID != "" {
		return c, nil
	}
	c = sigv4.Credentials{
		AccessKeyID:     "AKIASANDBOX" + randomString(9, upperDigits),
		SecretAccessKey: randomString(40, alnum),
		AccountID:       DefaultAccountID,
	}
	if err := st.Save("credentials", c); err != nil {
		return c, fmt.Errorf("save sandbox credentials: %w", err)
	}
	return c, nil
}

const (
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	alnum       = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	rand.Read(b)
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}
