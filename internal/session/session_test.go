package session

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func open(t *testing.T, dir string) *Session {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return s
}

func TestOpenCreatesPrivateWorkspace(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws")
	s := open(t, dir)
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("workspace mode = %v, want 0700", fi.Mode().Perm())
	}
	if got, want := s.SandboxStateDir(), filepath.Join(dir, "sandbox"); got != want {
		t.Errorf("SandboxStateDir = %q, want %q", got, want)
	}
	if got, want := s.LogPath(), filepath.Join(dir, "workshop.log"); got != want {
		t.Errorf("LogPath = %q, want %q", got, want)
	}
	// The suffix is made once and survives reopening and SetSettings.
	suffix := s.Settings().Suffix
	if len(suffix) != 8 || strings.Trim(suffix, "0123456789abcdef") != "" {
		t.Errorf("suffix = %q, want 8 lowercase hex characters", suffix)
	}
	if err := s.SetSettings(Settings{Target: "aws"}); err != nil {
		t.Fatal(err)
	}
	if got := open(t, dir).Settings(); got.Suffix != suffix || got.Target != "aws" {
		t.Errorf("after reopen settings = %+v, want suffix %q", got, suffix)
	}
	if other := open(t, t.TempDir()).Settings().Suffix; other == suffix {
		t.Errorf("two workspaces share suffix %q", other)
	}
}

// OpenUnsaved keeps a new workspace's suffix in memory; the first write of
// the state, whichever it is, saves it, and Save does when nothing else has.
func TestOpenUnsavedSavesTheSuffixWithTheFirstWrite(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*Session) error
	}{
		{"Save", (*Session).Save},
		{"SetSettings", func(s *Session) error { return s.SetSettings(Settings{Target: "sandbox"}) }},
		{"Plan", func(s *Session) error { _, err := s.Plan("pool", "p", "step", nil); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "ws")
			s, err := OpenUnsaved(dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(s.StatePath()); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("state file after OpenUnsaved: %v, want none yet", err)
			}
			suffix := s.Settings().Suffix
			if len(suffix) != 8 {
				t.Fatalf("suffix = %q, want 8 characters", suffix)
			}
			if err := tc.write(s); err != nil {
				t.Fatal(err)
			}
			if got := open(t, dir).Settings().Suffix; got != suffix {
				t.Errorf("reopened suffix = %q, want %q", got, suffix)
			}
			// Saved once, Save has nothing left to write.
			before, err := os.Stat(s.StatePath())
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Save(); err != nil {
				t.Fatal(err)
			}
			if after, _ := os.Stat(s.StatePath()); !os.SameFile(before, after) {
				t.Error("Save rewrote a state that was already saved")
			}
		})
	}
}

func TestSettingsStagesAndLedgerPersist(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	want := Settings{Target: "sandbox", Region: "us-west-2", SandboxPort: 4747, Suffix: "fixed123"}
	if err := s.SetSettings(want); err != nil {
		t.Fatal(err)
	}
	rec := StageRecord{Status: "succeeded", Err: "", Values: []Value{
		{Name: "poolId", Value: "us-west-2_abc"},
		{Name: "password", Value: "hunter2", Secret: true},
	}}
	if err := s.SetStage("provision-cognito", rec); err != nil {
		t.Fatal(err)
	}
	pool, err := s.Plan("cognito-user-pool", "inbound", "provision-cognito", map[string]string{"purpose": "inbound"})
	if err != nil {
		t.Fatal(err)
	}
	if pool.State != ResourcePlanned || pool.ID != "cognito-user-pool/inbound" {
		t.Fatalf("planned = %+v", pool)
	}
	if _, err := s.Plan("ecr-repository", "agent", "launch", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Created(pool.ID, "us-west-2_abc", "arn:aws:cognito-idp:us-west-2:123456789012:userpool/us-west-2_abc"); err != nil {
		t.Fatal(err)
	}
	if err := s.Created("nope/x", "", ""); err == nil {
		t.Error("Created on an unplanned resource succeeded")
	}

	s2 := open(t, dir)
	if got := s2.Settings(); got != want {
		t.Errorf("settings = %+v, want %+v", got, want)
	}
	got, ok := s2.Stage("provision-cognito")
	if !ok || got.Status != "succeeded" || len(got.Values) != 2 {
		t.Fatalf("stage = %+v, %v", got, ok)
	}
	if got.Values[0].Value != "us-west-2_abc" {
		t.Errorf("value = %q", got.Values[0].Value)
	}
	if got.Values[1].Value != "" || !got.Values[1].Secret {
		t.Errorf("secret value leaked into the stage record: %+v", got.Values[1])
	}
	res := s2.Resources()
	if len(res) != 2 || res[0].Kind != "cognito-user-pool" || res[1].Kind != "ecr-repository" {
		t.Fatalf("resources = %+v", res)
	}
	if res[0].State != ResourceCreated || res[0].PhysicalID != "us-west-2_abc" || res[0].Attrs["purpose"] != "inbound" {
		t.Errorf("pool entry = %+v", res[0])
	}
	if f, ok := s2.Find("ecr-repository", "agent"); !ok || f.State != ResourcePlanned {
		t.Errorf("Find = %+v, %v", f, ok)
	}
}

func TestPlanIsIdempotentAndReplansDeleted(t *testing.T) {
	s := open(t, t.TempDir())
	a, _ := s.Plan("iam-role", "exec", "launch", map[string]string{"a": "1"})
	if _, err := s.Plan("s3-bucket", "src", "launch", nil); err != nil {
		t.Fatal(err)
	}
	s.Created(a.ID, "exec", "arn:role")
	again, err := s.Plan("iam-role", "exec", "launch", map[string]string{"b": "2"})
	if err != nil {
		t.Fatal(err)
	}
	if again.State != ResourceCreated || again.Attrs["a"] != "1" || again.Attrs["b"] != "2" {
		t.Errorf("re-plan of a created resource = %+v", again)
	}
	if n := len(s.Resources()); n != 2 {
		t.Fatalf("re-plan duplicated the entry: %d entries", n)
	}
	if err := s.Deleted(a.ID); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Find("iam-role", "exec"); r.State != ResourceDeleted || r.DeletedAt.IsZero() {
		t.Errorf("after Deleted = %+v", r)
	}
	re, _ := s.Plan("iam-role", "exec", "launch", nil)
	if re.State != ResourcePlanned || re.PhysicalID != "" {
		t.Errorf("re-plan after delete = %+v", re)
	}
	res := s.Resources()
	if res[len(res)-1].ID != a.ID {
		t.Errorf("re-planned resource is not last in creation order: %+v", res)
	}
	if _, err := s.Plan("", "x", "s", nil); err == nil {
		t.Error("Plan with empty kind succeeded")
	}
}

func TestSecretsFileIsPrivateAndSeparate(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	const secret = "S3cr3t-value-that-must-not-leak"
	if err := s.PutSecret("provision-cognito", "password", secret); err != nil {
		t.Fatal(err)
	}
	// A caller that forgets to blank the value still must not leak it.
	if err := s.SetStage("provision-cognito", StageRecord{Status: "succeeded",
		Values: []Value{{Name: "password", Value: secret, Secret: true}}}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(s.SecretsPath())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("secrets mode = %v, want 0600", fi.Mode().Perm())
	}
	state, err := os.ReadFile(s.StatePath())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(state, []byte(secret)) {
		t.Error("state.json contains the secret")
	}
	s2 := open(t, dir)
	if v, ok := s2.Secret("provision-cognito", "password"); !ok || v != secret {
		t.Errorf("Secret = %q, %v", v, ok)
	}
	if _, ok := s2.Secret("provision-cognito", "other"); ok {
		t.Error("unknown secret found")
	}
	if err := s2.DeleteSecrets("provision-cognito"); err != nil {
		t.Fatal(err)
	}
	if _, ok := open(t, dir).Secret("provision-cognito", "password"); ok {
		t.Error("secret survived DeleteSecrets")
	}
}

func TestCorruptStateIsReportedAndUntouched(t *testing.T) {
	for name, content := range map[string]string{
		"garbage":    "{not json",
		"empty":      "",
		"no version": `{"settings":{}}`,
		"wrong type": `{"version":1,"stages":[1,2]}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, StateFile)
			os.WriteFile(p, []byte(content), 0o600)
			_, err := Open(dir)
			if err == nil {
				t.Fatal("Open succeeded on a corrupt state file")
			}
			msg := err.Error()
			for _, want := range []string{p, "damaged", "left untouched", "move it aside"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
			b, _ := os.ReadFile(p)
			if string(b) != content {
				t.Errorf("corrupt file was changed to %q", b)
			}
		})
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	for _, file := range []string{StateFile, SecretsFile} {
		t.Run(file, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, file)
			content := fmt.Sprintf(`{"version":%d,"futureField":true}`, SchemaVersion+1)
			os.WriteFile(p, []byte(content), 0o600)
			_, err := Open(dir)
			if err == nil {
				t.Fatal("Open accepted a newer schema")
			}
			if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "newer") {
				t.Errorf("error = %q", err)
			}
			if b, _ := os.ReadFile(p); string(b) != content {
				t.Errorf("file changed to %q", b)
			}
		})
	}
}

func TestStrayTempFilesDoNotMatter(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	s.SetSettings(Settings{SandboxPort: 1})
	// What a write killed before its rename leaves behind: a truncated temp.
	stray := filepath.Join(dir, ".state.json.tmp-12345")
	os.WriteFile(stray, []byte(`{"version":1,"settings":{"sandboxPo`), 0o600)
	s2 := open(t, dir)
	if got := s2.Settings().SandboxPort; got != 1 {
		t.Errorf("port = %d, want 1", got)
	}
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Errorf("stray temp file not removed: %v", err)
	}
}

// TestHelperProcess is not a test: the crash test re-executes the test
// binary to run this as a child that writes numbered states until killed.
// It writes state N (settings, then secret), acknowledges N on stdout, and
// then waits for a go-ahead line on stdin before it writes N+1; at the end
// of stdin it exits.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv("SESSION_HELPER_DIR")
	if dir == "" {
		return
	}
	s, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	goAhead := bufio.NewScanner(os.Stdin)
	for i := s.Settings().SandboxPort + 1; ; i++ {
		if err := s.SetSettings(Settings{Target: "sandbox", SandboxPort: i}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		if err := s.PutSecret("s", "n", strconv.Itoa(i)); err != nil {
			os.Exit(4)
		}
		// Acknowledge only after both writes returned: the parent checks
		// that an acknowledged write is never lost.
		fmt.Fprintln(out, i)
		out.Flush()
		if !goAhead.Scan() {
			os.Exit(0)
		}
	}
}

// TestCrashMidWriteLeavesReadableState kills a writer with SIGKILL right
// after letting it start a write, and checks that what it finds is exactly
// a state the writer could have left: never torn, never an acknowledged
// write lost.
//
// Why the bounds below cannot fail by timing: the helper writes N+1 only
// after the go-ahead for it, and the parent sends exactly one go-ahead after
// the last acknowledgement it read (N) before it kills. So when the kill
// lands, state N is complete (acknowledged after both writes returned) and
// N+2 was never begun, whatever the scheduling: the port on disk is N or
// N+1. (The helper used to write on without waiting, so a slow parent could
// kill it two or more writes after the last acknowledgement it had read.)
// Within one state the settings are written before the secret, so the
// secret is the port's or, killed between the two, the one before.
func TestCrashMidWriteLeavesReadableState(t *testing.T) {
	if testing.Short() {
		t.Skip("short: starts and kills a writer process five times")
	}
	dir := t.TempDir()
	acked := 0
	for round, stopAfter := range []int{1, 7, 23, 50, 3} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), "SESSION_HELPER_DIR="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		seen := 0
		for seen < stopAfter && sc.Scan() {
			n, err := strconv.Atoi(sc.Text())
			if err != nil {
				continue // test framework chatter
			}
			acked = n
			seen++
			// The go-ahead for the next write, the last one included:
			// the kill below lands before, during or after it.
			if _, err := io.WriteString(stdin, "go\n"); err != nil {
				t.Fatalf("round %d: go-ahead after %d: %v (%s)", round, n, err, stderr.String())
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if seen < stopAfter {
			t.Fatalf("round %d: helper stopped early after %d writes: %s", round, seen, stderr.String())
		}

		s, err := Open(dir)
		if err != nil {
			t.Fatalf("round %d: Open after a kill: %v", round, err)
		}
		port := s.Settings().SandboxPort
		// The last acknowledged state or the one write it was allowed.
		if port != acked && port != acked+1 {
			t.Fatalf("round %d: port = %d, last acknowledged %d", round, port, acked)
		}
		sec, _ := s.Secret("s", "n")
		if n, _ := strconv.Atoi(sec); n != port && n != port-1 {
			t.Fatalf("round %d: secret %q does not match a state near port %d", round, sec, port)
		}
		var raw map[string]any
		b, _ := os.ReadFile(s.StatePath())
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatalf("round %d: state file not valid JSON: %v", round, err)
		}
		acked = port
	}
}

// The runner saves a stage's values when they are reported and again when
// the stage returns them: saving a secret that has not changed must not
// write (and fsync) the secrets file a second time.
func TestPutSecretUnchangedDoesNotRewrite(t *testing.T) {
	s := open(t, t.TempDir())
	if err := s.PutSecret("s", "n", "v1"); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(s.SecretsPath()); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSecret("s", "n", "v1"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.SecretsPath()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("an unchanged secret rewrote the secrets file (stat err %v)", err)
	}
	if err := s.PutSecret("s", "n", "v2"); err != nil {
		t.Fatal(err)
	}
	if v, ok := open(t, s.Dir()).Secret("s", "n"); !ok || v != "v2" {
		t.Fatalf("changed secret after reopening = %q, %v", v, ok)
	}
}
