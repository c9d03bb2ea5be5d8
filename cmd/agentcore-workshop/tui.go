package main

import (
	"context"
	"fmt"
	"io"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/pkg/browser"

	"agentcore-workshop/content"
	"agentcore-workshop/internal/app"
	"agentcore-workshop/ui"
)

// runTUI runs the Bubble Tea front end until the learner quits.
func runTUI(ctx context.Context, a *app.App, stderr io.Writer) int {
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		fmt.Fprintln(stderr, errNoTTY)
		return 2
	}
	// The browser launcher writes to stdout and stderr, which would
	// scribble over the UI.
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	page := func(id string) (string, bool) { return content.Page(content.DefaultLang, id) }
	m := ui.New(a.Runner, page, ui.Info{
		Title:     "AgentCore Identity · inbound auth",
		Target:    a.Target,
		Region:    a.Region,
		Workspace: a.Session.Dir(),
	}, ui.WithOpenURL(browser.OpenURL), ui.WithNoColor(os.Getenv("NO_COLOR") != ""))
	_, err := tea.NewProgram(m, tea.WithContext(ctx)).Run()
	if a.Runner.Busy() {
		a.Runner.Cancel()
		a.Runner.Wait()
	}
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "Progress saved in %s. Run `make run` (or agentcore-workshop run --workspace %s) to pick up where you left off.\n", a.Session.Dir(), a.Session.Dir())
	return 0
}
