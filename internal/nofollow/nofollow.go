// Package nofollow opens files the workshop writes without following a
// symbolic link at the last path element. A workspace may sit in a shared
// or hostile directory: a link planted where the workshop expects its lock,
// state or log would otherwise make it truncate or append to any file the
// learner can write.
package nofollow

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrSymlink is returned when the file to open is a symbolic link.
var ErrSymlink = errors.New("is a symbolic link; the workshop does not write through links")

// OpenFile is os.OpenFile that refuses a symbolic link at path: it checks
// before opening, and where the system has O_NOFOLLOW the open itself
// refuses a link planted between the check and the open.
func OpenFile(path string, flag int, perm os.FileMode) (*os.File, error) {
	if err := Check(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, flag|oNoFollow, perm)
	if err != nil {
		if isLoop(err) {
			return nil, fmt.Errorf("open %s: %w", path, ErrSymlink)
		}
		return nil, err
	}
	return f, nil
}

// Check reports ErrSymlink when path is a symbolic link, for writers that
// replace a file by renaming another onto it.
func Check(path string) error {
	if isLink(path) {
		return fmt.Errorf("%s %w", path, ErrSymlink)
	}
	return nil
}

func isLink(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}

// ErrWorldWritable is returned for a directory every user may write to.
var ErrWorldWritable = errors.New("is writable by every user")

// CheckDir refuses a directory any user may write to: anyone could plant
// links or files there, or replace the workshop's files between its writes.
func CheckDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if fi.Mode().Perm()&0o002 != 0 {
		return fmt.Errorf("%s %w (mode %v): keep the workshop's files in a directory only you can write to (chmod o-w %s), or choose another one",
			dir, ErrWorldWritable, fi.Mode().Perm(), dir)
	}
	return nil
}
