package e2etest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// emptyPath points PATH at a directory holding only the given commands.
func emptyPath(t *testing.T, commands ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, c := range commands {
		if err := os.WriteFile(filepath.Join(dir, c), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
	return dir
}

func TestInstalledToolIsFound(t *testing.T) {
	dir := emptyPath(t, "tmux")
	t.Setenv(RequireEnv, "1")
	if got, want := Tool(t, "tmux", "tmux"), filepath.Join(dir, "tmux"); got != want {
		t.Fatalf("Tool = %q, want %q", got, want)
	}
}

func TestMissingToolSkipsAndSaysWhatToInstall(t *testing.T) {
	emptyPath(t)
	t.Setenv(RequireEnv, "")
	log := filepath.Join(t.TempDir(), "skipped")
	t.Setenv(SkipLogEnv, log)

	for range 2 { // two skips, two lines
		skipped := false
		t.Run("needs-chromium", func(t *testing.T) {
			t.Cleanup(func() { skipped = t.Skipped() })
			Tool(t, "chromium", "chromium")
			t.Error("Tool returned for a missing command")
		})
		if !skipped {
			t.Fatal("the test did not skip")
		}
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("skip log has %d lines, want 2:\n%s", len(lines), b)
	}
	for _, want := range []string{"TestMissingToolSkipsAndSaysWhatToInstall/needs-chromium", "apt-get install chromium"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("skip log line %q lacks %q", lines[0], want)
		}
	}
}

// helperEnv makes TestRequiredToolHelper run as a child that asks for a
// missing tool; a failing child is the point, so it runs out of process.
const helperEnv = "E2ETEST_HELPER"

func TestRequiredToolHelper(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper for TestMissingToolFailsWhenRequired")
	}
	Tool(t, "tmux", "tmux")
}

func TestMissingToolFailsWhenRequired(t *testing.T) {
	log := filepath.Join(t.TempDir(), "skipped")
	cmd := exec.Command(os.Args[0], "-test.run=^TestRequiredToolHelper$", "-test.v")
	cmd.Env = append(os.Environ(), helperEnv+"=1", RequireEnv+"=1", SkipLogEnv+"="+log, "PATH="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); !ok {
		t.Fatalf("with %s=1 a missing tool passed (%v):\n%s", RequireEnv, err, out)
	}
	for _, want := range []string{"--- FAIL: TestRequiredToolHelper", "apt-get install tmux", RequireEnv + "=1"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(log); !os.IsNotExist(err) {
		t.Errorf("a required tool's failure was logged as a skip (%v)", err)
	}
}
