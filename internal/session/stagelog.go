package session

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"agentcore-workshop/internal/nofollow"
)

// LogsDir holds the kept stage logs: one append-only JSON Lines file per
// stage, so a stage's log outlives the process that ran it.
const LogsDir = "logs"

// minSecretLen is the shortest secret value redacted from kept lines: a
// shorter one would match ordinary text and redact it for nothing.
const minSecretLen = 6

// Redacted replaces a secret value in kept text.
const Redacted = "[redacted]"

// LogLine is one kept line of a stage's log.
type LogLine struct {
	Stage string    `json:"stage"`
	Run   time.Time `json:"run"` // when the run the line belongs to started
	Time  time.Time `json:"time"`
	Line  string    `json:"line"`
}

// stageLogPath is the kept log of stage id; ids are plain names, never paths.
func (s *Session) stageLogPath(id string) (string, error) {
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, `/\`) {
		return "", fmt.Errorf("stage log: %q is not a stage id", id)
	}
	return filepath.Join(s.dir, LogsDir, id+".jsonl"), nil
}

// AppendStageLog keeps l in its stage's log, every secret value stored in
// the workspace redacted first. The file only grows: a reset or a new run
// adds lines, it never rewrites old ones.
func (s *Session) AppendStageLog(l LogLine) error {
	path, err := s.stageLogPath(l.Stage)
	if err != nil {
		return err
	}
	l.Line = s.Redact(l.Line)
	b, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("encode stage log line: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create stage logs: %w", err)
	}
	f, err := nofollow.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open stage log: %w", err)
	}
	// One write per line: O_APPEND keeps concurrent lines whole.
	_, werr := f.Write(append(b, '\n'))
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("keep stage log line: %w", werr)
	}
	return nil
}

// StageLog returns every kept line of stage id, oldest first; none when
// the stage never logged. A torn last line (a crash mid-write) is skipped.
func (s *Session) StageLog(id string) ([]LogLine, error) {
	path, err := s.stageLogPath(id)
	if err != nil {
		return nil, err
	}
	f, err := nofollow.OpenFile(path, os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open stage log: %w", err)
	}
	defer f.Close()
	var out []LogLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		var l LogLine
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("read stage log %s: %w", path, err)
	}
	return out, nil
}

// LastRunLog returns the lines of stage id's run that started at run.
func (s *Session) LastRunLog(id string, run time.Time) ([]string, error) {
	all, err := s.StageLog(id)
	var out []string
	for _, l := range all {
		if l.Run.Equal(run) {
			out = append(out, l.Line)
		}
	}
	return out, err
}

// Redact replaces, in text, every secret value the workspace holds.
// Longer values go first so a secret containing another is redacted whole.
func (s *Session) Redact(text string) string {
	return RedactValues(text, s.SecretValues())
}

// SecretValues returns every secret value the workspace holds.
func (s *Session) SecretValues() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.secrets))
	for _, v := range s.secrets {
		out = append(out, v)
	}
	return out
}

// RedactValues replaces every value in secrets (of minSecretLen or more)
// found in text.
func RedactValues(text string, secrets []string) string {
	secrets = slices.Clone(secrets)
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, v := range secrets {
		if len(v) >= minSecretLen {
			text = strings.ReplaceAll(text, v, Redacted)
		}
	}
	return text
}
