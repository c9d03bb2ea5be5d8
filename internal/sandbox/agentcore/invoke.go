package agentcore

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/model"
	"agentcore-workshop/internal/sandbox/sigv4"
)

// Header names of the invoke contract (matched case-insensitively by net/http).
const (
	hdrSessionID = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
	hdrUserID    = "X-Amzn-Bedrock-AgentCore-Runtime-User-Id"
	hdrRequestID = "X-Amzn-Bedrock-AgentCore-Runtime-Request-Id"
	hdrWAT       = "WorkloadAccessToken"
	hdrWATNew    = "X-Amz-Bedrock-AgentCore-Identity-WAT"
	hdrCallback  = "OAuth2CallbackUrl"
	customPrefix = "X-Amzn-Bedrock-Agentcore-Runtime-Custom-"
)

// MethodMismatch is AWS's text for a SigV4 call to a runtime that expects
// OAuth (agentcore-cli issue #714). The sandbox answers a bearer call to a
// SigV4 runtime with the same text: AWS's wording for that direction is not
// documented, and the message is symmetric.
const MethodMismatch = "Authorization method mismatch. The agent is configured for a different authorization method than what was used in your request. Check the agent's authorization configuration and ensure your request uses the matching method (OAuth or SigV4)"

// runtimeStartError is the third-party-reported text for a runtime that
// could not start (RuntimeClientError, 424).
const runtimeStartError = "An error occurred when starting the runtime. Please check your CloudWatch logs for more information."

// invokeTarget is the runtime state an invoke needs, copied out under s.mu.
type invokeTarget struct {
	info        RuntimeInfo
	jwt         *authorizer.Rule
	status      string
	workload    string
	callbackURL string
	headerAllow []string
}

// invokeRequest is what admitting an InvokeAgentRuntime call needs,
// read off the wire.
type invokeRequest struct {
	Ref        string // the path's runtime ARN or id
	AccountID  string // ?accountId=
	Qualifier  string // ?qualifier=
	Signed     bool   // the edge verified a SigV4 signature
	Bearer     string // the Authorization bearer token
	BearerSent bool   // the Authorization header is a Bearer credential
	UserID     string // the runtime user-id header
}

// admission is an invoke the service let through: where its agent
// listens and the workload access token to hand it ("" without a user).
type admission struct {
	target *invokeTarget
	base   string
	wat    string
}

// invoke serves InvokeAgentRuntime. signed says whether the edge verified a
// SigV4 signature on r.
func (s *Service) invoke(w http.ResponseWriter, r *http.Request, ref string, signed bool) {
	// The modelled request headers and query (a header that is absent is
	// not checked; net/http cannot tell absent from empty here).
	if e := checkBound(r, model.AgentCoreData, "InvokeAgentRuntime", "payload"); e != nil {
		writeErr(w, e)
		return
	}
	q := r.URL.Query()
	bearer, bearerSent := authorizer.BearerToken(r.Header.Get("Authorization"))
	adm, err := s.admitInvoke(r.Context(), invokeRequest{Ref: ref, AccountID: q.Get("accountId"), Qualifier: q.Get("qualifier"),
		Signed: signed, Bearer: bearer, BearerSent: bearerSent, UserID: r.Header.Get(hdrUserID)})
	if err != nil {
		writeErr(w, awsErr(err))
		return
	}
	sessionID := r.Header.Get(hdrSessionID)
	if sessionID == "" {
		sessionID = uuid.NewString()
	}
	s.forward(w, r, adm.base, adm.target, sessionID, adm.wat)
}

// admitInvoke decides whether an invoke may reach its runtime's agent:
// the runtime exists and is READY, and the caller used the runtime's one
// inbound method (a valid bearer for a JWT runtime, SigV4 otherwise). It
// starts the agent if need be.
func (s *Service) admitInvoke(ctx context.Context, in invokeRequest) (admission, error) {
	t, e := s.resolveInvoke(in.Ref, in.AccountID, in.Qualifier)
	if e != nil {
		return admission{}, e
	}
	user := ""
	if t.jwt != nil {
		if in.Signed {
			return admission{}, accessDenied("%s", MethodMismatch)
		}
		claims, err := s.authz.Check(ctx, *t.jwt, in.Bearer)
		if err != nil {
			var d *authorizer.Denial
			if errors.As(err, &d) {
				s.log.Info("agentcore: bearer refused", "runtime", t.info.ID, "status", d.Status, "reason", d.Message)
				return admission{}, awswire.Errorf(d.Status, d.Code, "%s", d.Message)
			}
			return admission{}, internalErr(err)
		}
		if in.UserID != "" {
			// The user-id header belongs to SigV4 callers (it needs the
			// InvokeAgentRuntimeForUser permission); with a bearer the user
			// is the token's subject. Our wording.
			return admission{}, accessDenied("The %s header cannot be used with OAuth inbound authorization; the user is taken from the bearer token.", hdrUserID)
		}
		user = JWTUser(claims.Issuer, claims.Subject)
	} else {
		if !in.Signed {
			if in.BearerSent {
				return admission{}, accessDenied("%s", MethodMismatch)
			}
			f := &sigv4.Failure{Kind: sigv4.Missing, Detail: "invoke is not signed"}
			return admission{}, f.AWSError(awswire.RestJSON)
		}
		user = IDUser(in.UserID)
	}

	if t.status != statusReady {
		return admission{}, notReady(t)
	}
	base, err := s.agentFor(ctx, t.info)
	if err != nil {
		s.log.Warn("agentcore: agent launch failed", "runtime", t.info.ID, "err", err)
		return admission{}, awswire.Errorf(http.StatusFailedDependency, "RuntimeClientError", "%s", runtimeStartError)
	}
	adm := admission{target: t, base: base}
	if user != "" {
		adm.wat = s.mintWAT(t.workload, user)
	}
	return adm, nil
}

// notReady explains why a runtime that exists cannot be invoked. Our
// choice (AWS's answer is undocumented): a runtime still coming up or being
// updated is a 409 RetryableConflictException (retrying later helps, and the
// shape is modelled for InvokeAgentRuntime); a failed or deleting runtime
// has no endpoint to serve the call, so 404 ResourceNotFoundException.
func notReady(t *invokeTarget) *awswire.Error {
	switch t.status {
	case statusCreating, statusUpdating:
		return awswire.Errorf(http.StatusConflict, "RetryableConflictException", "AgentRuntime %s is %s; its DEFAULT endpoint is not ready yet. Retry when it is READY.", t.info.ID, t.status)
	default:
		return notFound("AgentRuntime %s is %s; its DEFAULT endpoint cannot serve invocations.", t.info.ID, t.status)
	}
}

// resolveInvoke finds the runtime an invoke path (raw), its accountId and
// qualifier name.
func (s *Service) resolveInvoke(raw, accountID, qualifier string) (*invokeTarget, *awswire.Error) {
	ref, ok := parseRuntimeRef(raw)
	if !ok {
		return nil, awswire.RESTInvalid(violation("agentRuntimeArn", raw, "Member must be an agent runtime ARN or id"))
	}
	if ref.account == "" {
		ref.account = accountID // the model checked its pattern
	}
	if ref.account == "" {
		return nil, fieldErr("accountId", "accountId is required when agentRuntimeArn is a runtime id rather than an ARN")
	}
	if ref.account != s.d.AccountID || (ref.region != "" && ref.region != s.d.Region) {
		return nil, runtimeNotFound(raw)
	}
	if qualifier != "" && qualifier != "DEFAULT" {
		return nil, notFound("No endpoint named '%s' exists for agent runtime %s.", qualifier, ref.id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, err := s.lookupRuntime(ref.id)
	if err != nil {
		return nil, internalErr(err)
	}
	if rt == nil {
		return nil, runtimeNotFound(raw)
	}
	t := &invokeTarget{
		info:   RuntimeInfo{ID: rt.ID, Name: rt.Name, ARN: rt.ARN, Version: rt.Version, ContainerURI: rt.ContainerURI, Env: rt.Config.Env},
		status: rt.Status, workload: rt.Workload, headerAllow: slices.Clone(rt.HeaderAllow),
	}
	if rt.JWT != nil {
		j := *rt.JWT
		t.jwt = &j
	}
	// The agent learns where 3LO flows should return from the workload
	// identity's first allowed return URL (sandbox choice).
	if wl := s.st.Workloads[rt.Workload]; wl != nil && len(wl.ReturnURLs) > 0 {
		t.callbackURL = wl.ReturnURLs[0]
	}
	return t, nil
}

// forward sends the invocation to the agent and streams its answer back.
func (s *Service) forward(w http.ResponseWriter, r *http.Request, base string, t *invokeTarget, sessionID, wat string) {
	requestID := uuid.NewString()
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, base+"/invocations", r.Body)
	if err != nil {
		writeErr(w, internalErr(err))
		return
	}
	// Caller headers first (custom-prefixed and allow-listed ones), then
	// the runtime's own: an allowlist naming WorkloadAccessToken, say,
	// must never let a caller hand the agent a token minted for another
	// user, so platform headers are never taken from the caller.
	for name, vals := range r.Header {
		if platformHeader(name) {
			continue
		}
		if strings.HasPrefix(http.CanonicalHeaderKey(name), customPrefix) || slices.ContainsFunc(t.headerAllow, func(a string) bool { return strings.EqualFold(a, name) }) {
			req.Header[name] = slices.Clone(vals)
		}
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		ct = "application/octet-stream"
	}
	req.Header.Set("Content-Type", ct)
	if a := r.Header.Get("Accept"); a != "" {
		req.Header.Set("Accept", a)
	}
	req.Header.Set(hdrSessionID, sessionID)
	req.Header.Set(hdrRequestID, requestID)
	if wat != "" {
		req.Header.Set(hdrWAT, wat)
		req.Header.Set(hdrWATNew, wat)
	}
	if t.callbackURL != "" {
		req.Header.Set(hdrCallback, t.callbackURL)
	}
	for _, h := range []string{"Mcp-Session-Id", "Mcp-Protocol-Version", "Mcp-Method", "Mcp-Name", "X-Amzn-Trace-Id", "Traceparent", "Tracestate", "Baggage"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	resp, err := s.opt.HTTPClient.Do(req)
	if err != nil {
		if r.Context().Err() != nil {
			return // the caller went away
		}
		s.log.Warn("agentcore: agent unreachable", "runtime", t.info.ID, "err", err)
		s.stopAgent(t.info.ID) // relaunch on the next invoke
		writeErr(w, awswire.Errorf(http.StatusFailedDependency, "RuntimeClientError", "%s", runtimeStartError))
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		s.log.Info("agentcore: agent error", "runtime", t.info.ID, "status", resp.StatusCode, "body", string(body))
		writeErr(w, awswire.Errorf(http.StatusFailedDependency, "RuntimeClientError", "Received error (%d) from runtime. Please check your CloudWatch logs for more information.", resp.StatusCode))
		return
	}
	h := w.Header()
	rct := resp.Header.Get("Content-Type")
	if rct == "" {
		rct = "application/json"
	}
	h.Set("Content-Type", rct)
	h.Set(hdrSessionID, sessionID)
	h.Set("x-amzn-RequestId", requestID)
	for _, name := range []string{"Mcp-Session-Id", "Mcp-Protocol-Version", "X-Amzn-Trace-Id", "Traceparent", "Tracestate", "Baggage"} {
		if v := resp.Header.Get(name); v != "" {
			h.Set(name, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	streamCopy(r.Context(), w, resp.Body)
}

// platformHeaders are the headers the runtime itself sets on the request
// to the agent; what a caller sends under these names never reaches it.
var platformHeaders = []string{hdrSessionID, hdrRequestID, hdrUserID, hdrWAT, hdrWATNew, hdrCallback, "Content-Type", "Content-Length", "Host"}

func platformHeader(name string) bool {
	return slices.ContainsFunc(platformHeaders, func(p string) bool { return strings.EqualFold(p, name) })
}

// streamCopy copies the agent's body, flushing after every read so
// text/event-stream frames reach the caller as they are produced.
func streamCopy(ctx context.Context, w http.ResponseWriter, body io.Reader) {
	rc := http.NewResponseController(w)
	buf := make([]byte, 32<<10)
	for ctx.Err() == nil {
		n, err := body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return
			}
			rc.Flush()
		}
		if err != nil {
			return
		}
	}
}
