package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/pkg/browser"

	"agentcore-workshop/content"
	"agentcore-workshop/internal/app"
	"agentcore-workshop/ui"
)

// runTUI runs the Bubble Tea front end until the learner quits, showing
// the stage pages in lang (one of content.Languages(); see pageLang).
func runTUI(ctx context.Context, a *app.App, lang string, stderr io.Writer) int {
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		fmt.Fprintln(stderr, errNoTTY)
		return 2
	}
	// The browser launcher writes to stdout and stderr, which would
	// scribble over the UI.
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	m := ui.New(a.Runner, pageFunc(lang), ui.Info{
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

// pageFunc is the UI's source of stage pages in one language. A stage
// the language lacks shows in English (content.Page falls back).
func pageFunc(lang string) ui.PageFunc {
	return func(id string) (string, bool) { return content.Page(lang, id) }
}

// pageLang picks the language of the stage pages. An explicit --lang
// must name a language the binary ships; without one the locale decides,
// the way other programs pick their message language: the first of
// LC_ALL, LC_MESSAGES and LANG that is set, Korean when it names Korean
// ("ko", "ko_KR.UTF-8"), English otherwise. The locale never fails: an
// unknown one just means English.
func pageLang(flagValue string, getenv func(string) string) (string, error) {
	if flagValue != "" {
		lang := strings.ToLower(strings.TrimSpace(flagValue))
		if !slices.Contains(content.Languages(), lang) {
			return "", fmt.Errorf("unknown language %q for --lang: choose one of %s",
				flagValue, strings.Join(content.Languages(), ", "))
		}
		return lang, nil
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		if localeIsKorean(v) && slices.Contains(content.Languages(), "ko") {
			return "ko", nil
		}
		return content.DefaultLang, nil
	}
	return content.DefaultLang, nil
}

// localeIsKorean reports whether a POSIX locale name such as
// "ko_KR.UTF-8" names Korean. It compares the language part, so "kok"
// (Konkani) is not taken for Korean.
func localeIsKorean(locale string) bool {
	l := strings.ToLower(locale)
	return l == "ko" || strings.HasPrefix(l, "ko_") || strings.HasPrefix(l, "ko-") ||
		strings.HasPrefix(l, "ko.") || strings.HasPrefix(l, "ko@")
}
