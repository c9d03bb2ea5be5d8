package room_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"agentcore-workshop/internal/roomapi"
	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/sandboxtest"
)

type env struct {
	sb    *sandbox.Sandbox
	clk   *clock.Fake
	send  *roomapi.Sender
	ctx   context.Context
	dir   string
	board func(t *testing.T) roomapi.Board
}

func start(t *testing.T, dir string) *env {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	return newEnv(sandboxtest.Start(t, sandbox.Config{Clock: clk, StateDir: dir}), clk, dir)
}

// startOwned is start for a test that closes the sandbox itself.
func startOwned(t *testing.T, dir string) *env {
	t.Helper()
	clk := clock.NewFake(time.Now().Truncate(time.Second))
	sb, err := sandbox.Start(context.Background(), sandbox.Config{Addr: "127.0.0.1:0", Clock: clk, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return newEnv(sb, clk, dir)
}

func newEnv(sb *sandbox.Sandbox, clk *clock.Fake, dir string) *env {
	e := &env{sb: sb, clk: clk, ctx: context.Background(), dir: dir,
		send: &roomapi.Sender{Endpoint: sb.URL, Region: sb.Region,
			Credentials: credentials.NewStaticCredentialsProvider(sb.Credentials.AccessKeyID, sb.Credentials.SecretAccessKey, "")}}
	e.board = func(t *testing.T) roomapi.Board {
		t.Helper()
		b, err := roomapi.FetchBoard(e.ctx, http.DefaultClient, sb.URL, sb.Room().Key())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return e
}

func (e *env) report(t *testing.T, r roomapi.Report) {
	t.Helper()
	if err := e.send.Send(e.ctx, r); err != nil {
		t.Fatalf("report %+v: %v", r, err)
	}
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b), resp.Header
}

func alice(stage string, index int) roomapi.Report {
	return roomapi.Report{Learner: "alice@laptop", Stage: stage, StageTitle: "Stage " + stage, StageIndex: index, Stages: 13, Status: roomapi.StatusRunning}
}

// Without the facilitator key, or with a wrong one, every read of the room
// is 401; with it, the page already holds the learners' rows.
func TestRoomNeedsTheKey(t *testing.T) {
	e := start(t, "")
	e.report(t, alice("configure", 3))
	key := e.sb.Room().Key()
	if len(key) < 32 {
		t.Fatalf("key %q is short", key)
	}
	for _, path := range []string{roomapi.PagePath, roomapi.EventsPath, roomapi.BoardPath} {
		for _, q := range []string{"", "?key=", "?key=" + key[:len(key)-1], "?key=" + key + "x", "?key=" + strings.ToUpper(key)} {
			if status, body, _ := get(t, e.sb.URL+path+q); status != http.StatusUnauthorized || strings.Contains(body, "alice") {
				t.Errorf("GET %s%s: HTTP %d %q", path, q, status, body)
			}
		}
	}
	status, page, hdr := get(t, e.sb.Room().URL())
	if status != http.StatusOK || !strings.Contains(page, `data-learner="alice@laptop"`) || !strings.Contains(page, "3/13 Stage configure") {
		t.Fatalf("room page: HTTP %d\n%s", status, page)
	}
	if hdr.Get("X-Frame-Options") != "DENY" || hdr.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(hdr.Get("Content-Security-Policy"), "script-src 'nonce-") {
		t.Errorf("room page headers: %v", hdr)
	}
}

// Reports must be signed with the sandbox's keys: an unsigned or
// wrongly signed report changes nothing.
func TestReportsMustBeSigned(t *testing.T) {
	e := start(t, "")
	body := `{"learner":"mallory","stage":"configure","stageIndex":3,"stages":13,"status":"running"}`
	resp, err := http.Post(e.sb.URL+roomapi.ReportPath, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Errorf("unsigned report: HTTP %d", resp.StatusCode)
	}
	bad := *e.send
	bad.Credentials = credentials.NewStaticCredentialsProvider(e.sb.Credentials.AccessKeyID, "not-the-secret", "")
	if err := bad.Send(e.ctx, roomapi.Report{Learner: "mallory", Stage: "configure", Status: roomapi.StatusRunning}); err == nil {
		t.Error("a report signed with a wrong secret was taken")
	}
	if n := len(e.board(t).Learners); n != 0 {
		t.Fatalf("%d learners on the board after refused reports", n)
	}
}

// The board counts learners per stage, and flags a learner stuck after 3
// minutes on a stage, or 2 minutes waiting for consent.
func TestBoardCountsAndStuckFlags(t *testing.T) {
	e := start(t, "")
	reps := []roomapi.Report{
		alice("configure", 3),
		{Learner: "bob", Stage: "configure", StageIndex: 3, Stages: 13, Status: roomapi.StatusFailed,
			OnStageSeconds: 170, LastError: "ConflictException: exists", Hint: "run cleanup"},
		{Learner: "carol", Stage: "oauth-consent", StageIndex: 9, Stages: 13, Status: roomapi.StatusRunning,
			OnStageSeconds: 100, WaitingConsent: true, WaitingSeconds: 100},
		{Learner: "dave", Stage: "cleanup", StageIndex: 13, Stages: 13, Status: roomapi.StatusDone, OnStageSeconds: 900},
	}
	for _, r := range reps {
		e.report(t, r)
	}
	// beat lets d pass as the learners' workshops do: a report from each
	// every 20 s, its times on the stage and on the consent moved on.
	beat := func(d time.Duration) {
		t.Helper()
		for step := min(d, 20*time.Second); d > 0; d -= step {
			step = min(step, d)
			e.clk.Advance(step)
			for i := range reps {
				reps[i].OnStageSeconds += step.Seconds()
				if reps[i].WaitingConsent {
					reps[i].WaitingSeconds += step.Seconds()
				}
				e.report(t, reps[i])
			}
		}
	}
	b := e.board(t)
	want := []roomapi.StageCount{{Index: 3, Stage: "configure", Title: "Stage configure", Learners: 2}, {Index: 9, Stage: "oauth-consent", Learners: 1}, {Index: 13, Stage: "cleanup", Learners: 1}}
	if fmt.Sprint(b.Stages) != fmt.Sprint(want) {
		t.Fatalf("stages %+v, want %+v", b.Stages, want)
	}
	stuck := func(b roomapi.Board) string {
		var s []string
		for _, r := range b.Learners {
			if r.Stuck {
				s = append(s, r.Name+": "+r.StuckWhy)
			}
		}
		return strings.Join(s, "; ")
	}
	if s := stuck(b); s != "" {
		t.Fatalf("stuck at once: %s", s)
	}
	beat(21 * time.Second) // carol 2m01s waiting, bob 3m11s on configure
	if s, want := stuck(e.board(t)), "bob: on this stage for 3m11s; carol: waiting for consent for 2m01s"; s != want {
		t.Fatalf("stuck = %q, want %q", s, want)
	}
	beat(160 * time.Second) // alice 3m01s; dave finished, never stuck
	b = e.board(t)
	if s, want := stuck(b), "alice@laptop: on this stage for 3m01s; bob: on this stage for 5m51s; carol: waiting for consent for 4m41s"; s != want {
		t.Fatalf("stuck = %q, want %q", s, want)
	}
	if b.Stages[0].Stuck != 2 {
		t.Errorf("configure counts %d stuck, want 2", b.Stages[0].Stuck)
	}
	// A new report on a new stage clears the flag.
	reps[0] = alice("launch", 4)
	e.report(t, reps[0])
	if s := stuck(e.board(t)); strings.Contains(s, "alice") {
		t.Errorf("alice moved on but is still stuck: %s", s)
	}
	// A learner silent for over a minute has closed the workshop: away,
	// not stuck.
	e.clk.Advance(61 * time.Second)
	e.report(t, reps[0])
	for _, r := range e.board(t).Learners {
		if r.Away != (r.Name != "alice@laptop") || (r.Away && r.Stuck) {
			t.Errorf("%s: away %v, stuck %v (last seen %v ago)", r.Name, r.Away, r.Stuck, r.LastSeen)
		}
	}
	if _, page, _ := get(t, e.sb.Room().URL()); !strings.Contains(page, "away (last seen 1m01s ago)") {
		t.Error("the page does not say who is away")
	}
}

// Reports are bounded: over MaxReportBytes refused, fields cut, bad
// statuses and nameless reports refused, markup shown as text.
func TestReportsAreBounded(t *testing.T) {
	e := start(t, "")
	huge := alice("configure", 3)
	huge.LastError = strings.Repeat("x", roomapi.MaxReportBytes)
	if err := e.send.Send(e.ctx, huge); err == nil {
		t.Error("a report over the size limit was taken")
	}
	long := alice("configure", 3)
	long.Learner = strings.Repeat("n", 500)
	long.LastError = strings.Repeat("e", 1000)
	long.Hint = `<script>alert(1)</script>` + strings.Repeat("h", 1000)
	e.report(t, long)
	for _, bad := range []roomapi.Report{{Stage: "x", Status: roomapi.StatusRunning}, {Learner: "x", Status: roomapi.StatusRunning}, {Learner: "x", Stage: "y", Status: "hacking"}} {
		if err := e.send.Send(e.ctx, bad); err == nil || !strings.Contains(err.Error(), "400") {
			t.Errorf("report %+v: %v, want HTTP 400", bad, err)
		}
	}
	b := e.board(t)
	if len(b.Learners) != 1 {
		t.Fatalf("%d learners", len(b.Learners))
	}
	r := b.Learners[0]
	if n := len([]rune(r.Name)); n != roomapi.MaxNameLen {
		t.Errorf("name is %d characters, want %d", n, roomapi.MaxNameLen)
	}
	if len([]rune(r.LastError)) != roomapi.MaxErrorLen || len([]rune(r.Hint)) != roomapi.MaxHintLen {
		t.Errorf("error %d, hint %d characters", len([]rune(r.LastError)), len([]rune(r.Hint)))
	}
	_, page, _ := get(t, e.sb.Room().URL())
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("a learner's markup reached the page unescaped")
	}
}

// The room remembers at most DefaultMaxLearners; a full room makes way
// only for learners silent long enough.
func TestLearnersAreBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("short: sends 500 signed reports")
	}
	e := start(t, "")
	const max = 500 // room.DefaultMaxLearners
	for i := range max {
		e.report(t, roomapi.Report{Learner: fmt.Sprintf("l%03d", i), Stage: "configure", StageIndex: 3, Stages: 13, Status: roomapi.StatusReady})
	}
	err := e.send.Send(e.ctx, roomapi.Report{Learner: "late", Stage: "configure", StageIndex: 3, Stages: 13, Status: roomapi.StatusReady})
	if err == nil || !strings.Contains(err.Error(), "429") {
		t.Fatalf("report past the bound: %v, want HTTP 429", err)
	}
	b := e.board(t)
	if len(b.Learners) != max || !b.Full {
		t.Fatalf("%d learners, full %v", len(b.Learners), b.Full)
	}
	e.report(t, roomapi.Report{Learner: "l001", Stage: "launch", StageIndex: 4, Stages: 13, Status: roomapi.StatusRunning}) // known learners still report
	e.clk.Advance(16 * time.Minute)
	e.report(t, roomapi.Report{Learner: "late", Stage: "configure", StageIndex: 3, Stages: 13, Status: roomapi.StatusReady})
	if n := len(e.board(t).Learners); n != max {
		t.Fatalf("%d learners after a silent one made way", n)
	}
}

// The key survives a restart on the same state: the printed room URL
// stays valid.
func TestKeyPersists(t *testing.T) {
	dir := t.TempDir()
	first := startOwned(t, dir)
	key := first.sb.Room().Key()
	if err := first.sb.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if again := start(t, dir); again.sb.Room().Key() != key {
		t.Fatal("the facilitator key changed across a restart")
	}
	if other := start(t, ""); other.sb.Room().Key() == key {
		t.Fatal("two sandboxes share a facilitator key")
	}
}

// readEvent reads one server-sent event's data.
func readEvent(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	var data bytes.Buffer
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("read event: %v", err)
		}
		line = strings.TrimRight(line, "\n")
		if line == "" {
			return data.String()
		}
		if d, ok := strings.CutPrefix(line, "data: "); ok {
			data.WriteString(d + "\n")
		}
	}
}

// The events stream sends the board at once and again on every report;
// watchers are bounded; the sandbox's shutdown ends the streams.
func TestEventsFollowReports(t *testing.T) {
	e := startOwned(t, t.TempDir())
	events := e.sb.URL + roomapi.EventsPath + "?key=" + e.sb.Room().Key()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, events, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	if first := readEvent(t, r); !strings.Contains(first, "No learner has reported yet") {
		t.Fatalf("first event:\n%s", first)
	}
	e.report(t, alice("configure", 3))
	if next := readEvent(t, r); !strings.Contains(next, `data-learner="alice@laptop"`) {
		t.Fatalf("event after a report:\n%s", next)
	}

	// 31 more watchers fill the room's 32; the 33rd is turned away.
	var open []*http.Response
	defer func() {
		for _, o := range open {
			o.Body.Close()
		}
	}()
	for i := range 32 {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, events, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, resp)
		if want := http.StatusOK; i == 31 {
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("watcher 33: HTTP %d, want 503", resp.StatusCode)
			}
		} else if resp.StatusCode != want {
			t.Fatalf("watcher %d: HTTP %d", i+2, resp.StatusCode)
		}
	}

	// Closing the sandbox ends every stream promptly.
	closed := make(chan error, 1)
	go func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		closed <- e.sb.Close(c)
	}()
	if _, err := io.Copy(io.Discard, r); err != nil {
		t.Fatalf("stream did not end cleanly: %v", err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("close with live pages: %v", err)
	}
}
