package iam_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
)

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock-agentcore.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

const access = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["bedrock-agentcore:GetWorkloadAccessToken"],"Resource":"*"}]}`

var ctx = context.Background()

func decode(t *testing.T, s *string) string {
	t.Helper()
	d, err := url.QueryUnescape(aws.ToString(s))
	if err != nil {
		t.Fatalf("policy %q is not URL-encoded: %v", aws.ToString(s), err)
	}
	return d
}

func TestRoleLifecycle(t *testing.T) {
	dir := t.TempDir()
	env := launchtest.Start(t, dir, edge.Delays{})
	c := iam.NewFromConfig(env.Config)
	before := time.Now().Add(-time.Second)

	out, err := c.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("AgentRuntimeRole"), Path: aws.String("/service-role/"),
		AssumeRolePolicyDocument: aws.String(trust), Description: aws.String("runtime execution role"),
		Tags: []types.Tag{{Key: aws.String("workshop"), Value: aws.String("agentcore")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Role
	if want := "arn:aws:iam::123456789012:role/service-role/AgentRuntimeRole"; aws.ToString(r.Arn) != want {
		t.Errorf("Arn = %q, want %q", aws.ToString(r.Arn), want)
	}
	if id := aws.ToString(r.RoleId); !strings.HasPrefix(id, "AROA") || len(id) != 21 {
		t.Errorf("RoleId = %q", id)
	}
	if r.CreateDate == nil || r.CreateDate.Before(before) || r.CreateDate.After(time.Now().Add(time.Second)) {
		t.Errorf("CreateDate = %v, want about now", r.CreateDate)
	}
	if got := decode(t, r.AssumeRolePolicyDocument); got != trust {
		t.Errorf("AssumeRolePolicyDocument = %q, want %q", got, trust)
	}
	if aws.ToString(r.Path) != "/service-role/" || aws.ToString(r.Description) != "runtime execution role" || aws.ToInt32(r.MaxSessionDuration) != 3600 {
		t.Errorf("role = %+v", r)
	}
	if len(r.Tags) != 1 || aws.ToString(r.Tags[0].Key) != "workshop" || aws.ToString(r.Tags[0].Value) != "agentcore" {
		t.Errorf("Tags = %+v", r.Tags)
	}

	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("agentruntimerole"), AssumeRolePolicyDocument: aws.String(trust)})
	var exists *types.EntityAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Errorf("create a role whose name differs only in case: err = %v, want EntityAlreadyExistsException", err)
	}

	newTrust := strings.Replace(trust, `"Action"`, `"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}},"Action"`, 1)
	if _, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("AgentRuntimeRole"), PolicyDocument: aws.String(newTrust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("AgentRuntimeRole"), PolicyName: aws.String("AgentCoreIdentityAccess"), PolicyDocument: aws.String(access)}); err != nil {
		t.Fatal(err)
	}

	// A restart keeps the role, its trust policy and its inline policy.
	env.Close()
	env = launchtest.Start(t, dir, edge.Delays{})
	c = iam.NewFromConfig(env.Config)

	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("AgentRuntimeRole")})
	if err != nil {
		t.Fatal(err)
	}
	if decode(t, got.Role.AssumeRolePolicyDocument) != newTrust || aws.ToString(got.Role.RoleId) != aws.ToString(r.RoleId) {
		t.Errorf("after restart: role = %+v", got.Role)
	}
	pol, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("AgentRuntimeRole"), PolicyName: aws.String("AgentCoreIdentityAccess")})
	if err != nil {
		t.Fatal(err)
	}
	if decode(t, pol.PolicyDocument) != access || aws.ToString(pol.RoleName) != "AgentRuntimeRole" {
		t.Errorf("GetRolePolicy = %+v", pol)
	}
	names, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("AgentRuntimeRole")})
	if err != nil {
		t.Fatal(err)
	}
	if len(names.PolicyNames) != 1 || names.PolicyNames[0] != "AgentCoreIdentityAccess" || names.IsTruncated {
		t.Errorf("ListRolePolicies = %+v", names)
	}

	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("AgentRuntimeRole")})
	var conflict *types.DeleteConflictException
	if !errors.As(err, &conflict) {
		t.Fatalf("DeleteRole with an inline policy: err = %v, want DeleteConflictException", err)
	}
	if _, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("AgentRuntimeRole"), PolicyName: aws.String("AgentCoreIdentityAccess")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("AgentRuntimeRole"), PolicyName: aws.String("AgentCoreIdentityAccess")})
	var missing *types.NoSuchEntityException
	if !errors.As(err, &missing) {
		t.Errorf("GetRolePolicy after delete: err = %v, want NoSuchEntityException", err)
	}
	if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("AgentRuntimeRole")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("AgentRuntimeRole")})
	if !errors.As(err, &missing) {
		t.Fatalf("GetRole after delete: err = %v, want NoSuchEntityException", err)
	}
	if status := httpStatus(err); status != 404 {
		t.Errorf("NoSuchEntity status = %d, want 404", status)
	}
}

// httpStatus digs the HTTP status out of an SDK error.
func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func TestListRolesPages(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	c := iam.NewFromConfig(env.Config)
	for _, n := range []string{"charlie", "alpha", "bravo"} {
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(n), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	p := iam.NewListRolesPaginator(c, &iam.ListRolesInput{MaxItems: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range page.Roles {
			seen = append(seen, aws.ToString(r.RoleName))
		}
	}
	if strings.Join(seen, ",") != "alpha,bravo,charlie" || pages != 2 {
		t.Errorf("ListRoles pages = %d, roles = %v; want 2 pages of alpha,bravo,charlie", pages, seen)
	}
	out, err := c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/other/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Roles) != 0 {
		t.Errorf("PathPrefix /other/ listed %d roles", len(out.Roles))
	}
}

func TestErrors(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	c := iam.NewFromConfig(env.Config)
	var malformed *types.MalformedPolicyDocumentException
	for _, doc := range []string{`{not json`, `{"Version":"2012-10-17"}`, `{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"sts:AssumeRole"}]}`, `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`} {
		_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(doc)})
		if !errors.As(err, &malformed) {
			t.Errorf("trust policy %s: err = %v, want MalformedPolicyDocumentException", doc, err)
		}
	}
	for _, in := range []*iam.CreateRoleInput{
		{RoleName: aws.String("bad name!"), AssumeRolePolicyDocument: aws.String(trust)},
		{RoleName: aws.String(strings.Repeat("x", 65)), AssumeRolePolicyDocument: aws.String(trust)},
		{RoleName: aws.String("ok"), Path: aws.String("no-slashes"), AssumeRolePolicyDocument: aws.String(trust)},
		{RoleName: aws.String("ok"), MaxSessionDuration: aws.Int32(60), AssumeRolePolicyDocument: aws.String(trust)},
	} {
		_, err := c.CreateRole(ctx, in)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationError" || httpStatus(err) != 400 {
			t.Errorf("CreateRole(%s, path %q): err = %v, want ValidationError 400", aws.ToString(in.RoleName), aws.ToString(in.Path), err)
		}
	}
	list, err := c.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil || len(list.Roles) != 0 {
		t.Fatalf("failed creates left roles behind: %v %v", list, err)
	}
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("ghost"), PolicyName: aws.String("p"), PolicyDocument: aws.String(access)})
	var missing *types.NoSuchEntityException
	if !errors.As(err, &missing) {
		t.Errorf("PutRolePolicy on a missing role: err = %v", err)
	}
	_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("ghost"), PolicyDocument: aws.String(trust)})
	if !errors.As(err, &missing) {
		t.Errorf("UpdateAssumeRolePolicy on a missing role: err = %v", err)
	}
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("real"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("real"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}`)})
	if !errors.As(err, &malformed) {
		t.Errorf("inline policy without Resource: err = %v, want MalformedPolicyDocumentException", err)
	}
	_, err = c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("real"), PolicyName: aws.String("none")})
	if !errors.As(err, &missing) {
		t.Errorf("DeleteRolePolicy of a missing policy: err = %v", err)
	}
}

func TestMalformedRequests(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for _, tc := range []struct {
		body, code string
		status     int
	}{
		{"Action=CreateUser&Version=2010-05-08&UserName=x", "InvalidAction", 400},
		{"Action=CreateRole&Version=2010-05-08&RoleName=x", "ValidationError", 400},
		{"Action=GetRole&Version=2010-05-08", "ValidationError", 400},
		{"Action=ListRoles&Version=2010-05-08&MaxItems=lots", "ValidationError", 400},
		{"Action=GetRole&Version=2010-05-08&RoleName=%", "MalformedQueryString", 400},
		{"Version=2010-05-08", "MissingAction", 400},
	} {
		r := env.Signed(t, http.MethodPost, "/", "iam", form, tc.body)
		if r.Status != tc.status || !strings.Contains(r.Body, "<Code>"+tc.code+"</Code>") {
			t.Errorf("%q: got %d %s, want %d %s", tc.body, r.Status, r.Body, tc.status, tc.code)
		}
	}
	// An unsigned request never reaches IAM's rules.
	resp, err := http.Post(env.URL+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=ListRoles&Version=2010-05-08"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 || resp.StatusCode == 200 {
		t.Errorf("unsigned ListRoles answered %d", resp.StatusCode)
	}
}

// A role's inline policies together may hold 10,240 characters besides
// whitespace, as on AWS: one more is refused with LimitExceeded, and the
// role keeps what it had.
func TestInlinePolicyQuota(t *testing.T) {
	env := launchtest.Start(t, t.TempDir(), edge.Delays{})
	c := iam.NewFromConfig(env.Config)
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Quota"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	// doc is a policy of exactly n non-space characters, padded with
	// spaces (which do not count) and a resource name of the right length.
	doc := func(n int) string {
		head, tail := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::`, `"}]}`
		return head + strings.Repeat("a", n-len(head)-len(tail)) + tail + "   \n"
	}
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("Quota"), PolicyName: aws.String("one"), PolicyDocument: aws.String(doc(6000))}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("Quota"), PolicyName: aws.String("two"), PolicyDocument: aws.String(doc(4240))}); err != nil {
		t.Fatalf("10,240 characters together: %v", err)
	}
	// Replacing a policy counts its new document, not its old one.
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("Quota"), PolicyName: aws.String("two"), PolicyDocument: aws.String(doc(4241))}); err == nil {
		t.Fatal("10,241 characters together were accepted")
	} else {
		var le *types.LimitExceededException
		if !errors.As(err, &le) || !strings.Contains(err.Error(), "Maximum policy size of 10240 bytes exceeded for role Quota") {
			t.Fatalf("err = %v, want LimitExceeded naming the role", err)
		}
	}
	got, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("Quota"), PolicyName: aws.String("two")})
	if err != nil || decode(t, got.PolicyDocument) != doc(4240) {
		t.Fatalf("policy two after the refused put: %v", err)
	}
}
