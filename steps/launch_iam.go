package steps

// The two roles launch makes and the policies they carry, at parity with
// the starter toolkit (aws/bedrock-agentcore-starter-toolkit, compared at
// commit 4f90432b402da9fcb1870a7acdf431588e659459):
//
//   - the runtime's execution role: the trust policy of
//     src/bedrock_agentcore_starter_toolkit/utils/runtime/templates/execution_role_trust_policy.json.j2
//     and the statements of execution_role_policy.json.j2 beside it, as it
//     renders for this tutorial (deployment_type "container" with a known
//     ECR repository; no memory; HTTP, not A2A), plus the identity
//     statements ensure_identity_permissions in
//     operations/identity/helpers.py adds once a credential provider
//     exists (its AgentCoreIdentityAccess policy);
//   - the CodeBuild role of get_or_create_codebuild_execution_role in
//     operations/runtime/create_role.py, scoped to this workshop's
//     project, repository and bucket, and waited for as it waits (10 s
//     after creating it) before CodeBuild is asked to use it.

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"agentcore-workshop/internal/i18n"
)

// where names the account, region and partition the ARNs of a policy are
// built in.
type where struct{ partition, region, account string }

// arn builds an ARN of service in the account and region ("" leaves a
// part empty, as S3's and foundation models' ARNs do).
func (w where) arn(service, region, account, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", w.partition, service, region, account, resource)
}

// here is an ARN of service in w's own region and account.
func (w where) here(service, resource string) string {
	return w.arn(service, w.region, w.account, resource)
}

// trustPolicy lets service assume the role, only on behalf of account
// (and, when sourceArn is set, only for resources matching it: the
// confused-deputy guard the toolkit's runtime trust policy has).
func trustPolicy(service, account, sourceArn string) string {
	cond := map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account}}
	if sourceArn != "" {
		cond["ArnLike"] = map[string]any{"aws:SourceArn": sourceArn}
	}
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":       "AssumeRolePolicy",
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": service},
			"Action":    "sts:AssumeRole",
			"Condition": cond,
		}},
	})
}

// runtimeTrust is the execution role's trust policy.
func runtimeTrust(w where) string {
	return trustPolicy("bedrock-agentcore.amazonaws.com", w.account, w.here("bedrock-agentcore", "*"))
}

// runtimeRoleSpec is what the execution role's policy names.
type runtimeRoleSpec struct {
	agent      string // the runtime's name: its workload identity is agent-*
	repository string // the ECR repository the runtime pulls from
	provider   string // the OAuth2 credential provider the agent asks for tokens
}

// runtimePolicy is the execution role's inline policy: pull the image,
// write logs, traces and metrics (observability is enabled in the
// project's YAML), call the model (subscribing to a Marketplace model on
// its first call), and get workload and resource tokens from AgentCore
// Identity.
func runtimePolicy(w where, s runtimeRoleSpec) string {
	logGroups := w.here("logs", "log-group:/aws/bedrock-agentcore/runtimes/*")
	directory := w.here("bedrock-agentcore", "workload-identity-directory/default")
	vault := w.here("bedrock-agentcore", "token-vault/default")
	statement := func(sid string, actions []string, resource any) map[string]any {
		m := map[string]any{"Effect": "Allow", "Action": actions, "Resource": resource}
		if sid != "" {
			m["Sid"] = sid
		}
		return m
	}
	metrics := statement("CloudWatchMetrics", []string{"cloudwatch:PutMetricData"}, "*")
	metrics["Condition"] = map[string]any{"StringEquals": map[string]any{"cloudwatch:namespace": "bedrock-agentcore"}}
	marketplace := statement("MarketplaceSubscribeOnFirstCall", []string{"aws-marketplace:ViewSubscriptions", "aws-marketplace:Subscribe"}, "*")
	marketplace["Condition"] = map[string]any{"StringEquals": map[string]any{"aws:CalledViaLast": "bedrock.amazonaws.com"}}
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			statement("ECRImageAccess", []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
				[]string{w.here("ecr", "repository/"+s.repository)}),
			statement("ECRTokenAccess", []string{"ecr:GetAuthorizationToken"}, "*"),
			statement("LogGroups", []string{"logs:DescribeLogStreams", "logs:CreateLogGroup"}, []string{logGroups}),
			statement("DescribeLogGroups", []string{"logs:DescribeLogGroups"}, []string{w.here("logs", "log-group:*")}),
			statement("LogStreams", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, []string{logGroups + ":log-stream:*"}),
			statement("XRay", []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"}, []string{"*"}),
			metrics,
			statement("LogDelivery", []string{"logs:CreateLogGroup", "logs:PutDeliverySource", "logs:PutDeliveryDestination", "logs:CreateDelivery",
				"logs:GetDeliverySource", "logs:DeleteDeliverySource", "logs:DeleteDeliveryDestination"}, "*"),
			statement("BedrockModelInvocation", []string{"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:ApplyGuardrail"},
				[]string{w.arn("bedrock", "*", "", "foundation-model/*"), w.arn("bedrock", "*", "*", "inference-profile/*"), w.here("bedrock", "*")}),
			marketplace,
			statement("WorkloadAccessTokenExchange", []string{"bedrock-agentcore:GetWorkloadAccessToken", "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
				"bedrock-agentcore:GetWorkloadAccessTokenForUserId", "bedrock-agentcore:CreateWorkloadIdentity"},
				[]string{directory, directory + "/workload-identity/*"}),
			statement("ResourceOAuth2TokenAccess", []string{"bedrock-agentcore:GetResourceOauth2Token", "bedrock-agentcore:GetResourceApiKey"},
				[]string{vault, vault + "/oauth2credentialprovider/*", vault + "/apikeycredentialprovider/*",
					directory, directory + "/workload-identity/" + s.agent + "-*"}),
			statement("CredentialProviderSecrets", []string{"secretsmanager:GetSecretValue"},
				[]string{w.here("secretsmanager", "secret:bedrock-agentcore-identity!default/oauth2/"+s.provider+"*"),
					w.here("secretsmanager", "secret:bedrock-agentcore-identity!default/apikey/*")}),
			statement("BedrockAgentCoreCodeInterpreter", []string{"bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter",
				"bedrock-agentcore:StopCodeInterpreterSession", "bedrock-agentcore:GetCodeInterpreter", "bedrock-agentcore:GetCodeInterpreterSession",
				"bedrock-agentcore:ListCodeInterpreterSessions"}, []string{w.arn("bedrock-agentcore", w.region, "aws", "code-interpreter/aws.codeinterpreter.v1")}),
			statement("AwsJwtFederation", []string{"sts:GetWebIdentityToken"}, "*"),
		},
	})
}

// buildRoleSpec is what the CodeBuild role's policy names.
type buildRoleSpec struct{ project, repository, bucket string }

// buildPolicy lets CodeBuild read the uploaded source, push the image to
// the agent's repository and write the build's logs.
func buildPolicy(w where, s buildRoleSpec) string {
	group := w.here("logs", "log-group:/aws/codebuild/"+s.project)
	source := map[string]any{"Effect": "Allow", "Action": []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketAcl", "s3:GetBucketLocation"},
		"Resource":  []string{w.arn("s3", "", "", s.bucket), w.arn("s3", "", "", s.bucket+"/*")},
		"Condition": map[string]any{"StringEquals": map[string]any{"s3:ResourceAccount": w.account}}}
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Effect": "Allow", "Action": []string{"ecr:GetAuthorizationToken"}, "Resource": "*"},
			map[string]any{"Effect": "Allow", "Action": []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
				"ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"},
				"Resource": w.here("ecr", "repository/"+s.repository)},
			map[string]any{"Effect": "Allow", "Action": []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"},
				"Resource": []string{group, group + ":*"}},
			source,
		},
	})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only ever called with maps of strings built above
	}
	return string(b)
}

// ensureRole makes a role with the trust policy given and one inline
// policy, and returns its ARN and whether this call made it. A reused role
// gets the current trust policy, as the toolkit's
// ensure_identity_permissions re-sends it.
func ensureRole(ctx context.Context, env *Env, rep Reporter, stepID, name, trust, policyName, policy string) (arn string, fresh bool, err error) {
	role, err := roles.ensure(ctx, env, rep, stepID, roleSpec{name: name, trust: trust})
	if err != nil {
		return "", false, err
	}
	if !role.fresh {
		rep.Log("UpdateAssumeRolePolicy %s", name)
		if _, err := env.Cloud.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(name), PolicyDocument: aws.String(trust)}); err != nil {
			return "", false, fmt.Errorf("update the trust policy of %s: %w", name, err)
		}
	}
	if _, err := rolePolicies.ensure(ctx, env, rep, stepID, policySpec{role: name, policy: policyName, document: policy}); err != nil {
		return "", false, err
	}
	return role.ARN, role.fresh, nil
}

// awaitPropagation waits the target's role propagation time
// (cloud.Clients.RolePropagation: the toolkit's 10 s on AWS) after a role
// was made: IAM offers no call that says a role has reached every service.
func awaitPropagation(ctx context.Context, env *Env, rep Reporter, role string) error {
	d := env.Cloud.RolePropagation
	if d <= 0 {
		return nil
	}
	start := env.clock().Now()
	return poll(ctx, env, rep, wait{what: i18n.M("IAM to propagate role %s"), of: role, first: d, max: d, timeout: d + time.Second},
		func(context.Context) (bool, string, error) {
			return env.clock().Now().Sub(start) >= d, "", nil
		})
}
