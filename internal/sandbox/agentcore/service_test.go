package agentcore

import (
	"errors"
	"log/slog"
	"testing"
	"time"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/store"
)

// The service half is plain Go: these drive its methods with no HTTP
// server, request or response in sight.

func newBareService(t *testing.T, clk clock.Clock) *Service {
	t.Helper()
	st, err := store.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(edge.Deps{URL: "http://127.0.0.1:1", Region: "us-west-2", AccountID: "123456789012", Store: st, Clock: clk,
		Log: slog.New(slog.DiscardHandler), Delays: edge.Delays{RuntimeReady: 1000, RuntimeDelete: 1000}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// awsCode returns err's AWS error code, failing when err is not typed.
func awsCode(t *testing.T, err error) string {
	t.Helper()
	var e *awswire.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *awswire.Error", err, err)
	}
	return e.Code
}

func TestRuntimeLifecycleWithoutHTTP(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	s := newBareService(t, clk)
	spec := runtimeSpec{Name: "bare_agent", ClientToken: "t", Config: runtimeConfig{RoleArn: "arn:aws:iam::123456789012:role/r"}}
	rt, err := s.CreateAgentRuntime(spec)
	if err != nil || rt.Status != statusCreating || rt.Version != "1" {
		t.Fatalf("create: %+v %v", rt, err)
	}
	if again, err := s.CreateAgentRuntime(spec); err != nil || again.ID != rt.ID {
		t.Fatalf("idempotent retry: %+v %v", again, err)
	}
	spec.ClientToken = "other"
	if _, err := s.CreateAgentRuntime(spec); awsCode(t, err) != "ConflictException" {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := s.UpdateAgentRuntime(rt.ID, spec); awsCode(t, err) != "ConflictException" {
		t.Fatalf("update while CREATING: %v", err)
	}
	clk.Advance(time.Second)
	if got, err := s.GetAgentRuntime(rt.ID, nil); err != nil || got.Status != statusReady || got.LiveVersion != "1" {
		t.Fatalf("after the delay: %+v %v", got, err)
	}
	up, err := s.UpdateAgentRuntime(rt.ID, spec)
	if err != nil || up.Version != "2" || up.Status != statusUpdating {
		t.Fatalf("update: %+v %v", up, err)
	}
	if _, err := s.GetAgentRuntime(rt.ID, ptr("1")); awsCode(t, err) != "ResourceNotFoundException" {
		t.Fatalf("old version: %v", err)
	}
	if _, err := s.GetAgentRuntimeEndpoint(rt.ID, "other"); awsCode(t, err) != "ResourceNotFoundException" {
		t.Fatalf("endpoint other than DEFAULT: %v", err)
	}
	list, next, err := s.ListAgentRuntimes(10, "")
	if err != nil || len(list) != 1 || next != "" {
		t.Fatalf("list: %v %q %v", list, next, err)
	}
	if del, err := s.DeleteAgentRuntime(rt.ID, nil); err != nil || del.Status != statusDeleting {
		t.Fatalf("delete: %+v %v", del, err)
	}
	clk.Advance(time.Second)
	if _, err := s.GetAgentRuntime(rt.ID, nil); awsCode(t, err) != "ResourceNotFoundException" {
		t.Fatalf("after deletion: %v", err)
	}
	if _, err := s.GetWorkloadIdentity(rt.ID); awsCode(t, err) != "ResourceNotFoundException" {
		t.Fatalf("the runtime's workload identity outlived it: %v", err)
	}
}

func TestIdentityControlPlaneWithoutHTTP(t *testing.T) {
	s := newBareService(t, clock.NewFake(time.Now()))
	for _, n := range []string{"w-c", "w-a", "w-b"} {
		if _, err := s.CreateWorkloadIdentity(n, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateWorkloadIdentity("w-a", nil); awsCode(t, err) != "ConflictException" {
		t.Fatalf("duplicate: %v", err)
	}
	first, next, err := s.ListWorkloadIdentities(2, "")
	if err != nil || len(first) != 2 || first[0].Name != "w-a" || next == "" {
		t.Fatalf("first page: %v %q %v", first, next, err)
	}
	rest, next, err := s.ListWorkloadIdentities(2, next)
	if err != nil || len(rest) != 1 || rest[0].Name != "w-c" || next != "" {
		t.Fatalf("second page: %v %q %v", rest, next, err)
	}
	if _, _, err := s.ListWorkloadIdentities(2, "%%"); awsCode(t, err) != "ValidationException" {
		t.Fatalf("bad token: %v", err)
	}
	wl, err := s.UpdateWorkloadIdentity("w-b", []string{"http://localhost/cb"})
	if err != nil || len(wl.ReturnURLs) != 1 {
		t.Fatalf("update: %+v %v", wl, err)
	}
	if urls, ok := s.LookupWorkloadIdentity("w-b"); !ok || urls[0] != "http://localhost/cb" {
		t.Fatalf("lookup: %v %v", urls, ok)
	}
	p, err := s.CreateOauth2CredentialProvider(providerRec{Name: "p", Vendor: "CustomOauth2", ConfigMember: "customOauth2ProviderConfig",
		ClientID: "c", ClientSecret: "s", DiscoveryURL: "http://127.0.0.1:1/.well-known/openid-configuration"})
	if err != nil || p.ARN == "" || p.CallbackURL == "" || p.Created == 0 {
		t.Fatalf("create provider: %+v %v", p, err)
	}
	if got, ok := s.LookupOauth2Provider("p"); !ok || got.ClientSecret != "s" {
		t.Fatalf("lookup provider: %+v %v", got, ok)
	}
	if err := s.DeleteOauth2CredentialProvider("p"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteOauth2CredentialProvider("p"); awsCode(t, err) != "ResourceNotFoundException" {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := s.GetTokenVault("other"); awsCode(t, err) != "ResourceNotFoundException" {
		t.Fatalf("other vault: %v", err)
	}
}

func TestIdentityDataPlaneWithoutHTTP(t *testing.T) {
	s := newBareService(t, clock.NewFake(time.Now()))
	if _, err := s.GetWorkloadAccessToken("nobody", ""); awsCode(t, err) != "ResourceNotFoundException" {
		t.Fatalf("unknown workload: %v", err)
	}
	if _, err := s.CreateWorkloadIdentity("wl", nil); err != nil {
		t.Fatal(err)
	}
	wat, err := s.GetWorkloadAccessToken("wl", IDUser("alice"))
	if err != nil {
		t.Fatal(err)
	}
	if w, u, ok := s.ResolveWorkloadToken(wat); !ok || w != "wl" || u != IDUser("alice") {
		t.Fatalf("token resolves to %q %q %v", w, u, ok)
	}
	if _, err := s.GetWorkloadAccessTokenForJWT(t.Context(), "wl", "not-a-jwt"); awsCode(t, err) != "UnauthorizedException" {
		t.Fatalf("GetWorkloadAccessTokenForJWT: %v", err)
	}
	req := resourceTokenRequest{WorkloadToken: "forged", Provider: "p", Scopes: []string{"s"}, Flow: flowM2M}
	if _, err := s.GetResourceOauth2Token(t.Context(), req); awsCode(t, err) != "AccessDeniedException" {
		t.Fatalf("forged workload token: %v", err)
	}
	req.WorkloadToken = wat
	if _, err := s.GetResourceOauth2Token(t.Context(), req); awsCode(t, err) != "ResourceNotFoundException" {
		t.Fatalf("unknown provider: %v", err)
	}
	if _, err := s.CreateOauth2CredentialProvider(providerRec{Name: "p", Vendor: "CustomOauth2", ConfigMember: "customOauth2ProviderConfig"}); err != nil {
		t.Fatal(err)
	}
	req.Flow = flowOnBehalfOf
	if _, err := s.GetResourceOauth2Token(t.Context(), req); awsCode(t, err) != "ValidationException" {
		t.Fatalf("on-behalf-of: %v", err)
	}
	if err := s.CompleteResourceTokenAuth(t.Context(), "urn:ietf:params:oauth:request_uri:none", "alice", ""); awsCode(t, err) != "AccessDeniedException" {
		t.Fatalf("unknown session: %v", err)
	}
}
