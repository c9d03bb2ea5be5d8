package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// run --headless --force-consent runs the consent stage once more and
// shows a new authorization URL although the vault holds the token; a
// plain headless run after it has nothing left to do up to that stage.
func TestHeadlessForceConsent(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	run := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := realMain(context.Background(), append([]string{"run", "--headless", "--workspace", ws}, args...), &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, out.String(), errb.String())
		}
		return out.String()
	}
	first := run("--until", "oauth-consent", "--sandbox-addr", "127.0.0.1:0")
	if !strings.Contains(first, "oauth-consent]   authorization URL = http") {
		t.Fatalf("the first consent showed no authorization URL:\n%s", first)
	}
	again := run("--force-consent")
	for _, want := range []string{"oauth-consent] started", "forceAuthentication", "oauth-consent]   authorization URL = http", "oauth-consent] succeeded"} {
		if !strings.Contains(again, want) {
			t.Errorf("--force-consent output lacks %q:\n%s", want, again)
		}
	}
	if strings.Contains(again, "invoke-with-token]") {
		t.Errorf("--force-consent ran other stages:\n%s", again)
	}
}

// --force-consent needs --headless (the terminal UI has the n key) and
// runs one stage, so --until makes no sense beside it.
func TestForceConsentFlagRefusals(t *testing.T) {
	for _, args := range [][]string{{"run", "--force-consent"}, {"run", "--headless", "--force-consent", "--until", "write-agent"}} {
		var out, errb bytes.Buffer
		ws := filepath.Join(t.TempDir(), "ws")
		if code := realMain(context.Background(), append(args, "--workspace", ws), &out, &errb); code != 2 || !strings.Contains(errb.String(), "press n") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb.String())
		}
	}
}
