package engine

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"
)

// stagesDAG is a → b → c, a → d, and e on its own: the shape of the
// workshop's Requires (provision → configure → launch…, a manual cleanup).
func stagesDAG() []fake {
	a, b, c, d, e := ok("a"), ok("b"), ok("c"), ok("d"), ok("e")
	b.Requires = []string{"a"}
	c.Requires = []string{"b"}
	d.Requires = []string{"a"}
	return []fake{a, b, c, d, e}
}

func ids(states []StageState) []string {
	var out []string
	for _, s := range states {
		out = append(out, s.ID)
	}
	return out
}

func statuses(r *Runner) map[string]Status {
	out := map[string]Status{}
	for _, s := range r.Snapshot() {
		out[s.ID] = s.Status
	}
	return out
}

func TestDependentsFollowRequiresTransitively(t *testing.T) {
	sess, _ := newSession(t)
	r := newRunner(sess, stagesDAG()...)
	for id, want := range map[string][]string{
		"a": {"a", "b", "c", "d"},
		"b": {"b", "c"},
		"c": {"c"},
		"e": {"e"},
	} {
		got, err := r.Dependents(id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), want) {
			t.Errorf("Dependents(%q) = %v, want %v", id, ids(got), want)
		}
	}
	if _, err := r.Dependents("nope"); err == nil {
		t.Error("Dependents of an unknown stage succeeded")
	}
}

func TestResetTakesDependentsOnlyAndTellsSubscribers(t *testing.T) {
	sess, dir := newSession(t)
	r := newRunner(sess, stagesDAG()...)
	if err := r.RunAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	ch, cancel := r.Subscribe()
	defer cancel()
	if err := r.Reset("b"); err != nil {
		t.Fatal(err)
	}
	want := map[string]Status{"a": Succeeded, "b": Pending, "c": Pending, "d": Succeeded, "e": Succeeded}
	if got := statuses(r); !maps.Equal(got, want) {
		t.Errorf("after Reset(b): %v, want %v", got, want)
	}
	var got []string
	timeout := time.After(5 * time.Second)
	for len(got) < 2 {
		select {
		case e := <-ch:
			if e.Kind == EventReset {
				got = append(got, e.StepID)
			}
		case <-timeout:
			t.Fatalf("reset events: got %v, want b and c", got)
		}
	}
	if !slices.Equal(got, []string{"b", "c"}) {
		t.Errorf("reset events for %v, want [b c]", got)
	}
	reopened := newRunner(openSession(t, dir), stagesDAG()...)
	if got := statuses(reopened); !maps.Equal(got, want) {
		t.Errorf("after reopening: %v, want %v", got, want)
	}
}

// undoer is a stage like cleanup: when it succeeds it reports that it
// undid what stage a built.
func undoer(id string, fail bool) fake {
	f := ok(id)
	f.Run = func(ctx context.Context, rep Reporter) (Result, error) {
		rep.Log("deleting")
		res := Result{Undid: []string{"a"}}
		if fail {
			return res, context.DeadlineExceeded
		}
		return res, nil
	}
	return f
}

func TestASuccessfulUndoMakesTheUndoneStagesPending(t *testing.T) {
	sess, dir := newSession(t)
	stages := append(stagesDAG(), undoer("cleanup", false))
	stages[1].Run = func(ctx context.Context, rep Reporter) (Result, error) {
		rep.Value(Value{Name: "secret", Value: "s3cr3t", Secret: true})
		return Result{}, nil
	}
	r := newRunner(sess, stages...)
	if err := r.RunUntil(context.Background(), "e"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Secret("b", "secret"); err != nil {
		t.Fatalf("secret before cleanup: %v", err)
	}
	if err := r.Run(context.Background(), "cleanup"); err != nil {
		t.Fatal(err)
	}
	want := map[string]Status{"a": Pending, "b": Pending, "c": Pending, "d": Pending, "e": Succeeded, "cleanup": Succeeded}
	if got := statuses(r); !maps.Equal(got, want) {
		t.Errorf("after cleanup: %v, want %v", got, want)
	}
	if _, err := r.Secret("b", "secret"); err == nil {
		t.Error("an undone stage's secret survived")
	}
	reopened := newRunner(openSession(t, dir), append(stagesDAG(), undoer("cleanup", false))...)
	if got := statuses(reopened); !maps.Equal(got, want) {
		t.Errorf("after reopening: %v, want %v", got, want)
	}
	// Running up to c now runs a, b and c again.
	if err := reopened.RunUntil(context.Background(), "c"); err != nil {
		t.Fatalf("run again after cleanup: %v", err)
	}
	if got := statuses(reopened); got["c"] != Succeeded || got["a"] != Succeeded {
		t.Errorf("after running again: %v", got)
	}
}

func TestAFailedUndoLeavesEveryStageAsItWas(t *testing.T) {
	sess, _ := newSession(t)
	r := newRunner(sess, append(stagesDAG(), undoer("cleanup", true))...)
	r.RunAll(context.Background())
	got := statuses(r)
	if got["cleanup"] != Failed {
		t.Fatalf("cleanup = %s, want failed", got["cleanup"])
	}
	for _, id := range []string{"a", "b", "c", "d"} {
		if got[id] != Succeeded {
			t.Errorf("%s = %s after a failed cleanup, want succeeded", id, got[id])
		}
	}
}

// The runner writes a stage's log and progress in the learner's language:
// the format is translated before its arguments go in.
func TestLogAndProgressAreTranslated(t *testing.T) {
	sess, _ := newSession(t)
	s := ok("a")
	s.Run = func(ctx context.Context, rep Reporter) (Result, error) {
		rep.Progress("upload", 1, 2)
		rep.Log("wrote %s", "x.txt")
		return Result{}, nil
	}
	tr := map[string]string{"wrote %s": "%s 작성", "upload": "업로드"}
	r := NewRunner([]Stage{s.stage()}, sess, Options{Translate: func(en string) string {
		if k, ok := tr[en]; ok {
			return k
		}
		return en
	}})
	ch, cancel := r.Subscribe()
	defer cancel()
	go r.Run(context.Background(), "a")
	var line, label string
	for _, e := range collectUntilFinished(t, ch) {
		switch e.Kind {
		case EventLog:
			line = e.Line
		case EventProgress:
			label = e.Label
		}
	}
	if line != "x.txt 작성" || label != "업로드" {
		t.Errorf("log %q, progress %q", line, label)
	}
}

func collectUntilFinished(t *testing.T, ch <-chan Event) []Event {
	t.Helper()
	var out []Event
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e := <-ch:
			out = append(out, e)
			if e.Kind == EventFinished {
				return out
			}
		case <-timeout:
			t.Fatalf("no Finished; got %v", kinds(out))
		}
	}
}
