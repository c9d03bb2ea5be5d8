package roomreport

import "strings"

// hints pair a phrase of an error with what usually gets a learner past
// it, for the facilitator walking over to help. The first match wins.
var hints = []struct{ phrase, hint string }{
	{"Password attempts exceeded", "Too many wrong passwords: the user is locked out for a while (doubling per failure); wait, then run the stage again."},
	{"Incorrect username or password", "The password does not match the user's: run provision-cognito again, or check the credentials file."},
	{"no consent after", "The learner has not finished the browser consent: open the authorization URL (o), sign in, consent."},
	{"Authorization method mismatch", "SigV4 was sent to a runtime that takes only bearer tokens (or the reverse): the authorizer decides which."},
	{"UnauthorizedException", "The token was refused: check that the runtime's allowedClients and discovery URL match the inbound pool."},
	{"AccessDeniedException", "The call was refused: compare the token's client_id, issuer and scopes with the authorizer's rules."},
	{"ResourceNotFoundException", "Something an earlier stage made is gone: reset to that stage and run on from there."},
	{"ConflictException", "A resource with that name exists already: run cleanup, or reset and run the stage again."},
	{"connection refused", "The sandbox cannot be reached: is `sandbox serve` still running, and is --sandbox-url right?"},
	{"no such host", "The sandbox's host name does not resolve: check --sandbox-url."},
	{"InvalidSignatureException", "The request's signature was refused: the keys must be the ones `sandbox serve` printed, and the region its region."},
	{"ExpiredToken", "A token expired: run the stage again for a fresh one."},
	{"interrupted", "The workshop stopped while the stage ran: run the stage again."},
}

// Hint returns what usually fixes err, or "".
func Hint(err string) string {
	for _, h := range hints {
		if strings.Contains(err, h.phrase) {
			return h.hint
		}
	}
	return ""
}
