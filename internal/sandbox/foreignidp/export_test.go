package foreignidp

import "net/http"

// Handler is the service's mux, for tests that call it without the edge.
func (s *Service) Handler() http.Handler { return s.mux }

// SetMaxTenants lowers the sandbox-wide tenant cap, so a test can reach it
// without generating two hundred RSA keys.
func (s *Service) SetMaxTenants(n int) { s.maxTenants = n }
