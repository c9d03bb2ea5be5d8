package engine

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestApplyFollowsARun(t *testing.T) {
	t0 := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	stages := []StageState{
		{Index: 1, ID: "a", Title: "A", Status: Succeeded},
		{Index: 2, ID: "b", Title: "B", Status: Failed, Err: "boom", Result: Result{Values: []Value{{Name: "old", Value: "1"}}}},
		{Index: 3, ID: "c", Title: "C", Status: Succeeded},
		{Index: 4, ID: "d", Title: "D", Status: Pending},
	}
	events := []Event{
		{Kind: EventStarted, StepID: "b", RunID: 3, Time: t0},
		{Kind: EventLog, StepID: "b", RunID: 3, Line: "hello"},
		{Kind: EventProgress, StepID: "b", RunID: 3, Label: "polling", Done: 5, Total: 4},
		{Kind: EventValue, StepID: "b", RunID: 3, Value: &Value{Name: "id", Value: "x1"}},
		{Kind: EventValue, StepID: "b", RunID: 3, Value: &Value{Name: "pw", Value: "leak", Secret: true}},
		{Kind: EventValue, StepID: "b", RunID: 3, Value: &Value{Name: "id", Value: "x2"}},
	}
	for _, e := range events {
		if i := Apply(stages, e); i != 1 {
			t.Fatalf("Apply(%s) = %d, want 1", e.Kind, i)
		}
	}
	b := stages[1]
	if b.Status != Running || !b.StartedAt.Equal(t0) || b.Err != "" || b.RunID != 3 || b.Progress != "polling (4/4)" {
		t.Errorf("running b = %+v", b)
	}
	if want := []Value{{Name: "id", Value: "x2"}, {Name: "pw", Secret: true}}; !slices.Equal(b.Result.Values, want) {
		t.Errorf("values = %+v, want %+v (replaced by name, secret blank, the old run's gone)", b.Result.Values, want)
	}
	if !stages[2].Stale || stages[0].Stale || stages[3].Stale {
		t.Errorf("stale marks a=%v c=%v d=%v, want only the later success c", stages[0].Stale, stages[2].Stale, stages[3].Stale)
	}

	// A late event of an older run, another workshop's stage, and the
	// queue's end change nothing.
	for _, e := range []Event{
		{Kind: EventFinished, StepID: "b", RunID: 2, Status: Failed, Err: "cancelled"},
		{Kind: EventStarted, StepID: "zzz", RunID: 9},
		{Kind: EventQueueDone, StepID: "b", RunID: 3, Status: Failed},
	} {
		before := stages[1]
		if i := Apply(stages, e); i != -1 {
			t.Errorf("Apply(%+v) = %d, want -1", e, i)
		}
		if stages[1].Status != before.Status || stages[1].Err != before.Err {
			t.Errorf("%s changed b: %+v", e.Kind, stages[1])
		}
	}

	fin := Event{Kind: EventFinished, StepID: "b", RunID: 3, Time: t0.Add(2 * time.Second), Status: Succeeded,
		Elapsed: 2 * time.Second, Result: &Result{Values: []Value{{Name: "id", Value: "x2"}, {Name: "url", Value: "http://x", Kind: KindURL}}}}
	Apply(stages, fin)
	Apply(stages, fin) // replayed over a snapshot that has it: no change
	b = stages[1]
	if b.Status != Succeeded || b.Elapsed != 2*time.Second || !b.FinishedAt.Equal(fin.Time) || b.Progress != "" || len(b.Result.Values) != 2 {
		t.Errorf("finished b = %+v", b)
	}
	fin.Result.Values[0].Value = "changed"
	if v, _ := b.Result.Get("id"); v.Value != "x2" {
		t.Error("the state shares the event's result")
	}
}

func TestFormatElapsed(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                       "0ms",
		35 * time.Millisecond:   "35ms",
		400 * time.Millisecond:  "0.4s",
		1234 * time.Millisecond: "1.2s",
		3 * time.Second:         "3s",
		12 * time.Second:        "12s",
		101 * time.Second:       "1m41s",
		185 * time.Second:       "3m05s",
		62 * time.Minute:        "1h02m",
	} {
		if got := FormatElapsed(d); got != want {
			t.Errorf("FormatElapsed(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestFormatProgress(t *testing.T) {
	for _, c := range []struct {
		done, total int
		want        string
	}{{2, 4, "build (2/4)"}, {5, 4, "build (4/4)"}, {3, 0, "build (3)"}, {0, 0, "build"}} {
		if got := FormatProgress("build", c.done, c.total); got != c.want {
			t.Errorf("FormatProgress(%d, %d) = %q, want %q", c.done, c.total, got, c.want)
		}
	}
}

func TestResume(t *testing.T) {
	st := func(ss ...Status) []StageState {
		out := make([]StageState, len(ss))
		for i, s := range ss {
			out[i] = StageState{Index: i + 1, ID: fmt.Sprint(i), Status: s}
		}
		return out
	}
	stale := st(Succeeded, Succeeded, Succeeded)
	stale[1].Stale = true
	for _, tc := range []struct {
		name   string
		stages []StageState
		want   int
	}{
		{"empty", nil, -1},
		{"fresh", st(Pending, Pending), 0},
		{"next pending", st(Succeeded, Pending, Pending), 1},
		{"failed before pending", st(Succeeded, Pending, Failed), 2},
		{"running first", st(Failed, Running), 1},
		{"stale", stale, 1},
		{"all done", st(Succeeded, Succeeded), -1},
	} {
		if got := Resume(tc.stages); got != tc.want {
			t.Errorf("%s: Resume = %d, want %d", tc.name, got, tc.want)
		}
	}
}
