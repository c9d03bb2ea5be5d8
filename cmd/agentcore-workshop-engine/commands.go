package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/charmbracelet/x/term"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/headless"
	"agentcore-workshop/internal/runflags"
	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// commonOptions are the app options the common flags set.
func commonOptions(c runflags.Common) app.Options {
	return app.Options{
		Workspace:   c.Workspace,
		Target:      c.Target,
		Region:      c.Region,
		Profile:     c.Profile,
		SandboxURL:  c.SandboxURL,
		SandboxAddr: c.SandboxAddr,
	}
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

// runOptions are the app options run's command line asks for.
func runOptions(r runflags.Run) (app.Options, error) {
	o := commonOptions(r.Common)
	o.Learner, o.ReturnPort, o.Model, o.Lang = r.Learner, r.ReturnPort, r.Model, r.Lang
	if r.Foreign.Named() {
		foreign := steps.ForeignIdP(r.Foreign)
		o.ForeignIdP = &foreign
	}
	// A headless run has nobody to click the sandbox's consent button.
	o.AutoConsent = r.Headless
	delays, err := sandbox.Delays(r.Pace)
	if err != nil {
		return app.Options{}, err
	}
	o.Delays = delays
	return o, nil
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	r, code := runflags.Parse(args, stderr, os.Getenv)
	if code != 0 {
		return code
	}
	o, err := runOptions(r)
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 2
	}
	if !r.Headless {
		return noTerminalUI(stderr)
	}
	ctx, stop := signalContext(ctx)
	defer stop()
	return withApp(ctx, o, stderr, func(a *app.App) int {
		installTestPause(a) // test-only; see testpause.go
		fmt.Fprintln(stdout, placeLine(a.Session.Dir(), a.Session.Settings()))
		var ok bool
		var err error
		if r.ForceConsent {
			a.Env.AskFreshConsent()
			ok, err = headless.RunOne(ctx, a.Runner, steps.OAuthConsentID, stdout, headless.WithLang(r.Lang))
		} else {
			ok, err = headless.Run(ctx, a.Runner, r.Until, stdout, headless.WithLang(r.Lang))
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
	fs := runflags.NewFlagSet("status", stderr)
	workspace := fs.String("workspace", "./"+session.DefaultDir, "workspace `DIR`")
	asJSON := fs.Bool("json", false, "print JSON")
	if !runflags.ParseArgs(fs, args, stderr) {
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
	// status never runs a stage: the outline is all it needs.
	r := engine.NewRunner(outline.Stages(), sess, engine.Options{ReadOnly: readOnly})
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
	fs := runflags.NewFlagSet("reset", stderr)
	workspace := fs.String("workspace", "./"+session.DefaultDir, "workspace `DIR`")
	to := fs.String("to", "", "mark this `STAGE` (number or id) and every stage that depends on it pending (default: all stages)")
	if !runflags.ParseArgs(fs, args, stderr) {
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

// noTerminalUI answers a run without --headless. agentcore-workshop opens
// the terminal UI itself and hands a run over to this binary only when it
// cannot (no terminal, TERM=dumb), so say why; run here by hand in a
// terminal, point at the learner's command.
func noTerminalUI(stderr io.Writer) int {
	switch {
	case os.Getenv("TERM") == "dumb":
		fmt.Fprintln(stderr, errDumbTerminal)
	case !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()):
		fmt.Fprintln(stderr, errNoTTY)
	default:
		fmt.Fprintln(stderr, "agentcore-workshop-engine runs the stages for agentcore-workshop, which has the terminal UI: run `agentcore-workshop run` (or `run --headless` here for plain lines)")
	}
	return 2
}

var errNoTTY = errors.New("the terminal UI needs a terminal: use `run --headless` in scripts and CI")

// errDumbTerminal refuses TERM=dumb: such a terminal (an editor's shell
// buffer, a serial console) cannot move the cursor, so the screen would be
// drawn as a scroll of escape codes. Headless mode prints plain lines.
var errDumbTerminal = errors.New("this terminal (TERM=dumb) cannot draw the workshop's screen; " +
	"run `agentcore-workshop run --headless` for plain line-by-line output, or use a full terminal")
