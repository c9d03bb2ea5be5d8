package steps

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cb "github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"gopkg.in/yaml.v3"

	"agentcore-workshop/internal/atomicfile"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

type launch struct{}

// Launch is stage 4: roles, an image repository, the agent's source in S3,
// an ARM64 build in CodeBuild, and the runtime itself with the authorizer
// configure decided on.
func Launch(env *Env) engine.Stage {
	return outlined(outline.LaunchID, env, launch{}.Run)
}

func (launch) ID() string { return outline.LaunchID }

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
	w := where{partition: env.Cloud.Partition, region: region, account: account}
	repoName := "bedrock-agentcore-" + agent
	bucket := fmt.Sprintf("agentcore-workshop-%s-%s-%s", account, region, suffix)
	project := "bedrock-agentcore-" + agent + "-builder"
	roleName, policyName := "AgentCoreWorkshopRuntime-"+suffix, "AgentCoreWorkshopRuntimeAccess"
	runtimeRole, _, err := ensureRole(ctx, env, rep, s.ID(), roleName, runtimeTrust(w),
		policyName, runtimePolicy(w, runtimeRoleSpec{agent: agent, repository: repoName, provider: cv[CredentialProvider]}))
	if err != nil {
		return res, err
	}
	put(Value{Name: ExecutionRoleARN, Value: runtimeRole})
	buildRole, fresh, err := ensureRole(ctx, env, rep, s.ID(), "AgentCoreWorkshopBuild-"+suffix, trustPolicy("codebuild.amazonaws.com", account, ""),
		"AgentCoreWorkshopBuildAccess", buildPolicy(w, buildRoleSpec{project: project, repository: repoName, bucket: bucket}))
	if err != nil {
		return res, err
	}
	if fresh {
		// CreateProject checks only that the role can be assumed: a build
		// started at once can still fail to read its source while the
		// policy propagates. The toolkit waits after making this role.
		if err := awaitPropagation(ctx, env, rep, "AgentCoreWorkshopBuild-"+suffix); err != nil {
			return res, err
		}
	}

	rep.Progress("image repository", 3, steps)
	repo, err := repositories.ensure(ctx, env, rep, s.ID(), repositorySpec{name: repoName})
	if err != nil {
		return res, err
	}
	repoURI := repo.ID

	rep.Progress("upload the source", 4, steps)
	if _, err := buckets.ensure(ctx, env, rep, s.ID(), bucketSpec{name: bucket, region: region}); err != nil {
		return res, err
	}
	key := agent + "/source.zip"
	zipped, err := zipProject(filepath.Join(env.Dir, AgentDir))
	if err != nil {
		return res, err
	}
	if _, err := objects.ensure(ctx, env, rep, s.ID(), objectSpec{bucket: bucket, key: key, body: zipped}); err != nil {
		return res, err
	}

	rep.Progress("ARM64 build in CodeBuild", 5, steps)
	tag := env.clock().Now().UTC().Format("20060102-150405")
	if _, err := buildProjects.ensure(ctx, env, rep, s.ID(), projectSpec{name: project, location: bucket + "/" + key,
		role: buildRole, repoURI: repoURI, tag: tag}); err != nil {
		return res, err
	}
	if _, err := logGroups.ensure(ctx, env, rep, s.ID(), logGroupSpec{buildLogGroup(project)}); err != nil {
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
	if _, err := logGroups.ensure(ctx, env, rep, s.ID(), logGroupSpec{runtimeLogGroups(agent)}); err != nil {
		return res, err
	}
	rt, err := runtimes.ensure(ctx, env, rep, s.ID(), runtimeSpec{name: agent, image: image, role: runtimeRole,
		discoveryURL: in[RuntimeDiscoveryURL], clientID: in[RuntimeClientID], provider: cv[CredentialProvider],
		returnURL: configuredReturnURL(env)})
	if err != nil {
		return res, err
	}
	put(Value{Name: RuntimeID, Value: rt.ID})
	put(Value{Name: RuntimeARN, Value: rt.ARN})

	rep.Progress("record it in the project", 7, steps)
	if err := recordRuntime(filepath.Join(env.Dir, AgentDir, ToolkitConfigFile), agent, rt.ID, rt.ARN); err != nil {
		rep.Log("could not update %s: %v", ToolkitConfigFile, err)
	}
	_, err = updateEnvFile(env, rep, map[string]string{EnvRole: roleName, EnvPolicy: policyName, EnvRoleARN: runtimeRole,
		EnvRepo: repoName, EnvProject: project, ImageURI: image, EnvAgentID: rt.ID, EnvAgentARN: rt.ARN})
	return res, err
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
	err = poll(ctx, env, rep, wait{what: i18n.M("the build"), max: 2 * time.Second, timeout: 20 * time.Minute}, func(ctx context.Context) (bool, string, error) {
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
			mark, took := "✓", phaseTook(p)
			if p.PhaseStatus != "" && p.PhaseStatus != cbtypes.StatusTypeSucceeded {
				mark = "✗"
				for _, c := range p.Contexts {
					if m := aws.ToString(c.Message); m != "" {
						failure = fmt.Sprintf("%s: %s", p.PhaseType, m)
					}
				}
			}
			rep.Log("%s %-17s %s", mark, p.PhaseType, engine.FormatElapsed(took))
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

// phaseTook is how long a build phase ran: from its start and end times,
// which CodeBuild gives to the millisecond; DurationInSeconds is whole
// seconds, so every phase of a quick build would read 0s.
func phaseTook(p cbtypes.BuildPhase) time.Duration {
	if p.StartTime != nil && p.EndTime != nil {
		return max(p.EndTime.Sub(*p.StartTime), 0)
	}
	return time.Duration(aws.ToInt64(p.DurationInSeconds)) * time.Second
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
