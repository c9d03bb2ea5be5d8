package steps

import (
	"context"
	"errors"
	"strings"
	"testing"

	"agentcore-workshop/steps/engine"
)

// Where the target hosts no IdP (AWS) and the learner named none, the
// stage is skipped, saying which flags would let it run; a partial set of
// flags is an error naming the missing ones. Neither makes anything.
func TestForeignIdPSkipsOrAsksForEveryFlag(t *testing.T) {
	env := sandboxEnv(t)
	env.Cloud.Foreign = nil // as on AWS
	_, err := foreignIdP{}.Run(context.Background(), env, &recorder{})
	var skip *engine.SkipError
	if !errors.As(err, &skip) || !strings.Contains(skip.Reason, "--foreign-discovery-url") || !strings.Contains(skip.Reason, "--foreign-audience") {
		t.Fatalf("no IdP on AWS: %v, want a skip naming the flags", err)
	}
	env.ForeignIdP = &ForeignIdP{DiscoveryURL: "https://dev-x.us.auth0.com/.well-known/openid-configuration", ClientID: "abc"}
	_, err = foreignIdP{}.Run(context.Background(), env, &recorder{})
	if err == nil || errors.As(err, &skip) || !strings.Contains(err.Error(), "--foreign-client-secret, --foreign-audience") {
		t.Fatalf("half the flags: %v", err)
	}
	if n := len(env.Session.Resources()); n != 0 {
		t.Errorf("%d ledger entries, want none", n)
	}
}
