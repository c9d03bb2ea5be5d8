package boundedlog

import (
	"fmt"
	"os"
	"strconv"
	"sync"

	"agentcore-workshop/internal/nofollow"
)

// Defaults for a log file nobody sized.
const (
	DefaultMaxFileBytes = 10 << 20
	DefaultKeep         = 3
	// MaxLineBytes caps one Write (one record, for slog's handlers).
	MaxLineBytes = 8 << 10
)

// File is a log file that rotates by size: when a write would take it past
// MaxBytes, path becomes path.1 (path.1 becomes path.2, and so on up to
// Keep old files; the oldest is dropped) and a new path is started. So the
// log never takes more than (Keep+1) × MaxBytes on disk. It never writes
// through a symbolic link.
type File struct {
	path     string
	maxBytes int64
	keep     int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// Open opens (appending, 0600) or creates the log at path. maxBytes or
// keep of zero or less take the defaults.
func Open(path string, maxBytes int64, keep int) (*File, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxFileBytes
	}
	if keep <= 0 {
		keep = DefaultKeep
	}
	l := &File{path: path, maxBytes: maxBytes, keep: keep}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *File) open() error {
	f, err := nofollow.OpenFile(l.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("stat log %s: %w", l.path, err)
	}
	l.f, l.size = f, fi.Size()
	return nil
}

// Write writes p as one line, cut to MaxLineBytes, rotating first when
// the file would pass its size.
func (l *File) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) > MaxLineBytes {
		cut := make([]byte, 0, MaxLineBytes+32)
		cut = append(cut, p[:MaxLineBytes]...)
		cut = append(cut, fmt.Sprintf("…[%d bytes cut]\n", len(p)-MaxLineBytes)...)
		p = cut
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0, os.ErrClosed
	}
	if l.size > 0 && l.size+int64(len(p)) > l.maxBytes {
		if err := l.rotate(); err != nil {
			return 0, err
		}
	}
	w, err := l.f.Write(p)
	l.size += int64(w)
	if err != nil {
		return 0, fmt.Errorf("write log %s: %w", l.path, err)
	}
	return n, nil // the caller's whole line was handled, even when cut
}

func (l *File) rotate() error {
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("close log %s: %w", l.path, err)
	}
	l.f = nil
	os.Remove(l.old(l.keep))
	for i := l.keep - 1; i >= 1; i-- {
		os.Rename(l.old(i), l.old(i+1)) // a missing one is fine
	}
	if err := os.Rename(l.path, l.old(1)); err != nil {
		return fmt.Errorf("rotate log %s: %w", l.path, err)
	}
	return l.open()
}

func (l *File) old(i int) string { return l.path + "." + strconv.Itoa(i) }

// Close closes the file.
func (l *File) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
