package steps

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	cb "github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"gopkg.in/yaml.v3"

	"agentcore-workshop/internal/atomicfile"
)

type launch struct{}

// Launch is stage 4: roles, an image repository, the agent's source in S3,
// an ARM64 build in CodeBuild, and the runtime itself with the authorizer
// configure decided on.
func Launch() Step { return launch{} }

func (launch) ID() string         { return "launch" }
func (launch) Title() string      { return "Launch" }
func (launch) Requires() []string { return []string{"configure"} }

// buildspec is what CodeBuild runs: the starter toolkit's docker build and
// push, driven by the project's environment variables.
const buildspec = `version: 0.2
phases:
  pre_build:
    commands:
      - aws ecr get-login-password --region $AWS_DEFAULT_REGION | docker login --username AWS --password-stdin ${REPOSITORY_URI%%/*}
  build:
    commands:
      - docker build -t bedrock-agentcore-arm64 .
      - docker tag bedrock-agentcore-arm64 $REPOSITORY_URI:$IMAGE_TAG
  post_build:
    commands:
      - docker push $REPOSITORY_URI:$IMAGE_TAG
`

func (s launch) Run(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	cv, err := inputs(env, "configure", AgentName, CredentialProvider)
	if err != nil {
		return Result{}, err
	}
	in, err := inputs(env, "provision-cognito", RuntimeDiscoveryURL, RuntimeClientID)
	if err != nil {
		return Result{}, err
	}
	agent, suffix, region := cv[AgentName], env.Session.Settings().Suffix, env.Cloud.Region
	var res Result
	put := publisher(rep, &res)
	const steps = 7

	rep.Progress("who am I", 1, steps)
	who, err := env.Cloud.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return res, fmt.Errorf("get caller identity: %w", err)
	}
	account := aws.ToString(who.Account)
	rep.Log("account %s as %s", account, aws.ToString(who.Arn))
	put(Value{Name: AccountID, Value: account})

	rep.Progress("IAM roles", 2, steps)
	runtimeRole, err := ensureRole(ctx, env, rep, s.ID(), "AgentCoreWorkshopRuntime-"+suffix, trustPolicy("bedrock-agentcore.amazonaws.com", account),
		"AgentCoreWorkshopRuntimeAccess", runtimePolicy(account, region, agent))
	if err != nil {
		return res, err
	}
	put(Value{Name: ExecutionRoleARN, Value: runtimeRole})
	buildRole, err := ensureRole(ctx, env, rep, s.ID(), "AgentCoreWorkshopBuild-"+suffix, trustPolicy("codebuild.amazonaws.com", account),
		"AgentCoreWorkshopBuildAccess", buildPolicy(account, region))
	if err != nil {
		return res, err
	}

	rep.Progress("image repository", 3, steps)
	repoName := "bedrock-agentcore-" + agent
	repoURI, err := ensureRepository(ctx, env, rep, s.ID(), repoName)
	if err != nil {
		return res, err
	}

	rep.Progress("upload the source", 4, steps)
	bucket := fmt.Sprintf("agentcore-workshop-%s-%s-%s", account, region, suffix)
	if err := ensureBucket(ctx, env, rep, s.ID(), bucket, region); err != nil {
		return res, err
	}
	key := agent + "/source.zip"
	zipped, err := zipProject(filepath.Join(env.Dir, AgentDir))
	if err != nil {
		return res, err
	}
	obj, err := env.Session.Plan(KindObject, bucket+"/"+key, s.ID(), map[string]string{AttrBucket: bucket, AttrKey: key})
	if err != nil {
		return res, err
	}
	if _, err := env.Cloud.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(zipped)}); err != nil {
		return res, fmt.Errorf("upload source to s3://%s/%s: %w", bucket, key, err)
	}
	if err := env.Session.Created(obj.ID, key, ""); err != nil {
		return res, err
	}
	rep.Log("uploaded s3://%s/%s (%d bytes)", bucket, key, len(zipped))

	rep.Progress("ARM64 build in CodeBuild", 5, steps)
	tag := time.Now().UTC().Format("20060102-150405")
	project := "bedrock-agentcore-" + agent + "-builder"
	if err := ensureProject(ctx, env, rep, s.ID(), project, bucket, key, buildRole, repoURI, tag); err != nil {
		return res, err
	}
	buildID, err := runBuild(ctx, env, rep, project, bucket+"/"+key)
	if err != nil {
		return res, err
	}
	put(Value{Name: BuildID, Value: buildID})
	image := repoURI + ":" + tag
	put(Value{Name: ImageURI, Value: image})

	rep.Progress("create the runtime", 6, steps)
	rt, err := ensureRuntime(ctx, env, rep, s.ID(), agent, image, runtimeRole, in[RuntimeDiscoveryURL], in[RuntimeClientID], cv[CredentialProvider])
	if err != nil {
		return res, err
	}
	put(Value{Name: RuntimeID, Value: rt.ID})
	put(Value{Name: RuntimeARN, Value: rt.ARN})

	rep.Progress("record it in the project", 7, steps)
	if err := recordRuntime(filepath.Join(env.Dir, AgentDir, ToolkitConfigFile), agent, rt.ID, rt.ARN); err != nil {
		rep.Log("could not update %s: %v", ToolkitConfigFile, err)
	}
	return res, nil
}

func trustPolicy(service, account string) string {
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": service},
			"Action":    "sts:AssumeRole",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account}},
		}},
	})
}

// runtimePolicy lets the runtime pull its image, write logs and, for the
// outbound stage, get workload and resource tokens from AgentCore Identity.
func runtimePolicy(account, region, agent string) string {
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Sid": "ECRPull", "Effect": "Allow", "Action": []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:GetAuthorizationToken"}, "Resource": "*"},
			map[string]any{"Sid": "Logs", "Effect": "Allow", "Action": []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
				"Resource": fmt.Sprintf("arn:aws:logs:%s:%s:log-group:/aws/bedrock-agentcore/runtimes/*", region, account)},
			map[string]any{"Sid": "Model", "Effect": "Allow", "Action": []string{"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"}, "Resource": "*"},
			map[string]any{"Sid": "Identity", "Effect": "Allow",
				"Action": []string{"bedrock-agentcore:GetWorkloadAccessToken", "bedrock-agentcore:GetWorkloadAccessTokenForJWT", "bedrock-agentcore:GetWorkloadAccessTokenForUserId", "bedrock-agentcore:GetResourceOauth2Token"},
				"Resource": []string{
					fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:workload-identity-directory/default", region, account),
					fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:workload-identity-directory/default/workload-identity/%s-*", region, account, agent),
					fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:token-vault/default", region, account),
					fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:token-vault/default/*", region, account),
				}},
			map[string]any{"Sid": "ProviderSecret", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
				"Resource": fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:bedrock-agentcore-identity!default/oauth2/*", region, account)},
		},
	})
}

// buildPolicy lets CodeBuild read the source, push the image and log.
func buildPolicy(account, region string) string {
	return mustJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Effect": "Allow", "Action": []string{"s3:GetObject", "s3:GetObjectVersion"}, "Resource": "arn:aws:s3:::agentcore-workshop-*/*"},
			map[string]any{"Effect": "Allow", "Action": []string{"s3:GetBucketAcl", "s3:GetBucketLocation"}, "Resource": "arn:aws:s3:::agentcore-workshop-*"},
			map[string]any{"Effect": "Allow", "Action": []string{"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"}, "Resource": "*"},
			map[string]any{"Effect": "Allow", "Action": []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"},
				"Resource": fmt.Sprintf("arn:aws:logs:%s:%s:log-group:/aws/codebuild/*", region, account)},
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

func ensureRole(ctx context.Context, env *Env, rep Reporter, stepID, name, trust, policyName, policy string) (string, error) {
	c := env.Cloud.IAM
	role, err := ensure(ctx, env, rep, stepID, KindRole, name, nil,
		func(ctx context.Context) (found, error) {
			out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
			if isNotFound(err) {
				return found{}, nil
			}
			if err != nil {
				return found{}, err
			}
			return found{ID: name, ARN: aws.ToString(out.Role.Arn), OK: true}, nil
		},
		func(ctx context.Context) (found, error) {
			rep.Log("CreateRole %s", name)
			out, err := c.CreateRole(ctx, &iam.CreateRoleInput{
				RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust),
				Description: aws.String("Created by agentcore-workshop; removed by its cleanup stage"),
			})
			if err != nil {
				return found{}, err
			}
			return found{ID: name, ARN: aws.ToString(out.Role.Arn), OK: true}, nil
		})
	if err != nil {
		return "", err
	}
	// PutRolePolicy replaces the policy if it exists: safe to repeat.
	pol, err := env.Session.Plan(KindRolePolicy, name+"/"+policyName, stepID, map[string]string{AttrRole: name, AttrPolicy: policyName})
	if err != nil {
		return "", err
	}
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(policyName), PolicyDocument: aws.String(policy)}); err != nil {
		return "", fmt.Errorf("put policy %s on role %s: %w", policyName, name, err)
	}
	if err := env.Session.Created(pol.ID, policyName, ""); err != nil {
		return "", err
	}
	rep.Log("PutRolePolicy %s on %s", policyName, name)
	return role.ARN, nil
}

func ensureRepository(ctx context.Context, env *Env, rep Reporter, stepID, name string) (string, error) {
	c := env.Cloud.ECR
	f, err := ensure(ctx, env, rep, stepID, KindRepository, name, nil,
		func(ctx context.Context) (found, error) {
			out, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{name}})
			if isNotFound(err) {
				return found{}, nil
			}
			if err != nil {
				return found{}, err
			}
			if len(out.Repositories) == 0 {
				return found{}, nil
			}
			r := out.Repositories[0]
			return found{ID: aws.ToString(r.RepositoryUri), ARN: aws.ToString(r.RepositoryArn), OK: true}, nil
		},
		func(ctx context.Context) (found, error) {
			rep.Log("CreateRepository %s", name)
			out, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(name)})
			if err != nil {
				return found{}, err
			}
			return found{ID: aws.ToString(out.Repository.RepositoryUri), ARN: aws.ToString(out.Repository.RepositoryArn), OK: true}, nil
		})
	return f.ID, err
}

func ensureBucket(ctx context.Context, env *Env, rep Reporter, stepID, bucket, region string) error {
	c := env.Cloud.S3
	_, err := ensure(ctx, env, rep, stepID, KindBucket, bucket, nil,
		func(ctx context.Context) (found, error) {
			_, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
			if isNotFound(err) {
				return found{}, nil
			}
			if err != nil {
				return found{}, err
			}
			return found{ID: bucket, ARN: "arn:aws:s3:::" + bucket, OK: true}, nil
		},
		func(ctx context.Context) (found, error) {
			rep.Log("CreateBucket %s", bucket)
			in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
			if region != "us-east-1" { // us-east-1 refuses its own name as a constraint
				in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
			}
			if _, err := c.CreateBucket(ctx, in); err != nil {
				return found{}, err
			}
			return found{ID: bucket, ARN: "arn:aws:s3:::" + bucket, OK: true}, nil
		})
	return err
}

// zipProject packs the agent project the way `agentcore launch` uploads it.
func zipProject(dir string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range agentFiles {
		body, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			return nil, fmt.Errorf("read the agent project (run stage 2 again?): %w", err)
		}
		w, err := zw.Create(f.name)
		if err != nil {
			return nil, fmt.Errorf("zip %s: %w", f.name, err)
		}
		if _, err := w.Write(body); err != nil {
			return nil, fmt.Errorf("zip %s: %w", f.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("zip the agent project: %w", err)
	}
	return buf.Bytes(), nil
}

func ensureProject(ctx context.Context, env *Env, rep Reporter, stepID, name, bucket, key, role, repoURI, tag string) error {
	c := env.Cloud.Build
	source := &cbtypes.ProjectSource{Type: cbtypes.SourceTypeS3, Location: aws.String(bucket + "/" + key), Buildspec: aws.String(buildspec)}
	environment := &cbtypes.ProjectEnvironment{
		Type:           cbtypes.EnvironmentTypeArmContainer,
		Image:          aws.String("aws/codebuild/amazonlinux2-aarch64-standard:3.0"),
		ComputeType:    cbtypes.ComputeTypeBuildGeneral1Medium, // the starter toolkit's choice for ARM builds
		PrivilegedMode: aws.Bool(true),                         // docker build needs it
		EnvironmentVariables: []cbtypes.EnvironmentVariable{
			{Name: aws.String("REPOSITORY_URI"), Value: aws.String(repoURI)},
			{Name: aws.String("IMAGE_TAG"), Value: aws.String(tag)},
			{Name: aws.String("AGENT_ENTRYPOINT"), Value: aws.String("agent.py")},
		},
	}
	artifacts := &cbtypes.ProjectArtifacts{Type: cbtypes.ArtifactsTypeNoArtifacts}
	r, err := env.Session.Plan(KindProject, name, stepID, nil)
	if err != nil {
		return err
	}
	var arn string
	err = retryWhileIAMPropagates(ctx, rep, func() error {
		out, err := c.CreateProject(ctx, &cb.CreateProjectInput{Name: aws.String(name), Source: source, Environment: environment,
			Artifacts: artifacts, ServiceRole: aws.String(role)})
		var exists *cbtypes.ResourceAlreadyExistsException
		if errors.As(err, &exists) {
			rep.Log("UpdateProject %s (new image tag %s)", name, tag)
			up, uerr := c.UpdateProject(ctx, &cb.UpdateProjectInput{Name: aws.String(name), Source: source, Environment: environment,
				Artifacts: artifacts, ServiceRole: aws.String(role)})
			if uerr != nil {
				return uerr
			}
			arn = aws.ToString(up.Project.Arn)
			return nil
		}
		if err != nil {
			return err
		}
		rep.Log("CreateProject %s (ARM64, privileged)", name)
		arn = aws.ToString(out.Project.Arn)
		return nil
	})
	if err != nil {
		return fmt.Errorf("create build project %s: %w", name, err)
	}
	return env.Session.Created(r.ID, name, arn)
}

// runBuild starts the build and follows it phase by phase until it ends.
func runBuild(ctx context.Context, env *Env, rep Reporter, project, location string) (string, error) {
	c := env.Cloud.Build
	start, err := c.StartBuild(ctx, &cb.StartBuildInput{ProjectName: aws.String(project), SourceLocationOverride: aws.String(location)})
	if err != nil {
		return "", fmt.Errorf("start build: %w", err)
	}
	id := aws.ToString(start.Build.Id)
	rep.Log("StartBuild %s", id)
	shown := map[cbtypes.BuildPhaseType]bool{}
	var failure string
	err = poll(ctx, rep, "the build", 2*time.Second, 20*time.Minute, func(ctx context.Context) (bool, string, error) {
		out, err := c.BatchGetBuilds(ctx, &cb.BatchGetBuildsInput{Ids: []string{id}})
		if err != nil {
			return false, "", err
		}
		if len(out.Builds) == 0 {
			return false, "", fmt.Errorf("build %s not found", id)
		}
		b := out.Builds[0]
		for _, p := range b.Phases {
			if p.EndTime == nil || shown[p.PhaseType] || p.PhaseType == cbtypes.BuildPhaseTypeCompleted {
				continue
			}
			shown[p.PhaseType] = true
			mark, took := "✓", time.Duration(aws.ToInt64(p.DurationInSeconds))*time.Second
			if p.PhaseStatus != "" && p.PhaseStatus != cbtypes.StatusTypeSucceeded {
				mark = "✗"
				for _, c := range p.Contexts {
					if m := aws.ToString(c.Message); m != "" {
						failure = fmt.Sprintf("%s: %s", p.PhaseType, m)
					}
				}
			}
			rep.Log("%s %-17s %s", mark, p.PhaseType, took)
		}
		switch b.BuildStatus {
		case cbtypes.StatusTypeSucceeded:
			return true, "", nil
		case cbtypes.StatusTypeInProgress:
			return false, "", nil // the phase lines above are the news
		default:
			if failure == "" {
				failure = "the build ended " + string(b.BuildStatus)
			}
			return false, "", fmt.Errorf("%s", failure)
		}
	})
	return id, err
}

type runtimeRef struct{ ID, ARN string }

// ensureRuntime creates the runtime, or updates it when it already exists
// (a second launch deploys the new image, as `agentcore launch` does).
func ensureRuntime(ctx context.Context, env *Env, rep Reporter, stepID, name, image, role, discoveryURL, clientID, provider string) (runtimeRef, error) {
	c := env.Cloud.Control
	artifact := &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String(image)}}
	authz := &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
		DiscoveryUrl: aws.String(discoveryURL), AllowedClients: []string{clientID},
	}}
	network := &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic}
	protocol := &ctltypes.ProtocolConfiguration{ServerProtocol: ctltypes.ServerProtocolHttp}
	envVars := map[string]string{"CREDENTIAL_PROVIDER": provider}

	existing, err := findRuntime(ctx, env, name)
	if err != nil {
		return runtimeRef{}, err
	}
	if existing.ID != "" {
		// AWS refuses to update a runtime that is still creating, updating
		// or being deleted: wait for it to settle (or to be gone).
		err := poll(ctx, rep, "runtime "+existing.ID+" to settle", 2*time.Second, readyTimeout, func(ctx context.Context) (bool, string, error) {
			out, err := c.GetAgentRuntime(ctx, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(existing.ID)})
			if isNotFound(err) {
				existing = runtimeRef{}
				return true, "", nil
			}
			if err != nil {
				return false, "", err
			}
			switch out.Status {
			case ctltypes.AgentRuntimeStatusCreating, ctltypes.AgentRuntimeStatusUpdating, ctltypes.AgentRuntimeStatusDeleting:
				return false, string(out.Status), nil
			}
			return true, "", nil
		})
		if err != nil {
			return runtimeRef{}, err
		}
	}
	r, err := env.Session.Plan(KindRuntime, name, stepID, nil)
	if err != nil {
		return runtimeRef{}, err
	}
	var ref runtimeRef
	err = retryWhileIAMPropagates(ctx, rep, func() error {
		if existing.ID != "" {
			rep.Log("UpdateAgentRuntime %s → %s", existing.ID, image)
			out, err := c.UpdateAgentRuntime(ctx, &ctl.UpdateAgentRuntimeInput{AgentRuntimeId: aws.String(existing.ID),
				AgentRuntimeArtifact: artifact, RoleArn: aws.String(role), NetworkConfiguration: network,
				ProtocolConfiguration: protocol, AuthorizerConfiguration: authz, EnvironmentVariables: envVars})
			if err != nil {
				return err
			}
			ref = runtimeRef{ID: aws.ToString(out.AgentRuntimeId), ARN: aws.ToString(out.AgentRuntimeArn)}
			return nil
		}
		rep.Log("CreateAgentRuntime %s with a customJWTAuthorizer", name)
		out, err := c.CreateAgentRuntime(ctx, &ctl.CreateAgentRuntimeInput{AgentRuntimeName: aws.String(name),
			AgentRuntimeArtifact: artifact, RoleArn: aws.String(role), NetworkConfiguration: network,
			ProtocolConfiguration: protocol, AuthorizerConfiguration: authz, EnvironmentVariables: envVars})
		if err != nil {
			return err
		}
		ref = runtimeRef{ID: aws.ToString(out.AgentRuntimeId), ARN: aws.ToString(out.AgentRuntimeArn)}
		return nil
	})
	if err != nil {
		return runtimeRef{}, fmt.Errorf("deploy runtime %s: %w", name, err)
	}
	return ref, env.Session.Created(r.ID, ref.ID, ref.ARN)
}

// findRuntime looks a runtime up by name (runtime names are unique).
func findRuntime(ctx context.Context, env *Env, name string) (runtimeRef, error) {
	p := ctl.NewListAgentRuntimesPaginator(env.Cloud.Control, &ctl.ListAgentRuntimesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return runtimeRef{}, fmt.Errorf("list runtimes: %w", err)
		}
		for _, rt := range page.AgentRuntimes {
			if aws.ToString(rt.AgentRuntimeName) == name {
				return runtimeRef{ID: aws.ToString(rt.AgentRuntimeId), ARN: aws.ToString(rt.AgentRuntimeArn)}, nil
			}
		}
	}
	return runtimeRef{}, nil
}

// retryWhileIAMPropagates repeats fn while AWS says a role just created
// cannot be assumed yet: IAM changes take seconds to reach other services.
func retryWhileIAMPropagates(ctx context.Context, rep Reporter, fn func() error) error {
	wait := time.Second
	deadline := time.Now().Add(90 * time.Second)
	for {
		err := fn()
		if err == nil || !looksLikeIAMPropagation(err) || time.Now().After(deadline) {
			return err
		}
		rep.Log("the new role is not usable yet (IAM is eventually consistent); retrying in %s", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(wait*2, 10*time.Second)
	}
}

func looksLikeIAMPropagation(err error) bool {
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "not authorized to perform: sts:assumerole") ||
		strings.Contains(m, "role validation failed") ||
		strings.Contains(m, "cannot be assumed")
}

// recordRuntime writes the runtime's id and ARN into the toolkit config,
// as `agentcore launch` does.
func recordRuntime(path, agent, id, arn string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return err
	}
	agents, _ := doc["agents"].(map[string]any)
	a, _ := agents[agent].(map[string]any)
	if a == nil {
		return fmt.Errorf("agent %s not in %s", agent, path)
	}
	bc, _ := a["bedrock_agentcore"].(map[string]any)
	if bc == nil {
		bc = map[string]any{}
		a["bedrock_agentcore"] = bc
	}
	bc["agent_id"], bc["agent_arn"] = id, arn
	out, err := yaml.Marshal(doc)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, out, 0o644)
}
