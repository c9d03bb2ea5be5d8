package agentcore_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/edge"
)

var (
	reID  = regexp.MustCompile(`^my_agent-[a-zA-Z0-9]{10}$`)
	reARN = regexp.MustCompile(`^arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/my_agent-[a-zA-Z0-9]{10}$`)
)

func TestRuntimeLifecycle(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ctx := context.Background()
	created := h.createRuntime("my_agent", nil)
	if !reID.MatchString(*created.AgentRuntimeId) || !reARN.MatchString(*created.AgentRuntimeArn) {
		t.Fatalf("id %q arn %q", *created.AgentRuntimeId, *created.AgentRuntimeArn)
	}
	if *created.AgentRuntimeVersion != "1" || created.Status != ctltypes.AgentRuntimeStatusCreating || created.CreatedAt == nil {
		t.Fatalf("create output: version %q status %q", *created.AgentRuntimeVersion, created.Status)
	}
	wantWID := "arn:aws:bedrock-agentcore:us-west-2:123456789012:workload-identity-directory/default/workload-identity/" + *created.AgentRuntimeId
	if created.WorkloadIdentityDetails == nil || *created.WorkloadIdentityDetails.WorkloadIdentityArn != wantWID {
		t.Fatalf("workload identity details %+v", created.WorkloadIdentityDetails)
	}
	id := created.AgentRuntimeId

	got, err := h.ctl.GetAgentRuntime(ctx, &bedrockagentcorecontrol.GetAgentRuntimeInput{AgentRuntimeId: id})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != ctltypes.AgentRuntimeStatusReady || *got.AgentRuntimeName != "my_agent" || *got.RoleArn != roleArn {
		t.Fatalf("get: status %s name %s", got.Status, *got.AgentRuntimeName)
	}
	if got.NetworkConfiguration.NetworkMode != ctltypes.NetworkModePublic || *got.LifecycleConfiguration.IdleRuntimeSessionTimeout != 900 || *got.LifecycleConfiguration.MaxLifetime != 28800 {
		t.Errorf("defaults: %+v %+v", got.NetworkConfiguration, got.LifecycleConfiguration)
	}
	if c, ok := got.AgentRuntimeArtifact.(*ctltypes.AgentRuntimeArtifactMemberContainerConfiguration); !ok || *c.Value.ContainerUri != image {
		t.Errorf("artifact %#v", got.AgentRuntimeArtifact)
	}
	if got.AuthorizerConfiguration != nil {
		t.Errorf("SigV4 runtime reports an authorizer")
	}
	// The workload identity named after the runtime exists.
	wi, err := h.ctl.GetWorkloadIdentity(ctx, &bedrockagentcorecontrol.GetWorkloadIdentityInput{Name: id})
	if err != nil || *wi.WorkloadIdentityArn != wantWID {
		t.Fatalf("runtime's workload identity: %v", err)
	}

	ep, err := h.ctl.GetAgentRuntimeEndpoint(ctx, &bedrockagentcorecontrol.GetAgentRuntimeEndpointInput{AgentRuntimeId: id, EndpointName: aws.String("DEFAULT")})
	if err != nil {
		t.Fatal(err)
	}
	if ep.Status != ctltypes.AgentRuntimeEndpointStatusReady || *ep.LiveVersion != "1" || *ep.AgentRuntimeEndpointArn != *created.AgentRuntimeArn+"/runtime-endpoint/DEFAULT" {
		t.Errorf("endpoint %s live %v arn %s", ep.Status, ep.LiveVersion, *ep.AgentRuntimeEndpointArn)
	}
	_, err = h.ctl.GetAgentRuntimeEndpoint(ctx, &bedrockagentcorecontrol.GetAgentRuntimeEndpointInput{AgentRuntimeId: id, EndpointName: aws.String("prod")})
	var nf *ctltypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("unknown endpoint: %v", err)
	}
	eps, err := h.ctl.ListAgentRuntimeEndpoints(ctx, &bedrockagentcorecontrol.ListAgentRuntimeEndpointsInput{AgentRuntimeId: id})
	if err != nil || len(eps.RuntimeEndpoints) != 1 || *eps.RuntimeEndpoints[0].Name != "DEFAULT" {
		t.Fatalf("list endpoints: %v %+v", err, eps)
	}

	// Duplicate names conflict.
	_, err = h.ctl.CreateAgentRuntime(ctx, &bedrockagentcorecontrol.CreateAgentRuntimeInput{
		AgentRuntimeName:     aws.String("my_agent"),
		AgentRuntimeArtifact: &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String(image)}},
		RoleArn:              aws.String(roleArn),
	})
	var ce *ctltypes.ConflictException
	if !errors.As(err, &ce) {
		t.Fatalf("duplicate name: %v", err)
	}

	// Update: version 2, UPDATING, then READY with the new authorizer.
	upd, err := h.ctl.UpdateAgentRuntime(ctx, &bedrockagentcorecontrol.UpdateAgentRuntimeInput{
		AgentRuntimeId:       id,
		AgentRuntimeArtifact: &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String(image)}},
		RoleArn:              aws.String(roleArn),
		Description:          aws.String("second"),
		AuthorizerConfiguration: &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
			DiscoveryUrl: aws.String("https://idp.example.com/pool/.well-known/openid-configuration"), AllowedClients: []string{"abc"},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if *upd.AgentRuntimeVersion != "2" || upd.Status != ctltypes.AgentRuntimeStatusUpdating || upd.LastUpdatedAt == nil {
		t.Fatalf("update: %s %s", *upd.AgentRuntimeVersion, upd.Status)
	}
	got, err = h.ctl.GetAgentRuntime(ctx, &bedrockagentcorecontrol.GetAgentRuntimeInput{AgentRuntimeId: id})
	if err != nil {
		t.Fatal(err)
	}
	jwt, ok := got.AuthorizerConfiguration.(*ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer)
	if got.Status != ctltypes.AgentRuntimeStatusReady || *got.AgentRuntimeVersion != "2" || *got.Description != "second" || !ok || jwt.Value.AllowedClients[0] != "abc" {
		t.Fatalf("after update: %s v%s %#v", got.Status, *got.AgentRuntimeVersion, got.AuthorizerConfiguration)
	}
	if _, err := h.ctl.GetAgentRuntime(ctx, &bedrockagentcorecontrol.GetAgentRuntimeInput{AgentRuntimeId: id, AgentRuntimeVersion: aws.String("7")}); !errors.As(err, &nf) {
		t.Errorf("unknown version: %v", err)
	}

	// List with pagination over two runtimes.
	h.createRuntime("other_agent", nil)
	var names []string
	var token *string
	for pages := 0; ; pages++ {
		l, err := h.ctl.ListAgentRuntimes(ctx, &bedrockagentcorecontrol.ListAgentRuntimesInput{MaxResults: aws.Int32(1), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range l.AgentRuntimes {
			names = append(names, *r.AgentRuntimeName)
		}
		if token = l.NextToken; token == nil || pages > 3 {
			break
		}
	}
	if len(names) != 2 {
		t.Fatalf("listed %v", names)
	}

	// Delete: DELETING, then gone (404), with its workload identity.
	del, err := h.ctl.DeleteAgentRuntime(ctx, &bedrockagentcorecontrol.DeleteAgentRuntimeInput{AgentRuntimeId: id})
	if err != nil || del.Status != ctltypes.AgentRuntimeStatusDeleting {
		t.Fatalf("delete: %v %+v", err, del)
	}
	if _, err := h.ctl.GetAgentRuntime(ctx, &bedrockagentcorecontrol.GetAgentRuntimeInput{AgentRuntimeId: id}); !errors.As(err, &nf) {
		t.Fatalf("get after delete: %v", err)
	}
	if _, err := h.ctl.GetWorkloadIdentity(ctx, &bedrockagentcorecontrol.GetWorkloadIdentityInput{Name: id}); !errors.As(err, &nf) {
		t.Fatalf("workload identity survived its runtime: %v", err)
	}
	if _, err := h.ctl.DeleteAgentRuntime(ctx, &bedrockagentcorecontrol.DeleteAgentRuntimeInput{AgentRuntimeId: id}); !errors.As(err, &nf) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestLifecycleFollowsClockAndDelays(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	h := newHarness(t, harnessOpts{clk: clk, delays: edge.Delays{RuntimeReady: 5000, RuntimeDelete: 2000}})
	ctx := context.Background()
	id := h.createRuntime("slow_agent", nil).AgentRuntimeId
	status := func() ctltypes.AgentRuntimeStatus {
		t.Helper()
		g, err := h.ctl.GetAgentRuntime(ctx, &bedrockagentcorecontrol.GetAgentRuntimeInput{AgentRuntimeId: id})
		if err != nil {
			t.Fatal(err)
		}
		return g.Status
	}
	if s := status(); s != ctltypes.AgentRuntimeStatusCreating {
		t.Fatalf("at t0: %s", s)
	}
	ep, _ := h.ctl.GetAgentRuntimeEndpoint(ctx, &bedrockagentcorecontrol.GetAgentRuntimeEndpointInput{AgentRuntimeId: id, EndpointName: aws.String("DEFAULT")})
	if ep.Status != ctltypes.AgentRuntimeEndpointStatusCreating || ep.LiveVersion != nil || *ep.TargetVersion != "1" {
		t.Fatalf("endpoint while creating: %+v", ep)
	}
	clk.Advance(4999 * time.Millisecond)
	if s := status(); s != ctltypes.AgentRuntimeStatusCreating {
		t.Fatalf("before delay: %s", s)
	}
	clk.Advance(time.Millisecond)
	if s := status(); s != ctltypes.AgentRuntimeStatusReady {
		t.Fatalf("after delay: %s", s)
	}
	if _, err := h.ctl.DeleteAgentRuntime(ctx, &bedrockagentcorecontrol.DeleteAgentRuntimeInput{AgentRuntimeId: id}); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != ctltypes.AgentRuntimeStatusDeleting {
		t.Fatalf("deleting: %s", s)
	}
	clk.Advance(2 * time.Second)
	var nf *ctltypes.ResourceNotFoundException
	if _, err := h.ctl.GetAgentRuntime(ctx, &bedrockagentcorecontrol.GetAgentRuntimeInput{AgentRuntimeId: id}); !errors.As(err, &nf) {
		t.Fatalf("after delete delay: %v", err)
	}
}

func TestCreateFailedWhenImageMissing(t *testing.T) {
	var asked []string
	h := newHarness(t, harnessOpts{images: func(uri string) bool { asked = append(asked, uri); return false }})
	ctx := context.Background()
	id := h.createRuntime("my_agent", nil).AgentRuntimeId
	g, err := h.ctl.GetAgentRuntime(ctx, &bedrockagentcorecontrol.GetAgentRuntimeInput{AgentRuntimeId: id})
	if err != nil {
		t.Fatal(err)
	}
	if g.Status != ctltypes.AgentRuntimeStatusCreateFailed || g.FailureReason == nil || !strings.Contains(*g.FailureReason, image) || !strings.Contains(*g.FailureReason, "does not exist in the repository") {
		t.Fatalf("status %s reason %v", g.Status, g.FailureReason)
	}
	if len(asked) != 1 || asked[0] != image {
		t.Errorf("image checker asked %v", asked)
	}
	ep, err := h.ctl.GetAgentRuntimeEndpoint(ctx, &bedrockagentcorecontrol.GetAgentRuntimeEndpointInput{AgentRuntimeId: id, EndpointName: aws.String("DEFAULT")})
	if err != nil || ep.Status != ctltypes.AgentRuntimeEndpointStatusCreateFailed || ep.FailureReason == nil {
		t.Fatalf("endpoint: %v %+v", err, ep)
	}
}

func TestControlPlaneValidation(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ctx := context.Background()
	art := &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String(image)}}
	cases := []struct {
		name  string
		in    bedrockagentcorecontrol.CreateAgentRuntimeInput
		field string
	}{
		{"hyphen in name", bedrockagentcorecontrol.CreateAgentRuntimeInput{AgentRuntimeName: aws.String("my-agent"), AgentRuntimeArtifact: art, RoleArn: aws.String(roleArn)}, "agentRuntimeName"},
		{"name too long", bedrockagentcorecontrol.CreateAgentRuntimeInput{AgentRuntimeName: aws.String("a" + strings.Repeat("b", 48)), AgentRuntimeArtifact: art, RoleArn: aws.String(roleArn)}, "agentRuntimeName"},
		{"bad role", bedrockagentcorecontrol.CreateAgentRuntimeInput{AgentRuntimeName: aws.String("a"), AgentRuntimeArtifact: art, RoleArn: aws.String("arn:aws:iam::123:user/x")}, "roleArn"},
		{"docker hub image", bedrockagentcorecontrol.CreateAgentRuntimeInput{AgentRuntimeName: aws.String("a"), RoleArn: aws.String(roleArn),
			AgentRuntimeArtifact: &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String("docker.io/library/python:3")}}}, "agentRuntimeArtifact.containerConfiguration.containerUri"},
		{"bad discovery url", bedrockagentcorecontrol.CreateAgentRuntimeInput{AgentRuntimeName: aws.String("a"), AgentRuntimeArtifact: art, RoleArn: aws.String(roleArn),
			AuthorizerConfiguration: &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{DiscoveryUrl: aws.String("https://idp.example.com/jwks.json")}}}, "authorizerConfiguration.customJWTAuthorizer.discoveryUrl"},
		{"lifecycle too short", bedrockagentcorecontrol.CreateAgentRuntimeInput{AgentRuntimeName: aws.String("a"), AgentRuntimeArtifact: art, RoleArn: aws.String(roleArn),
			LifecycleConfiguration: &ctltypes.LifecycleConfiguration{IdleRuntimeSessionTimeout: aws.Int32(5)}}, "lifecycleConfiguration.idleRuntimeSessionTimeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.ctl.CreateAgentRuntime(ctx, &tc.in)
			var ve *ctltypes.ValidationException
			if !errors.As(err, &ve) {
				t.Fatalf("got %v", err)
			}
			if ve.Reason != ctltypes.ValidationExceptionReasonFieldValidationFailed || len(ve.FieldList) == 0 || *ve.FieldList[0].Name != tc.field {
				t.Errorf("reason %s fields %+v", ve.Reason, ve.FieldList)
			}
		})
	}
	// Malformed bodies the SDK would never send.
	for _, body := range []string{`{"agentRuntimeName":`, `[]`, `{"agentRuntimeName": 5}`} {
		e := readErr(t, h.signed("PUT", "/runtimes/", body))
		if e.Status != 400 || e.Type != "ValidationException" || e.Header != "ValidationException" || e.Reason != "CannotParse" {
			t.Errorf("body %q: %+v", body, e)
		}
	}
	e := readErr(t, h.signed("PUT", "/runtimes/", `{}`))
	if e.Status != 400 || e.Reason != "FieldValidationFailed" || len(e.FieldList) != 3 || !strings.HasPrefix(e.Message, "3 validation errors detected") {
		t.Errorf("empty create: %+v", e)
	}
	if e := readErr(t, h.signed("GET", "/runtimes/not%20an%20id/", "")); e.Status != 400 || e.Type != "ValidationException" {
		t.Errorf("bad id: %+v", e)
	}
	if e := readErr(t, h.signed("POST", "/runtimes/?maxResults=500", "")); e.Status != 400 || e.Type != "ValidationException" {
		t.Errorf("maxResults: %+v", e)
	}
	if e := readErr(t, h.signed("POST", "/runtimes/?nextToken=%25%25", "")); e.Status != 400 {
		t.Errorf("nextToken: %+v", e)
	}
	if e := readErr(t, h.signed("PATCH", "/runtimes/x-0123456789/", "")); e.Status != 404 || e.Type != "UnknownOperationException" {
		t.Errorf("unknown op: %+v", e)
	}
	// Nothing was created by any of it.
	l, err := h.ctl.ListAgentRuntimes(ctx, &bedrockagentcorecontrol.ListAgentRuntimesInput{})
	if err != nil || len(l.AgentRuntimes) != 0 {
		t.Fatalf("state changed: %v %+v", err, l)
	}
	// Unsigned control-plane calls are refused.
	resp, err := http.Post(h.url+"/runtimes/", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	if e := readErr(t, resp); e.Status != 403 || e.Type != "MissingAuthenticationTokenException" {
		t.Errorf("unsigned list: %+v", e)
	}
}

func TestIdentityControlPlane(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ctx := context.Background()
	before := time.Now().Add(-time.Second)
	cw, err := h.ctl.CreateWorkloadIdentity(ctx, &bedrockagentcorecontrol.CreateWorkloadIdentityInput{
		Name: aws.String("identity-demo-workload"), AllowedResourceOauth2ReturnUrls: []string{"http://localhost:8081/oauth2/callback"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if *cw.WorkloadIdentityArn != "arn:aws:bedrock-agentcore:us-west-2:123456789012:workload-identity-directory/default/workload-identity/identity-demo-workload" {
		t.Errorf("arn %s", *cw.WorkloadIdentityArn)
	}
	var ce *ctltypes.ConflictException
	if _, err := h.ctl.CreateWorkloadIdentity(ctx, &bedrockagentcorecontrol.CreateWorkloadIdentityInput{Name: aws.String("identity-demo-workload")}); !errors.As(err, &ce) {
		t.Errorf("duplicate workload identity: %v", err)
	}
	var ve *ctltypes.ValidationException
	if _, err := h.ctl.CreateWorkloadIdentity(ctx, &bedrockagentcorecontrol.CreateWorkloadIdentityInput{Name: aws.String("a b")}); !errors.As(err, &ve) {
		t.Errorf("bad name: %v", err)
	}
	gw, err := h.ctl.GetWorkloadIdentity(ctx, &bedrockagentcorecontrol.GetWorkloadIdentityInput{Name: aws.String("identity-demo-workload")})
	if err != nil || gw.CreatedTime.Before(before) || gw.LastUpdatedTime == nil || gw.AllowedResourceOauth2ReturnUrls[0] != "http://localhost:8081/oauth2/callback" {
		t.Fatalf("get workload identity: %v %+v", err, gw)
	}
	uw, err := h.ctl.UpdateWorkloadIdentity(ctx, &bedrockagentcorecontrol.UpdateWorkloadIdentityInput{Name: aws.String("identity-demo-workload"), AllowedResourceOauth2ReturnUrls: []string{"https://app.example.com/cb", "myapp://cb"}})
	if err != nil || len(uw.AllowedResourceOauth2ReturnUrls) != 2 {
		t.Fatalf("update: %v", err)
	}
	for _, n := range []string{"w-one", "w-two", "w-three"} {
		if _, err := h.ctl.CreateWorkloadIdentity(ctx, &bedrockagentcorecontrol.CreateWorkloadIdentityInput{Name: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	p := bedrockagentcorecontrol.NewListWorkloadIdentitiesPaginator(h.ctl, &bedrockagentcorecontrol.ListWorkloadIdentitiesInput{MaxResults: aws.Int32(3)})
	var all []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range page.WorkloadIdentities {
			all = append(all, *w.Name)
		}
	}
	if len(all) != 4 {
		t.Errorf("listed %v", all)
	}
	if _, err := h.ctl.DeleteWorkloadIdentity(ctx, &bedrockagentcorecontrol.DeleteWorkloadIdentityInput{Name: aws.String("w-one")}); err != nil {
		t.Fatal(err)
	}
	var nf *ctltypes.ResourceNotFoundException
	if _, err := h.ctl.DeleteWorkloadIdentity(ctx, &bedrockagentcorecontrol.DeleteWorkloadIdentityInput{Name: aws.String("w-one")}); !errors.As(err, &nf) {
		t.Errorf("second delete: %v", err)
	}

	// OAuth2 credential providers: discovery URL and explicit metadata.
	cp, err := h.ctl.CreateOauth2CredentialProvider(ctx, &bedrockagentcorecontrol.CreateOauth2CredentialProviderInput{
		Name: aws.String("ExternalServiceProvider"), CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
		Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
			OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberDiscoveryUrl{Value: "http://127.0.0.1:4747/us-west-2_abc/.well-known/openid-configuration"},
			ClientId:       aws.String("client123"), ClientSecret: aws.String("s3cret"),
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(h.url) + `/identities/oauth2/callback/[0-9a-f-]{36}$`).MatchString(*cp.CallbackUrl) {
		t.Errorf("callback %s", *cp.CallbackUrl)
	}
	if *cp.CredentialProviderArn != "arn:aws:bedrock-agentcore:us-west-2:123456789012:token-vault/default/oauth2credentialprovider/ExternalServiceProvider" ||
		!strings.HasPrefix(*cp.ClientSecretArn.SecretArn, "arn:aws:secretsmanager:us-west-2:123456789012:secret:bedrock-agentcore-identity!default/oauth2/ExternalServiceProvider") {
		t.Errorf("arns %s %s", *cp.CredentialProviderArn, *cp.ClientSecretArn.SecretArn)
	}
	if _, err := h.ctl.CreateOauth2CredentialProvider(ctx, &bedrockagentcorecontrol.CreateOauth2CredentialProviderInput{
		Name: aws.String("CognitoProvider"), CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCognitoOauth2,
		Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
			OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberAuthorizationServerMetadata{Value: ctltypes.Oauth2AuthorizationServerMetadata{
				Issuer: aws.String("http://idp/pool"), AuthorizationEndpoint: aws.String("http://idp/oauth2/authorize"), TokenEndpoint: aws.String("http://idp/oauth2/token"),
			}},
			ClientId: aws.String("c2"), ClientSecret: aws.String("s2"),
		}},
	}); err != nil {
		t.Fatal(err)
	}
	gp, err := h.ctl.GetOauth2CredentialProvider(ctx, &bedrockagentcorecontrol.GetOauth2CredentialProviderInput{Name: aws.String("ExternalServiceProvider")})
	if err != nil {
		t.Fatal(err)
	}
	cfg, ok := gp.Oauth2ProviderConfigOutput.(*ctltypes.Oauth2ProviderConfigOutputMemberCustomOauth2ProviderConfig)
	if !ok || *cfg.Value.ClientId != "client123" || gp.CredentialProviderVendor != ctltypes.CredentialProviderVendorTypeCustomOauth2 || gp.CreatedTime == nil || *gp.CallbackUrl != *cp.CallbackUrl {
		t.Fatalf("get provider %#v", gp)
	}
	if d, ok := cfg.Value.OauthDiscovery.(*ctltypes.Oauth2DiscoveryMemberDiscoveryUrl); !ok || !strings.HasSuffix(d.Value, "/openid-configuration") {
		t.Errorf("discovery %#v", cfg.Value.OauthDiscovery)
	}
	prov, ok := h.svc.LookupOauth2Provider("ExternalServiceProvider")
	if !ok || prov.ClientSecret != "s3cret" {
		t.Errorf("lookup provider %+v", prov)
	}
	lp, err := h.ctl.ListOauth2CredentialProviders(ctx, &bedrockagentcorecontrol.ListOauth2CredentialProvidersInput{})
	if err != nil || len(lp.CredentialProviders) != 2 {
		t.Fatalf("list providers: %v", err)
	}
	if _, err := h.ctl.CreateOauth2CredentialProvider(ctx, &bedrockagentcorecontrol.CreateOauth2CredentialProviderInput{
		Name: aws.String("ExternalServiceProvider"), CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
		Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
			OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberDiscoveryUrl{Value: "http://x/.well-known/openid-configuration"}}},
	}); !errors.As(err, &ce) {
		t.Errorf("duplicate provider: %v", err)
	}
	if _, err := h.ctl.CreateOauth2CredentialProvider(ctx, &bedrockagentcorecontrol.CreateOauth2CredentialProviderInput{
		Name: aws.String("Bad"), CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
		Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: ctltypes.CustomOauth2ProviderConfigInput{
			OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberDiscoveryUrl{Value: "http://x/jwks"}}},
	}); !errors.As(err, &ve) {
		t.Errorf("bad discovery url: %v", err)
	}
	if _, err := h.ctl.DeleteOauth2CredentialProvider(ctx, &bedrockagentcorecontrol.DeleteOauth2CredentialProviderInput{Name: aws.String("ExternalServiceProvider")}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.ctl.GetOauth2CredentialProvider(ctx, &bedrockagentcorecontrol.GetOauth2CredentialProviderInput{Name: aws.String("ExternalServiceProvider")}); !errors.As(err, &nf) {
		t.Errorf("get deleted provider: %v", err)
	}

	tv, err := h.ctl.GetTokenVault(ctx, &bedrockagentcorecontrol.GetTokenVaultInput{})
	if err != nil || *tv.TokenVaultId != "default" || tv.KmsConfiguration.KeyType != ctltypes.KeyTypeServiceManagedKey || tv.LastModifiedDate == nil {
		t.Fatalf("token vault: %v %+v", err, tv)
	}
	if _, err := h.ctl.GetTokenVault(ctx, &bedrockagentcorecontrol.GetTokenVaultInput{TokenVaultId: aws.String("other")}); !errors.As(err, &nf) {
		t.Errorf("other vault: %v", err)
	}
}

// TestThroughSandbox drives the service as registered in the real sandbox.
func TestThroughSandbox(t *testing.T) {
	ctx := context.Background()
	e := &idEnv{t: t, ctx: ctx}
	e.sb, e.svc, e.stop = startSandbox(t, envOpts{dir: t.TempDir()})
	e.clients()
	ctl := e.ctl
	out, err := ctl.CreateAgentRuntime(ctx, &bedrockagentcorecontrol.CreateAgentRuntimeInput{
		AgentRuntimeName:     aws.String("my_agent"),
		AgentRuntimeArtifact: &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String(image)}},
		RoleArn:              aws.String(roleArn),
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err := ctl.GetAgentRuntime(ctx, &bedrockagentcorecontrol.GetAgentRuntimeInput{AgentRuntimeId: out.AgentRuntimeId})
	if err != nil {
		t.Fatal(err)
	}
	// The sandbox wires the runtime to its ECR, where no image was pushed.
	if g.Status != ctltypes.AgentRuntimeStatusCreateFailed {
		t.Errorf("status %s (want CREATE_FAILED: image never pushed to the sandbox ECR)", g.Status)
	}
}
