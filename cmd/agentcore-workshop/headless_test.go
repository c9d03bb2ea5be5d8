package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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
