package steps

import (
	"agentcore-workshop/internal/i18n"
	"context"
	"log/slog"
	"sync/atomic"

	"agentcore-workshop/internal/clock"
	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/session"
)

// Env is what a stage runs with. Stages never learn which target they run
// on: the cloud clients are the same type for the sandbox and for AWS.
type Env struct {
	Cloud   *cloud.Clients
	Session *session.Session // state, resource ledger, secrets
	Dir     string           // the workspace directory; stage files go here
	Log     *slog.Logger
	// Consent, when set, completes stage 8's browser consent without a
	// person (headless runs against the sandbox).
	Consent ConsentFunc
	// Clock is the stages' time: every timestamp, elapsed time and pause
	// between polls goes through it, so tests run waits without sleeping.
	// Nil means the system clock.
	Clock clock.Clock
	// Model is the Bedrock model id write-agent puts in agent.py; empty
	// means the region's cross-region inference profile
	// (agentpy.ModelForRegion).
	Model string
	// Lang is the learner's language ("en", "ko"): stage output is written
	// in it (see internal/i18n).
	Lang string
	// ReturnPort is the loopback port of the OAuth2 return URL
	// (--return-port); 0 means a free port chosen when configure runs.
	ReturnPort int
	// ForeignIdP is the learner's own OIDC provider for the foreign-idp
	// stage (run's --foreign-* flags); nil lets the stage make a tenant
	// where the target hosts one (the sandbox), or skip.
	ForeignIdP *ForeignIdP
	// freshConsent is a request for a new consent on the consent stage's
	// next run (AskFreshConsent, in oauth_consent.go).
	freshConsent atomic.Bool
}

// tr is the Printer for the learner's language: stages format messages
// that the runner does not translate for them (a value, a composed
// progress label) with it.
func (e *Env) tr() i18n.Printer { return i18n.For(e.Lang) }

func (e *Env) clock() clock.Clock {
	if e.Clock == nil {
		return clock.System{}
	}
	return e.Clock
}

// ConsentFunc completes an OAuth consent on the learner's behalf: it
// follows the authorization URL, signs in as the outbound user and
// consents. Only headless runs against the sandbox get one; everywhere
// else a person does it in a browser.
type ConsentFunc func(ctx context.Context, authorizationURL, username, password string) error
