// Package session is the workshop's resumable state: stage statuses and
// results, the resource ledger and the secrets file, all written atomically.
package session

// Session is an open workspace.
type Session struct{}
