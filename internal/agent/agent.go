// Package agent is the sandbox's stand-in for the learner's agent container.
// It honours the AgentCore container contract (POST /invocations, GET /ping)
// and answers like the tutorial's agent, without a language model.
package agent

import (
	"context"
	"log/slog"
)

// Config configures one stand-in agent process (one per READY runtime).
type Config struct {
	Addr             string // listen address, "127.0.0.1:0" picks a free port
	RuntimeName      string // the runtime's agentRuntimeName
	IdentityEndpoint string // the sandbox edge URL (identity data plane), for outbound tokens
	Log              *slog.Logger
}

// Server is a running stand-in agent.
type Server struct {
	URL string // base URL, e.g. http://127.0.0.1:41234
}

// Start serves a stand-in agent until Close.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	panic("internal/agent: not implemented yet")
}

// Close stops the agent.
func (s *Server) Close() error { return nil }
