package boundedlog

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCut(t *testing.T) {
	if got := Cut("short", 10); got != "short" {
		t.Fatalf("Cut kept %q", got)
	}
	got := Cut(strings.Repeat("é", 10), 5) // 2-byte runes: cut on a boundary
	if !strings.HasPrefix(got, "éé…") || !strings.HasSuffix(got, "[16 bytes cut]") {
		t.Fatalf("Cut = %q", got)
	}
}

// An unauthenticated caller's 11 KB value (a JWT kid, say) is logged as at
// most MaxValueBytes, whatever its kind or group.
func TestCapValues(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(CapValues(slog.NewTextHandler(&buf, nil), MaxValueBytes))
	huge := strings.Repeat("k", 11<<10)
	log.With("pre", huge).WithGroup("g").Info(huge, "kid", huge, "err", errors.New(huge), "n", 42,
		slog.Group("inner", slog.String("v", huge)), "any", fmt.Stringer(nil))
	line := buf.String()
	if n := strings.Count(line, "k"); n > 6*MaxValueBytes {
		t.Fatalf("%d bytes of the huge value were logged: %s", n, line)
	}
	if !strings.Contains(line, "g.n=42") || strings.Count(line, "bytes cut]") != 5 {
		t.Fatalf("line: %s", line)
	}
}

func TestFileRotatesBySizeAndCapsLines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sandbox.log")
	f, err := Open(path, 64<<10, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	log := slog.New(slog.NewTextHandler(f, nil))
	huge := strings.Repeat("x", 100<<10)
	for i := range 2000 { // about 2000 × 1 KB lines, and some giant ones
		if i%100 == 0 {
			f.Write([]byte(huge + "\n"))
			continue
		}
		log.Info("request", "i", i, "v", strings.Repeat("y", 1000))
	}
	var total int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		fi, _ := e.Info()
		total += fi.Size()
		if fi.Size() > 64<<10 {
			t.Errorf("%s is %d bytes, over the 64 KiB cap", e.Name(), fi.Size())
		}
	}
	if len(entries) != 3 || total > 3*64<<10 {
		t.Fatalf("%d files, %d bytes: %v", len(entries), total, entries)
	}
	b, _ := os.ReadFile(path)
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if len(line) > MaxLineBytes+64 {
			t.Fatalf("a %d-byte line was written", len(line))
		}
	}
}

func TestFileRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "precious")
	os.WriteFile(target, []byte("precious"), 0o600)
	path := filepath.Join(dir, "sandbox.log")
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	if f, err := Open(path, 0, 0); err == nil {
		f.Close()
		t.Fatal("opened a log through a symlink")
	}
	if b, _ := os.ReadFile(target); string(b) != "precious" {
		t.Fatalf("target now %q", b)
	}
}
