package headless

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/engine"
)

type fake struct {
	id, title string
	requires  []string
	run       func(ctx context.Context, rep engine.Reporter) (engine.Result, error)
}

func (f fake) stage() engine.Stage {
	run := f.run
	if run == nil {
		run = func(context.Context, engine.Reporter) (engine.Result, error) { return engine.Result{}, nil }
	}
	return engine.Stage{ID: f.id, Title: f.title, Requires: f.requires, Run: run}
}

// expecting is stage 6: it passes on the refusal.
func expecting(f fake) engine.Stage {
	s := f.stage()
	s.Expect = &engine.Expectation{Matches: func(err error) bool {
		return err != nil && strings.Contains(err.Error(), "Authorization method mismatch")
	}}
	return s
}

func runnerOf(t *testing.T, list ...engine.Stage) *engine.Runner {
	t.Helper()
	s, err := session.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return engine.NewRunner(list, s, engine.Options{})
}

func runner(t *testing.T, fakes ...fake) *engine.Runner {
	t.Helper()
	var list []engine.Stage
	for _, f := range fakes {
		list = append(list, f.stage())
	}
	return runnerOf(t, list...)
}

const secret = "TopSecretPassword1!"

func provision() fake {
	return fake{id: "provision-cognito", title: "Provision Cognito", run: func(ctx context.Context, rep engine.Reporter) (engine.Result, error) {
		rep.Log("created user pool %s", "us-west-2_abc")
		rep.Log("\x1b[31mred\x1b[0m text\r\nsecond line")
		rep.Progress("user pools", 1, 2)
		rep.Value(engine.Value{Name: "poolId", Value: "us-west-2_abc"})
		rep.Value(engine.Value{Name: "password", Value: secret, Secret: true})
		rep.Value(engine.Value{Name: "agent.py", Value: "import x\nprint(1)\n", Kind: engine.KindCode})
		return engine.Result{}, nil
	}}
}

// normalise replaces elapsed times, which vary, with a marker.
var elapsedRE = regexp.MustCompile(`(in|after) [0-9.]+(ms|s)`)

func lines(out string) []string {
	return strings.Split(strings.TrimRight(elapsedRE.ReplaceAllString(out, "$1 T"), "\n"), "\n")
}

func TestRunPrintsOneLinePerEvent(t *testing.T) {
	six := expecting(fake{id: "invoke-unauthenticated", title: "Invoke without a token",
		run: func(context.Context, engine.Reporter) (engine.Result, error) {
			return engine.Result{}, errors.New("AccessDeniedException: Authorization method mismatch")
		}})
	r := runnerOf(t, provision().stage(), six)
	var buf bytes.Buffer
	ok, err := Run(context.Background(), r, "", &buf)
	if !ok || err != nil {
		t.Fatalf("Run = %v, %v\n%s", ok, err, buf.String())
	}
	want := []string{
		"[1/2 provision-cognito] started",
		"[1/2 provision-cognito]   created user pool us-west-2_abc",
		"[1/2 provision-cognito]   red text",
		"[1/2 provision-cognito]   second line",
		"[1/2 provision-cognito]   progress: user pools (1/2)",
		"[1/2 provision-cognito]   poolId = us-west-2_abc",
		"[1/2 provision-cognito]   password = ••••••(secret)",
		"[1/2 provision-cognito]   agent.py = (2 lines)",
		"[1/2 provision-cognito] succeeded in T",
		"[2/2 invoke-unauthenticated] started",
		"[2/2 invoke-unauthenticated]   got the expected error: AccessDeniedException: Authorization method mismatch",
		"[2/2 invoke-unauthenticated] succeeded in T",
		"ok: 2 stage(s) run, every one met its expectation",
	}
	got := lines(buf.String())
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("output\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(buf.String(), "\x1b") || strings.Contains(buf.String(), secret) {
		t.Error("output holds an escape sequence or the secret")
	}
}

func TestRunReportsFailure(t *testing.T) {
	bad := fake{id: "configure", title: "Configure", run: func(context.Context, engine.Reporter) (engine.Result, error) {
		return engine.Result{}, errors.New("create workload identity: ValidationException:\nname too long")
	}}
	never := fake{id: "launch", title: "Launch", run: func(context.Context, engine.Reporter) (engine.Result, error) {
		t.Error("a stage after the failure ran")
		return engine.Result{}, nil
	}}
	r := runner(t, fake{id: "a", title: "A"}, bad, never)
	var buf bytes.Buffer
	ok, err := Run(context.Background(), r, "", &buf)
	if ok || err != nil {
		t.Fatalf("Run = %v, %v", ok, err)
	}
	got := lines(buf.String())
	want := []string{
		"[1/3 a] started",
		"[1/3 a] succeeded in T",
		"[2/3 configure] started",
		"[2/3 configure] failed after T: create workload identity: ValidationException: name too long",
		"FAILED: stage 2 configure did not meet its expectation: create workload identity: ValidationException: name too long",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("output\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRunUntilAndRefusals(t *testing.T) {
	r := runner(t, fake{id: "a", title: "A"}, fake{id: "b", title: "B"}, fake{id: "c", title: "C", requires: []string{"b"}})
	var buf bytes.Buffer
	if ok, err := Run(context.Background(), r, "a", &buf); !ok || err != nil {
		t.Fatalf("until a = %v, %v", ok, err)
	}
	if strings.Contains(buf.String(), "[2/3 b]") {
		t.Errorf("ran past --until:\n%s", buf.String())
	}
	buf.Reset()
	ok, err := Run(context.Background(), r, "nope", &buf)
	if ok || err == nil || !strings.Contains(err.Error(), `no stage called "nope"`) {
		t.Errorf("unknown stage = %v, %v", ok, err)
	}
	if buf.Len() != 0 {
		t.Errorf("a refused run printed %q", buf.String())
	}
	// Everything already done is not a failure.
	if ok, err := Run(context.Background(), r, "", &buf); !ok || err != nil {
		t.Fatal(ok, err)
	}
	buf.Reset()
	ok, err = Run(context.Background(), r, "", &buf)
	if !ok || err != nil || !strings.HasPrefix(buf.String(), "nothing to run") {
		t.Errorf("nothing to run = %v, %v, %q", ok, err, buf.String())
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	slow := fake{id: "wait-ready", title: "Wait until READY", run: func(ctx context.Context, rep engine.Reporter) (engine.Result, error) {
		cancel() // the learner pressed Ctrl-C while the stage polls
		<-ctx.Done()
		return engine.Result{}, ctx.Err()
	}}
	r := runner(t, slow)
	var buf bytes.Buffer
	ok, err := Run(ctx, r, "", &buf)
	if ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, %v", ok, err)
	}
	if !strings.Contains(buf.String(), "[1/1 wait-ready] cancelled after") || !strings.Contains(buf.String(), `stage 1 "Wait until READY" was cancelled`) {
		t.Errorf("output:\n%s", buf.String())
	}
}

func TestStatusTableAndJSON(t *testing.T) {
	states := []engine.StageState{
		{Index: 1, ID: "provision-cognito", Title: "Provision Cognito", Status: engine.Succeeded, Elapsed: 1200 * time.Millisecond,
			Stale: true, Result: engine.Result{Values: []engine.Value{
				{Name: "poolId", Value: "us-west-2_abc"},
				{Name: "password", Value: secret, Secret: true}, // unredacted on purpose
			}}},
		{Index: 2, ID: "write-agent", Title: "Write the agent", Status: engine.Failed, Elapsed: 40 * time.Millisecond, Err: "disk\nfull"},
		{Index: 3, ID: "configure", Title: "Configure", Status: engine.Pending},
	}
	var tbl bytes.Buffer
	if err := StatusTable(states, &tbl); err != nil {
		t.Fatal(err)
	}
	out := tbl.String()
	for _, want := range []string{
		"#  STAGE              TITLE              STATUS             TIME  NOTE",
		"1  provision-cognito  Provision Cognito  succeeded (stale)  1.2s  an earlier stage was run again after this one",
		"2  write-agent        Write the agent    failed             40ms  disk full",
		"3  configure          Configure          pending",
		"  poolId = us-west-2_abc",
		"  password = ••••••(secret)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, secret) {
		t.Error("table shows the secret")
	}

	var js bytes.Buffer
	if err := StatusJSON(states, &js); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(js.String(), secret) {
		t.Error("JSON shows the secret")
	}
	if states[0].Result.Values[1].Value != secret {
		t.Error("StatusJSON changed the caller's states")
	}
	var doc StatusDoc
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || len(doc.Stages) != 3 || doc.Stages[1].Err != "disk\nfull" || !doc.Stages[0].Stale ||
		doc.Stages[0].Elapsed != 1200*time.Millisecond {
		t.Errorf("decoded = %+v", doc)
	}
}

func TestSanitize(t *testing.T) {
	in := "\x1b]8;;http://x\x07link\x1b]8;;\x07 \x1b[1;32mok\x1b[m\x07\x00 tab\there"
	if got, want := Sanitize(in), "link ok tab\there"; got != want {
		t.Errorf("Sanitize = %q, want %q", got, want)
	}
}

// Under --lang ko the printer's own words are Korean, and so are the
// result names the catalog knows, as in the UI; the [i/N id] prefix
// and the ok: and FAILED: markers that scripts read stay as they are.
func TestRunPrintsInTheLearnersLanguage(t *testing.T) {
	r := runnerOf(t, provision().stage())
	var buf bytes.Buffer
	if ok, err := Run(context.Background(), r, "", &buf, WithLang("ko")); !ok || err != nil {
		t.Fatalf("Run = %v, %v\n%s", ok, err, buf.String())
	}
	out := buf.String()
	for _, want := range []string{
		"[1/1 provision-cognito] 시작\n",
		"[1/1 provision-cognito]   진행: user pools (1/2)\n",
		"[1/1 provision-cognito]   agent.py = (2줄)\n",
		"[1/1 provision-cognito]   비밀번호 = " + SecretMask + "\n", // a result name the catalog knows
		"[1/1 provision-cognito] 성공 (",
		"ok: 단계 1개를 실행했고 모두 예상대로 끝났습니다\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
