// Package place decides where a workspace's AWS calls go (target, region,
// profile, sandbox) from its recorded settings and the command line, and
// refuses a command that would act elsewhere than where its resources
// live. It needs no AWS client, so the learner's command checks before it
// draws anything.
package place

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"agentcore-workshop/internal/session"
)

// The targets.
const (
	Sandbox = "sandbox"
	AWS     = "aws"
)

// DefaultSandboxRegion is the sandbox's region when none is given
// (sandbox.DefaultRegion; internal/app's tests hold the two equal).
const DefaultSandboxRegion = "us-west-2"

// Given is where the command line points the workspace; empty fields leave
// the recorded choice.
type Given struct {
	Target, Region, Profile, SandboxURL string
}

// Live reports whether the workspace's ledger holds anything not deleted:
// what it holds pins the workspace where it lives.
func Live(sess *session.Session) bool {
	for _, r := range sess.Resources() {
		if r.State != session.ResourceDeleted {
			return true
		}
	}
	return false
}

// MovedError is a command pointing a workspace that has resources at
// another place than the one they were made in: another target, region,
// account or sandbox. Going on would look for the resources where they are
// not: a cleanup would find them "already gone" and a run would make
// duplicates, so the command refuses instead.
type MovedError struct {
	Workspace string
	What      string // "target", "region", "account" or "sandbox"
	Recorded  string // where the resources are
	Given     string // where this command would have gone
	Fix       string // how to go where they are
}

func (e *MovedError) Error() string {
	return fmt.Sprintf("workspace %s has resources in %s %s (recorded at its first use), but this command points it at %s %s. "+
		"To use the workspace where it lives, %s; to move it, first run `agentcore-workshop cleanup --workspace %s` "+
		"(without that flag: it goes back there by itself), or choose another --workspace",
		e.Workspace, e.What, e.Recorded, e.What, e.Given, e.Fix, e.Workspace)
}

// Resolve decides where a command on this workspace goes: the flags
// where given, else what the workspace recorded, else the defaults. When
// the workspace has live resources (live), a flag that names another
// target, region or sandbox than the recorded one is refused. The account
// is checked once connected (see CheckAccount).
func Resolve(ws string, o Given, rec session.Settings, live bool) (session.Settings, error) {
	set := rec
	moved := func(what, recorded, given, fix string) error {
		return &MovedError{Workspace: ws, What: what, Recorded: recorded, Given: given, Fix: fix}
	}
	target := o.Target
	if target == "" && o.SandboxURL != "" {
		target = Sandbox
	}
	switch {
	case target == "" && rec.Target == "":
		target = Sandbox
	case target == "":
		target = rec.Target
	case rec.Target != "" && target != rec.Target:
		if live {
			return set, moved("target", rec.Target, target, "pass --target "+rec.Target+" (or leave --target and --sandbox-url out)")
		}
		// Nothing lives at the old place: forget it, keeping only the
		// embedded sandbox's port (its issuer URLs stay stable).
		set = session.Settings{Suffix: rec.Suffix, SandboxPort: rec.SandboxPort}
	}
	set.Target = target

	if o.Region != "" {
		if live && set.Region != "" && o.Region != set.Region {
			return set, moved("region", set.Region, o.Region, "pass --region "+set.Region+" (or leave --region out)")
		}
		set.Region = o.Region
	}

	if target == AWS {
		if o.Profile != "" {
			set.Profile = o.Profile // a profile of another account is caught by CheckAccount
		}
		set.SandboxURL = ""
		return set, nil
	}
	set.Profile = ""
	given := strings.TrimRight(o.SandboxURL, "/")
	switch {
	case given == "" && live && set.SandboxURL == "" && set.SandboxPort == 0:
		// Written before workspaces recorded their sandbox URL: the
		// embedded sandbox always saves its port, so these resources are
		// on a sandbox another process runs, at a URL nobody kept.
		return set, fmt.Errorf("workspace %s has resources on a sandbox started with `sandbox serve`, whose URL it did not record: "+
			"pass that sandbox's --sandbox-url (and its AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or choose another --workspace", ws)
	case given == "":
		// Go back to the recorded sandbox (the embedded one when none).
	case given != set.SandboxURL && live && (set.SandboxURL != "" || set.SandboxPort != 0):
		return set, moved("sandbox", describeSandbox(ws, set), given,
			"leave --sandbox-url out (the workspace goes back to its sandbox by itself)")
	default:
		set.SandboxURL = given
	}
	return set, nil
}

// describeSandbox says which sandbox a workspace's settings name.
func describeSandbox(ws string, set session.Settings) string {
	if set.SandboxURL != "" {
		return set.SandboxURL
	}
	return "the embedded sandbox (http://127.0.0.1:" + strconv.Itoa(set.SandboxPort) + ", state in " +
		filepath.Join(ws, session.SandboxDir) + ")"
}

// checkAccount refuses credentials of another account than the one the
// workspace's live resources were made in.
func CheckAccount(ws string, rec session.Settings, account string, live bool) error {
	if !live || rec.AccountID == "" || rec.AccountID == account {
		return nil
	}
	fix := "use credentials of account " + rec.AccountID
	if rec.Profile != "" {
		fix += " (the workspace recorded --profile " + rec.Profile + ")"
	}
	return &MovedError{Workspace: ws, What: "account", Recorded: rec.AccountID, Given: account, Fix: fix}
}

// CheckKeys refuses a workspace on a sandbox someone else runs (`sandbox
// serve`) when the environment lacks the keys that sandbox printed.
func CheckKeys(set session.Settings, getenv func(string) string) error {
	if set.Target == Sandbox && set.SandboxURL != "" &&
		(getenv("AWS_ACCESS_KEY_ID") == "" || getenv("AWS_SECRET_ACCESS_KEY") == "") {
		return fmt.Errorf("the sandbox at %s needs its keys: paste the export lines `sandbox serve` printed (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)", set.SandboxURL)
	}
	return nil
}
