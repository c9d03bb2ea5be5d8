package steps

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

type policyStatement struct {
	Sid       string
	Action    []string
	Resource  any
	Condition map[string]map[string]string
}

func statements(t *testing.T, doc string) []policyStatement {
	t.Helper()
	var p struct{ Statement []policyStatement }
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("policy is not JSON: %v\n%s", err, doc)
	}
	return p.Statement
}

// granting is the statement that allows action, or nil.
func granting(sts []policyStatement, action string) *policyStatement {
	for i, s := range sts {
		if slices.Contains(s.Action, action) {
			return &sts[i]
		}
	}
	return nil
}

// The execution role grants what the toolkit's template grants and the
// issue found missing: Marketplace subscribe-on-first-call (only through
// Bedrock), logs:DescribeLogGroups, X-Ray and CloudWatch metrics (only in
// the bedrock-agentcore namespace); and the identity calls for this
// agent's provider.
func TestRuntimePolicyHasTheToolkitsPermissions(t *testing.T) {
	w := where{"aws", "eu-central-1", "123456789012"}
	sts := statements(t, runtimePolicy(w, runtimeRoleSpec{agent: "agent_x", repository: "bedrock-agentcore-agent_x", provider: "Prov-1"}))
	for action, cond := range map[string][2]string{
		"aws-marketplace:Subscribe":                      {"aws:CalledViaLast", "bedrock.amazonaws.com"},
		"aws-marketplace:ViewSubscriptions":              {"aws:CalledViaLast", "bedrock.amazonaws.com"},
		"cloudwatch:PutMetricData":                       {"cloudwatch:namespace", "bedrock-agentcore"},
		"logs:DescribeLogGroups":                         {},
		"logs:PutLogEvents":                              {},
		"xray:PutTraceSegments":                          {},
		"xray:PutTelemetryRecords":                       {},
		"xray:GetSamplingRules":                          {},
		"xray:GetSamplingTargets":                        {},
		"bedrock:InvokeModel":                            {},
		"bedrock:InvokeModelWithResponseStream":          {},
		"ecr:BatchGetImage":                              {},
		"ecr:GetAuthorizationToken":                      {},
		"bedrock-agentcore:GetResourceOauth2Token":       {},
		"bedrock-agentcore:GetWorkloadAccessTokenForJWT": {},
		"secretsmanager:GetSecretValue":                  {},
	} {
		s := granting(sts, action)
		if s == nil {
			t.Errorf("no statement grants %s", action)
			continue
		}
		if cond[0] != "" && s.Condition["StringEquals"][cond[0]] != cond[1] {
			t.Errorf("%s: condition %v, want %s = %s", action, s.Condition, cond[0], cond[1])
		}
	}
	resources := func(action string) string {
		if s := granting(sts, action); s != nil {
			b, _ := json.Marshal(s.Resource)
			return string(b)
		}
		return ""
	}
	for action, want := range map[string]string{
		"logs:DescribeLogGroups":                   "arn:aws:logs:eu-central-1:123456789012:log-group:*",
		"logs:PutLogEvents":                        "log-group:/aws/bedrock-agentcore/runtimes/*:log-stream:*",
		"bedrock:InvokeModel":                      "arn:aws:bedrock:*:*:inference-profile/*",
		"ecr:BatchGetImage":                        "repository/bedrock-agentcore-agent_x",
		"bedrock-agentcore:GetResourceOauth2Token": "workload-identity/agent_x-*",
		"secretsmanager:GetSecretValue":            "oauth2/Prov-1*",
	} {
		if got := resources(action); !strings.Contains(got, want) {
			t.Errorf("%s on %s, want %s among them", action, got, want)
		}
	}
	trust := runtimeTrust(w)
	if !strings.Contains(trust, `"aws:SourceArn":"arn:aws:bedrock-agentcore:eu-central-1:123456789012:*"`) ||
		!strings.Contains(trust, `"aws:SourceAccount":"123456789012"`) {
		t.Errorf("the runtime's trust policy lacks the toolkit's source conditions: %s", trust)
	}
}

// The CodeBuild role reaches only this workshop's bucket, repository and
// build log group.
func TestBuildPolicyIsScopedToTheWorkshop(t *testing.T) {
	w := where{"aws", "us-west-2", "123456789012"}
	doc := buildPolicy(w, buildRoleSpec{project: "bedrock-agentcore-a-builder", repository: "bedrock-agentcore-a", bucket: "agentcore-workshop-b"})
	sts := statements(t, doc)
	for action, want := range map[string]string{
		"s3:GetObject":      "arn:aws:s3:::agentcore-workshop-b/*",
		"ecr:PutImage":      "arn:aws:ecr:us-west-2:123456789012:repository/bedrock-agentcore-a",
		"logs:PutLogEvents": "arn:aws:logs:us-west-2:123456789012:log-group:/aws/codebuild/bedrock-agentcore-a-builder:*",
	} {
		s := granting(sts, action)
		if s == nil {
			t.Errorf("no statement grants %s", action)
			continue
		}
		b, _ := json.Marshal(s.Resource)
		if !strings.Contains(string(b), `"`+want+`"`) {
			t.Errorf("%s on %s, want %s", action, b, want)
		}
	}
	if strings.Contains(doc, "agentcore-workshop-*") {
		t.Errorf("the build role reaches every workshop's bucket: %s", doc)
	}
}

// A role ensureRole makes is waited for (the target's propagation time,
// on the stages' clock); a reused one is not, and gets the current trust
// policy.
func TestANewRoleIsWaitedFor(t *testing.T) {
	env := sandboxEnv(t)
	clk := newFakeClock()
	env.Clock = clk
	env.Cloud.RolePropagation = 10 * time.Second
	ctx := context.Background()
	rep := &recorder{}
	account := "123456789012"
	arn, fresh, err := ensureRole(ctx, env, rep, "launch", "Propagating", trustPolicy("codebuild.amazonaws.com", account, ""), "Access",
		buildPolicy(where{"aws", "us-west-2", account}, buildRoleSpec{project: "p", repository: "r", bucket: "b"}))
	if err != nil || !fresh || !strings.HasSuffix(arn, ":role/Propagating") {
		t.Fatalf("first ensure: %q fresh=%v %v", arn, fresh, err)
	}
	if err := awaitPropagation(ctx, env, rep, "Propagating"); err != nil {
		t.Fatal(err)
	}
	if got := clk.pauses(); !slices.Equal(got, []time.Duration{10 * time.Second}) {
		t.Errorf("pauses %v, want one of 10s", got)
	}
	newTrust := trustPolicy("codebuild.amazonaws.com", account, "arn:aws:codebuild:us-west-2:"+account+":project/*")
	if _, fresh, err = ensureRole(ctx, env, rep, "launch", "Propagating", newTrust, "Access", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`); err != nil || fresh {
		t.Fatalf("second ensure: fresh=%v %v, want the role reused", fresh, err)
	}
	got, err := env.Cloud.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Propagating")})
	if err != nil {
		t.Fatal(err)
	}
	if doc := aws.ToString(got.Role.AssumeRolePolicyDocument); !strings.Contains(doc, "project") {
		t.Errorf("the reused role kept its old trust policy: %s", doc)
	}
	// The sandbox target needs no wait.
	env.Cloud.RolePropagation = 0
	if err := awaitPropagation(ctx, env, rep, "Propagating"); err != nil || len(clk.pauses()) != 1 {
		t.Errorf("a wait on the sandbox target: %v %v", clk.pauses(), err)
	}
}
