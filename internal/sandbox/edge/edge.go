// Package edge is the sandbox's single HTTP entry point. Like AWS's own
// front door it picks the service from the request itself: first the
// X-Amz-Target header (awsJson services), then the SigV4 credential scope
// (restJson, awsQuery, restXml services), then the path (unsigned endpoints
// such as OIDC discovery, the hosted login page and bearer-token invokes).
// It verifies every SigV4 signature before a service sees the request.
package edge

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/signkeys"
	"agentcore-workshop/internal/sandbox/sigv4"
	"agentcore-workshop/internal/sandbox/store"
)

// Body limits. AWS bounds its JSON and query APIs to small bodies; only S3
// object uploads (the build's source zips) need room, and S3 clients send
// the payload hash, so the edge checks an S3 signature before reading the
// body (see sigv4.Verifier.Verify).
const (
	// DefaultMaxBodyBytes bounds a body for every route that does not set
	// its own limit, and for unsigned path routes.
	DefaultMaxBodyBytes = 2 << 20
	// MaxObjectBytes bounds an S3 object upload.
	MaxObjectBytes = 64 << 20
)

// Deps are what every sandbox service is built with.
type Deps struct {
	URL       string // the edge's base URL, e.g. http://127.0.0.1:4747 (no trailing slash)
	Region    string
	AccountID string
	Store     *store.Store
	Clock     clock.Clock
	Log       *slog.Logger
	Delays    Delays
	Keys      *signkeys.Spare // RSA keys made ahead of need; nil makes each on demand
}

// Delays are the simulated durations of slow AWS operations. All zero in tests.
type Delays struct {
	RuntimeReady  int64 `json:"runtimeReadyMs"`  // CREATING → READY
	BuildPhase    int64 `json:"buildPhaseMs"`    // each CodeBuild phase
	DomainActive  int64 `json:"domainActiveMs"`  // Cognito domain CREATING → ACTIVE
	RuntimeDelete int64 `json:"runtimeDeleteMs"` // DELETING → gone
	GatewayReady  int64 `json:"gatewayReadyMs"`  // a gateway or target CREATING/UPDATING → READY, DELETING → gone
}

// Route registers one AWS service at the edge.
type Route struct {
	Name         string           // for logs, e.g. "cognito-idp"
	Protocol     awswire.Protocol // decides the shape of edge-level errors
	TargetPrefix string           // X-Amz-Target prefix before the '.', for awsJson services
	SigningName  string           // SigV4 credential-scope service name
	Handler      http.Handler
	// MaxBodyBytes bounds a request body; zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// PathPrefix, when set, narrows a SigningName route to the requests
	// whose path starts with it: two services signing with one name (the
	// AgentCore runtimes and the gateways) are told apart by path.
	PathPrefix string
}

func (rt Route) maxBody() int64 {
	if rt.MaxBodyBytes > 0 {
		return rt.MaxBodyBytes
	}
	return DefaultMaxBodyBytes
}

// Edge routes requests to services.
type Edge struct {
	verifier *sigv4.Verifier
	byTarget map[string]Route
	byScope  map[string]Route
	byPath   map[string][]Route // signing name → routes narrowed by PathPrefix
	paths    *http.ServeMux
	log      *slog.Logger
}

// New returns an edge that accepts signatures made with keys.
func New(verifier *sigv4.Verifier, log *slog.Logger) *Edge {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Edge{
		verifier: verifier,
		byTarget: map[string]Route{},
		byScope:  map[string]Route{},
		byPath:   map[string][]Route{},
		paths:    http.NewServeMux(),
		log:      log,
	}
}

// Register adds a service route.
func (e *Edge) Register(rt Route) {
	if rt.TargetPrefix != "" {
		e.byTarget[rt.TargetPrefix] = rt
	}
	if rt.SigningName != "" && rt.PathPrefix != "" {
		e.byPath[rt.SigningName] = append(e.byPath[rt.SigningName], rt)
		return
	}
	if rt.SigningName != "" {
		if _, dup := e.byScope[rt.SigningName]; !dup || rt.TargetPrefix == "" {
			e.byScope[rt.SigningName] = rt
		}
	}
}

// HandlePath adds an unsigned path route (http.ServeMux pattern syntax).
// Signed requests never reach these unless no service claims their scope.
func (e *Edge) HandlePath(pattern string, h http.Handler) {
	e.paths.Handle(pattern, h)
}

// ServeHTTP implements http.Handler.
func (e *Edge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			e.log.Error("panic in sandbox handler", "panic", p, "method", r.Method, "path", r.URL.Path)
			awswire.WriteError(w, awswire.JSON11, awswire.Errorf(500, "InternalFailure", "internal error in the sandbox: %v", p))
		}
	}()

	target := r.Header.Get("X-Amz-Target")
	var rt Route
	var found bool
	if target != "" {
		prefix, _, _ := strings.Cut(target, ".")
		rt, found = e.byTarget[prefix]
		if !found {
			awswire.WriteError(w, awswire.JSON11, awswire.Errorf(400, "UnknownOperationException", "The operation %q is not supported by this endpoint.", target))
			return
		}
	}

	if sigv4.IsSigned(r) {
		scope, err := sigv4.ParseScope(r)
		if err != nil {
			p := awswire.RestJSON
			if found {
				p = rt.Protocol
			}
			awswire.WriteError(w, p, err.(*sigv4.Failure).AWSError(p))
			return
		}
		if found && rt.SigningName != "" && scope.Service != rt.SigningName {
			// The target picked the service; a signature scoped to another
			// service (a client configured with the wrong signing name) is
			// refused as AWS refuses it, never accepted by the wrong service.
			// Only awsJson services are routed by target, and they answer
			// 400 InvalidSignatureException.
			e.log.Info("sigv4 rejected", "service", rt.Name, "reason", "scope service "+scope.Service)
			awswire.WriteError(w, rt.Protocol, awswire.Errorf(http.StatusBadRequest, "InvalidSignatureException",
				"Credential should be scoped to correct service: '%s'. ", rt.SigningName))
			return
		}
		if !found {
			rt, found = e.scopeRoute(scope.Service, r.URL.Path)
			if !found {
				// A signed request for a service the sandbox does not run
				// may still target a path route (never for AWS services).
				e.servePath(w, r)
				return
			}
		}
		if !limitBody(w, r, rt.Protocol, rt.maxBody()) {
			return
		}
		id, err := e.verifier.Verify(r)
		if err != nil {
			var f *sigv4.Failure
			if ff, ok := err.(*sigv4.Failure); ok {
				f = ff
			} else {
				f = &sigv4.Failure{Kind: sigv4.Malformed, Detail: err.Error()}
			}
			e.log.Info("sigv4 rejected", "service", rt.Name, "reason", f.Detail)
			awswire.WriteError(w, rt.Protocol, f.AWSError(rt.Protocol))
			return
		}
		r = r.WithContext(sigv4.WithIdentity(r.Context(), id))
		rt.Handler.ServeHTTP(w, r)
		return
	}
	if found {
		if limitBody(w, r, rt.Protocol, rt.maxBody()) {
			rt.Handler.ServeHTTP(w, r)
		}
		return
	}
	e.servePath(w, r)
}

// scopeRoute is the route of a signed request by its signing name: one
// narrowed to the request's path when there is one, else the name's own.
func (e *Edge) scopeRoute(service, path string) (Route, bool) {
	for _, rt := range e.byPath[service] {
		if strings.HasPrefix(path, rt.PathPrefix) {
			return rt, true
		}
	}
	rt, ok := e.byScope[service]
	return rt, ok
}

// servePath serves an unsigned path route (OIDC, the hosted login, bearer
// invokes): always a small body.
func (e *Edge) servePath(w http.ResponseWriter, r *http.Request) {
	if limitBody(w, r, awswire.RestJSON, DefaultMaxBodyBytes) {
		e.paths.ServeHTTP(w, r)
	}
}

// limitBody refuses a request whose declared length is over limit before
// anything is read, and caps the body of the others, so a body sent
// without a length fails when it passes the limit. It reports whether the
// request may go on.
func limitBody(w http.ResponseWriter, r *http.Request, p awswire.Protocol, limit int64) bool {
	if r.ContentLength > limit {
		// Ask the client to stop sending, rather than read it to discard.
		w.Header().Set("Connection", "close")
		awswire.WriteError(w, p, sigv4.TooLargeError(p, fmt.Sprintf("%d bytes declared, the limit is %d", r.ContentLength, limit)))
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	return true
}

// RequireSigned answers a missing-signature error in p's shape and reports
// false when r was not SigV4-signed; services call it for signed operations.
func RequireSigned(w http.ResponseWriter, r *http.Request, p awswire.Protocol) (sigv4.Identity, bool) {
	id, ok := sigv4.FromContext(r.Context())
	if !ok {
		f := &sigv4.Failure{Kind: sigv4.Missing, Detail: fmt.Sprintf("%s %s is not signed", r.Method, r.URL.Path)}
		awswire.WriteError(w, p, f.AWSError(p))
	}
	return id, ok
}
