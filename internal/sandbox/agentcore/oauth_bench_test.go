package agentcore_test

import (
	"testing"

	"agentcore-workshop/internal/consent"
)

// BenchmarkGetResourceOauth2TokenWarmVault measures the agent's common case:
// the user consented before, so GetResourceOauth2Token is a vault hit. Each
// iteration is a full SigV4-signed SDK call through the sandbox edge.
func BenchmarkGetResourceOauth2TokenWarmVault(b *testing.B) {
	e := newIDEnv(b, envOpts{})
	alice := e.wat(workloadName, "alice")
	out := e.mustAsk(alice, nil)
	if err := consent.Complete(e.ctx, browser(b), *out.AuthorizationUrl, extUser, extPassword); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		got, err := e.ask(alice, nil)
		if err != nil || got.AccessToken == nil {
			b.Fatalf("ask: %v %+v", err, got)
		}
	}
}
