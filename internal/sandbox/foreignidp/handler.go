package foreignidp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
)

// maxManagementBytes bounds a management request body: an API with its
// fifty scopes and descriptions fits in well under this.
const maxManagementBytes = 64 << 10

// Register serves the tenants on the edge: the OIDC endpoints unsigned,
// as any IdP serves them, and the management API SigV4-signed.
//
// Why SigV4 for management: on Auth0, tenants are made in the dashboard
// and the Management API takes a token minted for it, which needs a
// credential from that dashboard to begin with. The sandbox has exactly
// one credential every learner already holds, its AWS key pair, and the
// edge verifies it before any service sees the request; a tenant then
// belongs to the sandbox account as a user pool does. Paths and bodies
// follow Auth0's Management API v2 (resource-servers, clients,
// client-grants), so the stage reads like the Auth0 setup it teaches.
func (s *Service) Register(e *edge.Edge) {
	e.Register(edge.Route{Name: SigningName, Protocol: awswire.RestJSON, SigningName: SigningName, Handler: s.mux, MaxBodyBytes: maxManagementBytes})
	e.HandlePath(PathPrefix, s.mux)
}

// routes is the service's one mux, for signed and unsigned requests alike.
func (s *Service) routes() *http.ServeMux {
	mux := http.NewServeMux()
	// Unsigned: what relying parties and clients call.
	mux.HandleFunc("GET "+PathPrefix+"{tenant}/.well-known/openid-configuration", s.serveDiscovery)
	mux.HandleFunc("GET "+PathPrefix+"{tenant}/.well-known/jwks.json", s.serveJWKS)
	mux.HandleFunc("POST "+PathPrefix+"{tenant}/oauth/token", s.serveToken)
	// Signed: the management API.
	for pattern, h := range map[string]func(*http.Request) (int, any, *mgmtError){
		"POST " + PathPrefix + "tenants":                                 s.postTenant,
		"GET " + PathPrefix + "tenants":                                  func(*http.Request) (int, any, *mgmtError) { return http.StatusOK, s.ListTenants(), nil },
		"GET " + PathPrefix + "tenants/{name}":                           s.getTenant,
		"DELETE " + PathPrefix + "tenants/{name}":                        s.deleteTenant,
		"POST " + PathPrefix + "{tenant}/api/v2/resource-servers":        s.postAPI,
		"GET " + PathPrefix + "{tenant}/api/v2/resource-servers":         s.listAPIs,
		"DELETE " + PathPrefix + "{tenant}/api/v2/resource-servers/{id}": s.deleteAPI,
		"POST " + PathPrefix + "{tenant}/api/v2/clients":                 s.postClient,
		"GET " + PathPrefix + "{tenant}/api/v2/clients":                  s.listClients,
		"DELETE " + PathPrefix + "{tenant}/api/v2/clients/{id}":          s.deleteClient,
		"POST " + PathPrefix + "{tenant}/api/v2/client-grants":           s.postGrant,
		"GET " + PathPrefix + "{tenant}/api/v2/client-grants":            s.listGrants,
	} {
		mux.Handle(pattern, managed(h))
	}
	return mux
}

// managed serves one management operation: only to a SigV4-signed caller
// (the edge verified the signature), answering in Auth0's shapes.
func managed(op func(*http.Request) (int, any, *mgmtError)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := edge.RequireSigned(w, r, awswire.RestJSON); !ok {
			return
		}
		status, out, err := op(r)
		if err != nil {
			writeJSON(w, err.StatusCode, err)
			return
		}
		if out == nil {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, out)
	})
}

// decode reads one JSON object into v, refusing unknown properties as
// Auth0 does ("Additional properties not allowed").
func decode(r *http.Request, v any) *mgmtError {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxManagementBytes+1))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return newMgmtError(http.StatusRequestEntityTooLarge, "", "the body is over %d bytes", tooBig.Limit)
		}
		return errBody("could not read the body")
	}
	if len(body) > maxManagementBytes {
		return newMgmtError(http.StatusRequestEntityTooLarge, "", "the body is over %d bytes", maxManagementBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := err.Error()
		if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
			return errBody("Additional properties not allowed: %s", trunc(strings.Trim(f, `"`), 60))
		}
		return errBody("the body must be a JSON object of the documented shape")
	}
	if dec.More() {
		return errBody("the body must hold one JSON object")
	}
	return nil
}

func (s *Service) postTenant(r *http.Request) (int, any, *mgmtError) {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	t, err := s.CreateTenant(in.Name)
	if err != nil {
		return 0, nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return http.StatusCreated, s.view(t), nil
}

func (s *Service) getTenant(r *http.Request) (int, any, *mgmtError) {
	v, err := s.GetTenant(r.PathValue("name"))
	return http.StatusOK, v, err
}

func (s *Service) deleteTenant(r *http.Request) (int, any, *mgmtError) {
	return http.StatusNoContent, nil, s.DeleteTenant(r.PathValue("name"))
}

func (s *Service) postAPI(r *http.Request) (int, any, *mgmtError) {
	var in API
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if in.ID != "" {
		return 0, nil, errBody("Additional properties not allowed: id")
	}
	out, err := s.CreateAPI(r.PathValue("tenant"), in)
	return http.StatusCreated, out, err
}

func (s *Service) listAPIs(r *http.Request) (int, any, *mgmtError) {
	out, err := s.ListAPIs(r.PathValue("tenant"))
	return http.StatusOK, out, err
}

func (s *Service) deleteAPI(r *http.Request) (int, any, *mgmtError) {
	return http.StatusNoContent, nil, s.DeleteAPI(r.PathValue("tenant"), r.PathValue("id"))
}

func (s *Service) postClient(r *http.Request) (int, any, *mgmtError) {
	var in struct {
		Name       string   `json:"name"`
		AppType    string   `json:"app_type"`
		GrantTypes []string `json:"grant_types"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	out, err := s.CreateClient(r.PathValue("tenant"), Client{Name: in.Name, AppType: in.AppType, GrantTypes: in.GrantTypes})
	return http.StatusCreated, out, err
}

func (s *Service) listClients(r *http.Request) (int, any, *mgmtError) {
	out, err := s.ListClients(r.PathValue("tenant"))
	return http.StatusOK, out, err
}

func (s *Service) deleteClient(r *http.Request) (int, any, *mgmtError) {
	return http.StatusNoContent, nil, s.DeleteClient(r.PathValue("tenant"), r.PathValue("id"))
}

func (s *Service) postGrant(r *http.Request) (int, any, *mgmtError) {
	var in struct {
		ClientID string   `json:"client_id"`
		Audience string   `json:"audience"`
		Scope    []string `json:"scope"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	out, err := s.CreateGrant(r.PathValue("tenant"), Grant{ClientID: in.ClientID, Audience: in.Audience, Scope: in.Scope})
	return http.StatusCreated, out, err
}

func (s *Service) listGrants(r *http.Request) (int, any, *mgmtError) {
	out, err := s.ListGrants(r.PathValue("tenant"))
	return http.StatusOK, out, err
}
