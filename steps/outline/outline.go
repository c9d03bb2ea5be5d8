// Package outline is the tutorial's table of contents: each stage's id,
// title, requirements and whether it is manual, and how long it usually
// takes on AWS. It imports no cloud client, so a front end can draw the
// stage list (and status or a transcript can read a workspace) without
// linking the AWS SDK; package steps takes every stage's metadata from
// here and adds only what runs it.
package outline

import (
	"fmt"
	"time"

	"agentcore-workshop/steps/engine"
)

// The stages' ids, in the tutorial's order. They are stable: a workspace's
// saved state and the content pages (content/<lang>/NN-<id>.md) are keyed
// by them.
const (
	ProvisionCognitoID      = "provision-cognito"
	WriteAgentID            = "write-agent"
	ConfigureID             = "configure"
	LaunchID                = "launch"
	WaitReadyID             = "wait-ready"
	InvokeUnauthenticatedID = "invoke-unauthenticated"
	InvokeWithTokenID       = "invoke-with-token"
	BreakItID               = "break-it"
	OAuthConsentID          = "oauth-consent"
	MachineToMachineID      = "machine-to-machine"
	ForeignIdPID            = "foreign-idp"
	GatewayID               = "gateway"
	CleanupID               = "cleanup"
)

// Stages returns the workshop's stages in order, without Run or Expect:
// what the stage list, status and a transcript need. Each call builds a
// fresh list, so a caller may change what it gets.
func Stages() []engine.Stage {
	return []engine.Stage{
		{ID: ProvisionCognitoID, Title: "Provision Cognito"},                                            // stage 1
		{ID: WriteAgentID, Title: "Write the agent"},                                                    // stage 2
		{ID: ConfigureID, Title: "Configure", Requires: []string{ProvisionCognitoID, WriteAgentID}},     // stage 3
		{ID: LaunchID, Title: "Launch", Requires: []string{ConfigureID}},                                // stage 4
		{ID: WaitReadyID, Title: "Wait until READY", Requires: []string{LaunchID}},                      // stage 5
		{ID: InvokeUnauthenticatedID, Title: "Invoke without a token", Requires: []string{WaitReadyID}}, // stage 6
		{ID: InvokeWithTokenID, Title: "Invoke with a token", Requires: []string{WaitReadyID}},          // stage 7
		{ID: BreakItID, Title: "Break it", Requires: []string{InvokeWithTokenID}},                       // stage 8
		{ID: OAuthConsentID, Title: "OAuth consent", Requires: []string{InvokeWithTokenID}},             // stage 9
		{ID: MachineToMachineID, Title: "Machine to machine", Requires: []string{ProvisionCognitoID}},   // stage 10
		{ID: ForeignIdPID, Title: "Foreign identity provider", Requires: []string{WaitReadyID}},         // stage 11
		{ID: GatewayID, Title: "Gateway", Requires: []string{MachineToMachineID, ForeignIdPID}},         // stage 12
		{ID: CleanupID, Title: "Clean up", Manual: true},                                                // stage 13
	}
}

// Stage returns the outline of the stage named id. The ids are this
// package's constants, so an unknown one is a programming error, and it
// panics: the stage constructors call it, and every test that builds the
// stage list would fail at once.
func Stage(id string) engine.Stage {
	for _, s := range Stages() {
		if s.ID == id {
			return s
		}
	}
	panic(fmt.Sprintf("outline: no stage %q", id))
}

// typicalOnAWS is about how long each stage takes against real AWS, from
// the facilitator notes in content/ (the sandbox's stages take seconds,
// and the UI measures them). The progress line adds these up for the
// stages a learner has not run yet; a stage missing here is estimated
// from the others' times.
var typicalOnAWS = map[string]time.Duration{
	ProvisionCognitoID:      30 * time.Second, // mostly the domain becoming ACTIVE
	WriteAgentID:            2 * time.Second,
	ConfigureID:             5 * time.Second,
	LaunchID:                6 * time.Minute, // mostly the CodeBuild build
	WaitReadyID:             2 * time.Minute,
	InvokeUnauthenticatedID: 2 * time.Second,
	InvokeWithTokenID:       5 * time.Second,
	BreakItID:               10 * time.Second, // "a few seconds on both targets"
	OAuthConsentID:          time.Minute,      // as long as the sign-in takes
	CleanupID:               time.Minute,      // mostly waiting for DELETING
}

// TypicalOnAWS is how long stage id usually takes on AWS, if known.
func TypicalOnAWS(id string) (time.Duration, bool) {
	d, ok := typicalOnAWS[id]
	return d, ok
}
