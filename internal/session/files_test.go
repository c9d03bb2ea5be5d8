//go:build unix

package session

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"agentcore-workshop/internal/nofollow"
)

// A workspace every user can write to is refused before anything is
// written or removed there.
func TestWorldWritableWorkspaceIsRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(dir, "."+StateFile+".tmp-1")
	if err := os.WriteFile(stray, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir)
	if !errors.Is(err, nofollow.ErrWorldWritable) {
		t.Fatalf("Open of a 0777 workspace: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != filepath.Base(stray) {
		t.Fatalf("the refused workspace was changed: %v", entries)
	}
}

// plant makes name in dir a symbolic link to a file outside the workspace
// holding precious content, and returns the file's path.
func plant(t *testing.T, dir, name string) string {
	t.Helper()
	target := filepath.Join(t.TempDir(), "precious")
	if err := os.WriteFile(target, []byte("precious\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
	return target
}

func untouched(t *testing.T, target string) {
	t.Helper()
	fi, err := os.Stat(target)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(target)
	if string(b) != "precious\n" || fi.Mode().Perm() != 0o644 {
		t.Fatalf("the link's target was changed: mode %v, content %q", fi.Mode().Perm(), b)
	}
}

func TestLockFileSymlinkIsNotFollowed(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	target := plant(t, dir, LockFile)
	unlock, err := s.Lock()
	if err == nil {
		unlock()
		t.Fatal("Lock went through a .lock symlink")
	}
	if !errors.Is(err, nofollow.ErrSymlink) {
		t.Fatalf("Lock: %v", err)
	}
	untouched(t, target)
}

func TestStateAndSecretsSymlinksAreRefused(t *testing.T) {
	for _, name := range []string{StateFile, SecretsFile} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			target := plant(t, dir, name)
			if _, err := Open(dir); !errors.Is(err, nofollow.ErrSymlink) {
				t.Fatalf("Open with %s a symlink: %v", name, err)
			}
			untouched(t, target)
		})
	}
}

// A link planted after the workspace was opened is refused by the writes.
func TestWritesRefuseLinksPlantedLater(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if err := os.Remove(s.StatePath()); err != nil {
		t.Fatal(err)
	}
	stateTarget := plant(t, dir, StateFile)
	if err := s.SetSettings(Settings{Region: "us-west-2"}); !errors.Is(err, nofollow.ErrSymlink) {
		t.Fatalf("state write through a link: %v", err)
	}
	untouched(t, stateTarget)

	secretsTarget := plant(t, dir, SecretsFile)
	if err := s.PutSecret("step", "name", "value"); !errors.Is(err, nofollow.ErrSymlink) {
		t.Fatalf("secrets write through a link: %v", err)
	}
	untouched(t, secretsTarget)

	logTarget := plant(t, dir, LogFile)
	if f, err := s.OpenLog(); !errors.Is(err, nofollow.ErrSymlink) {
		if f != nil {
			f.Close()
		}
		t.Fatalf("log through a link: %v", err)
	}
	untouched(t, logTarget)
}
