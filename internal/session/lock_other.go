//go:build !unix

package session

import (
	"errors"
	"os"
)

// LockFile marks a workspace in use by one workshop process.
const LockFile = ".lock"

// ErrInUse is returned by Lock when another process holds the workspace.
var ErrInUse = errors.New("workspace in use")

// Lock is a no-op where flock is not available.
func (s *Session) Lock() (unlock func(), err error) { return func() {}, nil }

// LockForChild is a no-op where flock is not available.
func (s *Session) LockForChild() (lock *os.File, unlock func(), err error) {
	return nil, func() {}, nil
}

// AdoptLock is a no-op where flock is not available.
func (s *Session) AdoptLock(f *os.File) (unlock func(), err error) { return func() {}, nil }
