package engine

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"agentcore-workshop/internal/session"
)

// A stage's log is kept in the workspace and a new runner over the same
// workspace (a restarted workshop) returns the last run's lines, and only
// them.
func TestKeptLogSurvivesANewRunner(t *testing.T) {
	sess, dir := newSession(t)
	n := 0
	talk := ok("talk")
	talk.Run = func(_ context.Context, rep Reporter) (Result, error) {
		n++
		rep.Log("run %d: first line", n)
		rep.Log("run %d: second line", n)
		return Result{}, nil
	}
	r := NewRunner([]Stage{talk.stage()}, sess, Options{})
	for range 2 {
		if err := r.Run(context.Background(), "talk"); err != nil {
			t.Fatal(err)
		}
	}
	again := NewRunner([]Stage{talk.stage()}, openSession(t, dir), Options{ReadOnly: true})
	got, err := again.LastLog("talk")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"run 2: first line", "run 2: second line"}; !slices.Equal(got, want) {
		t.Errorf("last log after a restart = %q, want %q", got, want)
	}
	// Append-only: the first run's lines are still in the file.
	all, err := openSession(t, dir).StageLog("talk")
	if err != nil || len(all) != 4 || all[0].Line != "run 1: first line" {
		t.Errorf("kept log = %+v, %v; want all four lines, oldest first", all, err)
	}
	if _, err := again.LastLog("nope"); err == nil {
		t.Error("LastLog of an unknown stage did not fail")
	}
}

// An expected error's note is kept as well: stage 6's refusal is the line
// that teaches.
func TestKeptLogHoldsTheExpectedErrorNote(t *testing.T) {
	sess, dir := newSession(t)
	refuse := ok("refuse")
	refuse.Expect = &Expectation{What: "a refusal", Matches: func(error) bool { return true }}
	refuse.Run = func(context.Context, Reporter) (Result, error) {
		return Result{}, os.ErrPermission
	}
	r := NewRunner([]Stage{refuse.stage()}, sess, Options{})
	if err := r.Run(context.Background(), "refuse"); err != nil {
		t.Fatal(err)
	}
	got, _ := NewRunner([]Stage{refuse.stage()}, openSession(t, dir), Options{}).LastLog("refuse")
	if len(got) != 1 || !strings.Contains(got[0], "got the expected error: permission denied") {
		t.Errorf("kept log = %q", got)
	}
}

// Any secret value the workspace holds is redacted in the kept log, even
// when another stage logs it; the live line is what the stage wrote.
func TestKeptLogRedactsSecrets(t *testing.T) {
	sess, dir := newSession(t)
	const secret = "s3cret-client-value-42"
	mint := ok("mint")
	mint.Run = func(_ context.Context, rep Reporter) (Result, error) {
		rep.Value(Value{Name: "client secret", Value: secret, Secret: true})
		rep.Log("minted a client secret")
		return Result{}, nil
	}
	leak := ok("leak")
	leak.Run = func(_ context.Context, rep Reporter) (Result, error) {
		rep.Log("calling with secret=%s and again %s.", secret, secret)
		return Result{}, nil
	}
	var workshopLog bytes.Buffer
	r := NewRunner([]Stage{mint.stage(), leak.stage()}, sess, Options{Log: slog.New(slog.NewTextHandler(&workshopLog, nil))})
	events, stop := r.Subscribe()
	if err := r.RunAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	stop()
	live := ""
	for e := range events {
		if e.Kind == EventLog && e.StepID == "leak" {
			live = e.Line
		}
	}
	if !strings.Contains(live, secret) {
		t.Errorf("live line %q lost what the stage wrote", live)
	}
	got, _ := r.LastLog("leak")
	if want := "calling with secret=[redacted] and again [redacted]."; len(got) != 1 || got[0] != want {
		t.Errorf("kept line = %q, want %q", got, want)
	}
	raw, err := os.ReadFile(filepath.Join(dir, session.LogsDir, "leak.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), secret) {
		t.Errorf("the secret is on disk in the kept log:\n%s", raw)
	}
	if !strings.Contains(workshopLog.String(), "calling with secret=[redacted]") {
		t.Errorf("the workshop log lacks the redacted line:\n%s", workshopLog.String())
	}
	if strings.Contains(workshopLog.String(), secret) {
		t.Errorf("the secret is in the workshop log:\n%s", workshopLog.String())
	}
}

// Cancelled is saved as a status of its own, and a workspace saved before
// it was (failed, "cancelled") loads as cancelled.
func TestCancelledIsSavedAndOldWorkspacesLoad(t *testing.T) {
	sess, dir := newSession(t)
	if err := sess.SetStages(map[string]session.StageRecord{
		"old": {Status: string(Failed), Err: ErrMsgCancelled},
		"new": {Status: string(Cancelled), Err: ErrMsgCancelled},
		"bad": {Status: string(Failed), Err: "boom"},
	}); err != nil {
		t.Fatal(err)
	}
	r := NewRunner([]Stage{ok("old").stage(), ok("new").stage(), ok("bad").stage()}, openSession(t, dir), Options{})
	snap := r.Snapshot()
	if snap[0].Status != Cancelled || snap[1].Status != Cancelled || snap[2].Status != Failed {
		t.Errorf("loaded %s, %s, %s; want cancelled, cancelled, failed", snap[0].Status, snap[1].Status, snap[2].Status)
	}
	if Resume(snap) != 0 {
		t.Errorf("resume at %d, want the cancelled stage 0", Resume(snap))
	}
}
