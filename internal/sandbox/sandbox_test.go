package sandbox_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/coreos/go-oidc/v3/oidc"

	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/cognito"
	"agentcore-workshop/internal/sandbox/sandboxtest"
)

// cognitoClient is a Cognito client for sb over hc: a test that restarts
// the sandbox gives each client its own connections, to drop the old ones.
func cognitoClient(sb *sandbox.Sandbox, hc *http.Client) *cip.Client {
	return sandboxtest.Cognito(sb, func(o *cip.Options) { o.HTTPClient = hc })
}

func closeSandbox(t testing.TB, sb *sandbox.Sandbox) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sb.Close(ctx); err != nil {
		t.Fatalf("close sandbox: %v", err)
	}
}

// TestRestartKeepsStateAndKeys restarts the sandbox on the same state dir
// and address: the old token still verifies through discovery and JWKS (so
// the issuer and the pool keys survived), and sign-in still works.
func TestRestartKeepsStateAndKeys(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{}}
	pool, tokens := sandboxtest.SignedIn(t, ctx, cognitoClient(sb, hc), "MCPServerPool", sandboxtest.TestUser())
	poolID, clientID, token := pool.ID, pool.ClientID, aws.ToString(tokens.AccessToken)
	addr := sb.URL[len("http://"):]
	hc.CloseIdleConnections()
	closeSandbox(t, sb)

	sb2, err := sandbox.Start(ctx, sandbox.Config{Addr: addr, StateDir: dir})
	if err != nil {
		t.Fatalf("restart on %s: %v", addr, err)
	}
	defer closeSandbox(t, sb2)
	if sb2.URL != sb.URL {
		t.Fatalf("URL changed: %s → %s", sb.URL, sb2.URL)
	}
	prov, err := oidc.NewProvider(ctx, cognito.Issuer(sb2.URL, poolID))
	if err != nil {
		t.Fatalf("discovery after restart: %v", err)
	}
	tok, err := prov.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(ctx, token)
	if err != nil {
		t.Fatalf("old token after restart: %v", err)
	}
	var c struct {
		ClientID string `json:"client_id"`
	}
	if err := tok.Claims(&c); err != nil || c.ClientID != clientID {
		t.Fatalf("client_id %q (%v)", c.ClientID, err)
	}
	api := cognitoClient(sb2, &http.Client{})
	fresh := sandboxtest.SignIn(t, ctx, api, clientID, sandboxtest.TestUser(), nil)
	if _, err := prov.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(ctx, aws.ToString(fresh.AccessToken)); err != nil {
		t.Fatalf("new token after restart: %v", err)
	}
	if sb2.Credentials != sb.Credentials {
		t.Fatal("sandbox credentials changed across restart")
	}
}

// BenchmarkStartExisting measures starting a sandbox on a populated state
// dir (keys and pools to load). Target: well under 100 ms.
func BenchmarkStartExisting(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", StateDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	api := cognitoClient(sb, &http.Client{})
	for range 3 {
		sandboxtest.SignedIn(b, ctx, api, "MCPServerPool", sandboxtest.TestUser())
	}
	closeSandbox(b, sb)
	b.ResetTimer()
	for b.Loop() {
		sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", StateDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		closeSandbox(b, sb)
		b.StartTimer()
	}
}

// A facilitator's sandbox listens on every interface and names itself by
// the address learners reach: issuers must carry that address, never 0.0.0.0.
func TestPublicURLNamesTheIssuer(t *testing.T) {
	ctx := context.Background()
	if _, err := sandbox.Start(ctx, sandbox.Config{Addr: "0.0.0.0:0", StateDir: t.TempDir()}); err == nil ||
		!strings.Contains(err.Error(), "--public-url") {
		t.Fatalf("0.0.0.0 without a public URL = %v", err)
	}
	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", StateDir: t.TempDir(), PublicURL: "http://workshop.example:4747/"})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close(ctx)
	if sb.URL != "http://workshop.example:4747" {
		t.Fatalf("URL = %s", sb.URL)
	}
	if env := strings.Join(sb.Env(), " "); !strings.Contains(env, "AWS_ENDPOINT_URL=http://workshop.example:4747") {
		t.Fatalf("env = %s", env)
	}
}
