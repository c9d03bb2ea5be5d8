// Package store persists the sandbox's state in a directory: one JSON
// document per service, or for a service of many independent records (the
// user pools) one file per record (records.go), written off the service's
// lock by a Writer (writer.go). Every write is atomic (temp file, fsync,
// rename, directory fsync), so a killed sandbox restarts on the last
// complete state.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"agentcore-workshop/internal/atomicfile"
	"agentcore-workshop/internal/lazyregexp"
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

var validName = lazyregexp.New(`^[a-z0-9][a-z0-9_-]*$`)

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
	return atomicfile.Write(p, b, 0o600)
}
