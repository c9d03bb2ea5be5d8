package steps_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// openForCleanup opens a fresh workspace against an embedded sandbox on a
// free loopback port, with the given simulated delays.
func openForCleanup(tb testing.TB, delays edge.Delays) *app.App {
	tb.Helper()
	a, err := app.Open(context.Background(), app.Options{Workspace: filepath.Join(tb.TempDir(), "ws"), SandboxAddr: "127.0.0.1:0", Delays: delays})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close(context.Background()) })
	return a
}

// leftovers is steps.Leftovers, failing the test on error.
func leftovers(tb testing.TB, c *cloud.Clients, ledger []session.Resource) []string {
	tb.Helper()
	out, err := steps.Leftovers(context.Background(), c, ledger)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func stageState(tb testing.TB, a *app.App, id string) engine.StageState {
	tb.Helper()
	for _, st := range a.Runner.Snapshot() {
		if st.ID == id {
			return st
		}
	}
	tb.Fatalf("no stage %s", id)
	return engine.StageState{}
}

func resultValue(tb testing.TB, st engine.StageState, name string) string {
	tb.Helper()
	v, ok := st.Result.Get(name)
	if !ok {
		tb.Fatalf("stage %s has no value %q: %+v", st.ID, name, st.Result)
	}
	return v.Value
}

// collectLogs returns the log lines the runner publishes until stop is called.
func collectLogs(a *app.App) (lines func() []string) {
	ch, stop := a.Runner.Subscribe()
	done := make(chan []string)
	go func() {
		var got []string
		for e := range ch {
			if e.Kind == engine.EventLog {
				got = append(got, e.Line)
			}
		}
		done <- got
	}()
	return func() []string {
		stop()
		return <-done
	}
}

func liveEntries(sess *session.Session) []string {
	var out []string
	for _, r := range sess.Resources() {
		if r.State != session.ResourceDeleted {
			out = append(out, r.ID+" "+string(r.State))
		}
	}
	return out
}

func TestCleanupAfterStagesOneToSeven(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs stages against a whole sandbox (make test runs it)")
	}
	a := openForCleanup(t, edge.Delays{})
	ctx := context.Background()
	if err := a.Runner.RunUntil(ctx, "invoke-with-token"); err != nil {
		t.Fatal(err)
	}
	ledger := a.Session.Resources()
	if len(ledger) < 15 {
		t.Fatalf("ledger holds %d entries after stages 1-7; expected every pool, client, user, role, …", len(ledger))
	}
	before := leftovers(t, a.Cloud, ledger)
	if len(before) == 0 {
		t.Fatal("the sandbox holds nothing before cleanup: the test would prove nothing")
	}
	// CodeBuild and the runtime made their log groups, as on AWS.
	rt, _ := a.Session.Find(string(steps.ResRuntime), resultValue(t, stageState(t, a, "configure"), steps.AgentName))
	for _, g := range []string{"log group /aws/codebuild/bedrock-agentcore-", "log group /aws/bedrock-agentcore/runtimes/" + rt.PhysicalID + "-DEFAULT"} {
		if !slices.ContainsFunc(before, func(l string) bool { return strings.HasPrefix(l, g) }) {
			t.Errorf("no %s… before cleanup: %v", g, before)
		}
	}
	envFile := filepath.Join(a.Session.Dir(), steps.EnvFileName)
	if _, err := os.Stat(envFile); err != nil {
		t.Fatal(err)
	}

	logs := collectLogs(a)
	start := time.Now()
	if err := a.Runner.Run(ctx, "cleanup"); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("cleanup of %d ledger entries after stages 1-7 (zero delays): %s", len(ledger), took)
	lines := logs()

	st := stageState(t, a, "cleanup")
	if st.Status != engine.Succeeded {
		t.Fatalf("cleanup: %s %s", st.Status, st.Err)
	}
	if got, want := resultValue(t, st, steps.CleanupRemoved), strconv.Itoa(len(ledger)+1); got != want {
		t.Errorf("removed = %s, want %s (every ledger entry and the credentials file)", got, want)
	}
	if got := resultValue(t, st, steps.CleanupLeft); got != "none" {
		t.Errorf("left = %q", got)
	}
	if got := leftovers(t, a.Cloud, ledger); len(got) > 0 {
		t.Errorf("still in the sandbox after cleanup: %v", got)
	}
	if live := liveEntries(a.Session); len(live) > 0 {
		t.Errorf("ledger entries not marked deleted: %v", live)
	}
	if _, err := os.Stat(envFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("credentials file still there: %v", err)
	}
	// What the learner may have edited stays.
	for _, f := range []string{"agent/agent.py", "agent/" + steps.ToolkitConfigFile} {
		if _, err := os.Stat(filepath.Join(a.Session.Dir(), f)); err != nil {
			t.Errorf("cleanup removed the learner's %s: %v", f, err)
		}
	}
	// Each deletion was shown live, the runtime included.
	joined := strings.Join(lines, "\n")
	for _, want := range []string{"DeleteAgentRuntime ", "DeleteUserPoolDomain ", "DeleteRole ", "DeleteBucket ", "✓ deleted " + string(steps.ResRuntime),
		"DeleteLogGroup /aws/codebuild/", "DeleteLogGroup /aws/bedrock-agentcore/runtimes/" + rt.PhysicalID + "-DEFAULT"} {
		if !strings.Contains(joined, want) {
			t.Errorf("cleanup log lacks %q:\n%s", want, joined)
		}
	}
	// The count announced agrees with the count removed.
	if want := fmt.Sprintf("%d to remove: %d resource(s)", len(ledger)+1, len(ledger)); !strings.Contains(joined, want) {
		t.Errorf("cleanup log lacks %q, the count it then removed:\n%s", want, joined)
	}
	// The runtime went first, the pools last: reverse creation order.
	iRuntime := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "✓ deleted "+string(steps.ResRuntime)) })
	iPool := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "✓ deleted "+string(steps.ResUserPool)) })
	if iRuntime < 0 || iPool < 0 || iRuntime > iPool {
		t.Errorf("runtime deleted at line %d, first pool at %d: want the runtime first", iRuntime, iPool)
	}
	// The stages whose resources are gone are pending again; writing the
	// agent made nothing cleanup removes, so it keeps its success.
	for _, id := range []string{"provision-cognito", "configure", "launch", "wait-ready", "invoke-unauthenticated", "invoke-with-token"} {
		if s := stageState(t, a, id); s.Status != engine.Pending || len(s.Result.Values) != 0 {
			t.Errorf("%s after cleanup: %s with %d values, want pending with none", id, s.Status, len(s.Result.Values))
		}
	}
	if s := stageState(t, a, "write-agent"); s.Status != engine.Succeeded {
		t.Errorf("write-agent after cleanup: %s, want succeeded (its files stay)", s.Status)
	}

	// A second cleanup has nothing to do and still succeeds.
	if err := a.Runner.Run(ctx, "cleanup"); err != nil {
		t.Fatalf("second cleanup: %v", err)
	}
	st = stageState(t, a, "cleanup")
	if st.Status != engine.Succeeded || resultValue(t, st, steps.CleanupRemoved) != "0" || resultValue(t, st, steps.CleanupLeft) != "none" {
		t.Errorf("second cleanup: %s removed=%s left=%s", st.Status, resultValue(t, st, steps.CleanupRemoved), resultValue(t, st, steps.CleanupLeft))
	}

	// Running up to stage 7 again re-creates everything and invokes the
	// agent for real: the ledger re-plans the deleted entries.
	if err := a.Runner.RunUntil(ctx, "invoke-with-token"); err != nil {
		t.Fatalf("stages 1-7 after cleanup: %v", err)
	}
	pools, err := a.Cloud.Cognito.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	if err != nil || len(pools.UserPools) != 2 {
		t.Fatalf("pools after re-running stage 1: %v %v", pools, err)
	}
	again := stageState(t, a, "invoke-with-token")
	if again.Status != engine.Succeeded || resultValue(t, again, steps.Response) == "" {
		t.Errorf("invoke-with-token after cleanup: %s %q", again.Status, again.Err)
	}
	if got := leftovers(t, a.Cloud, a.Session.Resources()); len(got) == 0 {
		t.Error("nothing in the sandbox after running stages 1-7 again")
	}
}

// A runtime stays DELETING for a while on AWS: cleanup waits until it is
// gone rather than reporting success while it is still listed.
func TestCleanupWaitsForTheRuntimeToGo(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs stages against a whole sandbox (make test runs it)")
	}
	a := openForCleanup(t, edge.Delays{RuntimeDelete: 300})
	ctx := context.Background()
	if err := a.Runner.RunUntil(ctx, "launch"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := a.Runner.Run(ctx, "cleanup"); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("cleanup took %s: it cannot have waited for DELETING to end", took)
	}
	rts, err := a.Cloud.Control.ListAgentRuntimes(ctx, &ctl.ListAgentRuntimesInput{})
	if err != nil || len(rts.AgentRuntimes) != 0 {
		t.Fatalf("runtimes after cleanup: %v %v", rts.AgentRuntimes, err)
	}
}

// A crash between Plan and Created leaves a planned entry with no physical
// id; the resource may exist. Cleanup finds it by name.
func TestCleanupFindsPlannedResourcesByName(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs stages against a whole sandbox (make test runs it)")
	}
	a := openForCleanup(t, edge.Delays{})
	ctx := context.Background()
	c, sess := a.Cloud, a.Session
	plan := func(kind steps.ResourceKind, name string, attrs map[string]string) {
		t.Helper()
		if _, err := sess.Plan(string(kind), name, "provision-cognito", attrs); err != nil {
			t.Fatal(err)
		}
	}

	// A pool that was created, with a domain that was not even planned
	// (the crash came before): the pool's domain must go before the pool.
	plan(steps.ResUserPool, "AgentCoreIdentityPool-crash", nil)
	pool, err := c.Cognito.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("AgentCoreIdentityPool-crash")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	if _, err := c.Cognito.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String("agentcore-identity-crash"), UserPoolId: aws.String(poolID)}); err != nil {
		t.Fatal(err)
	}
	// A client planned in it, created, never recorded.
	plan(steps.ResPoolClient, "IdentityClient-crash", map[string]string{steps.AttrPool: poolID})
	if _, err := c.Cognito.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("IdentityClient-crash")}); err != nil {
		t.Fatal(err)
	}
	// A role with an inline policy the ledger never heard of.
	plan(steps.ResRole, "AgentCoreWorkshopRuntime-crash", nil)
	if _, err := c.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("AgentCoreWorkshopRuntime-crash"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock-agentcore.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("AgentCoreWorkshopRuntime-crash"), PolicyName: aws.String("Stray"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	// A bucket holding an object the ledger does not list.
	plan(steps.ResBucket, "agentcore-workshop-crash", nil)
	if _, err := c.S3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("agentcore-workshop-crash"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(c.Region)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("agentcore-workshop-crash"), Key: aws.String("a/source.zip"), Body: strings.NewReader("zip")}); err != nil {
		t.Fatal(err)
	}
	// Planned but the create call never went out.
	plan(steps.ResRepository, "bedrock-agentcore-never-created", nil)
	plan(steps.ResRuntime, "never_created", nil)

	want := []string{"user pool AgentCoreIdentityPool-crash", "client IdentityClient-crash",
		"role AgentCoreWorkshopRuntime-crash", "role policy AgentCoreWorkshopRuntime-crash/Stray",
		"bucket agentcore-workshop-crash", "object s3://agentcore-workshop-crash/a/source.zip"}
	if got := leftovers(t, c, nil); !slices.Equal(got, want) {
		t.Fatalf("set-up made %v, want a pool, a client, a role with its policy and a bucket with its object: %v", got, want)
	}
	if err := a.Runner.Run(ctx, "cleanup"); err != nil {
		t.Fatal(err)
	}
	if got := leftovers(t, c, nil); len(got) > 0 {
		t.Errorf("left after cleanup: %v", got)
	}
	d, err := c.Cognito.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("agentcore-identity-crash")})
	if err != nil || d.DomainDescription == nil || aws.ToString(d.DomainDescription.UserPoolId) != "" {
		t.Errorf("domain after cleanup: %+v %v", d.DomainDescription, err)
	}
	if live := liveEntries(sess); len(live) > 0 {
		t.Errorf("ledger entries not marked deleted: %v", live)
	}
	if got := resultValue(t, stageState(t, a, "cleanup"), steps.CleanupRemoved); got != "6" {
		t.Errorf("removed = %s, want 6 (four found, two never created)", got)
	}
}

// Resources deleted behind the workshop's back (in the console, by an
// earlier cleanup that died before saving) count as done.
func TestCleanupTreatsOutOfBandDeletionAsDone(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs stages against a whole sandbox (make test runs it)")
	}
	a := openForCleanup(t, edge.Delays{})
	ctx := context.Background()
	if err := a.Runner.Run(ctx, "provision-cognito"); err != nil {
		t.Fatal(err)
	}
	st := stageState(t, a, "provision-cognito")
	inPool := resultValue(t, st, steps.RuntimePoolID)
	outPool := resultValue(t, st, steps.IdentityPoolID)
	c := a.Cloud.Cognito
	// The whole inbound pool, users and client with it, and the outbound
	// pool's domain.
	if _, err := c.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: aws.String(inPool)}); err != nil {
		t.Fatal(err)
	}
	dom := resultValue(t, st, steps.IdentityDomain)
	if _, err := c.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{Domain: aws.String(dom), UserPoolId: aws.String(outPool)}); err != nil {
		t.Fatal(err)
	}

	logs := collectLogs(a)
	if err := a.Runner.Run(ctx, "cleanup"); err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(logs(), "\n")
	for _, want := range []string{
		"✓ " + string(steps.ResUserPool) + " AgentCoreRuntimePool-",
		"✓ " + string(steps.ResPoolDomain) + " " + dom + " was already gone",
		"✓ deleted " + string(steps.ResUserPool) + " AgentCoreIdentityPool-",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("log lacks %q:\n%s", want, joined)
		}
	}
	if got := leftovers(t, a.Cloud, a.Session.Resources()); len(got) > 0 {
		t.Errorf("left: %v", got)
	}
	if live := liveEntries(a.Session); len(live) > 0 {
		t.Errorf("ledger entries not marked deleted: %v", live)
	}
}

// One entry that cannot be removed does not stop the others; the stage
// fails naming it, and a file the learner wrote is never touched.
func TestCleanupKeepsGoingAndListsWhatIsLeft(t *testing.T) {
	a := openForCleanup(t, edge.Delays{})
	ctx := context.Background()
	sess, dir := a.Session, a.Session.Dir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The learner's own credentials file of the same name (say, from the
	// real starter toolkit).
	if err := os.WriteFile(filepath.Join(dir, steps.EnvFileName), []byte("RUNTIME_POOL_ID=x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "scratch.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, e := range []struct {
		kind steps.ResourceKind
		name string
	}{
		{steps.ResLocalFile, "scratch.json"},
		{"mystery-kind", "thing"},
		{steps.ResLocalFile, "../outside.txt"},
		{steps.ResProject, "bedrock-agentcore-never-builder"},
	} {
		if _, err := sess.Plan(string(e.kind), e.name, "launch", nil); err != nil {
			t.Fatal(err)
		}
	}
	err := a.Runner.Run(ctx, "cleanup")
	var se *engine.StageError
	if !errors.As(err, &se) {
		t.Fatalf("cleanup with an undeletable entry: %v, want a stage failure", err)
	}
	for _, want := range []string{"mystery-kind thing", "../outside.txt"} {
		if !strings.Contains(se.Err, want) {
			t.Errorf("error %q does not name %s", se.Err, want)
		}
	}
	st := stageState(t, a, "cleanup")
	left := resultValue(t, st, steps.CleanupLeft)
	if n := len(strings.Split(left, "\n")); n != 2 {
		t.Errorf("left lists %d items, want 2:\n%s", n, left)
	}
	if got := resultValue(t, st, steps.CleanupRemoved); got != "2" {
		t.Errorf("removed = %s, want 2 (scratch.json and the project that never existed)", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "scratch.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("recorded local file not removed: %v", err)
	}
	for _, f := range []string{"notes.txt", steps.EnvFileName} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("cleanup removed the learner's %s: %v", f, err)
		}
	}
	live := liveEntries(sess)
	if len(live) != 2 {
		t.Errorf("live ledger entries %v, want the two it could not remove", live)
	}
}

// cancelOnFirstDelete is a Reporter that cancels the run right after the
// first deletion is reported, from inside the stage: deterministic.
type cancelOnFirstDelete struct{ cancel context.CancelFunc }

func (r cancelOnFirstDelete) Log(format string, args ...any) {
	if strings.HasPrefix(fmt.Sprintf(format, args...), "✓ deleted") {
		r.cancel()
	}
}
func (cancelOnFirstDelete) Progress(string, int, int) {}
func (cancelOnFirstDelete) Value(steps.Value)         {}

// A cancelled cleanup stops at once, and what it deleted before stays
// recorded, so the next run only does the rest.
func TestCleanupCancelledResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs stages against a whole sandbox (make test runs it)")
	}
	a := openForCleanup(t, edge.Delays{})
	ctx := context.Background()
	if err := a.Runner.Run(ctx, "provision-cognito"); err != nil {
		t.Fatal(err)
	}
	total := len(a.Session.Resources())
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if _, err := steps.Cleanup(a.Env).Run(cctx, cancelOnFirstDelete{cancel}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled cleanup returned %v, want context.Canceled", err)
	}
	live := len(liveEntries(a.Session))
	if live != total-1 {
		t.Fatalf("%d of %d entries live after a cleanup cancelled after its first deletion, want %d", live, total, total-1)
	}
	if err := a.Runner.Run(ctx, "cleanup"); err != nil {
		t.Fatal(err)
	}
	if got, want := resultValue(t, stageState(t, a, "cleanup"), steps.CleanupRemoved), strconv.Itoa(live+1); got != want {
		t.Errorf("resumed cleanup removed %s, want %s (the rest and the credentials file)", got, want)
	}
	if got := leftovers(t, a.Cloud, a.Session.Resources()); len(got) > 0 {
		t.Errorf("left: %v", got)
	}
}

// A twin pool (same name, made by a run killed mid-create whose pool the
// listing did not show yet) is removed with the recorded one.
func TestCleanupRemovesTwinPools(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs stages against a whole sandbox (make test runs it)")
	}
	a := openForCleanup(t, edge.Delays{})
	ctx := context.Background()
	if err := a.Runner.Run(ctx, "provision-cognito"); err != nil {
		t.Fatal(err)
	}
	name := "AgentCoreRuntimePool-" + a.Session.Settings().Suffix
	if _, err := a.Cloud.Cognito.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if err := a.Runner.Run(ctx, "cleanup"); err != nil {
		t.Fatal(err)
	}
	out, err := a.Cloud.Cognito.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range out.UserPools {
		t.Errorf("left after cleanup: %s (%s)", aws.ToString(p.Name), aws.ToString(p.Id))
	}
}
