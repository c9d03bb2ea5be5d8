// Package session is the workshop's resumable state: stage statuses and
// results, settings, the resource ledger and the secrets file, all kept in
// one workspace directory and written atomically after every change.
//
// The workspace holds:
//
//	state.json    schema version, settings, stage records, resource ledger (0600)
//	secrets.json  "stepID/name" → secret value (0600, never in state.json)
//	workshop.log  the slog log (see LogPath)
//	sandbox/      the embedded sandbox's persisted state (see SandboxStateDir)
//
// A state file this version cannot read (corrupt, or written by a newer
// version) makes Open fail with an error that names the file and says what
// to do; the file is never overwritten behind the learner's back.
package session
