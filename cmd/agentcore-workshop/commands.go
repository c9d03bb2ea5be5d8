package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"agentcore-workshop/content"
	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/gcpause"
	"agentcore-workshop/internal/headless"
	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// commonFlags are the flags every workspace command takes.
type commonFlags struct {
	o app.Options
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.o.Workspace, "workspace", "./"+session.DefaultDir, "workspace `DIR` (state, secrets, agent project, log)")
	fs.StringVar(&c.o.Target, "target", "", "where AWS calls go, `TARGET`: sandbox (offline, the default) or aws")
	fs.StringVar(&c.o.Region, "region", "", "AWS `REGION` (default: the workspace's, else the profile's, or us-west-2 in the sandbox)")
	fs.StringVar(&c.o.Profile, "profile", "", "AWS shared-config `PROFILE` (target aws; default: the workspace's)")
	fs.StringVar(&c.o.SandboxURL, "sandbox-url", "", "use a sandbox already running at this `URL` (started with 'agentcore-workshop sandbox serve'; default: the workspace's)")
	fs.StringVar(&c.o.SandboxAddr, "sandbox-addr", "", "listen address `HOST:PORT` of the embedded sandbox (default: the workspace's port, first 127.0.0.1:4747)")
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	// The flag package's own usage is a bare "Usage of run:": give the
	// commands as well, then this command's flags.
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\nFlags of 'agentcore-workshop %s':\n", usage, name)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and refuses positional arguments. The flag
// package stops at the first one and leaves the rest unread, so without
// this check `reset launch` (meaning --to launch) would reset every stage,
// and `run --headless launch` would run the whole tutorial, cleanup
// included.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) bool {
	if err := fs.Parse(args); err != nil {
		return false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "agentcore-workshop %s: unexpected argument %q (flags start with --; see --help)\n", fs.Name(), fs.Arg(0))
		return false
	}
	return true
}

// signalContext ends on Ctrl-C or SIGTERM, so a running stage is cancelled
// cleanly and its state saved. Only the first signal is caught: once the
// context has ended the default handling comes back, so a second Ctrl-C
// stops a workshop that is slow to wind down, as people expect (the state
// file is written atomically, and the next start reports the stage that
// was running as interrupted).
func signalContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", stderr)
	var c commonFlags
	c.register(fs)
	isHeadless := fs.Bool("headless", false, "no terminal UI: print events as plain lines, never prompt")
	pace := fs.String("pace", "", "the embedded sandbox's `PACE`: lifelike (builds and runtimes take seconds; the UI's default) or instant (headless default)")
	until := fs.String("until", "", "with --headless: stop after this `STAGE` (id, e.g. write-agent)")
	forceConsent := fs.Bool("force-consent", false, "with --headless: run the oauth-consent stage again and have the agent ask AgentCore Identity for a fresh consent (forceAuthentication), although the vault holds your token")
	fs.StringVar(&c.o.Learner, "learner", "", "your `NAME` in the room of a shared sandbox, as the facilitator sees it (default: user@host)")
	fs.IntVar(&c.o.ReturnPort, "return-port", 0, "`PORT` on localhost of the OAuth2 return URL the consent stage serves (default: a free port, chosen once by configure)")
	fs.StringVar(&c.o.Model, "model", "", "`MODEL`: the Bedrock model id written into agent.py (default: the region's cross-region inference profile of Claude Sonnet 4.5)")
	facilitator := fs.Bool("facilitator", false, "show the stage pages' notes for facilitators (the f key toggles them in the terminal UI)")
	langFlag := fs.String("lang", "", "language of the stage pages, `LANG`: "+strings.Join(content.Languages(), " or ")+" (default: from LC_ALL / LANG, Korean for ko_*, else English)")
	var foreign steps.ForeignIdP
	fs.StringVar(&foreign.DiscoveryURL, "foreign-discovery-url", "", "stage 11 on AWS: your own OIDC provider's discovery `URL` (an Auth0 tenant's, say)")
	fs.StringVar(&foreign.ClientID, "foreign-client-id", "", "stage 11: a machine-to-machine client `ID` of that provider")
	fs.StringVar(&foreign.ClientSecret, "foreign-client-secret", "", "stage 11: that client's `SECRET` (or set FOREIGN_CLIENT_SECRET, which keeps it out of the process list)")
	fs.StringVar(&foreign.Audience, "foreign-audience", "", "stage 11: the `AUDIENCE` (API identifier) to ask tokens for")
	if !parseFlags(fs, args, stderr) {
		return 2
	}
	if foreign.ClientSecret == "" {
		foreign.ClientSecret = os.Getenv("FOREIGN_CLIENT_SECRET")
	}
	if foreign.DiscoveryURL != "" || foreign.ClientID != "" || foreign.Audience != "" {
		c.o.ForeignIdP = &foreign
	}
	if *until != "" && !*isHeadless {
		// The UI has no such option: say so rather than open it and
		// quietly ignore what was asked.
		fmt.Fprintln(stderr, "agentcore-workshop: --until works only with --headless (in the terminal UI, select the stage and press enter)")
		return 2
	}
	if *forceConsent && (!*isHeadless || *until != "") {
		fmt.Fprintln(stderr, "agentcore-workshop: --force-consent works only with --headless and without --until (in the terminal UI, select the OAuth consent stage and press n)")
		return 2
	}
	lang, err := pageLang(*langFlag, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 2
	}
	c.o.Lang = lang
	ctx, stop := signalContext(ctx)
	defer stop()
	c.o.AutoConsent = *isHeadless
	if *pace == "" {
		*pace = sandbox.PaceLifelike
		if *isHeadless {
			*pace = sandbox.PaceInstant
		}
	}
	delays, err := sandbox.Delays(*pace)
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 2
	}
	c.o.Delays = delays
	if !*isHeadless {
		return runTUI(ctx, c.o, tuiOptions{lang: lang, facilitator: *facilitator}, stderr)
	}
	gcpause.Resume()
	return withApp(ctx, c.o, stderr, func(a *app.App) int {
		installTestPause(a) // test-only; see testpause.go
		fmt.Fprintln(stdout, placeLine(a.Session.Dir(), a.Session.Settings()))
		var ok bool
		var err error
		if *forceConsent {
			a.Env.AskFreshConsent()
			ok, err = headless.RunOne(ctx, a.Runner, steps.OAuthConsentID, stdout, headless.WithLang(lang))
		} else {
			ok, err = headless.Run(ctx, a.Runner, *until, stdout, headless.WithLang(lang))
		}
		if err != nil {
			fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
			return 1
		}
		if !ok {
			return 1
		}
		return 0
	})
}

// withApp opens the workspace o names, runs body on it and closes it. A
// workspace that cannot be opened is said on stderr (exit status 1).
func withApp(ctx context.Context, o app.Options, stderr io.Writer, body func(*app.App) int) int {
	a, err := app.Open(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 1
	}
	defer a.Close(context.Background())
	return body(a)
}

// noWorkspace reports whether there is no workspace at dir. Opening a
// workspace creates it, so a command that acts only on an existing one
// (cleanup, try-token) looks first.
func noWorkspace(dir string) bool {
	_, err := os.Stat(dir)
	return errors.Is(err, os.ErrNotExist)
}

func statusCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("status", stderr)
	workspace := fs.String("workspace", "./"+session.DefaultDir, "workspace `DIR`")
	asJSON := fs.Bool("json", false, "print JSON")
	if !parseFlags(fs, args, stderr) {
		return 2
	}
	// status only reads: it opens the session without starting a sandbox.
	sess := openExisting(*workspace, stderr)
	if sess == nil {
		return 1
	}
	// While another workshop holds the workspace, a stage saved as running
	// really is running: show it so, and never write the state under that
	// process's feet. With the lock free, a saved "running" means the
	// process died, and the runner records it as interrupted (as the next
	// run would).
	readOnly := false
	unlock, err := sess.Lock()
	switch {
	case errors.Is(err, session.ErrInUse):
		readOnly = true
	case err != nil:
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 1
	default:
		defer unlock()
	}
	// status never runs a stage, so the stages need no environment.
	r := engine.NewRunner(steps.All(nil), sess, engine.Options{ReadOnly: readOnly})
	if *asJSON {
		err = headless.StatusJSON(r.Snapshot(), stdout)
	} else {
		fmt.Fprintln(stdout, placeLine(sess.Dir(), sess.Settings()))
		err = headless.StatusTable(r.Snapshot(), stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 1
	}
	return 0
}

func resetCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("reset", stderr)
	workspace := fs.String("workspace", "./"+session.DefaultDir, "workspace `DIR`")
	to := fs.String("to", "", "mark this `STAGE` (number or id) and every stage that depends on it pending (default: all stages)")
	if !parseFlags(fs, args, stderr) {
		return 2
	}
	sess := openExisting(*workspace, stderr)
	if sess == nil {
		return 1
	}
	unlock, err := sess.Lock()
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 1
	}
	defer unlock()
	env := &steps.Env{Session: sess, Dir: sess.Dir()}
	r := steps.NewRunner(env, steps.All(env))
	from := "every stage"
	id := ""
	if *to != "" {
		s, ok := findStage(r.Snapshot(), *to)
		if !ok {
			fmt.Fprintf(stderr, "agentcore-workshop reset: there is no stage %q; --to takes a stage's number or id:\n%s", *to, stageList(r.Snapshot()))
			return 2
		}
		id = s.ID
		from = fmt.Sprintf("stage %d %s", s.Index, s.ID)
		deps, err := r.Dependents(id)
		if err != nil {
			fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
			return 1
		}
		if len(deps) > 1 {
			var names []string
			for _, d := range deps[1:] {
				names = append(names, fmt.Sprintf("%d %s", d.Index, d.ID))
			}
			from += " and the stages that depend on it (" + strings.Join(names, ", ") + ")"
		}
	}
	if err := r.Reset(id); err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "reset %s to pending; cloud resources are untouched (the ledger still lists them for cleanup)\n", from)
	return 0
}

// findStage finds the stage a learner named by its 1-based number (as the
// screen shows it) or by its id.
func findStage(stages []engine.StageState, name string) (engine.StageState, bool) {
	for _, s := range stages {
		if s.ID == name || strconv.Itoa(s.Index) == name {
			return s, true
		}
	}
	return engine.StageState{}, false
}

// stageList lists the stages one a line, number, id and title, so a
// mistyped name is answered with the names that work.
func stageList(stages []engine.StageState) string {
	width := 0
	for _, s := range stages {
		width = max(width, len(s.ID))
	}
	var b strings.Builder
	for _, s := range stages {
		fmt.Fprintf(&b, "  %d %-*s  %s\n", s.Index, width, s.ID, s.Title)
	}
	return b.String()
}

// openExisting opens the workspace at dir, or says on stderr why it
// cannot and returns nil. A missing directory is an error: status and
// reset must not create an empty workspace out of a mistyped --workspace
// and then report on it.
func openExisting(dir string, stderr io.Writer) *session.Session {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "agentcore-workshop: no workspace at %s (start one with `agentcore-workshop run --workspace %s`)\n", dir, dir)
		return nil
	}
	sess, err := session.Open(dir)
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return nil
	}
	return sess
}

// placeLine says where a workspace lives, as recorded: later commands go
// back there without flags.
func placeLine(dir string, set session.Settings) string {
	line := fmt.Sprintf("workspace %s · target %s · region %s · account %s", dir, orDash(set.Target), orDash(set.Region), orDash(set.AccountID))
	if set.Target == "sandbox" && set.SandboxURL != "" {
		line += " · sandbox " + set.SandboxURL
	}
	return line
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

var errNoTTY = errors.New("the terminal UI needs a terminal: use `run --headless` in scripts and CI")

// errDumbTerminal refuses TERM=dumb: such a terminal (an editor's shell
// buffer, a serial console) cannot move the cursor, so the screen would be
// drawn as a scroll of escape codes. Headless mode prints plain lines.
var errDumbTerminal = errors.New("this terminal (TERM=dumb) cannot draw the workshop's screen; " +
	"run `agentcore-workshop run --headless` for plain line-by-line output, or use a full terminal")
