package main

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// workspaceFiles lists every file under ws with its contents, so a test
// can tell that a command wrote nothing there.
func workspaceFiles(t *testing.T, ws string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(ws, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// transcript reads a workspace a live workshop holds, and one whose
// process died mid-stage, without writing anything in either: the stage
// saved as running is shown as running both times, never recorded as
// interrupted.
func TestTranscriptNeverWritesTheWorkspace(t *testing.T) {
	ws, _, unlock := workspaceMidStage(t)
	for _, live := range []bool{true, false} {
		if !live {
			unlock() // the workshop died
		}
		before := workspaceFiles(t, ws)
		for _, format := range []string{"md", "html"} {
			var out, errb bytes.Buffer
			if code := realMain(context.Background(), []string{"transcript", "--workspace", ws, "--format", format, "--lang", "en"}, &out, &errb); code != 0 {
				t.Fatalf("transcript exit %d: %s", code, errb.String())
			}
			if !strings.Contains(out.String(), "Provision Cognito") || !strings.Contains(out.String(), "running") {
				t.Errorf("live=%v %s: the running stage is not shown as running:\n%s", live, format, out.String())
			}
		}
		after := workspaceFiles(t, ws)
		if len(before) != len(after) {
			t.Errorf("live=%v: transcript changed the files: before %v after %v", live, slices.Sorted(maps.Keys(before)), slices.Sorted(maps.Keys(after)))
		}
		for p, b := range before {
			if after[p] != b {
				t.Errorf("live=%v: transcript rewrote %s", live, p)
			}
		}
	}

	var out, errb bytes.Buffer
	missing := filepath.Join(t.TempDir(), "typo")
	if code := realMain(context.Background(), []string{"transcript", "--workspace", missing}, &out, &errb); code != 1 {
		t.Errorf("transcript of a missing workspace: exit %d, want 1", code)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("transcript created %s (err %v)", missing, err)
	}
	if code := realMain(context.Background(), []string{"transcript", "--workspace", ws, "--format", "pdf"}, &out, &errb); code != 2 {
		t.Errorf("--format pdf: exit %d, want 2", code)
	}
}
