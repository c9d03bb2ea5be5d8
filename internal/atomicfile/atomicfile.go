// Package atomicfile writes files so that a crash at any point leaves either
// the old content or the new, never a torn file: temp file in the same
// directory, fsync, rename, directory fsync.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"

	"agentcore-workshop/internal/nofollow"
)

// Write writes data to path so that a reader (or a crash at any
// point) sees either the old content or the new, never a torn file. It
// refuses when path is a symbolic link: the temp file is created
// exclusively (never through a link) and the rename would replace the link
// itself, but a link where the workshop keeps a file is someone else's
// doing, and the learner should hear of it.
func Write(path string, data []byte, perm os.FileMode) error {
	if err := nofollow.Check(path); err != nil {
		return fmt.Errorf("write %w", err)
	}
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
