package cognito

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/go-jose/go-jose/v4"
)

type pathRoute struct {
	pattern string
	handler http.Handler
}

// pathPatterns lists the unsigned endpoints under each pool's issuer path.
func (s *Service) pathPatterns() []pathRoute {
	return []pathRoute{
		{"GET /{pool}/.well-known/openid-configuration", http.HandlerFunc(s.serveDiscovery)},
		{"GET /{pool}/.well-known/jwks.json", http.HandlerFunc(s.serveJWKS)},
		{"GET /{pool}/oauth2/authorize", http.HandlerFunc(s.serveAuthorize)},
		{"GET /{pool}/login", http.HandlerFunc(s.serveAuthorize)},
		{"POST /{pool}/login", http.HandlerFunc(s.serveLogin)},
		{"POST /{pool}/oauth2/token", http.HandlerFunc(s.serveToken)},
		{"GET /{pool}/oauth2/userInfo", http.HandlerFunc(s.serveUserInfo)},
		{"POST /{pool}/oauth2/userInfo", http.HandlerFunc(s.serveUserInfo)},
		{"POST /{pool}" + ExpiredTokenPath, http.HandlerFunc(s.serveExpiredCopy)},
	}
}

// paths is a private mux with the same routes, for signed requests the edge
// hands to the API handler.
func (s *Service) paths() *http.ServeMux {
	s.muxOnce.Do(func() {
		s.mux = http.NewServeMux()
		for _, p := range s.pathPatterns() {
			s.mux.Handle(p.pattern, p.handler)
		}
	})
	return s.mux
}

func writePlainJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// hostedBase returns where a pool's hosted endpoints live: under the issuer,
// and only while the pool has a domain (on AWS they live on the domain).
func (s *Service) hostedBase(p *Pool) string {
	if p.Domain == "" {
		return ""
	}
	return s.Issuer(p.ID)
}

func (s *Service) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("pool")
	s.mu.RLock()
	p, ok := s.pools[id]
	var base string
	if ok {
		base = s.hostedBase(p)
	}
	s.mu.RUnlock()
	if !ok {
		writePlainJSON(w, http.StatusNotFound, map[string]string{"message": "User pool " + id + " does not exist."})
		return
	}
	iss := s.Issuer(id)
	doc := map[string]any{
		"issuer":                                iss,
		"jwks_uri":                              iss + "/.well-known/jwks.json",
		"response_types_supported":              []string{"code", "token"},
		"scopes_supported":                      []string{"openid", "email", "phone", "profile"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	}
	// Advertise only endpoints that are served: without a domain there is
	// no hosted UI, so there is nothing to point at.
	if base != "" {
		doc["authorization_endpoint"] = base + "/oauth2/authorize"
		doc["token_endpoint"] = base + "/oauth2/token"
		doc["userinfo_endpoint"] = base + "/oauth2/userInfo"
	}
	writePlainJSON(w, http.StatusOK, doc)
}

func (s *Service) serveJWKS(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("pool")
	s.mu.RLock()
	p, ok := s.pools[id]
	var set jose.JSONWebKeySet
	if ok {
		set.Keys = []jose.JSONWebKey{p.Keys.ID.JWK(), p.Keys.Access.JWK()}
	}
	s.mu.RUnlock()
	if !ok {
		writePlainJSON(w, http.StatusNotFound, map[string]string{"message": "User pool " + id + " does not exist."})
		return
	}
	writePlainJSON(w, http.StatusOK, set)
}
