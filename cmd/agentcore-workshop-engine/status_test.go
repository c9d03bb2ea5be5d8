package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"agentcore-workshop/internal/session"
)

func statusJSON(t *testing.T, ws string) map[string]string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := realMain(context.Background(), []string{"status", "--json", "--workspace", ws}, &out, &errb); code != 0 {
		t.Fatalf("status exit %d: %s", code, errb.String())
	}
	var doc any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out.String())
	}
	got := map[string]string{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if id, ok := v["id"].(string); ok {
				if st, ok := v["status"].(string); ok {
					got[id] = st
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	return got
}

// A facilitator runs `status` while a learner's workshop is in the middle
// of a stage: status must show the stage running and must not write the
// state file under the live process (it used to rewrite the stage as
// "failed: interrupted").
func TestStatusWhileAnotherProcessRunsAStage(t *testing.T) {
	ws, sess, unlock := workspaceMidStage(t)
	before, err := os.ReadFile(sess.StatePath())
	if err != nil {
		t.Fatal(err)
	}
	if got := statusJSON(t, ws)["provision-cognito"]; got != "running" {
		t.Errorf("status during a live run shows %q, want running", got)
	}
	after, err := os.ReadFile(sess.StatePath())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("status rewrote the live workspace's state:\nbefore %s\nafter  %s", before, after)
	}

	// The workshop dies: the lock goes with it, and now the saved
	// "running" is a crash, which status reports as such.
	unlock()
	if got := statusJSON(t, ws)["provision-cognito"]; got != "failed" {
		t.Errorf("status after the process died shows %q, want failed (interrupted)", got)
	}
}

func TestStatusAndResetDoNotCreateAWorkspace(t *testing.T) {
	for _, cmd := range []string{"status", "reset"} {
		ws := filepath.Join(t.TempDir(), "typo")
		var out, errb bytes.Buffer
		if code := realMain(context.Background(), []string{cmd, "--workspace", ws}, &out, &errb); code != 1 {
			t.Errorf("%s on a missing workspace: exit %d, want 1 (stderr %q)", cmd, code, errb.String())
		}
		if _, err := os.Stat(ws); !os.IsNotExist(err) {
			t.Errorf("%s created %s (err %v)", cmd, ws, err)
		}
		if !bytes.Contains(errb.Bytes(), []byte("no workspace at")) {
			t.Errorf("%s stderr: %q", cmd, errb.String())
		}
	}
}

// Positional arguments used to be dropped silently by the flag package:
// `reset launch` reset every stage, and `run --headless launch` ran the
// whole tutorial including cleanup. Each must now be refused, untouched.
func TestStrayArgumentsAreRefused(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.SetStages(map[string]session.StageRecord{"provision-cognito": {Status: "succeeded"}}); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"reset", "--workspace", ws, "configure"},
		{"status", "--workspace", ws, "extra"},
		{"run", "--headless", "--workspace", ws, "--sandbox-addr", "127.0.0.1:0", "launch"},
		{"run", "--until", "launch", "--workspace", ws}, // the UI has no --until
	} {
		var out, errb bytes.Buffer
		if code := realMain(context.Background(), args, &out, &errb); code != 2 {
			t.Errorf("%q: exit %d, want 2 (stdout %q, stderr %q)", args, code, out.String(), errb.String())
		}
		if errb.Len() == 0 {
			t.Errorf("%q: no message on stderr", args)
		}
	}
	if got := statusJSON(t, ws)["provision-cognito"]; got != "succeeded" {
		t.Errorf("after the refused commands stage 1 is %q, want succeeded", got)
	}
}

// workspaceMidStage is a workspace whose workshop is alive in the middle
// of stage 1: the stage is saved as running and the lock is held. unlock
// plays the workshop's death.
func workspaceMidStage(t *testing.T) (ws string, sess *session.Session, unlock func()) {
	t.Helper()
	ws = filepath.Join(t.TempDir(), "ws")
	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.SetStages(map[string]session.StageRecord{"provision-cognito": {Status: "running", StartedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	unlock, err = sess.Lock()
	if err != nil {
		t.Fatal(err)
	}
	return ws, sess, unlock
}
