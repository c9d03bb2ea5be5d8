//go:build unix

package session

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"agentcore-workshop/internal/nofollow"
)

// LockFile marks a workspace in use by one workshop process.
const LockFile = ".lock"

// ErrInUse is returned by Lock when another process holds the workspace.
var ErrInUse = errors.New("workspace in use")

// Lock claims the workspace for this process, so two terminals cannot run
// stages against the same state and ledger at once. The lock is an flock
// on a file: the kernel drops it when the process dies, however it dies,
// so a crash never leaves the workspace locked. Call the returned func to
// release it.
func (s *Session) Lock() (unlock func(), err error) {
	_, unlock, err = s.LockForChild()
	return unlock, err
}

// LockForChild is Lock, and also returns the locked file, for a child
// process that works on the workspace for this one to inherit
// (exec.Cmd.ExtraFiles) and take over with AdoptLock.
func (s *Session) LockForChild() (lock *os.File, unlock func(), err error) {
	path := filepath.Join(s.dir, LockFile)
	// Never through a link: the lock file is truncated below.
	f, err := nofollow.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := make([]byte, 32)
		n, _ := f.ReadAt(holder, 0)
		holder = holder[:n]
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			who := "another agentcore-workshop"
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(holder))); perr == nil {
				who = fmt.Sprintf("another agentcore-workshop (pid %d)", pid)
			}
			return nil, nil, fmt.Errorf("%w: %s is using %s; quit it first, or use another --workspace", ErrInUse, who, s.dir)
		}
		return nil, nil, fmt.Errorf("lock workspace %s: %w", s.dir, err)
	}
	// Who holds it, for the message another process shows.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// AdoptLock takes over the lock of a parent process that started this one
// to work on the workspace and handed its locked file down (LockForChild).
// Both processes then hold the one open file, so the lock stays until the
// last of them lets go or dies: a parent killed mid-stage leaves the child
// holding the workspace until it has wound down. unlock closes this
// process's copy only.
func (s *Session) AdoptLock(f *os.File) (unlock func(), err error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("adopt the workspace lock: %w", err)
	}
	li, err := os.Lstat(filepath.Join(s.dir, LockFile))
	if err != nil || !os.SameFile(fi, li) {
		return nil, fmt.Errorf("adopt the workspace lock: the file handed down is not %s's lock file", s.dir)
	}
	// On the inherited open file this succeeds, the lock being already
	// ours; on any other it fails, as Lock would.
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return nil, fmt.Errorf("%w: adopt the workspace lock of %s: %v", ErrInUse, s.dir, err)
	}
	return func() { f.Close() }, nil
}
