package ui

import (
	"strings"

	"agentcore-workshop/internal/i18n"
)

// hint maps a known error to what the learner should do about it. The
// table is matched in order against the stage's error text (or, for a
// stage that got the refusal it teaches, against that refusal), and the
// first row whose every pattern occurs wins. Patterns are plain
// substrings of AWS's and the workshop's own wording.
type hint struct {
	all  []string // every one must occur in the error
	what string   // what to do (a failure) or why it happened (a refusal)
}

// hints is the table, most specific rows first.
var hints = []hint{
	// The refusal stage 6 teaches, and the same refusal where it is wrong.
	{[]string{"Authorization method mismatch"}, i18n.M("this runtime's inbound auth is a JWT authorizer: it accepts only a bearer token, so a call signed with AWS credentials (SigV4) is refused at the door, before the agent runs")},
	{[]string{"different authorization token type"}, i18n.M("this runtime's inbound auth is a JWT authorizer: it accepts only a bearer token, so a call signed with AWS credentials (SigV4) is refused at the door, before the agent runs")},
	{[]string{"but the call succeeded"}, i18n.M("the runtime accepted a SigV4 call, so its inbound auth is not the JWT authorizer: run stage 3 (configure) and stage 4 (launch) again, then this stage")},
	// Resources an earlier stage made that are gone.
	{[]string{"ResourceNotFoundException", "pool"}, i18n.M("the user pool is gone (a cleanup, or deleted by hand): run stage 1 again, then the stages after it in order")},
	{[]string{"ResourceNotFoundException", "untime"}, i18n.M("the agent runtime is gone (a cleanup, or deleted by hand): run stage 4 (launch) again, then the stages after it")},
	{[]string{"ResourceNotFoundException"}, i18n.M("something an earlier stage made is gone: run the earlier stages again in order (reset --to N starts over from stage N)")},
	{[]string{"UserNotFoundException"}, i18n.M("the test user is gone: run stage 1 again")},
	// Tokens: AWS's own session first, since its message also says "expired".
	{[]string{"ExpiredToken"}, i18n.M("your AWS session has expired: sign in again (aws sso login, or fresh keys) and run the stage again")},
	{[]string{"expired"}, i18n.M("a token or credential has expired: run the stage that made it again for a fresh one (stage 1 signs in again), then this stage")},
	{[]string{"Invalid token"}, i18n.M("the runtime refused the bearer token: run stage 1 again for a fresh access token (an ID token, or one from another pool, is refused)")},
	// AWS credentials and permissions.
	{[]string{"UnrecognizedClient"}, i18n.M("AWS does not recognise your credentials: check AWS_PROFILE or your access keys, then run the stage again")},
	{[]string{"InvalidClientTokenId"}, i18n.M("AWS does not recognise your credentials: check AWS_PROFILE or your access keys, then run the stage again")},
	{[]string{"failed to retrieve credentials"}, i18n.M("no AWS credentials were found: set AWS_PROFILE (or run aws configure), then run the stage again")},
	{[]string{"AccessDenied", "not authorized to perform"}, i18n.M("your AWS identity lacks a permission this stage needs (named above): ask for it, or use a role that has it, then run the stage again")},
	{[]string{"Throttling"}, i18n.M("AWS asked to slow down: wait a moment and run the stage again")},
	{[]string{"TooManyRequests"}, i18n.M("AWS asked to slow down: wait a moment and run the stage again")},
	{[]string{"ValidationException"}, i18n.M("AWS refused the request as malformed: if you edited the agent or its config, check the edit; otherwise run the earlier stages again")},
	{[]string{"ConflictException"}, i18n.M("AWS says it is already there or busy: wait a moment and run the stage again (it picks up what exists)")},
	// The workshop's own endings.
	{[]string{"connection refused"}, i18n.M("nothing answered at the endpoint: if it is the sandbox, quit and start the workshop again")},
	{[]string{"timed out"}, i18n.M("the wait ran out: check what the log says it was waiting for, then run the stage again")},
	{[]string{"interrupted"}, i18n.M("the workshop stopped while this stage ran: press enter to run it again")},
	{[]string{"must succeed first"}, i18n.M("run the stages it names first, in order")},
}

// hintFor is the table's advice for an error text, in English (the
// caller translates it), or "".
func hintFor(errText string) string {
	for _, h := range hints {
		ok := true
		for _, p := range h.all {
			if !strings.Contains(errText, p) {
				ok = false
				break
			}
		}
		if ok {
			return h.what
		}
	}
	return ""
}
