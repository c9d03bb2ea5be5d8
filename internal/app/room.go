package app

import (
	"net/http"
	"os"
	"os/user"
	"time"

	"agentcore-workshop/internal/roomapi"
	"agentcore-workshop/internal/roomreport"
)

// reportToRoom starts reporting the learner's progress to the room of the
// sandbox at endpoint, signed with the clients' keys. The reports are
// best effort: a room that cannot be reached costs the workshop nothing
// but a line in its log.
func (a *App) reportToRoom(endpoint string) {
	send := &roomapi.Sender{Endpoint: endpoint, Region: a.Cloud.Region, Credentials: a.Cloud.Config.Credentials,
		HTTP: &http.Client{Timeout: 5 * time.Second}}
	a.room = roomreport.Start(a.Runner, send, roomreport.Options{
		Learner: learnerName(a.opts.Learner), Redact: a.Session.Redact, Log: a.Log.With("component", "room")})
}

// learnerName is the name the room shows: the --learner flag, else
// user@host.
func learnerName(flag string) string {
	if flag != "" {
		return flag
	}
	name := "learner"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		name += "@" + h
	}
	return name
}
