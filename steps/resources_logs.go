package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/session"
)

// Log groups are made by the services the tutorial drives, not by a
// stage: CodeBuild makes /aws/codebuild/<project> when a build starts, the
// runtime makes /aws/bedrock-agentcore/runtimes/<id>-DEFAULT when it
// starts and Lambda makes /aws/lambda/<function> when the function first
// runs (its role allows logs:CreateLogGroup). Launch and the gateway stage
// record them in the ledger before they start what makes them, so cleanup
// deletes them with the rest.
//
// A runtime's id is known only once it exists, and a replaced runtime gets
// a new one, so its groups are recorded as a prefix: the ledger name ends
// in "*" (a character no log group name has) and stands for every group
// whose name starts with what comes before it. Recorded before the
// runtime, the entry is deleted after it: nothing writes to the groups by
// then.

// logGroupSpec names a log group, or with a trailing "*" every group
// whose name starts with the rest.
type logGroupSpec struct{ name string }

// buildLogGroup is the group CodeBuild writes a project's builds to
// (with project "", every project's: a prefix).
func buildLogGroup(project string) string {
	if project == "" {
		return "/aws/codebuild/*"
	}
	return "/aws/codebuild/" + project
}

// runtimeLogGroups stands for the groups of every runtime named agent:
// /aws/bedrock-agentcore/runtimes/<agent>-<10 characters>-<endpoint>.
// Runtime names hold no "-", so no other agent's groups match. With agent
// "", every runtime's groups.
func runtimeLogGroups(agent string) string {
	if agent == "" {
		return "/aws/bedrock-agentcore/runtimes/*"
	}
	return "/aws/bedrock-agentcore/runtimes/" + agent + "-*"
}

// functionLogGroup is the group Lambda writes a function's logs to (with
// function "", every function's: a prefix).
func functionLogGroup(function string) string {
	if function == "" {
		return "/aws/lambda/*"
	}
	return "/aws/lambda/" + function
}

var logGroups = resource[logGroupSpec]{
	kind: ResLogGroup,
	key:  func(s logGroupSpec) (string, map[string]string) { return s.name, nil },
	lookup: func(ctx context.Context, c *cloud.Clients, name string, _ map[string]string) (found, error) {
		groups, err := matchingLogGroups(ctx, c, name)
		if err != nil || len(groups) == 0 {
			return found{}, err
		}
		return found{ID: name, OK: true}, nil
	},
	// The service makes the group; the stage only says it will.
	put: func(_ context.Context, _ *Env, rep Reporter, s logGroupSpec) (found, error) {
		rep.Log("log group %s: the service makes it; cleanup deletes it", s.name)
		return found{ID: s.name, OK: true}, nil
	},
	remove: func(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
		groups, err := matchingLogGroups(ctx, env.Cloud, r.Name)
		if err != nil {
			return false, err
		}
		existed := false
		for _, g := range groups {
			rep.Log("DeleteLogGroup %s", g)
			ok, err := gone(deleteLogGroup(ctx, env.Cloud, g))
			if err != nil {
				return existed, fmt.Errorf("delete log group %s: %w", g, err)
			}
			existed = existed || ok
		}
		return existed, nil
	},
	// The sandbox account holds no other groups under these prefixes.
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		var out []string
		for _, prefix := range []string{buildLogGroup(""), runtimeLogGroups(""), functionLogGroup("")} {
			groups, err := matchingLogGroups(ctx, c, prefix)
			if err != nil {
				return nil, err
			}
			for _, g := range groups {
				out = append(out, "log group "+g)
			}
		}
		return out, nil
	},
}

func deleteLogGroup(ctx context.Context, c *cloud.Clients, name string) error {
	_, err := c.Logs.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String(name)})
	return err
}

// matchingLogGroups lists the groups a ledger name stands for: the one it
// names, or with a trailing "*" every group whose name starts with the
// rest.
func matchingLogGroups(ctx context.Context, c *cloud.Clients, name string) ([]string, error) {
	prefix, many := strings.CutSuffix(name, "*")
	p := cwl.NewDescribeLogGroupsPaginator(c.Logs, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(prefix)})
	return pageLines(ctx, "log groups", p.HasMorePages, p.NextPage, func(o *cwl.DescribeLogGroupsOutput) []string {
		var out []string
		for _, g := range o.LogGroups {
			if n := aws.ToString(g.LogGroupName); many || n == prefix {
				out = append(out, n)
			}
		}
		return out
	})
}
