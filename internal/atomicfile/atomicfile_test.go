//go:build unix

package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"agentcore-workshop/internal/nofollow"
)

func TestWriteReplacesContent(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.json")
	for _, want := range []string{"one", "two"} {
		if err := Write(p, []byte(want), 0o600); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(p); string(b) != want {
			t.Fatalf("content %q, want %q", b, want)
		}
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
}

// A symlink where the file belongs is refused: neither its target nor the
// link changes, and no temp file is left behind.
func TestWriteRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "precious")
	if err := os.WriteFile(target, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "state.json")
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("new"), 0o600); !errors.Is(err, nofollow.ErrSymlink) {
		t.Fatalf("Write through a link: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "precious" {
		t.Fatalf("target now %q", b)
	}
	if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
}
