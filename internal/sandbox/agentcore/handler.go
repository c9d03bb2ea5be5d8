package agentcore

import (
	"net/http"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
)

// The service's routes: which handler serves each request. Each handler
// is the wire for one operation (decode, validate, call the service,
// encode); the service's methods know nothing of HTTP.

// Register routes the service at the edge: SigV4 requests by signing name,
// and unsigned /runtimes/ requests (bearer-token invokes) by path.
func (s *Service) Register(e *edge.Edge) {
	e.Register(edge.Route{Name: SigningName, Protocol: awswire.RestJSON, SigningName: SigningName, Handler: http.HandlerFunc(s.serveSigned)})
	e.HandlePath("/runtimes/", http.HandlerFunc(s.serveUnsigned))
	// Browser-facing 3LO endpoints. Method-qualified literal prefixes, so
	// they are more specific than Cognito's per-pool "/{pool}/…" patterns.
	e.HandlePath("GET "+authorizePath, http.HandlerFunc(s.serveAuthorize))
	e.HandlePath("GET "+callbackPrefix+"{id}", http.HandlerFunc(s.serveCallback))
}

// serveSigned handles every SigV4-verified bedrock-agentcore request.
func (s *Service) serveSigned(w http.ResponseWriter, r *http.Request) {
	if _, ok := edge.RequireSigned(w, r, awswire.RestJSON); !ok {
		return
	}
	if r.URL.EscapedPath() == tokenPath && r.Method == http.MethodPost {
		s.getResourceOauth2Token(w, r)
		return
	}
	rt, ok := parsePath(r.URL.EscapedPath())
	if !ok {
		writeErr(w, unknownOperation(r))
		return
	}
	switch {
	case rt.kind == opRuntimes && r.Method == http.MethodPut:
		s.createRuntime(w, r)
	case rt.kind == opRuntimes && r.Method == http.MethodPost:
		s.listRuntimes(w, r)
	case rt.kind == opRuntime && r.Method == http.MethodGet:
		s.getRuntime(w, r, rt.runtime)
	case rt.kind == opRuntime && r.Method == http.MethodPut:
		s.updateRuntime(w, r, rt.runtime)
	case rt.kind == opRuntime && r.Method == http.MethodDelete:
		s.deleteRuntime(w, r, rt.runtime)
	case rt.kind == opEndpoints && r.Method == http.MethodPost:
		s.listEndpoints(w, r, rt.runtime)
	case rt.kind == opEndpoint && r.Method == http.MethodGet:
		s.getEndpoint(w, r, rt.runtime, rt.endpoint)
	case rt.kind == opInvoke && r.Method == http.MethodPost:
		s.invoke(w, r, rt.runtime, true)
	case rt.kind == opIdentity && r.Method == http.MethodPost:
		s.identityOp(w, r, rt.op)
	default:
		writeErr(w, unknownOperation(r))
	}
}

// serveUnsigned handles /runtimes/ requests without SigV4: only invokes may
// proceed (with a bearer token); anything else needs a signature.
func (s *Service) serveUnsigned(w http.ResponseWriter, r *http.Request) {
	if rt, ok := parsePath(r.URL.EscapedPath()); ok && rt.kind == opInvoke && r.Method == http.MethodPost {
		s.invoke(w, r, rt.runtime, false)
		return
	}
	edge.RequireSigned(w, r, awswire.RestJSON)
}

// identityOp dispatches POST /identities/{Op}.
func (s *Service) identityOp(w http.ResponseWriter, r *http.Request, op string) {
	switch op {
	case "CreateWorkloadIdentity":
		s.createWorkloadIdentity(w, r)
	case "GetWorkloadIdentity":
		s.getWorkloadIdentity(w, r)
	case "UpdateWorkloadIdentity":
		s.updateWorkloadIdentity(w, r)
	case "DeleteWorkloadIdentity":
		s.deleteWorkloadIdentity(w, r)
	case "ListWorkloadIdentities":
		s.listWorkloadIdentities(w, r)
	case "CreateOauth2CredentialProvider":
		s.createOauth2Provider(w, r)
	case "GetOauth2CredentialProvider":
		s.getOauth2Provider(w, r)
	case "DeleteOauth2CredentialProvider":
		s.deleteOauth2Provider(w, r)
	case "ListOauth2CredentialProviders":
		s.listOauth2Providers(w, r)
	case "get-token-vault":
		s.getTokenVault(w, r)
	case "GetWorkloadAccessToken", "GetWorkloadAccessTokenForJWT", "GetWorkloadAccessTokenForUserId":
		s.workloadAccessToken(w, r, op)
	case "CompleteResourceTokenAuth":
		s.completeResourceTokenAuth(w, r)
	default:
		writeErr(w, unknownOperation(r))
	}
}
