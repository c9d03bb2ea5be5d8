package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/outline"
)

// Every way of asking for help, run as the real program in an empty
// directory: it must answer on stdout with the commands (and the asked
// command's flags, with readable value names), exit 0, and leave the
// directory empty (`run --help` used to print only "Usage of run:", exit 2).
func TestHelpFormsListCommandsAndExitZero(t *testing.T) {
	bin := workshopBinary(t)
	commands := regexp.MustCompile(`(?m)^  run .*\n  status .*\n  transcript .*\n  reset .*\n  cleanup .*\n  sandbox serve .*\n  try-token .*\n  room .*\n  doctor .*$`)
	for _, tc := range []struct {
		args  []string
		flags string   // the command whose flags are listed ("" for none)
		want  []string // flag lines that must read so
	}{
		{args: []string{"--help"}},
		{args: []string{"-h"}},
		{args: []string{"help"}},
		{args: []string{"run", "--help"}, flags: "run", want: []string{"-sandbox-url URL\n", "-workspace DIR\n", "-until STAGE\n", "-target TARGET\n", "-sandbox-addr HOST:PORT\n"}},
		{args: []string{"run", "--headless", "-h"}, flags: "run", want: []string{"-lang LANG\n"}},
		{args: []string{"help", "run"}, flags: "run", want: []string{"-pace PACE\n"}},
		{args: []string{"status", "-h"}, flags: "status", want: []string{"-workspace DIR\n", "-json\n"}},
		{args: []string{"reset", "--help"}, flags: "reset", want: []string{"-to STAGE\n"}},
		{args: []string{"transcript", "--help"}, flags: "transcript", want: []string{"-format FORMAT\n", "-o FILE\n", "-lang LANG\n"}},
		{args: []string{"cleanup", "--help"}, flags: "cleanup", want: []string{"-workspace DIR\n"}},
		{args: []string{"sandbox", "serve", "--help"}, flags: "sandbox serve", want: []string{"-state DIR\n", "-addr HOST:PORT\n", "-public-url URL\n"}},
		{args: []string{"sandbox", "--help"}, flags: "sandbox serve", want: []string{"-state DIR\n"}},
		{args: []string{"doctor", "--help"}, flags: "doctor", want: []string{"-target TARGET\n", "-region REGION\n", "-profile PROFILE\n", "-model MODEL\n"}},
	} {
		dir := t.TempDir()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := exec.CommandContext(ctx, bin, tc.args...)
		cmd.Dir = dir
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		cancel()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if err != nil {
			t.Errorf("%q: %v, want exit 0 (stderr %q)", tc.args, err, errb.String())
		}
		help := out.String()
		if !commands.MatchString(help) {
			t.Errorf("%q: stdout does not list the commands one a line:\n%s", tc.args, help)
		}
		if strings.Contains(help+errb.String(), "Usage of ") {
			t.Errorf("%q: the flag package's bare usage came out:\n%s%s", tc.args, help, errb.String())
		}
		if tc.flags != "" && !strings.Contains(help, "Flags of 'agentcore-workshop "+tc.flags+"':") {
			t.Errorf("%q: no flags of %s in:\n%s", tc.args, tc.flags, help)
		}
		for _, w := range tc.want {
			if !strings.Contains(help, w) {
				t.Errorf("%q: no flag line %q in:\n%s", tc.args, w, help)
			}
		}
		if entries, err := os.ReadDir(dir); err != nil || len(entries) > 0 {
			t.Errorf("%q: left %v in the current directory (err %v)", tc.args, entries, err)
		}
	}
}

// reset --to takes the number the screen shows or the id, and answers a
// name it does not know with the list of the ones it does.
func TestResetToTakesANumberOrAnID(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	done := map[string]session.StageRecord{}
	for _, id := range []string{"provision-cognito", "write-agent", "configure", "launch"} {
		done[id] = session.StageRecord{Status: "succeeded"}
	}
	if err := sess.SetStages(done); err != nil {
		t.Fatal(err)
	}
	reset := func(to string) (int, string, string) {
		var out, errb bytes.Buffer
		code := realMain(context.Background(), []string{"reset", "--workspace", ws, "--to", to}, &out, &errb)
		return code, out.String(), errb.String()
	}
	statuses := func() string {
		st := statusJSON(t, ws)
		return strings.Join([]string{st["provision-cognito"], st["write-agent"], st["configure"], st["launch"]}, " ")
	}

	if code, out, errb := reset("3"); code != 0 || !strings.Contains(out, "stage 3 configure and the stages that depend on it (4 launch, 5 wait-ready,") {
		t.Fatalf("reset --to 3: exit %d, stdout %q, stderr %q", code, out, errb)
	}
	if got, want := statuses(), "succeeded succeeded pending pending"; got != want {
		t.Errorf("after reset --to 3: %s, want %s", got, want)
	}
	if code, out, errb := reset("write-agent"); code != 0 || !strings.Contains(out, "stage 2 write-agent") {
		t.Fatalf("reset --to write-agent: exit %d, stdout %q, stderr %q", code, out, errb)
	}
	if got, want := statuses(), "succeeded pending pending pending"; got != want {
		t.Errorf("after reset --to write-agent: %s, want %s", got, want)
	}

	past := strconv.Itoa(len(outline.Stages()) + 1) // one past the last stage
	for _, bad := range []string{"0", past, "configure-runtime"} {
		code, _, errb := reset(bad)
		if code != 2 {
			t.Errorf("reset --to %s: exit %d, want 2", bad, code)
		}
		for _, line := range []string{
			`(?m)^\s*1 provision-cognito\s+Provision Cognito$`,
			`(?m)^\s*4 launch\s+Launch$`,
			fmt.Sprintf(`(?m)^\s*%d cleanup\s+Clean up$`, len(outline.Stages())),
		} {
			if !regexp.MustCompile(line).MatchString(errb) {
				t.Errorf("reset --to %s: stderr lacks a line %s:\n%s", bad, line, errb)
			}
		}
		if got, want := statuses(), "succeeded pending pending pending"; got != want {
			t.Errorf("after the refused reset --to %s: %s, want %s", bad, got, want)
		}
	}
}
