package sandbox

import (
	"agentcore-workshop/internal/sandbox/edge"
)

// newServices builds every emulated service. Each service package adds its
// constructor here, one line each.
func newServices(d edge.Deps) ([]Service, error) {
	var out []Service
	for _, build := range []func(edge.Deps) (Service, error){
		// one entry per service, e.g. func(d edge.Deps) (Service, error) { return cognito.New(d) },
	} {
		s, err := build(d)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
