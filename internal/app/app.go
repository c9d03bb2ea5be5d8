// Package app wires a workspace to a target: it opens the session, starts
// (or finds) the sandbox, builds the AWS clients and the stage runner. Both
// front ends and every subcommand start here.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strconv"
	"strings"
	"time"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/consent"
	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// Options are the command-line choices.
type Options struct {
	Workspace  string // default session.DefaultDir
	Target     string // "sandbox" (default) or "aws"; empty keeps the workspace's
	Region     string
	Profile    string
	SandboxURL string // use an already running sandbox instead of starting one
	// SandboxAddr overrides the embedded sandbox's listen address (tests use
	// 127.0.0.1:0); empty means the workspace's persisted port, else 4747.
	SandboxAddr string
	Delays      edge.Delays
	// AutoConsent lets a headless run complete stage 8's browser consent
	// by itself. It takes effect on the sandbox only: on AWS a person signs
	// in at the real login page.
	AutoConsent bool
}

// App is an open workspace, ready to run stages.
type App struct {
	Session *session.Session
	Cloud   *cloud.Clients
	Runner  *engine.Runner
	Env     *steps.Env
	Log     *slog.Logger
	Sandbox *sandbox.Sandbox // nil unless the sandbox runs in this process
	Target  string
	Region  string

	logFile *os.File
	unlock  func()
}

// Open opens the workspace and connects it to its target.
func Open(ctx context.Context, o Options) (*App, error) {
	sess, err := session.Open(o.Workspace)
	if err != nil {
		return nil, err
	}
	unlock, err := sess.Lock()
	if err != nil {
		return nil, err
	}
	a := &App{Session: sess, unlock: unlock}
	ok := false
	defer func() {
		if !ok {
			a.Close(context.Background())
		}
	}()
	a.logFile, err = sess.OpenLog()
	if err != nil {
		return nil, err
	}
	a.Log = slog.New(slog.NewTextHandler(a.logFile, &slog.HandlerOptions{Level: slog.LevelDebug}))

	set := sess.Settings()
	target := o.Target
	if o.SandboxURL != "" && target == "" {
		target = cloud.Sandbox
	}
	switch {
	case target == "" && set.Target == "":
		target = cloud.Sandbox
	case target == "":
		target = set.Target
	case set.Target != "" && set.Target != target && hasLiveResources(sess):
		return nil, fmt.Errorf("workspace %s was started against the %s target and has resources there; "+
			"clean it up first (agentcore-workshop cleanup) or choose another --workspace", sess.Dir(), set.Target)
	}
	set.Target = target
	if o.Region != "" {
		set.Region = o.Region
	}

	t := cloud.Target{Kind: target, Region: set.Region, Profile: o.Profile}
	switch {
	case target == cloud.AWS:
	case o.SandboxURL != "":
		// A sandbox someone else runs (`sandbox serve`): its keys come from
		// the environment it printed.
		t.Endpoint = o.SandboxURL
		t.AccessKeyID = os.Getenv("AWS_ACCESS_KEY_ID")
		t.SecretAccessKey = os.Getenv("AWS_SECRET_ACCESS_KEY")
		if t.AccessKeyID == "" || t.SecretAccessKey == "" {
			return nil, errors.New("--sandbox-url needs the sandbox's keys: paste the export lines `sandbox serve` printed (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)")
		}
	default:
		sb, port, err := startSandbox(ctx, sess, o, set, a.Log)
		if err != nil {
			return nil, err
		}
		a.Sandbox = sb
		set.SandboxPort = port
		set.Region = sb.Region
		t.Endpoint, t.Region = sb.URL, sb.Region
		t.AccessKeyID, t.SecretAccessKey = sb.Credentials.AccessKeyID, sb.Credentials.SecretAccessKey
	}
	a.Cloud, err = cloud.New(ctx, t)
	if err != nil {
		return nil, err
	}
	set.Region = a.Cloud.Region
	if err := sess.SetSettings(set); err != nil {
		return nil, err
	}
	a.Target, a.Region = target, a.Cloud.Region
	a.Env = &steps.Env{Cloud: a.Cloud, Session: sess, Dir: sess.Dir(), Log: a.Log}
	if o.AutoConsent && target == cloud.Sandbox {
		a.Env.Consent = completeConsent
	}
	a.Runner = steps.NewRunner(a.Env, steps.All(a.Env))
	a.Log.Info("workspace opened", "dir", sess.Dir(), "target", target, "region", a.Region)
	ok = true
	return a, nil
}

// startSandbox runs the embedded sandbox on the workspace's port, so the
// issuer URLs in tokens and runtime authorizers stay the same across
// restarts. A port taken by something else falls back to a free one.
func startSandbox(ctx context.Context, sess *session.Session, o Options, set session.Settings, log *slog.Logger) (*sandbox.Sandbox, int, error) {
	addr := o.SandboxAddr
	if addr == "" {
		addr = sandbox.DefaultAddr
		if set.SandboxPort != 0 {
			addr = "127.0.0.1:" + strconv.Itoa(set.SandboxPort)
		}
	}
	cfg := sandbox.Config{Addr: addr, StateDir: sess.SandboxStateDir(), Region: set.Region, Log: log.With("component", "sandbox"), Delays: o.Delays}
	sb, err := sandbox.Start(ctx, cfg)
	if err != nil && o.SandboxAddr == "" {
		if set.SandboxPort != 0 && hasLiveResources(sess) {
			// Moving would break what exists: tokens and the runtime's
			// authorizer name the old port in their issuer URLs.
			return nil, 0, fmt.Errorf("the workspace's sandbox port %d is taken by another program (%w); "+
				"the pools and the runtime you made name that port, so stop the other program and start again "+
				"(or clean up and start over)", set.SandboxPort, err)
		}
		log.Warn("sandbox port busy, picking a free one", "addr", addr, "err", err)
		cfg.Addr = "127.0.0.1:0"
		sb, err = sandbox.Start(ctx, cfg)
	}
	if err != nil {
		return nil, 0, err
	}
	_, p, _ := net.SplitHostPort(strings.TrimPrefix(sb.URL, "http://"))
	port, _ := strconv.Atoi(p)
	return sb, port, nil
}

// hasLiveResources reports whether the ledger holds anything not deleted.
func hasLiveResources(sess *session.Session) bool {
	for _, r := range sess.Resources() {
		if r.State != session.ResourceDeleted {
			return true
		}
	}
	return false
}

// Close cancels any running stage and stops the embedded sandbox.
func (a *App) Close(ctx context.Context) error {
	var err error
	if a.Runner != nil {
		a.Runner.Cancel()
		a.Runner.Wait()
	}
	if a.Sandbox != nil {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = a.Sandbox.Close(c)
		cancel()
	}
	if a.logFile != nil {
		a.logFile.Close()
	}
	if a.unlock != nil {
		a.unlock()
	}
	return err
}

// completeConsent signs the outbound user in at the sandbox's hosted login
// page over HTTP, as a browser would, with its own cookie jar.
func completeConsent(ctx context.Context, authorizationURL, username, password string) error {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return err
	}
	return consent.Complete(ctx, &http.Client{Jar: jar, Timeout: time.Minute}, authorizationURL, username, password)
}
