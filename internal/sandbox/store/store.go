// Package store persists the sandbox's state as one JSON document per
// service in a directory. Every write is atomic (temp file, fsync, rename,
// directory fsync), so a killed sandbox restarts on the last complete state.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
)

// Store is a directory of JSON documents. An empty Dir keeps nothing on disk
// (an in-memory sandbox for tests that do not restart it).
type Store struct {
	Dir string
	mu  sync.Mutex // serialises writers to the same directory
}

// New opens (creating if needed) the state directory.
func New(dir string) (*Store, error) {
	if dir == "" {
		return &Store{}, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create sandbox state dir: %w", err)
	}
	return &Store{Dir: dir}, nil
}

var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

func (s *Store) path(name string) (string, error) {
	if !validName.MatchString(name) {
		return "", fmt.Errorf("store: invalid document name %q", name)
	}
	return filepath.Join(s.Dir, name+".json"), nil
}

// Load reads document name into v. It reports false when the document does
// not exist yet (or the store is in-memory).
func (s *Store) Load(name string, v any) (bool, error) {
	if s.Dir == "" {
		return false, nil
	}
	p, err := s.path(name)
	if err != nil {
		return false, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", p, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("decode %s: %w", p, err)
	}
	return true, nil
}

// Save writes v as document name atomically.
func (s *Store) Save(name string, v any) error {
	if s.Dir == "" {
		return nil
	}
	p, err := s.path(name)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return WriteFileAtomic(p, b, 0o600)
}

// WriteFileAtomic writes data to path so that a reader (or a crash at any
// point) sees either the old content or the new, never a torn file.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temp for %s: %w", path, err)
	}
	tmpName := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("chmod temp for %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write temp for %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("fsync temp for %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close temp for %s: %w", path, err)
	}
	if err := os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: makes the rename durable on Linux
		d.Close()
	}
	return nil
}
