package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// tutorialEnd is the last stage the crash test runs the tutorial to (the
// one before cleanup, so a new stage is covered as soon as it is listed);
// every stage up to it, and cleanup, gets a crash of its own.
var tutorialEnd = outline.Stages()[len(outline.Stages())-2].ID

// crashStages are the stages the test kills the workshop in.
func crashStages() []string {
	var ids []string
	for _, s := range outline.Stages() {
		if len(ids) == 0 || ids[len(ids)-1] != tutorialEnd {
			ids = append(ids, s.ID)
		}
	}
	return append(ids, outline.CleanupID)
}

// TestCrashInEachStageThenCleanup kills the real binary with SIGKILL in the
// middle of each stage in turn, starts it again to finish the tutorial,
// runs `cleanup`, and then checks through the sandbox's own List/Describe
// calls that nothing the workshop made is left.
//
// The kill lands at a known spot through the test-only pause hook (see
// testpause.go): the stage announces "test hook: paused" and waits. An
// interrupted stage comes back failed ("interrupted"); `run --headless`
// runs every stage that has not succeeded, so the same command both
// re-runs it and finishes the tutorial.
func TestCrashInEachStageThenCleanup(t *testing.T) {
	if testing.Short() {
		t.Skip("short: kills and restarts the built program in every stage")
	}
	bin := workshopBinary(t)
	for i, stage := range crashStages() {
		t.Run(fmt.Sprintf("%d-%s", i+1, stage), func(t *testing.T) {
			ws := filepath.Join(t.TempDir(), "ws")
			// A fixed port per subtest (freePort is in sandbox_test.go): the
			// restarted process must serve the same issuer URLs the
			// runtime's authorizer was created with. Go listeners set
			// SO_REUSEADDR, so the restart can bind it right after the kill.
			common := []string{"--workspace", ws, "--sandbox-addr", freePort(t)}
			tutorial := append([]string{"run", "--headless", "--until", tutorialEnd}, common...)
			index := stageIndex(t, stage)

			if stage == outline.CleanupID {
				runOK(t, bin, tutorial...)
				killWhenPaused(t, bin, stage, append([]string{"cleanup"}, common...)...)
			} else {
				killWhenPaused(t, bin, stage, tutorial...)
			}

			// What the crash left behind.
			st := stageStatus(t, bin, ws, stage)
			if st.Status != string(engine.Failed) || st.Err != engine.ErrMsgInterrupted {
				t.Fatalf("stage %s after the kill: %s %q, want failed %q", stage, st.Status, st.Err, engine.ErrMsgInterrupted)
			}
			checkLedgerAtKill(t, ws, stage)

			if stage != outline.CleanupID {
				out := runOK(t, bin, tutorial...)
				if want := fmt.Sprintf("[%d/%d %s] succeeded", index, len(outline.Stages()), stage); !strings.Contains(out, want) {
					t.Fatalf("the restart did not re-run the interrupted stage (%q missing):\n%s", want, out)
				}
			}
			out := runOK(t, bin, append([]string{"cleanup"}, common...)...)
			if !strings.Contains(out, "nothing is left") {
				t.Fatalf("cleanup output:\n%s", out)
			}
			assertWorkspaceClean(t, ws)
		})
	}
}

func stageIndex(t *testing.T, id string) int {
	for i, s := range outline.Stages() {
		if s.ID == id {
			return i + 1
		}
	}
	t.Fatalf("no stage %s", id)
	return 0
}

// runOK runs the binary to completion and fails the test on a non-zero exit.
func runOK(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = withoutPause(os.Environ())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func withoutPause(env []string) []string {
	out := env[:0:0]
	for _, e := range env {
		if !strings.HasPrefix(e, testPauseEnv+"=") {
			out = append(out, e)
		}
	}
	return out
}

// killWhenPaused starts the binary with the pause hook set for stage,
// waits for the stage to start and then to announce its pause, and kills
// the process with SIGKILL: no deferred code, no signal handler, no save.
func killWhenPaused(t *testing.T, bin, stage string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(withoutPause(os.Environ()), testPauseEnv+"="+stage)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()

	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		io.Copy(io.Discard, stdout)
	}()
	prefix := fmt.Sprintf("[%d/%d %s]", stageIndex(t, stage), len(outline.Stages()), stage)
	started := false
	var seen []string
	deadline := time.NewTimer(time.Minute)
	defer deadline.Stop()
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the workshop exited before pausing in %s: %v\nstdout:\n%s\nstderr:\n%s",
					stage, cmd.Wait(), strings.Join(seen, "\n"), stderr.String())
			}
			seen = append(seen, l)
			started = started || l == prefix+" started"
			if !started || !strings.HasPrefix(l, prefix) || !strings.Contains(l, testPauseLine) {
				continue
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the workshop did not die of SIGKILL: %v", err)
			}
			return
		case <-deadline.C:
			t.Fatalf("no pause in %s within a minute; stdout:\n%s\nstderr:\n%s", stage, strings.Join(seen, "\n"), stderr.String())
		}
	}
}

type stageDoc struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Err    string `json:"error"`
}

func stageStatus(t *testing.T, bin, ws, stage string) stageDoc {
	t.Helper()
	out := runOK(t, bin, "status", "--json", "--workspace", ws)
	var doc struct{ Stages []stageDoc }
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	for _, s := range doc.Stages {
		if s.ID == stage {
			return s
		}
	}
	t.Fatalf("status has no stage %s:\n%s", stage, out)
	return stageDoc{}
}

// checkLedgerAtKill checks the kill landed where the hook says: a stage
// that creates resources had just planned one; cleanup had deleted some
// entries but not all.
func checkLedgerAtKill(t *testing.T, ws, stage string) {
	t.Helper()
	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	count := map[session.ResourceState]int{}
	for _, r := range sess.Resources() {
		count[r.State]++
	}
	switch stage {
	case "provision-cognito", "configure", "launch", "break-it", "machine-to-machine", "foreign-idp":
		if count[session.ResourcePlanned] == 0 {
			t.Errorf("killed in %s with no planned ledger entry: %v", stage, count)
		}
	case outline.CleanupID:
		if count[session.ResourceDeleted] == 0 || count[session.ResourceCreated] == 0 {
			t.Errorf("killed mid-cleanup with ledger %v: want some entries deleted and some not", count)
		}
	}
}

// assertWorkspaceClean starts a sandbox on the workspace's persisted state
// and lists every kind of resource the workshop makes: none may be left.
// The ledger must agree, and the credentials file must be gone.
func assertWorkspaceClean(t *testing.T, ws string) {
	t.Helper()
	ctx := context.Background()
	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	ledger := sess.Resources()
	if len(ledger) < 15 {
		t.Fatalf("the ledger holds only %d entries: the tutorial did not get far enough to prove anything", len(ledger))
	}
	for _, r := range ledger {
		if r.State != session.ResourceDeleted {
			t.Errorf("ledger entry %s is %s after cleanup", r.ID, r.State)
		}
	}
	if _, err := os.Stat(filepath.Join(ws, steps.EnvFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s still there: %v", steps.EnvFileName, err)
	}

	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", StateDir: sess.SandboxStateDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close(ctx)
	c, err := cloud.New(ctx, cloud.Target{Kind: cloud.Sandbox, Endpoint: sb.URL, Region: sb.Region,
		AccessKeyID: sb.Credentials.AccessKeyID, SecretAccessKey: sb.Credentials.SecretAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	left, err := steps.Leftovers(ctx, c, ledger)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("left in the sandbox after cleanup: %v", left)
	}
}
