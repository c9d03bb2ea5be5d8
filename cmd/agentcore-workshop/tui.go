package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/pkg/browser"

	"agentcore-workshop/content"
	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/doctor"
	"agentcore-workshop/internal/gcpause"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/outline"
	"agentcore-workshop/ui"
)

// tuiOptions are the run command's choices for the terminal UI.
type tuiOptions struct {
	lang        string // the stage pages' language: one of content.Languages(); see runflags.PageLang
	facilitator bool   // show the pages' facilitator notes from the start
}

// runTUI opens the workspace and runs the Bubble Tea front end until the
// learner quits, showing the stage pages in t.lang.
//
// The stage list is drawn before the target is reached: the workspace is
// opened locally, the first frame goes out, and only then does the embedded
// sandbox start, the AWS clients get built and the selected page render
// (a stage started before that waits for the connection). The garbage
// collector, paused since the program started (see gcpause), resumes then
// too. If connecting fails, the UI closes and says why, as it
// would have before opening.
func runTUI(ctx context.Context, o app.Options, t tuiOptions, stderr io.Writer) int {
	defer gcpause.Resume() // if no frame was ever drawn
	if os.Getenv("TERM") == "dumb" {
		fmt.Fprintln(stderr, errDumbTerminal)
		return 2
	}
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		fmt.Fprintln(stderr, errNoTTY)
		return 2
	}
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

	a, err := app.OpenLocal(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 1
	}
	defer a.Close(context.Background())
	installTestPause(a) // test-only; see testpause.go
	if a.Region == "" {
		// AWS with the region left to the profile: the header shows it, so
		// load the configuration first.
		if err := a.Connect(ctx); err != nil {
			fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
			return 1
		}
	}
	conn := a.ConnectLater(ctx)

	// The browser launcher writes to stdout and stderr, which would
	// scribble over the UI.
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	out := &frameWatcher{File: os.Stdout, drawn: make(chan struct{})}
	opts := []ui.Option{ui.WithOpenURL(browser.OpenURL), ui.WithNoColor(os.Getenv("NO_COLOR") != ""),
		ui.WithRenderAfter(out.drawn), ui.WithFacilitatorNotes(t.facilitator), ui.WithLang(t.lang),
		ui.WithTryToken(func(ctx context.Context, token string) (string, error) {
			if err := conn.Wait(); err != nil {
				return "", err
			}
			_, why, err := steps.TryToken(ctx, a.Env, token)
			return why, err
		}),
		ui.WithFreshConsent(outline.OAuthConsentID, func() error {
			if err := conn.Wait(); err != nil {
				return err
			}
			withdraw := a.Env.AskFreshConsent()
			if err := a.Runner.Start(outline.OAuthConsentID); err != nil {
				withdraw() // the run did not start: nothing stays asked
				return err
			}
			return nil
		})}
	if a.Target == cloud.AWS {
		opts = append(opts, ui.WithExpectedTimes(outline.TypicalOnAWS), // the sandbox's times are measured
			preflight(ctx, a, conn)) // doctor's checks above stage 1
	}
	m := ui.New(connectingEngine{Engine: a.Runner, conn: conn}, pageFunc(t.lang), ui.Info{
		Title:     i18n.M("AgentCore Identity · inbound auth"),
		Target:    a.Target,
		Region:    a.Region,
		Workspace: a.Session.Dir(),
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
		if conn.Wait() != nil {
			p.Quit() // and say why below
		}
	}()
	final, err := p.Run()
	close(ended)
	connErr := conn.Abandon()
	if a.Runner.Busy() {
		a.Runner.Cancel()
		a.Runner.Wait()
	}
	if connErr != nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", connErr)
		return 1
	}
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "Progress saved in %s. Run `make run` (or agentcore-workshop run --workspace %s) to pick up where you left off.\n", a.Session.Dir(), a.Session.Dir())
	if wm, ok := final.(watchedModel); ok {
		if next := wm.Next(a.Runner.Snapshot()); next != "" {
			fmt.Fprintln(stderr, next)
		}
	}
	return 0
}

// preflight shows doctor's checks above stage 1 (on the AWS target), once
// connected (a failed connection closes the UI and says why instead).
func preflight(ctx context.Context, a *app.App, conn *app.Connection) ui.Option {
	return ui.WithPreflight(func() string {
		if conn.Wait() != nil {
			return ""
		}
		return doctor.Markdown(doctor.Run(ctx, a.Env.Cloud, a.Env.Model, i18n.For(a.Env.Lang)))
	})
}

// connectingEngine is the runner as the UI sees it while the app is still
// connecting: starting a stage waits for the connection (the UI calls
// Start from a Cmd, never from Update), and fails with its error.
type connectingEngine struct {
	ui.Engine
	conn *app.Connection
}

func (e connectingEngine) Start(id string) error {
	if err := e.conn.Wait(); err != nil {
		return err
	}
	return e.Engine.Start(id)
}

func (e connectingEngine) StartAll() error {
	if err := e.conn.Wait(); err != nil {
		return err
	}
	return e.Engine.StartAll()
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
