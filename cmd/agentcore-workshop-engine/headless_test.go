package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestHeadlessUntilWriteAgent(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	var out, errb bytes.Buffer
	code := realMain(context.Background(), []string{"run", "--headless", "--until", "write-agent", "--workspace", ws, "--sandbox-addr", "127.0.0.1:0"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	text := out.String()
	for _, want := range []string{"provision-cognito] succeeded", "write-agent] succeeded", "RUNTIME_POOL_ID = ", "RUNTIME_PASSWORD = ••••••(secret)"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "configure]") {
		t.Errorf("--until write-agent ran further:\n%s", text)
	}
	env, err := os.ReadFile(filepath.Join(ws, ".agentcore_identity_user.env"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(env), "RUNTIME_DISCOVERY_URL=http://127.0.0.1:") {
		t.Errorf("env file:\n%s", env)
	}

	// Running it again resumes: nothing left to run, still success, and no
	// duplicate resources in the ledger.
	out.Reset()
	if code := realMain(context.Background(), []string{"run", "--headless", "--until", "write-agent", "--workspace", ws}, &out, &errb); code != 0 {
		t.Fatalf("second run exit %d: %s %s", code, out.String(), errb.String())
	}
}

// The whole tutorial, headless, as CI runs it: every stage, break-it's
// refusals, the consent completed over HTTP, and nothing left in the
// sandbox at the end.
func TestHeadlessWholeTutorialLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("short: the whole tutorial and a leftover scan")
	}
	ws := filepath.Join(t.TempDir(), "ws")
	var out, errb bytes.Buffer
	code := realMain(context.Background(), []string{"run", "--headless", "--workspace", ws, "--sandbox-addr", "127.0.0.1:0"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	text := out.String()
	ids := []string{"provision-cognito", "write-agent", "configure", "launch", "wait-ready",
		"invoke-unauthenticated", "invoke-with-token", "break-it", "oauth-consent", "machine-to-machine", "foreign-idp", "gateway", "cleanup"}
	for i, id := range ids {
		if want := fmt.Sprintf("[%d/%d %s] succeeded", i+1, len(ids), id); !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// break-it prints one line per experiment: at least seven refusals,
	// then the right token accepted.
	refusals := regexp.MustCompile(`(?m)^\[\d+/\d+ break-it\]   refused [A-Za-z]+Exception: .+$`).FindAllString(text, -1)
	if len(refusals) < 7 {
		t.Errorf("break-it printed %d refusals, want at least 7:\n%s", len(refusals), strings.Join(refusals, "\n"))
	}
	if !regexp.MustCompile(`(?m)^\[\d+/\d+ break-it\]   accepted: the right token: `).MatchString(text) {
		t.Errorf("break-it did not print the right token accepted")
	}
	if !strings.Contains(text, "external profile API") {
		t.Errorf("stage 8 did not reach the external API:\n%s", text)
	}
	if !strings.Contains(text, "provision-cognito] pending again") {
		t.Errorf("cleanup did not make stage 1 pending again:\n%s", text)
	}
	assertWorkspaceClean(t, ws)

	// After cleanup the tutorial can be done again: running up to stage 7
	// re-creates what it needs and invokes the agent for real.
	out.Reset()
	errb.Reset()
	code = realMain(context.Background(), []string{"run", "--headless", "--until", "invoke-with-token", "--workspace", ws}, &out, &errb)
	if code != 0 {
		t.Fatalf("run --until invoke-with-token after cleanup: exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, id := range []string{"provision-cognito", "configure", "launch", "invoke-with-token"} {
		if want := id + "] succeeded"; !strings.Contains(out.String(), want) {
			t.Errorf("second run lacks %q:\n%s", want, out.String())
		}
	}
	if code := realMain(context.Background(), []string{"cleanup", "--workspace", ws}, &out, &errb); code != 0 {
		t.Fatalf("second cleanup: exit %d: %s", code, errb.String())
	}
	assertWorkspaceClean(t, ws)
}

// BenchmarkWholeTutorialHeadless runs every stage headless on a fresh
// workspace with zero sandbox delays. Target: under 5 s.
func BenchmarkWholeTutorialHeadless(b *testing.B) {
	for b.Loop() {
		ws := filepath.Join(b.TempDir(), "ws")
		var out, errb bytes.Buffer
		if code := realMain(context.Background(), []string{"run", "--headless", "--workspace", ws, "--sandbox-addr", "127.0.0.1:0"}, &out, &errb); code != 0 {
			b.Fatalf("exit %d: %s %s", code, out.String(), errb.String())
		}
	}
}
