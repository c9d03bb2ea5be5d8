package session

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"agentcore-workshop/internal/atomicfile"
	"agentcore-workshop/internal/boundedlog"
	"agentcore-workshop/internal/nofollow"
)

// SchemaVersion is the version of state.json and secrets.json this build
// writes. Open refuses files with a higher version rather than guessing.
const SchemaVersion = 1

// Names inside the workspace directory.
const (
	DefaultDir  = "workshop"
	StateFile   = "state.json"
	SecretsFile = "secrets.json"
	LogFile     = "workshop.log"
	SandboxDir  = "sandbox"
)

// Settings are the learner's choices for this workspace. They persist so
// that a restarted workshop talks to the same target (and, on the sandbox,
// the same port, which keeps issuer URLs stable).
type Settings struct {
	Target      string `json:"target,omitempty"` // "sandbox" or "aws"
	Region      string `json:"region,omitempty"`
	SandboxPort int    `json:"sandboxPort,omitempty"`
	// Suffix makes this workspace's resource names unique (pool names,
	// the Cognito domain). Open generates it once: lowercase letters and
	// digits, so it fits every AWS naming rule the stages meet.
	Suffix string `json:"suffix,omitempty"`

	// Where the workspace's resources live, recorded the first time it
	// connects, so later commands go back there when no flag says
	// otherwise and refuse a flag that would point them elsewhere. A
	// workspace written before these fields existed has them empty and
	// adopts the place of its next connection.
	//
	// Profile is the AWS shared-config profile (target aws).
	Profile string `json:"profile,omitempty"`
	// AccountID and CallerARN are what STS GetCallerIdentity answered;
	// the ARN's partition (aws, aws-cn, aws-us-gov) is the partition of
	// every ARN and endpoint the stages build.
	AccountID string `json:"accountId,omitempty"`
	CallerARN string `json:"callerArn,omitempty"`
	// SandboxURL is the URL of a sandbox another process runs (`sandbox
	// serve`). Empty on the sandbox target means the embedded sandbox,
	// whose endpoint is 127.0.0.1:SandboxPort with its state inside the
	// workspace.
	SandboxURL string `json:"sandboxUrl,omitempty"`
}

// Value is one persisted result value of a stage. Secret values are kept
// with an empty Value here; the secret itself is in the secrets file.
type Value struct {
	Name   string `json:"name"`
	Value  string `json:"value,omitempty"`
	Secret bool   `json:"secret,omitempty"`
	Kind   string `json:"kind,omitempty"`
}

// StageRecord is what the state file remembers about one stage. Status is
// the steps package's status string; session does not interpret it.
type StageRecord struct {
	Status     string        `json:"status"`
	StartedAt  time.Time     `json:"startedAt,omitzero"`
	FinishedAt time.Time     `json:"finishedAt,omitzero"`
	Elapsed    time.Duration `json:"elapsed,omitempty"`
	Err        string        `json:"error,omitempty"`
	Values     []Value       `json:"values,omitempty"`
	Stale      bool          `json:"stale,omitempty"`
}

// stateFile is the on-disk shape of state.json.
type stateFile struct {
	Version   int                    `json:"version"`
	CreatedAt time.Time              `json:"createdAt,omitzero"`
	UpdatedAt time.Time              `json:"updatedAt,omitzero"`
	Settings  Settings               `json:"settings"`
	Stages    map[string]StageRecord `json:"stages,omitempty"`
	Resources []Resource             `json:"resources,omitempty"`
}

// secretsFile is the on-disk shape of secrets.json.
type secretsFile struct {
	Version int               `json:"version"`
	Secrets map[string]string `json:"secrets"`
}

// Session is an open workspace. All methods are safe for concurrent use.
type Session struct {
	dir string
	now func() time.Time

	mu      sync.Mutex
	state   stateFile
	secrets map[string]string
	unsaved bool // state holds what OpenUnsaved generated and did not write
}

// Open opens the workspace in dir, creating it (0700) when it does not
// exist. An empty dir means DefaultDir in the working directory.
func Open(dir string) (*Session, error) {
	s, err := OpenUnsaved(dir)
	if err != nil {
		return nil, err
	}
	if err := s.Save(); err != nil {
		return nil, err
	}
	return s, nil
}

// OpenUnsaved is Open without its one write: a new workspace's suffix is
// generated but stays in memory until the first write that saves the state
// (every change does) or Save. The terminal UI opens this way so that the
// two fsyncs of that write come after its first frame, not before.
//
// Nothing is lost by waiting: the suffix names resources, and a stage can
// only name one after connecting, which saves the settings, and only through
// Plan, which saves the state before anything is created. A process that
// dies before either has created nothing under that suffix; the next start
// simply draws another.
func OpenUnsaved(dir string) (*Session, error) {
	if dir == "" {
		dir = DefaultDir
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create workspace %s: %w", dir, err)
	}
	// Checked before anything is written or removed there.
	if err := nofollow.CheckDir(dir); err != nil {
		return nil, fmt.Errorf("workspace %w", err)
	}
	s := &Session{dir: dir, now: time.Now, secrets: map[string]string{}}
	removeStrayTemps(dir)
	if err := s.loadState(); err != nil {
		return nil, err
	}
	if err := s.loadSecrets(); err != nil {
		return nil, err
	}
	if s.state.Settings.Suffix == "" {
		suffix, err := newSuffix()
		if err != nil {
			return nil, err
		}
		s.state.Settings.Suffix = suffix
		s.unsaved = true
	}
	return s, nil
}

// Save writes the state if OpenUnsaved left part of it only in memory.
func (s *Session) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.unsaved {
		return nil
	}
	return s.update(func(*stateFile) error { return nil })
}

// newSuffix returns 8 random lowercase hex characters.
func newSuffix() (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate workspace suffix: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// removeStrayTemps deletes temp files left by a write that was killed
// before its rename. They never hold the live state (the rename is what
// publishes a write), so removing them loses nothing.
func removeStrayTemps(dir string) {
	for _, name := range []string{StateFile, SecretsFile} {
		matches, _ := filepath.Glob(filepath.Join(dir, "."+name+".tmp-*"))
		for _, m := range matches {
			os.Remove(m)
		}
	}
}

func (s *Session) loadState() error {
	p := s.StatePath()
	b, err := readFile(p)
	if errors.Is(err, os.ErrNotExist) {
		now := s.now().UTC()
		s.state = stateFile{Version: SchemaVersion, CreatedAt: now, UpdatedAt: now}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read workspace state %s: %w", p, err)
	}
	var st stateFile
	if err := decodeVersioned(p, b, &st); err != nil {
		return err
	}
	if st.Stages == nil {
		st.Stages = map[string]StageRecord{}
	}
	s.state = st
	return nil
}

func (s *Session) loadSecrets() error {
	p := s.SecretsPath()
	b, err := readFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read workspace secrets %s: %w", p, err)
	}
	var sf secretsFile
	if err := decodeVersioned(p, b, &sf); err != nil {
		return err
	}
	if sf.Secrets != nil {
		s.secrets = sf.Secrets
	}
	// Someone may have loosened the mode by hand; secrets stay owner-only.
	// (readFile refused a link, and rename-based writes never make one.)
	if err := nofollow.Check(p); err == nil {
		os.Chmod(p, 0o600)
	}
	return nil
}

// readFile reads a workspace file, refusing a symbolic link: the workshop
// writes these files back, and would never write through one.
func readFile(path string) ([]byte, error) {
	f, err := nofollow.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// decodeVersioned checks the schema version before decoding the whole
// document, so a newer file is reported as newer, not as corrupt.
func decodeVersioned(path string, b []byte, v any) error {
	var head struct {
		Version *int `json:"version"`
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return corruptError(path, errors.New("the file is empty"))
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return corruptError(path, err)
	}
	if head.Version == nil || *head.Version < 1 {
		return corruptError(path, errors.New("it has no schema version"))
	}
	if *head.Version > SchemaVersion {
		return fmt.Errorf("%s was written by a newer agentcore-workshop (schema version %d; this one reads up to %d): "+
			"upgrade agentcore-workshop, or use another workspace directory; the file was left untouched",
			path, *head.Version, SchemaVersion)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return corruptError(path, err)
	}
	return nil
}

func corruptError(path string, cause error) error {
	return fmt.Errorf("%s is damaged and cannot be read (%v): it was left untouched; "+
		"move it aside (or delete it) to start this workspace over, or use another workspace directory", path, cause)
}

// Dir is the workspace directory.
func (s *Session) Dir() string { return s.dir }

// StatePath is the path of state.json.
func (s *Session) StatePath() string { return filepath.Join(s.dir, StateFile) }

// SecretsPath is the path of secrets.json.
func (s *Session) SecretsPath() string { return filepath.Join(s.dir, SecretsFile) }

// LogPath is where the workshop's slog output goes.
func (s *Session) LogPath() string { return filepath.Join(s.dir, LogFile) }

// SandboxStateDir is where the embedded sandbox persists its state.
func (s *Session) SandboxStateDir() string { return filepath.Join(s.dir, SandboxDir) }

// OpenLog opens (appending, 0600) the workspace log file for a slog
// handler. It rotates by size (workshop.log.1, .2, ...), so a long session
// cannot fill the disk, and it is never opened through a symlink.
func (s *Session) OpenLog() (*boundedlog.File, error) {
	f, err := boundedlog.Open(s.LogPath(), 0, 0)
	if err != nil {
		return nil, fmt.Errorf("open workshop log: %w", err)
	}
	return f, nil
}

// update applies fn to a copy of the state and writes it; memory changes
// only when the write succeeded, so memory and disk never disagree.
// s.mu must be held.
func (s *Session) update(fn func(st *stateFile) error) error {
	next := cloneState(s.state)
	if err := fn(&next); err != nil {
		return err
	}
	next.Version = SchemaVersion
	next.UpdatedAt = s.now().UTC()
	b, err := json.MarshalIndent(next, "", "  ")
	if err != nil {
		return fmt.Errorf("encode workspace state: %w", err)
	}
	if err := atomicfile.Write(s.StatePath(), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save workspace state: %w", err)
	}
	s.state = next
	s.unsaved = false
	return nil
}

func cloneState(st stateFile) stateFile {
	c := st
	c.Stages = make(map[string]StageRecord, len(st.Stages))
	for k, r := range st.Stages {
		r.Values = slices.Clone(r.Values)
		c.Stages[k] = r
	}
	c.Resources = make([]Resource, len(st.Resources))
	for i, r := range st.Resources {
		c.Resources[i] = r.clone()
	}
	return c
}

// Settings returns the workspace settings.
func (s *Session) Settings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.Settings
}

// SetSettings replaces the workspace settings. An empty Suffix keeps the
// workspace's suffix: resource names must not change under the ledger.
func (s *Session) SetSettings(v Settings) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(func(st *stateFile) error {
		if v.Suffix == "" {
			v.Suffix = st.Settings.Suffix
		}
		st.Settings = v
		return nil
	})
}

// Stage returns the record of stage id.
func (s *Session) Stage(id string) (StageRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.state.Stages[id]
	r.Values = slices.Clone(r.Values)
	return r, ok
}

// SetStages replaces several stage records in one atomic write, so a
// transition that touches more than one stage (a re-run marking later
// stages stale, a reset) is never half saved.
func (s *Session) SetStages(recs map[string]StageRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(func(st *stateFile) error {
		if st.Stages == nil {
			st.Stages = map[string]StageRecord{}
		}
		for id, rec := range recs {
			if id == "" {
				return errors.New("save stage: empty stage id")
			}
			rec.Values = redact(rec.Values)
			st.Stages[id] = rec
		}
		return nil
	})
}

// redact drops secret values so they can never reach state.json, whatever
// the caller passed.
func redact(vs []Value) []Value {
	out := slices.Clone(vs)
	for i := range out {
		if out[i].Secret {
			out[i].Value = ""
		}
	}
	return out
}

func secretKey(stepID, name string) string { return stepID + "/" + name }

// PutSecret stores a secret value of a stage in the 0600 secrets file.
func (s *Session) PutSecret(stepID, name, value string) error {
	if stepID == "" || name == "" {
		return errors.New("save secret: step id and name are required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := secretKey(stepID, name)
	if old, ok := s.secrets[k]; ok && old == value {
		return nil // already saved: the runner saves reported values twice
	}
	next := maps.Clone(s.secrets)
	next[k] = value
	if err := s.writeSecrets(next); err != nil {
		return err
	}
	s.secrets = next
	return nil
}

// Secret returns a secret value a stage stored.
func (s *Session) Secret(stepID, name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.secrets[secretKey(stepID, name)]
	return v, ok
}

// DeleteSecrets forgets every secret of a stage (used when the stage is reset).
func (s *Session) DeleteSecrets(stepID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := maps.Clone(s.secrets)
	prefix := stepID + "/"
	changed := false
	for k := range next {
		if strings.HasPrefix(k, prefix) {
			delete(next, k)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	if err := s.writeSecrets(next); err != nil {
		return err
	}
	s.secrets = next
	return nil
}

// writeSecrets persists the secrets map. s.mu must be held.
func (s *Session) writeSecrets(m map[string]string) error {
	b, err := json.MarshalIndent(secretsFile{Version: SchemaVersion, Secrets: m}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode secrets: %w", err)
	}
	if err := atomicfile.Write(s.SecretsPath(), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save secrets: %w", err)
	}
	return nil
}
