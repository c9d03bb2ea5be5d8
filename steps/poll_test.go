package steps

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/engine"
)

// fakeClock moves only when waited on: After(d) moves it forward by d and
// fires at once, so a poll runs through all its waits without sleeping and
// the test reads back every pause it took.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func (c *fakeClock) pauses() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.waits)
}

// recorder is a Reporter that keeps what it is told.
type recorder struct {
	mu       sync.Mutex
	logs     []string
	progress []string
}

func (r *recorder) Log(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func (r *recorder) Progress(label string, _, _ int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress = append(r.progress, label)
}

func (r *recorder) Value(Value) {}

func ms(n ...int) []time.Duration {
	out := make([]time.Duration, len(n))
	for i, v := range n {
		out[i] = time.Duration(v) * time.Millisecond
	}
	return out
}

// Pauses double from pollStart up to the maximum; each new status is
// logged once; every round reports progress with the time waited.
func TestPollBacksOffAndReports(t *testing.T) {
	clk, rep := newFakeClock(), &recorder{}
	statuses := []string{"CREATING", "CREATING", "CREATING", "UPDATING", "UPDATING", "UPDATING", "READY"}
	calls := 0
	err := poll(context.Background(), &Env{Clock: clk}, rep, wait{what: "runtime x", max: 300 * time.Millisecond, timeout: time.Minute},
		func(context.Context) (bool, string, error) {
			st := statuses[calls]
			calls++
			return st == "READY", st, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if calls != len(statuses) {
		t.Errorf("check called %d times, want %d", calls, len(statuses))
	}
	if got, want := clk.pauses(), ms(50, 100, 200, 300, 300, 300); !slices.Equal(got, want) {
		t.Errorf("pauses %v, want %v", got, want)
	}
	if want := []string{"runtime x: CREATING", "runtime x: UPDATING"}; !slices.Equal(rep.logs, want) {
		t.Errorf("logs %q, want %q", rep.logs, want)
	}
	if len(rep.progress) != 6 || rep.progress[0] != "waiting for runtime x (CREATING, 0s)" || rep.progress[5] != "waiting for runtime x (UPDATING, 1s)" {
		t.Errorf("progress %q", rep.progress)
	}
}

// The wait ends exactly at the timeout: the last pause is cut to what is
// left, the check runs once more, and the error says what was still seen.
func TestPollGivesUpAtTheTimeout(t *testing.T) {
	clk, rep := newFakeClock(), &recorder{}
	start := clk.Now()
	calls := 0
	err := poll(context.Background(), &Env{Clock: clk}, rep, wait{what: "the build", max: 300 * time.Millisecond, timeout: time.Second},
		func(context.Context) (bool, string, error) { calls++; return false, "IN_PROGRESS", nil })
	var timedOut *waitTimeout
	if !errors.As(err, &timedOut) || err.Error() != "wait for the build: still IN_PROGRESS after 1s" {
		t.Fatalf("err = %v, want a timeout naming the last status", err)
	}
	if got, want := clk.pauses(), ms(50, 100, 200, 300, 300, 50); !slices.Equal(got, want) {
		t.Errorf("pauses %v, want %v", got, want)
	}
	if calls != 7 {
		t.Errorf("check called %d times, want 7 (the last at the timeout)", calls)
	}
	if waited := clk.Now().Sub(start); waited != time.Second {
		t.Errorf("waited %s, want exactly the timeout", waited)
	}
}

func TestPollStopsOnCancelAndOnError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	err := poll(ctx, &Env{Clock: newFakeClock()}, &recorder{}, wait{what: "x", max: time.Second, timeout: time.Hour},
		func(context.Context) (bool, string, error) {
			calls++
			if calls == 2 {
				cancel()
			}
			return false, "", nil
		})
	if !errors.Is(err, context.Canceled) || calls != 2 {
		t.Errorf("cancelled poll: err %v after %d checks, want context.Canceled after 2", err, calls)
	}

	boom := errors.New("boom")
	err = poll(context.Background(), &Env{Clock: newFakeClock()}, &recorder{}, wait{what: "x", max: time.Second, timeout: time.Hour},
		func(context.Context) (bool, string, error) { return false, "", boom })
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "wait for x: ") {
		t.Errorf("failing check: err %v, want boom wrapped with what was awaited", err)
	}
}

func TestPollCountdownShowsTimeLeft(t *testing.T) {
	rep := &recorder{}
	calls := 0
	err := poll(context.Background(), &Env{Clock: newFakeClock()}, rep,
		wait{what: "your consent", first: 200 * time.Millisecond, max: 3 * time.Second, timeout: 10 * time.Minute, countdown: true},
		func(context.Context) (bool, string, error) { calls++; return calls == 3, "", nil })
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"waiting for your consent (10m left)", "waiting for your consent (10m left)"}; !slices.Equal(rep.progress, want) {
		t.Errorf("progress %q, want %q", rep.progress, want)
	}
}

// A Korean learner reads the countdown in Korean, the time too; a wait
// named after an id, which has no translation, keeps its whole line in
// English rather than mix the two.
func TestPollLabelReadsInTheLearnersLanguage(t *testing.T) {
	ko := i18n.For("ko")
	consent := wait{what: "your consent", timeout: 10 * time.Minute, countdown: true}
	if got, want := consent.label(ko, "", 4*time.Minute+55*time.Second+300*time.Millisecond), "동의 대기 중 (남은 시간 5분 5초)"; got != want {
		t.Errorf("consent label %q, want %q", got, want)
	}
	if got, want := consent.label(ko, "", 11*time.Minute), "동의 대기 중 (남은 시간 0초)"; got != want {
		t.Errorf("consent label past the timeout %q, want %q", got, want)
	}
	endpoint := wait{what: "endpoint DEFAULT", timeout: time.Hour}
	if got, want := endpoint.label(ko, "CREATING", 72*time.Second), "DEFAULT 엔드포인트 대기 중 (CREATING, 1분 12초)"; got != want {
		t.Errorf("endpoint label %q, want %q", got, want)
	}
	if got, want := endpoint.label(ko, "not created yet", 3*time.Second), "DEFAULT 엔드포인트 대기 중 (아직 생성되지 않음, 3초)"; got != want {
		t.Errorf("endpoint label %q, want %q", got, want)
	}
	// A subject around an id is translated whole, the id put in.
	runtime := wait{what: "runtime %s to settle", of: "r-1", timeout: time.Hour}
	if got, want := runtime.label(ko, "UPDATING", 72*time.Second), "런타임 r-1 안정화 대기 중 (UPDATING, 1분 12초)"; got != want {
		t.Errorf("runtime wait's label %q, want %q", got, want)
	}
	if got, want := runtime.label(i18n.Printer{}, "UPDATING", 72*time.Second), "waiting for runtime r-1 to settle (UPDATING, 1m 12s)"; got != want {
		t.Errorf("runtime wait's English label %q, want %q", got, want)
	}
	target := wait{what: "target %s to be READY", of: "t-1", timeout: time.Hour}
	if got, want := target.label(ko, "CREATING", 3*time.Second), "게이트웨이 대상 t-1 READY 전환 대기 중 (CREATING, 3초)"; got != want {
		t.Errorf("target wait's label %q, want %q", got, want)
	}
	// Errors and log lines name it in English.
	if got, want := runtime.subject(i18n.Printer{}), "runtime r-1 to settle"; got != want {
		t.Errorf("English subject %q, want %q", got, want)
	}
	// A subject the catalog lacks keeps the whole line English.
	busy := wait{what: "%s to accept the delete", of: "gateway g-1", timeout: time.Hour}
	if got, want := busy.label(ko, "ConflictException", 72*time.Second), "waiting for gateway g-1 to accept the delete (ConflictException, 1m 12s)"; got != want {
		t.Errorf("untranslated wait's label %q, want %q", got, want)
	}
}

func TestRetryWhileIAMPropagates(t *testing.T) {
	notYet := errors.New("InvalidParameterValueException: CodeBuild is not authorized to perform: sts:AssumeRole on arn:aws:iam::1:role/r")
	cases := []struct {
		name   string
		errs   []error // fn's answers in turn; the last repeats
		want   error
		calls  int
		pauses []time.Duration
	}{
		{"usable at once", []error{nil}, nil, 1, nil},
		{"usable after two tries", []error{notYet, notYet, nil}, nil, 3, ms(1000, 2000)},
		{"another error is returned as is", []error{notYet, errors.New("AccessDenied")}, errors.New("AccessDenied"), 2, ms(1000)},
		{"never usable: the last error after 90s", []error{notYet}, notYet, 13, ms(1000, 2000, 4000, 8000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 5000)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			calls := 0
			err := retryWhileIAMPropagates(context.Background(), &Env{Clock: clk}, &recorder{}, func() error {
				e := tc.errs[min(calls, len(tc.errs)-1)]
				calls++
				return e
			})
			if fmt.Sprint(err) != fmt.Sprint(tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if calls != tc.calls {
				t.Errorf("fn called %d times, want %d", calls, tc.calls)
			}
			if got := clk.pauses(); !slices.Equal(got, tc.pauses) {
				t.Errorf("pauses %v, want %v", got, tc.pauses)
			}
		})
	}
}

func TestWaitForCallback(t *testing.T) {
	// It returns once the browser is back, without any agent call: the
	// channel is all it looks at.
	done := make(chan struct{})
	close(done)
	if err := waitForCallback(context.Background(), &Env{Clock: newFakeClock()}, &recorder{}, done); err != nil {
		t.Fatalf("browser back: %v", err)
	}

	clk := newFakeClock()
	start := clk.Now()
	err := waitForCallback(context.Background(), &Env{Clock: clk}, &recorder{}, make(chan struct{}))
	if err == nil || !strings.HasPrefix(err.Error(), "no consent after 10m: ") {
		t.Errorf("err = %v, want the learner told to consent and run the stage again", err)
	}
	if waited := clk.Now().Sub(start); waited != consentTimeout {
		t.Errorf("gave up after %s, want %s", waited, consentTimeout)
	}
}

// The runner stamps a stage's start and end with the Env's clock, the
// same time the stages read.
func TestRunnerUsesTheEnvClock(t *testing.T) {
	sess, err := session.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	clk := newFakeClock()
	env := &Env{Session: sess, Dir: sess.Dir(), Clock: clk}
	stage := engine.Stage{ID: "pause", Title: "Pause", Run: func(ctx context.Context, rep Reporter) (Result, error) {
		<-clk.After(3 * time.Second)
		return Result{}, nil
	}}
	start := clk.Now()
	r := NewRunner(env, []engine.Stage{stage})
	if err := r.Run(context.Background(), "pause"); err != nil {
		t.Fatal(err)
	}
	st := r.Snapshot()[0]
	if !st.StartedAt.Equal(start) || !st.FinishedAt.Equal(start.Add(3*time.Second)) {
		t.Errorf("stage ran %s → %s, want %s → 3s later on the fake clock", st.StartedAt, st.FinishedAt, start)
	}
}

// A timeout names its wait in plain English words, not Go's "20m0s".
func TestWaitTimeoutWordsItsDuration(t *testing.T) {
	if got, want := (&waitTimeout{what: "the build", status: "IN_PROGRESS", after: 20 * time.Minute}).Error(), "wait for the build: still IN_PROGRESS after 20m"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if got, want := (&waitTimeout{what: "gateway g-1 to be READY", after: 90 * time.Second}).Error(), "wait for gateway g-1 to be READY: not done after 1m 30s"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}
