package ui

import (
	"regexp"
	"strings"
	"testing"
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
