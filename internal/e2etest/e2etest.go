// Package e2etest decides what an end-to-end test does when a tool it
// drives (tmux, Chromium) is not installed.
//
// A newcomer's machine has only Go: there such a test skips, and says
// which Debian package brings the tool. CI must never skip one silently,
// so with RequireEnv set (.ci/run sets it) a missing tool fails the test.
//
// `go test` without -v does not print skip messages, so each skip is also
// appended to the file named by SkipLogEnv, which `make test` prints at
// the end of the run.
package e2etest

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// RequireEnv, set to 1, turns a missing tool into a failure.
const RequireEnv = "AGENTCORE_WORKSHOP_REQUIRE_E2E"

// SkipLogEnv names a file each skip is appended to, one line per test.
const SkipLogEnv = "AGENTCORE_WORKSHOP_SKIP_LOG"

// Tool returns the path of the command name, which Debian's package pkg
// installs. When it is not on PATH the test skips, or fails when
// RequireEnv is set.
func Tool(t testing.TB, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	Missing(t, name, pkg)
	return ""
}

// Missing skips t because what (a command, a Python module) is not
// installed, or fails it when RequireEnv is set.
func Missing(t testing.TB, what, pkg string) {
	t.Helper()
	why := fmt.Sprintf("%s needs %s, which is not installed (apt-get install %s)", t.Name(), what, pkg)
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s; %s=1 requires every end-to-end test to run", why, RequireEnv)
	}
	if err := logSkip(why); err != nil {
		t.Errorf("recording the skip: %v", err)
	}
	t.Skip(why)
}

// logSkip appends one line to the skip log, if there is one. The test
// binaries of several packages may append at once: each line is a single
// O_APPEND write, so lines do not interleave.
func logSkip(line string) error {
	path := os.Getenv(SkipLogEnv)
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("open %s: %w", SkipLogEnv, err)
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", SkipLogEnv, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", SkipLogEnv, err)
	}
	return nil
}
