package steps

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/session"
)

// sandboxEnv is a stage Env on a fresh workspace and an embedded sandbox
// on a free loopback port, with the account to itself.
func sandboxEnv(t *testing.T) *Env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	sess, err := session.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close(context.Background()) })
	c, err := cloud.New(ctx, cloud.Target{Kind: cloud.Sandbox, Endpoint: sb.URL, Region: sb.Region,
		AccessKeyID: sb.Credentials.AccessKeyID, SecretAccessKey: sb.Credentials.SecretAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	return &Env{Cloud: c, Session: sess, Dir: dir}
}

// ensured fails the test on a failed ensure.
func ensured[S any](t *testing.T, env *Env, k resource[S], spec S) found {
	t.Helper()
	f, err := k.ensure(context.Background(), env, &recorder{}, "registry-test", spec)
	if err != nil {
		t.Fatal(err)
	}
	if !f.OK || f.ID == "" {
		t.Fatalf("ensure %s: %+v", k.kind, f)
	}
	return f
}

func mentioning(lines []string, name string) []string {
	var out []string
	for _, l := range lines {
		if strings.Contains(l, name) {
			out = append(out, l)
		}
	}
	return out
}

// Every kind of the registry goes through its whole lifecycle against the
// sandbox: made through the ledger, found by name, listed as a leftover,
// deleted, then not found, not listed, and "already gone" when deleted
// again.
func TestEveryKindLivesThroughTheRegistry(t *testing.T) {
	env := sandboxEnv(t)
	ctx := context.Background()
	who, err := env.Cloud.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	account, region := aws.ToString(who.Account), env.Cloud.Region

	pool := ensured(t, env, userPools, poolSpec{name: "RegistryPool"})
	client := ensured(t, env, poolClients, clientSpec{&cip.CreateUserPoolClientInput{UserPoolId: aws.String(pool.ID),
		ClientName: aws.String("RegistryClient"), GenerateSecret: true}})
	ensured(t, env, poolDomains, domainSpec{pool: pool.ID, domain: "registry-" + env.Session.Settings().Suffix})
	ensured(t, env, poolUsers, userSpec{pool: pool.ID, username: "registryuser"})
	ensured(t, env, resourceServers, resourceServerSpec{pool: pool.ID, identifier: "registry-rs", name: "RegistryRS",
		scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("Read")}}})
	ensured(t, env, workloadIdentities, workloadSpec{name: "registry_agent-workload", returnURL: ReturnURL})
	desc, err := env.Cloud.Cognito.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(pool.ID), ClientId: aws.String(client.ID)})
	if err != nil {
		t.Fatal(err)
	}
	discovery := env.Cloud.CognitoDiscoveryURL(pool.ID)
	ensured(t, env, credentialProviders, providerSpec{name: "RegistryProvider", clientID: client.ID,
		clientSecret: aws.ToString(desc.UserPoolClient.ClientSecret), discoveryURL: discovery})
	runtimeRole := ensured(t, env, roles, roleSpec{name: "RegistryRuntime", trust: runtimeTrust(where{env.Cloud.Partition, region, account})})
	ensured(t, env, rolePolicies, policySpec{role: "RegistryRuntime", policy: "Access", document: runtimePolicy(where{env.Cloud.Partition, region, account}, runtimeRoleSpec{agent: "registry_agent", repository: "registry-repo", provider: "RegistryProvider"})})
	buildRole := ensured(t, env, roles, roleSpec{name: "RegistryBuild", trust: trustPolicy("codebuild.amazonaws.com", account, "")})
	repo := ensured(t, env, repositories, repositorySpec{name: "registry-repo"})
	bucket := "registry-bucket-" + env.Session.Settings().Suffix
	ensured(t, env, buckets, bucketSpec{name: bucket, region: region})
	ensured(t, env, objects, objectSpec{bucket: bucket, key: "agent/source.zip", body: []byte("zip")})
	ensured(t, env, buildProjects, projectSpec{name: "registry-builder", location: bucket + "/agent/source.zip",
		role: buildRole.ARN, repoURI: repo.ID, tag: "t1"})
	// CodeBuild makes the project's log group when a build starts; this
	// one fails (its source is no zip) after making it.
	if _, err := runBuild(ctx, env, &recorder{}, "registry-builder", bucket+"/agent/source.zip"); err == nil {
		t.Fatal("a build of a source that is no zip succeeded")
	}
	ensured(t, env, logGroups, logGroupSpec{buildLogGroup("registry-builder")})
	// No image was pushed: the runtime will fail to start, but it exists.
	ensured(t, env, runtimes, runtimeSpec{name: "registry_agent", image: repo.ID + ":t1", role: runtimeRole.ARN,
		discoveryURL: discovery, clientID: client.ID, provider: "RegistryProvider"})
	fnRole := ensured(t, env, roles, roleSpec{name: "RegistryFunction", trust: lambdaTrust})
	fn := ensured(t, env, functions, functionSpec{name: "RegistryFunction", role: fnRole.ARN, caller: runtimeRole.ARN})
	ensured(t, env, gateways, gatewaySpec{name: "RegistryGateway", role: runtimeRole.ARN,
		jwt: ctltypes.CustomJWTAuthorizerConfiguration{DiscoveryUrl: aws.String(discovery), AllowedClients: []string{client.ID}}})
	ensured(t, env, gatewayTargets, targetSpec{gateway: "RegistryGateway", name: "RegistryTarget",
		lambdaARN: fn.ARN, tools: gatewayTools()})

	ensured(t, env, foreignTenants, foreignTenantSpec{name: "dev-registry"})

	ledger := env.Session.Resources()
	var covered []ResourceKind
	for _, r := range ledger {
		if !slices.Contains(covered, ResourceKind(r.Kind)) {
			covered = append(covered, ResourceKind(r.Kind))
		}
	}
	for _, k := range resourceKinds {
		if k.Kind() != ResLocalFile && !slices.Contains(covered, k.Kind()) {
			t.Errorf("the test made no %s", k.Kind())
		}
	}

	for _, r := range ledger {
		k, ok := lifecycleOf(r.Kind)
		if !ok {
			t.Fatalf("no entry for %s", r.Kind)
		}
		if r.State != session.ResourceCreated {
			t.Errorf("%s is %s in the ledger, want created", r.ID, r.State)
		}
		f, err := k.Lookup(ctx, env.Cloud, r.Name, r.Attrs)
		if err != nil || !f.OK || f.ID != r.PhysicalID {
			t.Errorf("lookup %s: %+v %v, want the ledger's id %q", r.ID, f, err, r.PhysicalID)
		}
		left, err := k.Leftovers(ctx, env.Cloud, ledger)
		if err != nil {
			t.Fatal(err)
		}
		if len(mentioning(left, r.Name)) == 0 {
			t.Errorf("leftovers of %s %v do not list %s", r.Kind, left, r.Name)
		}
	}

	for _, r := range slices.Backward(ledger) {
		k, _ := lifecycleOf(r.Kind)
		if existed, err := k.Remove(ctx, env, &recorder{}, r); err != nil || !existed {
			t.Errorf("remove %s: existed %v, %v", r.ID, existed, err)
		}
		if f, err := k.Lookup(ctx, env.Cloud, r.Name, r.Attrs); err != nil || f.OK {
			t.Errorf("lookup %s after its removal: %+v %v", r.ID, f, err)
		}
		if existed, err := k.Remove(ctx, env, &recorder{}, r); err != nil || existed {
			t.Errorf("second remove %s: existed %v, %v; want already gone", r.ID, existed, err)
		}
		left, err := k.Leftovers(ctx, env.Cloud, ledger)
		if err != nil {
			t.Fatal(err)
		}
		if m := mentioning(left, r.Name); len(m) > 0 {
			t.Errorf("after removing %s its kind still lists %v", r.ID, m)
		}
	}
	if left, err := Leftovers(ctx, env.Cloud, ledger); err != nil || len(left) > 0 {
		t.Errorf("left after removing everything: %v %v", left, err)
	}
}

// A crash between the create call and its record leaves a planned entry:
// ensure adopts the resource it finds by name instead of making a twin,
// reuses a created one, and makes a new one when the recorded one is gone.
func TestEnsureAdoptsReusesAndRecreates(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs stages against a whole sandbox (make test runs it)")
	}
	env := sandboxEnv(t)
	ctx := context.Background()
	c := env.Cloud.Cognito
	planned, err := env.Session.Plan(string(ResUserPool), "CrashPool", "registry-test", nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("CrashPool")})
	if err != nil {
		t.Fatal(err)
	}
	first := aws.ToString(out.UserPool.Id)

	rep := &recorder{}
	f := ensured(t, env, userPools, poolSpec{name: "CrashPool"})
	if f.ID != first {
		t.Errorf("ensure after a crash made %s, want the existing %s adopted", f.ID, first)
	}
	if r, _ := env.Session.Find(string(ResUserPool), "CrashPool"); r.State != session.ResourceCreated || r.PhysicalID != first || r.ID != planned.ID {
		t.Errorf("ledger entry after adoption: %+v", r)
	}
	if _, err := userPools.ensure(ctx, env, rep, "registry-test", poolSpec{name: "CrashPool"}); err != nil {
		t.Fatal(err)
	}
	if ids, err := poolsNamed(ctx, env.Cloud, "CrashPool"); err != nil || !slices.Equal(ids, []string{first}) {
		t.Errorf("pools named CrashPool after two ensures: %v %v, want only %s", ids, err, first)
	}
	if !slices.ContainsFunc(rep.logs, func(l string) bool { return strings.HasPrefix(l, "reusing "+string(ResUserPool)+" CrashPool") }) {
		t.Errorf("second ensure did not say it reused the pool: %q", rep.logs)
	}

	// Deleted behind the workshop's back: made again.
	if _, err := c.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: aws.String(first)}); err != nil {
		t.Fatal(err)
	}
	again := ensured(t, env, userPools, poolSpec{name: "CrashPool"})
	if again.ID == first {
		t.Errorf("ensure reused the deleted pool %s", first)
	}
	if r, _ := env.Session.Find(string(ResUserPool), "CrashPool"); r.PhysicalID != again.ID {
		t.Errorf("ledger records %s, want the new pool %s", r.PhysicalID, again.ID)
	}
}

// A kind with put sends its content on every run and keeps one entry.
func TestEnsurePutsEveryTime(t *testing.T) {
	env := sandboxEnv(t)
	account := "000000000000"
	ensured(t, env, roles, roleSpec{name: "PutRole", trust: trustPolicy("codebuild.amazonaws.com", account, "")})
	rep := &recorder{}
	for range 2 {
		if _, err := rolePolicies.ensure(context.Background(), env, rep, "registry-test", policySpec{role: "PutRole", policy: "Access", document: buildPolicy(where{env.Cloud.Partition, env.Cloud.Region, account}, buildRoleSpec{project: "p", repository: "r", bucket: "b"})}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(mentioning(rep.logs, "PutRolePolicy Access on PutRole")); n != 2 {
		t.Errorf("PutRolePolicy sent %d times over two runs, want 2: %q", n, rep.logs)
	}
	if n := len(env.Session.Resources()); n != 2 {
		t.Errorf("ledger holds %d entries, want the role and its policy", n)
	}
}

// Local files live in the workspace: removed there, never outside it.
func TestLocalFilesAreRemovedInsideTheWorkspaceOnly(t *testing.T) {
	env := sandboxEnv(t)
	ctx := context.Background()
	if err := os.WriteFile(filepath.Join(env.Dir, "scratch.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := session.Resource{Kind: string(ResLocalFile), Name: "scratch.json"}
	if existed, err := localFiles.Remove(ctx, env, &recorder{}, r); err != nil || !existed {
		t.Errorf("remove: existed %v, %v", existed, err)
	}
	if existed, err := localFiles.Remove(ctx, env, &recorder{}, r); err != nil || existed {
		t.Errorf("second remove: existed %v, %v; want already gone", existed, err)
	}
	if _, err := localFiles.Remove(ctx, env, &recorder{}, session.Resource{Kind: string(ResLocalFile), Name: "../outside"}); err == nil {
		t.Error("removed a path outside the workspace")
	}
	if _, err := localFiles.Lookup(ctx, env.Cloud, "scratch.json", nil); err == nil {
		t.Error("looked a local file up in the cloud")
	}
}
