package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testBinary is the real program for the tests that run it as a process.
// The first test that needs it builds it, once per test run, into a
// directory TestMain removes at the end; a run whose tests need no binary
// (go test -short, or -run on one unit test) builds nothing.
var testBinary struct {
	dir  string
	once sync.Once
	path string
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "agentcore-workshop-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir for the test binary:", err)
		os.Exit(1)
	}
	testBinary.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// workshopBinary returns the path of the built program: the learner's
// command, agentcore-workshop, with this package's engine beside it, as
// make build leaves them, so every test goes through the command a learner
// types (which hands every command but the terminal UI to the engine). The
// engine carries the workshop_testhook build tag: the crash test's pause
// hook is compiled in only under that tag, so a learner's binary never has
// it.
func workshopBinary(t testing.TB) string {
	t.Helper()
	testBinary.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		bin := filepath.Join(testBinary.dir, "agentcore-workshop")
		out, err := exec.CommandContext(ctx, "go", "build", "-tags", "workshop_testhook", "-o", testBinary.dir+string(filepath.Separator),
			".", "../agentcore-workshop").CombinedOutput()
		if err != nil {
			testBinary.err = fmt.Errorf("go build -tags workshop_testhook: %w\n%s", err, out)
			return
		}
		testBinary.path = bin
	})
	if testBinary.err != nil {
		t.Fatal(testBinary.err)
	}
	return testBinary.path
}
