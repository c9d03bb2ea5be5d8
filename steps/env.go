package steps

import (
	"log/slog"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/session"
)

// Env is what a stage runs with. Stages never learn which target they run
// on: the cloud clients are the same type for the sandbox and for AWS.
type Env struct {
	Cloud   *cloud.Clients
	Session *session.Session // state, resource ledger, secrets
	Dir     string           // the workspace directory; stage files go here
	Log     *slog.Logger
}
