package ui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"time"
)

// sgrColour matches a 256-colour foreground, the way chroma's terminal256
// formatter colours tokens.
var sgrColour = regexp.MustCompile(`\x1b\[(?:[0-9;]*;)?38;5;([0-9]+)m`)

// Code blocks are highlighted by chroma, whose lexers and styles load on
// first use (third_party/chroma): a first render must find them. Keywords,
// names and literals get colours of their own, so a highlighted block shows
// several.
func TestMarkdownHighlightsCodeOnFirstUse(t *testing.T) {
	c := newMDCache(nil)
	for _, tc := range []struct{ name, md string }{
		{"python", codeMarkdown("agent.py", "import os\n\ndef handler(event):\n    return {\"ok\": 1}\n")},
		{"dockerfile", codeMarkdown("Dockerfile", "FROM python:3.12-slim\nRUN pip install boto3\n")},
		{"json", codeMarkdown("policy.json", "{\"Version\": \"2012-10-17\", \"Statement\": []}\n")},
	} {
		out, err := c.render(renderKey{Text: tc.name, Width: 80, Style: "dark"}, tc.md)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		colours := map[string]bool{}
		for _, m := range sgrColour.FindAllStringSubmatch(out, -1) {
			colours[m[1]] = true
		}
		if len(colours) < 3 {
			t.Errorf("%s: %d distinct colours, want a highlighted block:\n%q", tc.name, len(colours), out)
		}
	}
	// An unknown language still renders its text.
	out, err := c.render(renderKey{Text: "plain", Width: 80, Style: "dark"}, "```nosuchlang\nkeep me\n```\n")
	if err != nil || !strings.Contains(out, "keep me") {
		t.Fatalf("unknown language: %q, %v", out, err)
	}
}

// With WithRenderAfter, nothing renders before the gate opens, and the
// first render after it is the one asked for.
func TestRenderWaitsForTheFirstFrame(t *testing.T) {
	ready := make(chan struct{})
	c := newMDCache(ready)
	k := renderKey{Text: "page", Width: 40, Style: "notty"}
	done := make(chan string, 1)
	go func() {
		out, _ := c.render(k, "# Title\n\nsome text\n")
		done <- out
	}()
	select {
	case out := <-done:
		t.Fatalf("rendered before the first frame: %q", out)
	case <-time.After(100 * time.Millisecond):
	}
	close(ready)
	if out := <-done; !strings.Contains(out, "some text") {
		t.Fatalf("render after the gate opened: %q", out)
	}
}

// Under NO_COLOR a page reads as prose: no **, no leading #, no ~~, and
// no escape sequence either.
func TestNoColorPagesShowNoMarkdownMarkers(t *testing.T) {
	c := newMDCache(nil)
	md := "# Title\n\n## What this stage does\n\nThis is **important** and *subtle*, not ~~wrong~~. Run `make run`.\n"
	out, err := c.render(renderKey{Text: "page", Width: 80, Style: "notty"}, md)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("NO_COLOR page has escape sequences: %q", out)
	}
	plain := ansi.Strip(out)
	for _, marker := range []string{"**", "~~", "# ", "*subtle*"} {
		if strings.Contains(plain, marker) {
			t.Errorf("rendered page keeps %q:\n%s", marker, plain)
		}
	}
	for _, want := range []string{"Title", "What this stage does", "important", "subtle", "make run"} {
		if !strings.Contains(plain, want) {
			t.Errorf("rendered page lacks %q:\n%s", want, plain)
		}
	}
}
