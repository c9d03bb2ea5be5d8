package logs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
	"agentcore-workshop/internal/sandbox/model/modeltest"
)

var ctx = context.Background()

// names lists every group's name, page by page.
func names(t *testing.T, c *cwl.Client, in *cwl.DescribeLogGroupsInput) []string {
	t.Helper()
	var out []string
	p := cwl.NewDescribeLogGroupsPaginator(c, in)
	for pages := 0; p.HasMorePages(); pages++ {
		if pages > 100 {
			t.Fatal("more than 100 pages")
		}
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.LogGroups {
			out = append(out, aws.ToString(g.LogGroupName))
		}
	}
	return out
}

// A log group is made, listed (by prefix, by pattern, in pages), deleted,
// and then not found, through the real SDK; every answer fits the model.
func TestLogGroupLifecycle(t *testing.T) {
	env := launchtest.Start(t, t.TempDir(), edge.Delays{})
	rec := &modeltest.Recorder{Next: env.Config.HTTPClient}
	c := cwl.NewFromConfig(env.Config, func(o *cwl.Options) { o.HTTPClient = rec })
	made := []string{"/aws/codebuild/bedrock-agentcore-a-builder", "/aws/bedrock-agentcore/runtimes/a-AbCdEf1234-DEFAULT", "/aws/bedrock-agentcore/runtimes/b-0123456789-DEFAULT"}
	for _, n := range made {
		if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(made[0])})
	var exists *types.ResourceAlreadyExistsException
	if !errors.As(err, &exists) || exists.ErrorMessage() != "The specified log group already exists" {
		t.Errorf("second create: %v, want ResourceAlreadyExistsException", err)
	}

	sorted := slices.Sorted(slices.Values(made))
	if got := names(t, c, &cwl.DescribeLogGroupsInput{Limit: aws.Int32(1)}); !slices.Equal(got, sorted) {
		t.Errorf("one a page: %v, want %v", got, sorted)
	}
	if got := names(t, c, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/bedrock-agentcore/runtimes/a-")}); !slices.Equal(got, made[1:2]) {
		t.Errorf("by prefix: %v", got)
	}
	if got := names(t, c, &cwl.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("DEFAULT")}); !slices.Equal(got, sorted[:2]) {
		t.Errorf("by pattern: %v", got)
	}
	out, err := c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(made[0])})
	if err != nil || len(out.LogGroups) != 1 {
		t.Fatalf("%v %+v", err, out)
	}
	g := out.LogGroups[0]
	wantArn := fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", launchtest.Region, env.Creds.AccountID, made[0])
	if aws.ToString(g.LogGroupArn) != wantArn || aws.ToString(g.Arn) != wantArn+":*" || g.LogGroupClass != types.LogGroupClassStandard || aws.ToInt64(g.CreationTime) == 0 {
		t.Errorf("group %+v, want ARN %s", g, wantArn)
	}
	_, err = c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/a"), LogGroupNamePattern: aws.String("b")})
	var invalid *types.InvalidParameterException
	if !errors.As(err, &invalid) {
		t.Errorf("prefix and pattern together: %v, want InvalidParameterException", err)
	}

	for _, n := range made {
		if _, err := c.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String(made[0])})
	var missing *types.ResourceNotFoundException
	if !errors.As(err, &missing) || missing.ErrorMessage() != "The specified log group does not exist." {
		t.Errorf("second delete: %v, want ResourceNotFoundException", err)
	}
	if got := names(t, c, &cwl.DescribeLogGroupsInput{}); len(got) != 0 {
		t.Errorf("left after deleting every group: %v", got)
	}
	modeltest.CheckAll(t, model.Logs, rec.Answers(), nil)
}

// Groups outlive a restart of the sandbox.
func TestLogGroupsPersist(t *testing.T) {
	dir := t.TempDir()
	env := launchtest.Start(t, dir, edge.Delays{})
	c := cwl.NewFromConfig(env.Config)
	if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/kept")}); err != nil {
		t.Fatal(err)
	}
	env.Close()
	env = launchtest.Start(t, dir, edge.Delays{})
	if got := names(t, cwl.NewFromConfig(env.Config), &cwl.DescribeLogGroupsInput{}); !slices.Equal(got, []string{"/kept"}) {
		t.Errorf("after a restart: %v", got)
	}
}

// Inputs the model refuses get CloudWatch Logs' answer:
// InvalidParameterException with the standard validation message.
func TestModelValidation(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	cases := []struct{ name, op, body, msg string }{
		{"name missing", "CreateLogGroup", `{}`,
			"1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null"},
		{"bad character", "DeleteLogGroup", `{"logGroupName":"a b"}`,
			"1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"},
		{"limit too big", "DescribeLogGroups", `{"limit":51}`,
			"1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"Logs_20140328." + c.op}}
			r := env.Signed(t, http.MethodPost, "/", "logs", h, c.body)
			var e struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal([]byte(r.Body), &e); err != nil {
				t.Fatalf("%v: %s", err, r.Body)
			}
			if r.Status != 400 || e.Type != "InvalidParameterException" || e.Message != c.msg {
				t.Errorf("got %d %s %q\nwant 400 InvalidParameterException %q", r.Status, e.Type, e.Message, c.msg)
			}
		})
	}
}
