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

	"agentcore-workshop/internal/boundedlog"
	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/consent"
	"agentcore-workshop/internal/place"
	"agentcore-workshop/internal/roomreport"
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
	// Model overrides the model id write-agent puts in agent.py (--model).
	Model string
	// Lang is the learner's language for stage output (--lang).
	Lang string
	// Learner names the learner in the sandbox's room (--learner); empty
	// means user@host.
	Learner string
	// ReturnPort fixes the OAuth2 return URL's port (--return-port).
	ReturnPort int
	// ForeignIdP is the learner's own identity provider for the
	// foreign-idp stage (--foreign-*); nil when they named none.
	ForeignIdP *steps.ForeignIdP
	// HeldLock is the workspace's lock file, already locked by the front
	// end that started this process and handed it down; nil means take
	// the lock here.
	HeldLock *os.File
}

// App is an open workspace. After Open, or OpenLocal then Connect, it is
// ready to run stages.
type App struct {
	Session *session.Session
	Cloud   *cloud.Clients // nil until Connect
	Runner  *engine.Runner
	Env     *steps.Env
	Log     *slog.Logger
	Sandbox *sandbox.Sandbox // nil unless the sandbox runs in this process
	Target  string
	// Region is the target's region; empty for AWS until Connect when
	// neither the flags nor the workspace name one (the profile decides).
	Region string

	opts    Options
	set     session.Settings // the settings Connect completes and saves
	logFile *boundedlog.File
	unlock  func()
	// http is the clients' HTTP client once Connect built them, kept even
	// when Connect failed after that: see Close.
	http *http.Client
	// room reports progress to the sandbox's room (room.go); nil on AWS.
	room *roomreport.Reporter
}

// Open opens the workspace and connects it to its target.
func Open(ctx context.Context, o Options) (*App, error) {
	a, err := OpenLocal(ctx, o)
	if err != nil {
		return nil, err
	}
	if err := a.Connect(ctx); err != nil {
		a.Close(context.Background())
		return nil, err
	}
	return a, nil
}

// OpenLocal opens and locks the workspace and loads its stages, without
// reaching the target: no sandbox, no AWS clients yet. The runner's
// snapshot is complete, so a front end can show the stage list at once;
// no stage may run until Connect has returned nil. Choices that need no
// network are checked here, so they fail before anything is drawn.
func OpenLocal(ctx context.Context, o Options) (*App, error) {
	// Unsaved: a new workspace's suffix is written by Connect (or Close),
	// so its fsyncs come after a front end's first frame.
	sess, err := session.OpenUnsaved(o.Workspace)
	if err != nil {
		return nil, err
	}
	unlock, err := lockWorkspace(sess, o.HeldLock)
	if err != nil {
		return nil, err
	}
	a := &App{Session: sess, unlock: unlock, opts: o}
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

	set, err := place.Resolve(sess.Dir(), place.Given{Target: o.Target, Region: o.Region, Profile: o.Profile, SandboxURL: o.SandboxURL},
		sess.Settings(), place.Live(sess))
	if err != nil {
		return nil, err
	}
	if err := place.CheckKeys(set, os.Getenv); err != nil {
		return nil, err
	}
	target := set.Target
	a.Target, a.Region, a.set = target, set.Region, set
	if target == cloud.Sandbox && a.Region == "" {
		a.Region = sandbox.DefaultRegion // what the sandbox and its clients default to
	}
	a.Env = &steps.Env{Session: sess, Dir: sess.Dir(), Log: a.Log, Model: o.Model, Lang: o.Lang, ReturnPort: o.ReturnPort, ForeignIdP: o.ForeignIdP}
	if o.AutoConsent && target == cloud.Sandbox {
		a.Env.Consent = completeConsent
	}
	a.Runner = steps.NewRunner(a.Env, steps.All(a.Env))
	ok = true
	return a, nil
}

// lockWorkspace claims the workspace, or takes over the claim of the front
// end that holds it for this process.
func lockWorkspace(sess *session.Session, held *os.File) (func(), error) {
	if held != nil {
		return sess.AdoptLock(held)
	}
	return sess.Lock()
}

// Connect starts the embedded sandbox (or finds the one at --sandbox-url,
// or loads the AWS configuration), builds the clients the stages use and
// saves the workspace's settings. Call it once, after OpenLocal, before any
// stage runs; a.Env.Cloud is set when it returns nil.
func (a *App) Connect(ctx context.Context) error {
	o, set := a.opts, a.set
	t := cloud.Target{Kind: a.Target, Region: set.Region, Profile: set.Profile}
	switch {
	case a.Target == cloud.AWS:
	case set.SandboxURL != "":
		// A sandbox someone else runs (`sandbox serve`): its keys come from
		// the environment it printed (OpenLocal checked they are there).
		t.Endpoint = set.SandboxURL
		t.AccessKeyID = os.Getenv("AWS_ACCESS_KEY_ID")
		t.SecretAccessKey = os.Getenv("AWS_SECRET_ACCESS_KEY")
	default:
		sb, port, err := startSandbox(ctx, a.Session, o, set, a.Log)
		if err != nil {
			return err
		}
		a.Sandbox = sb
		set.SandboxPort = port
		set.Region = sb.Region
		t.Endpoint, t.Region = sb.URL, sb.Region
		t.AccessKeyID, t.SecretAccessKey = sb.Credentials.AccessKeyID, sb.Credentials.SecretAccessKey
	}
	clients, err := cloud.New(ctx, t)
	if err != nil {
		return err
	}
	a.http = clients.HTTP
	account, callerARN, err := clients.Identify(ctx)
	if err != nil {
		return err
	}
	if err := place.CheckAccount(a.Session.Dir(), set, account, place.Live(a.Session)); err != nil {
		return err
	}
	set.AccountID, set.CallerARN = account, callerARN
	set.Region = clients.Region
	if err := a.Session.SetSettings(set); err != nil {
		return err
	}
	a.Cloud, a.Region, a.Env.Cloud = clients, clients.Region, clients
	if a.Target == cloud.Sandbox {
		a.reportToRoom(t.Endpoint)
	}
	a.Log.Info("workspace opened", "dir", a.Session.Dir(), "target", a.Target, "region", a.Region, "account", account)
	return nil
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
	// No spare signing keys here: one learner's sandbox makes four keys in
	// stage 1 and none after, while every launch, resume, status and
	// cleanup would generate them in the background and throw them away.
	cfg := sandbox.Config{Addr: addr, StateDir: sess.SandboxStateDir(), Region: set.Region, Log: log.With("component", "sandbox"), Delays: o.Delays}
	sb, err := sandbox.Start(ctx, cfg)
	if err != nil && o.SandboxAddr == "" {
		if set.SandboxPort != 0 && place.Live(sess) {
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

// Close cancels any running stage and stops the embedded sandbox.
func (a *App) Close(ctx context.Context) error {
	var err error
	if a.Runner != nil {
		a.Runner.Cancel()
		a.Runner.Wait()
	}
	if a.room != nil {
		a.room.Close() // before the sandbox it reports to stops
	}
	if a.http != nil {
		// A call cancelled while it dialled (Connect's, when the program is
		// told to stop) leaves the new connection idle in the client's
		// pool, unused; the embedded sandbox's server counts a connection
		// that never sent a request as busy for its first five seconds, so
		// its Shutdown below would wait that long for it.
		a.http.CloseIdleConnections()
	}
	if a.Sandbox != nil {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = a.Sandbox.Close(c)
		cancel()
	}
	if a.Session != nil && a.unlock != nil {
		// A workspace closed before it connected still keeps its suffix.
		err = errors.Join(err, a.Session.Save())
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
