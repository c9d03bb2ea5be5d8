// Package cleanuptest checks, for tests, that cleanup left nothing behind:
// it asks the services themselves, not the ledger cleanup worked from.
package cleanuptest

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	cb "github.com/aws/aws-sdk-go-v2/service/codebuild"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps"
)

// Leftovers lists, through the services' own List/Describe calls, every
// resource of a kind the workshop makes that the account still holds (in
// the sandbox the whole account is the workshop's), plus the ledger's
// hosted-UI domains that still belong to a pool: domains are looked up by
// name, as no call lists them.
func Leftovers(ctx context.Context, c *cloud.Clients, ledger []session.Resource) ([]string, error) {
	var out []string
	pools, err := c.Cognito.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	if err != nil {
		return nil, fmt.Errorf("list user pools: %w", err)
	}
	for _, p := range pools.UserPools {
		out = append(out, "user pool "+aws.ToString(p.Name))
		cls, err := c.Cognito.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: p.Id, MaxResults: aws.Int32(60)})
		if err != nil {
			return nil, fmt.Errorf("list clients: %w", err)
		}
		for _, cl := range cls.UserPoolClients {
			out = append(out, "client "+aws.ToString(cl.ClientName))
		}
	}
	for _, r := range ledger {
		if r.Kind != steps.KindPoolDomain {
			continue
		}
		d, err := c.Cognito.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String(r.Name)})
		if err != nil {
			return nil, fmt.Errorf("describe domain: %w", err)
		}
		if d.DomainDescription != nil && aws.ToString(d.DomainDescription.UserPoolId) != "" {
			out = append(out, "domain "+r.Name)
		}
	}
	rts, err := c.Control.ListAgentRuntimes(ctx, &ctl.ListAgentRuntimesInput{})
	if err != nil {
		return nil, fmt.Errorf("list runtimes: %w", err)
	}
	for _, rt := range rts.AgentRuntimes {
		out = append(out, fmt.Sprintf("runtime %s (%s)", aws.ToString(rt.AgentRuntimeName), rt.Status))
	}
	wls, err := c.Control.ListWorkloadIdentities(ctx, &ctl.ListWorkloadIdentitiesInput{})
	if err != nil {
		return nil, fmt.Errorf("list workload identities: %w", err)
	}
	for _, w := range wls.WorkloadIdentities {
		out = append(out, "workload identity "+aws.ToString(w.Name))
	}
	pvs, err := c.Control.ListOauth2CredentialProviders(ctx, &ctl.ListOauth2CredentialProvidersInput{})
	if err != nil {
		return nil, fmt.Errorf("list credential providers: %w", err)
	}
	for _, p := range pvs.CredentialProviders {
		out = append(out, "credential provider "+aws.ToString(p.Name))
	}
	roles, err := c.IAM.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	for _, r := range roles.Roles {
		out = append(out, "role "+aws.ToString(r.RoleName))
	}
	buckets, err := c.S3.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		return nil, fmt.Errorf("list buckets: %w", err)
	}
	for _, b := range buckets.Buckets {
		out = append(out, "bucket "+aws.ToString(b.Name))
	}
	repos, err := c.ECR.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	if err != nil {
		return nil, fmt.Errorf("list repositories: %w", err)
	}
	for _, r := range repos.Repositories {
		out = append(out, "repository "+aws.ToString(r.RepositoryName))
	}
	projects, err := c.Build.ListProjects(ctx, &cb.ListProjectsInput{})
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	for _, p := range projects.Projects {
		out = append(out, "project "+p)
	}
	return out, nil
}
