package steps

import "time"

// typicalOnAWS is about how long each stage takes against real AWS, from
// the facilitator notes in content/ (the sandbox's stages take seconds,
// and the UI measures them). The progress line adds these up for the
// stages a learner has not run yet; a stage missing here is estimated
// from the others' times.
var typicalOnAWS = map[string]time.Duration{
	"provision-cognito":      30 * time.Second, // mostly the domain becoming ACTIVE
	"write-agent":            2 * time.Second,
	"configure":              5 * time.Second,
	"launch":                 6 * time.Minute, // mostly the CodeBuild build
	"wait-ready":             2 * time.Minute,
	"invoke-unauthenticated": 2 * time.Second,
	"invoke-with-token":      5 * time.Second,
	"break-it":               10 * time.Second, // "a few seconds on both targets"
	"oauth-consent":          time.Minute,      // as long as the sign-in takes
	"cleanup":                time.Minute,      // mostly waiting for DELETING
}

// TypicalOnAWS is how long stage id usually takes on AWS, if known.
func TypicalOnAWS(id string) (time.Duration, bool) {
	d, ok := typicalOnAWS[id]
	return d, ok
}
