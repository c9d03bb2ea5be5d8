//go:build unix

package session

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestLockIsExclusiveAndReleased(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := s.Lock()
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Lock(); !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "pid") {
		t.Fatalf("second lock = %v, want ErrInUse naming the pid", err)
	}
	unlock()
	unlock2, err := s2.Lock()
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	unlock2()
}

// A process that dies holding the lock (here: killed) does not leave the
// workspace locked.
func TestLockDiesWithItsProcess(t *testing.T) {
	if os.Getenv("SESSION_LOCK_HELPER") != "" {
		s, err := Open(os.Getenv("SESSION_LOCK_HELPER"))
		if err != nil {
			os.Exit(2)
		}
		if _, err := s.Lock(); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		select {} // hold it until killed
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockDiesWithItsProcess$")
	cmd.Env = append(os.Environ(), "SESSION_LOCK_HELPER="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("helper did not lock: %q %v", buf, err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lock(); !errors.Is(err, ErrInUse) {
		t.Fatalf("lock while the helper holds it = %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	unlock, err := s.Lock()
	if err != nil {
		t.Fatalf("lock after the holder was killed: %v", err)
	}
	unlock()
	if _, err := os.Stat(filepath.Join(dir, LockFile)); err != nil {
		t.Fatal(err)
	}
}

// A child process that inherits the locked file takes the lock over; any
// other open of the lock file, or another file, is refused.
func TestAdoptLockTakesOnlyTheInheritedFile(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f, unlock, err := s.LockForChild()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	// What exec hands a child: the same open file under another descriptor.
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	inherited := os.NewFile(uintptr(fd), "inherited")
	release, err := s.AdoptLock(inherited)
	if err != nil {
		t.Fatalf("adopting the inherited lock: %v", err)
	}
	release()

	other, err := os.Open(filepath.Join(s.Dir(), LockFile))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := s.AdoptLock(other); !errors.Is(err, ErrInUse) {
		t.Fatalf("adopting a fresh open of the lock file = %v, want ErrInUse", err)
	}
	stray, err := os.Create(filepath.Join(t.TempDir(), "stray"))
	if err != nil {
		t.Fatal(err)
	}
	defer stray.Close()
	if _, err := s.AdoptLock(stray); err == nil || !strings.Contains(err.Error(), "not") {
		t.Fatalf("adopting another file = %v, want a refusal", err)
	}
	// The parent still holds the workspace after the child let go.
	s2, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Lock(); !errors.Is(err, ErrInUse) {
		t.Fatalf("lock while the parent holds it = %v, want ErrInUse", err)
	}
}
