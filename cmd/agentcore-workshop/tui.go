package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"sync/atomic"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/pkg/browser"

	"agentcore-workshop/content"
	"agentcore-workshop/internal/gcpause"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/place"
	"agentcore-workshop/internal/remote"
	"agentcore-workshop/internal/runflags"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
	"agentcore-workshop/ui"
)

// runTUI opens the workspace and runs the terminal UI until the learner
// quits. The stage list is drawn from the workspace's saved state before
// the engine exists: the first frame goes out, and only then does the
// engine start (with it the embedded sandbox and the AWS clients); a stage
// started before it is ready waits for it. If the engine cannot open the
// workspace or reach its target, or stops, the UI closes and says why.
func runTUI(ctx context.Context, enginePath string, r runflags.Run, args []string, stderr io.Writer) int {
	defer gcpause.Resume() // if no frame was ever drawn
	// Ctrl-C is a key to the UI; these come from kill. The first closes
	// the UI cleanly, the engine saving its run; a second one, with the
	// default handling back, stops a close that is slow.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	// Bubble Tea detects the colour profile on its way to the first frame:
	// a terminfo lookup and, under tmux, a `tmux info` process. The same
	// detection runs here, beside opening the workspace; so does a first
	// use of wcwidth, which builds the width table that the terminal
	// renderer would otherwise build while drawing the first frame.
	profile := make(chan colorprofile.Profile, 1)
	go func() {
		profile <- colorprofile.Detect(os.Stdout, os.Environ())
		ansi.StringWidthWc("─")
	}()

	w, err := openWorkspace(r)
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 1
	}
	defer w.unlock()
	eng := remote.New(w.states, w.sess)
	launch := func() error {
		cmd := exec.Command(enginePath, append([]string{"serve-ui"}, args...)...)
		return eng.Launch(cmd, w.lock)
	}
	startedEarly := w.region == ""
	if startedEarly {
		// AWS with the region left to the profile: the header shows it,
		// and only the engine reads AWS configuration. Start it first.
		if err := launch(); err == nil {
			<-eng.Ready()
		}
		if err := eng.Err(); err != nil {
			fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
			return 1
		}
		_, w.region = eng.Place()
	}

	// The browser launcher writes to stdout and stderr, which would
	// scribble over the UI.
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	out := &frameWatcher{File: os.Stdout, drawn: make(chan struct{})}
	opts := []ui.Option{ui.WithOpenURL(browser.OpenURL), ui.WithNoColor(os.Getenv("NO_COLOR") != ""),
		ui.WithRenderAfter(out.drawn), ui.WithFacilitatorNotes(r.Facilitator), ui.WithLang(r.Lang),
		ui.WithTryToken(eng.TryToken),
		ui.WithFreshConsent(outline.OAuthConsentID, eng.FreshConsent)}
	if w.target == place.AWS {
		opts = append(opts, ui.WithExpectedTimes(outline.TypicalOnAWS), // the sandbox's times are measured
			ui.WithPreflight(eng.Preflight)) // doctor's checks above stage 1
	}
	m := ui.New(eng, pageFunc(r.Lang), ui.Info{
		Title:     i18n.M("AgentCore Identity · inbound auth"),
		Target:    w.target,
		Region:    w.region,
		Workspace: w.sess.Dir(),
	}, opts...)
	// Bubble Tea writes a composed frame on its next renderer tick; at its
	// 120 fps ceiling instead of the default 60 the first frame waits at
	// most ~8 ms for one. An idle tick only compares the view with the last.
	p := tea.NewProgram(watchedModel{Model: m, out: out}, tea.WithContext(ctx),
		tea.WithOutput(out), tea.WithColorProfile(<-profile), tea.WithFPS(120))
	ended := make(chan struct{})
	go func() {
		select {
		case <-out.drawn:
		case <-ended:
			return
		}
		gcpause.Resume()
		if !startedEarly {
			launch() // a failure shows as the engine gone, below
		}
		select {
		case <-eng.Gone():
			p.Quit() // and say why below
		case <-ended:
		}
	}()
	final, err := p.Run()
	close(ended)
	// The engine finishes a run in progress (cancelled, and saved) before
	// it exits; Close waits for that.
	engErr := eng.Close()
	if engErr != nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", engErr)
		return 1
	}
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "Progress saved in %s. Run `make run` (or agentcore-workshop run --workspace %s) to pick up where you left off.\n", w.sess.Dir(), w.sess.Dir())
	if wm, ok := final.(watchedModel); ok {
		if next := wm.Next(eng.Snapshot()); next != "" {
			fmt.Fprintln(stderr, next)
		}
	}
	return 0
}

// workspace is what the front end reads of a workspace before the engine
// runs: its stages as saved, where it lives, and its lock, which the
// engine takes over.
type workspace struct {
	sess           *session.Session
	states         []engine.StageState
	target, region string // region is empty when only the AWS profile knows it
	lock           *os.File
	unlock         func()
}

// openWorkspace opens and locks the workspace r names and reads its stages,
// refusing, before anything is drawn, a workspace in use or one the flags
// would point elsewhere than where its resources live.
func openWorkspace(r runflags.Run) (*workspace, error) {
	// Unsaved: a new workspace's suffix is the engine's to write.
	sess, err := session.OpenUnsaved(r.Workspace)
	if err != nil {
		return nil, err
	}
	lock, unlock, err := sess.LockForChild()
	if err != nil {
		return nil, err
	}
	set, err := place.Resolve(sess.Dir(), place.Given{Target: r.Target, Region: r.Region, Profile: r.Profile, SandboxURL: r.SandboxURL},
		sess.Settings(), place.Live(sess))
	if err == nil {
		err = place.CheckKeys(set, os.Getenv)
	}
	if err != nil {
		unlock()
		return nil, err
	}
	if set.Target == place.Sandbox && set.Region == "" {
		set.Region = place.DefaultSandboxRegion
	}
	// This process holds the lock, so a stage saved as running was left so
	// by a process that died: the runner records it as interrupted, here,
	// as the engine would.
	states := engine.NewRunner(outline.Stages(), sess, engine.Options{}).Snapshot()
	return &workspace{sess: sess, states: states, target: set.Target, region: set.Region, lock: lock, unlock: unlock}, nil
}

// watchedModel is the UI model; it tells out when a frame with the UI's
// real size has been composed, so out can tell when it is written.
type watchedModel struct {
	ui.Model
	out   *frameWatcher
	sized bool
}

func (w watchedModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.WindowSizeMsg); ok {
		w.sized = true
	}
	m, cmd := w.Model.Update(msg)
	w.Model = m.(ui.Model)
	return w, cmd
}

func (w watchedModel) View() tea.View {
	v := w.Model.View()
	if w.sized {
		w.out.composed.Store(true)
	}
	return v
}

// frameWatcher is the terminal Bubble Tea writes to. The first write that
// puts text on the screen after a sized frame was composed is that frame
// going out (Bubble Tea's own writes before it are terminal queries, escape
// sequences only): drawn closes then.
type frameWatcher struct {
	*os.File
	composed atomic.Bool
	done     atomic.Bool
	drawn    chan struct{}
}

func (f *frameWatcher) Write(b []byte) (int, error) {
	n, err := f.File.Write(b)
	if !f.done.Load() && f.composed.Load() && ansi.Strip(string(b[:n])) != "" &&
		f.done.CompareAndSwap(false, true) {
		close(f.drawn)
	}
	return n, err
}

// pageFunc is the UI's source of stage pages in one language. A stage
// the language lacks shows in English (content.Page falls back).
func pageFunc(lang string) ui.PageFunc {
	return func(id string) (string, bool) { return content.Page(lang, id) }
}
