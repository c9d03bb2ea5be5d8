package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"agentcore-workshop/internal/atomicfile"
	"agentcore-workshop/internal/lazyregexp"
)

// Records is a directory of the store holding one JSON file per record, for
// a service whose state is many independent records (Cognito's user pools):
// a change rewrites only its record, so the cost of a write does not grow
// with the number of records. Each file is written atomically on its own;
// a crash between two records' writes leaves each record whole, at its
// last completed write.
type Records struct {
	dir string // "" keeps nothing on disk
}

// validRecordID allows the ids services use (Cognito pool ids mix cases,
// "us-west-2_AbC123xyZ"): no separators, no leading dot, so a record is
// never a path and never a temp file's name.
var validRecordID = lazyregexp.New(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)

// Records opens (creating if needed) the record directory name.
func (s *Store) Records(name string) (*Records, error) {
	if s.Dir == "" {
		return &Records{}, nil
	}
	if !validName.MatchString(name) {
		return nil, fmt.Errorf("store: invalid records name %q", name)
	}
	dir := filepath.Join(s.Dir, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	return &Records{dir: dir}, nil
}

func (r *Records) path(id string) (string, error) {
	if !validRecordID.MatchString(id) {
		return "", fmt.Errorf("store: invalid record id %q", id)
	}
	return filepath.Join(r.dir, id+".json"), nil
}

// Put writes record id atomically (temp file, fsync, rename, directory fsync).
func (r *Records) Put(id string, data []byte) error {
	if r.dir == "" {
		return nil
	}
	p, err := r.path(id)
	if err != nil {
		return err
	}
	return atomicfile.Write(p, data, 0o600)
}

// Delete removes record id durably; a record that is not there is no error.
func (r *Records) Delete(id string) error {
	if r.dir == "" {
		return nil
	}
	p, err := r.path(id)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", p, err)
	}
	return syncDir(r.dir)
}

// All reads every record, by id. Files that are not records (the temp
// file of a write a crash interrupted) are skipped.
func (r *Records) All() (map[string][]byte, error) {
	out := map[string][]byte{}
	if r.dir == "" {
		return out, nil
	}
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", r.dir, err)
	}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !e.Type().IsRegular() || !validRecordID.MatchString(id) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(r.dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read record %s: %w", id, err)
		}
		out[id] = b
	}
	return out, nil
}

// Remove deletes document name durably: a service that moved its state to
// Records drops the document it migrated from. A missing document is no error.
func (s *Store) Remove(name string) error {
	if s.Dir == "" {
		return nil
	}
	p, err := s.path(name)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", p, err)
	}
	return syncDir(s.Dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}
