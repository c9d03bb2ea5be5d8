package codebuild_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	"github.com/aws/aws-sdk-go-v2/service/codebuild/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
)

var ctx = context.Background()

const (
	bucket   = "bedrock-agentcore-codebuild-sources-123456789012-us-west-2"
	repoName = "bedrock-agentcore-my_agent"
	repoURI  = "123456789012.dkr.ecr.us-west-2.amazonaws.com/" + repoName
	project  = "bedrock-agentcore-my_agent-builder"
	role     = "arn:aws:iam::123456789012:role/AmazonBedrockAgentCoreSDKCodeBuild-us-west-2-abc"
)

// buildspec is the starter toolkit's shape, reading the image from the
// project's REPOSITORY_URI and IMAGE_TAG.
const buildspec = `version: 0.2
phases:
  pre_build:
    commands:
      - echo Logging in to Amazon ECR...
      - aws ecr get-login-password --region $AWS_DEFAULT_REGION | docker login --username AWS --password-stdin $REPOSITORY_URI
  build:
    commands:
      - docker build -t bedrock-agentcore-arm64 .
      - docker tag bedrock-agentcore-arm64:latest $REPOSITORY_URI:$IMAGE_TAG
  post_build:
    commands:
      - docker push $REPOSITORY_URI:$IMAGE_TAG
`

const dockerfile = "FROM ghcr.io/astral-sh/uv:python3.11-bookworm-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 8080\nCMD [\"python\", \"-m\", \"agent\"]\n"

func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type clients struct {
	s3  *s3.Client
	ecr *ecr.Client
	cb  *codebuild.Client
}

func setup(t testing.TB, env *launchtest.Env) clients {
	t.Helper()
	c := clients{
		s3:  s3.NewFromConfig(env.Config, func(o *s3.Options) { o.UsePathStyle = true }),
		ecr: ecr.NewFromConfig(env.Config),
		cb:  codebuild.NewFromConfig(env.Config),
	}
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintUsWest2}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ecr.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(repoName)}); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c clients) upload(t testing.TB, key string, body []byte) {
	t.Helper()
	if _, err := c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
}

func projectInput(name string, env ...types.EnvironmentVariable) *codebuild.CreateProjectInput {
	return &codebuild.CreateProjectInput{
		Name:      aws.String(name),
		Source:    &types.ProjectSource{Type: types.SourceTypeS3, Location: aws.String(bucket + "/my_agent/source.zip"), Buildspec: aws.String(buildspec)},
		Artifacts: &types.ProjectArtifacts{Type: types.ArtifactsTypeNoArtifacts},
		Environment: &types.ProjectEnvironment{
			Type: types.EnvironmentTypeArmContainer, Image: aws.String("aws/codebuild/amazonlinux2-aarch64-standard:3.0"),
			ComputeType: types.ComputeTypeBuildGeneral1Medium, PrivilegedMode: aws.Bool(true), EnvironmentVariables: env,
		},
		ServiceRole: aws.String(role),
	}
}

func imageEnv(tag string) []types.EnvironmentVariable {
	return []types.EnvironmentVariable{
		{Name: aws.String("REPOSITORY_URI"), Value: aws.String(repoURI)},
		{Name: aws.String("IMAGE_TAG"), Value: aws.String(tag)},
	}
}

// wait polls BatchGetBuilds, as the launch stage does, until the build ends.
func (c clients) wait(t *testing.T, id string) types.Build {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := c.cb.BatchGetBuilds(ctx, &codebuild.BatchGetBuildsInput{Ids: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Builds) != 1 {
			t.Fatalf("BatchGetBuilds(%s) = %+v", id, out)
		}
		if b := out.Builds[0]; b.BuildComplete {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("build %s did not finish: %+v", id, out.Builds[0])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (c clients) build(t *testing.T, in *codebuild.StartBuildInput) types.Build {
	t.Helper()
	out, err := c.cb.StartBuild(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return c.wait(t, aws.ToString(out.Build.Id))
}

func phaseTypes(b types.Build) string {
	var s []string
	for _, p := range b.Phases {
		s = append(s, string(p.PhaseType))
	}
	return strings.Join(s, ",")
}

const allPhases = "SUBMITTED,QUEUED,PROVISIONING,DOWNLOAD_SOURCE,INSTALL,PRE_BUILD,BUILD,POST_BUILD,UPLOAD_ARTIFACTS,FINALIZING,COMPLETED"

func TestBuildSucceeds(t *testing.T) {
	env := launchtest.Start(t, t.TempDir(), edge.Delays{})
	c := setup(t, env)
	c.upload(t, "my_agent/source.zip", zipOf(t, map[string]string{"agent.py": "print('hi')\n", "Dockerfile": dockerfile, "requirements.txt": "bedrock-agentcore\n"}))
	if _, err := c.cb.CreateProject(ctx, projectInput(project, imageEnv("20260101-120000")...)); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-time.Second)
	started, err := c.cb.StartBuild(ctx, &codebuild.StartBuildInput{ProjectName: aws.String(project), SourceLocationOverride: aws.String(bucket + "/my_agent/source.zip")})
	if err != nil {
		t.Fatal(err)
	}
	sb := started.Build
	id := aws.ToString(sb.Id)
	if !strings.HasPrefix(id, project+":") || len(id) != len(project)+1+36 {
		t.Errorf("build id = %q, want {project}:{uuid}", id)
	}
	if aws.ToString(sb.Arn) != "arn:aws:codebuild:us-west-2:123456789012:build/"+id || aws.ToInt64(sb.BuildNumber) != 1 {
		t.Errorf("StartBuild build = %+v", sb)
	}
	b := c.wait(t, id)
	if b.BuildStatus != types.StatusTypeSucceeded || aws.ToString(b.CurrentPhase) != "COMPLETED" {
		t.Fatalf("build = %s in %s; phases %+v", b.BuildStatus, aws.ToString(b.CurrentPhase), b.Phases)
	}
	if got := phaseTypes(b); got != allPhases {
		t.Errorf("phases = %s", got)
	}
	for _, p := range b.Phases {
		if p.PhaseType == types.BuildPhaseTypeCompleted {
			if p.EndTime != nil || p.StartTime == nil {
				t.Errorf("COMPLETED phase = %+v", p)
			}
			continue
		}
		if p.PhaseStatus != types.StatusTypeSucceeded || p.StartTime == nil || p.EndTime == nil || p.DurationInSeconds == nil || p.EndTime.Before(*p.StartTime) {
			t.Errorf("phase %s = %+v", p.PhaseType, p)
		}
	}
	if b.StartTime == nil || b.StartTime.Before(start) || b.EndTime == nil || b.EndTime.Before(*b.StartTime) {
		t.Errorf("times: start %v end %v", b.StartTime, b.EndTime)
	}
	if b.Logs == nil || aws.ToString(b.Logs.GroupName) != "/aws/codebuild/"+project || aws.ToString(b.Logs.StreamName) != strings.TrimPrefix(id, project+":") || aws.ToString(b.Logs.DeepLink) == "" {
		t.Errorf("logs = %+v", b.Logs)
	}
	if aws.ToString(b.Source.Location) != bucket+"/my_agent/source.zip" || b.Environment.Type != types.EnvironmentTypeArmContainer {
		t.Errorf("source/environment = %+v %+v", b.Source, b.Environment)
	}

	// The image is in ECR, where the runtime will look for it.
	if !env.ECR.ImageExists(repoURI + ":20260101-120000") {
		t.Errorf("ECR has no %s:20260101-120000", repoURI)
	}
	imgs, err := c.ecr.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(repoName), ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String("20260101-120000")}}})
	if err != nil || len(imgs.ImageDetails) != 1 {
		t.Fatalf("DescribeImages = %+v, %v", imgs, err)
	}
	if got := env.CodeBuild.Image(id); got != repoURI+":20260101-120000" {
		t.Errorf("Image(%s) = %q", id, got)
	}
	log := strings.Join(env.CodeBuild.BuildLog(id), "\n")
	for _, want := range []string{"Entering phase BUILD", "Running command docker push $REPOSITORY_URI:$IMAGE_TAG", "Phase complete: POST_BUILD State: SUCCEEDED", aws.ToString(imgs.ImageDetails[0].ImageDigest)} {
		if !strings.Contains(log, want) {
			t.Errorf("build log lacks %q:\n%s", want, log)
		}
	}
	if env.CodeBuild.BuildLog("nope:1") != nil {
		t.Errorf("BuildLog of an unknown build is not nil")
	}
}

// TestBuildspecPushRule: without REPOSITORY_URI the image comes from the
// buildspec's docker push line, expanded from the environment.
func TestBuildspecPushRule(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	c := setup(t, env)
	c.upload(t, "my_agent/source.zip", zipOf(t, map[string]string{"main.py": "", "Dockerfile": dockerfile}))
	in := projectInput(project, types.EnvironmentVariable{Name: aws.String("ECR"), Value: aws.String(repoURI)}, types.EnvironmentVariable{Name: aws.String("AGENT_ENTRYPOINT"), Value: aws.String("main.py")})
	in.Source.Buildspec = aws.String("version: 0.2\nphases:\n  build:\n    commands:\n      - docker build -t x .\n  post_build:\n    commands:\n      - \"docker push ${ECR}:v7\"\n")
	if _, err := c.cb.CreateProject(ctx, in); err != nil {
		t.Fatal(err)
	}
	b := c.build(t, &codebuild.StartBuildInput{ProjectName: aws.String(project)})
	if b.BuildStatus != types.StatusTypeSucceeded || !env.ECR.ImageExists(repoURI+":v7") {
		t.Errorf("build %s; image %s:v7 exists %v", b.BuildStatus, repoURI, env.ECR.ImageExists(repoURI+":v7"))
	}
	// StartBuild's environment override wins over the project's.
	b = c.build(t, &codebuild.StartBuildInput{ProjectName: aws.String(project), EnvironmentVariablesOverride: imageEnv("override")})
	if b.BuildStatus != types.StatusTypeSucceeded || !env.ECR.ImageExists(repoURI+":override") {
		t.Errorf("override build %s", b.BuildStatus)
	}
}

func failedPhase(t *testing.T, b types.Build) types.BuildPhase {
	t.Helper()
	if b.BuildStatus != types.StatusTypeFailed {
		t.Fatalf("build status = %s, want FAILED", b.BuildStatus)
	}
	for _, p := range b.Phases {
		if p.PhaseStatus == types.StatusTypeFailed {
			return p
		}
	}
	t.Fatalf("no failed phase in %+v", b.Phases)
	return types.BuildPhase{}
}

func TestBrokenBuildsFail(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	c := setup(t, env)
	if _, err := c.cb.CreateProject(ctx, projectInput(project, imageEnv("broken")...)); err != nil {
		t.Fatal(err)
	}
	c.upload(t, "no-dockerfile.zip", zipOf(t, map[string]string{"agent.py": ""}))
	c.upload(t, "no-from.zip", zipOf(t, map[string]string{"agent.py": "", "Dockerfile": "# nothing\nRUN true\n"}))
	c.upload(t, "no-agent.zip", zipOf(t, map[string]string{"app.py": "", "Dockerfile": dockerfile}))
	c.upload(t, "not-a-zip.zip", []byte("PK but not really"))
	for _, tc := range []struct {
		key, phase, code, msg, phases string
	}{
		{"no-dockerfile.zip", "BUILD", "COMMAND_EXECUTION_ERROR", "Dockerfile not found in source zip", "SUBMITTED,QUEUED,PROVISIONING,DOWNLOAD_SOURCE,INSTALL,PRE_BUILD,BUILD,FINALIZING,COMPLETED"},
		{"no-from.zip", "BUILD", "COMMAND_EXECUTION_ERROR", "Dockerfile has no FROM instruction", ""},
		{"no-agent.zip", "BUILD", "COMMAND_EXECUTION_ERROR", "agent entrypoint agent.py not found in source zip", ""},
		{"missing.zip", "DOWNLOAD_SOURCE", "CLIENT_ERROR", "NoSuchKey: The specified key does not exist.", "SUBMITTED,QUEUED,PROVISIONING,DOWNLOAD_SOURCE,FINALIZING,COMPLETED"},
		{"not-a-zip.zip", "DOWNLOAD_SOURCE", "CLIENT_ERROR", "not a valid zip", ""},
	} {
		b := c.build(t, &codebuild.StartBuildInput{ProjectName: aws.String(project), SourceLocationOverride: aws.String(bucket + "/" + tc.key)})
		p := failedPhase(t, b)
		if string(p.PhaseType) != tc.phase || len(p.Contexts) != 1 || aws.ToString(p.Contexts[0].StatusCode) != tc.code || !strings.Contains(aws.ToString(p.Contexts[0].Message), tc.msg) {
			t.Errorf("%s: failed phase %s %+v, want %s %s %q", tc.key, p.PhaseType, p.Contexts, tc.phase, tc.code, tc.msg)
		}
		if tc.phases != "" && phaseTypes(b) != tc.phases {
			t.Errorf("%s: phases %s, want %s", tc.key, phaseTypes(b), tc.phases)
		}
		if aws.ToString(b.CurrentPhase) != "COMPLETED" || b.EndTime == nil {
			t.Errorf("%s: current phase %s, end %v", tc.key, aws.ToString(b.CurrentPhase), b.EndTime)
		}
		if !strings.Contains(strings.Join(env.CodeBuild.BuildLog(aws.ToString(b.Id)), "\n"), tc.msg) {
			t.Errorf("%s: the log does not say %q", tc.key, tc.msg)
		}
	}
	if env.ECR.ImageExists(repoURI + ":broken") {
		t.Errorf("a failed build recorded an image")
	}

	// A push to a repository that does not exist fails POST_BUILD.
	c.upload(t, "good.zip", zipOf(t, map[string]string{"agent.py": "", "Dockerfile": dockerfile}))
	b := c.build(t, &codebuild.StartBuildInput{ProjectName: aws.String(project), SourceLocationOverride: aws.String(bucket + "/good.zip"),
		EnvironmentVariablesOverride: []types.EnvironmentVariable{{Name: aws.String("REPOSITORY_URI"), Value: aws.String(repoURI + "-gone")}}})
	p := failedPhase(t, b)
	if p.PhaseType != types.BuildPhaseTypePostBuild || !strings.Contains(aws.ToString(p.Contexts[0].Message), "name unknown") {
		t.Errorf("push to a missing repository: %s %+v", p.PhaseType, p.Contexts)
	}
}

func TestProjects(t *testing.T) {
	dir := t.TempDir()
	env := launchtest.Start(t, dir, edge.Delays{})
	c := setup(t, env)
	out, err := c.cb.CreateProject(ctx, projectInput(project, imageEnv("t")...))
	if err != nil {
		t.Fatal(err)
	}
	p := out.Project
	if aws.ToString(p.Arn) != "arn:aws:codebuild:us-west-2:123456789012:project/"+project || p.Created == nil || aws.ToInt32(p.TimeoutInMinutes) != 60 ||
		!aws.ToBool(p.Environment.PrivilegedMode) || len(p.Environment.EnvironmentVariables) != 2 {
		t.Errorf("project = %+v", p)
	}
	_, err = c.cb.CreateProject(ctx, projectInput(project))
	var exists *types.ResourceAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("second CreateProject: err = %v, want ResourceAlreadyExistsException", err)
	}
	// The toolkit's answer to ResourceAlreadyExistsException: UpdateProject.
	upd, err := c.cb.UpdateProject(ctx, &codebuild.UpdateProjectInput{Name: aws.String(project), Description: aws.String("updated"),
		Environment: &types.ProjectEnvironment{Type: types.EnvironmentTypeArmContainer, Image: aws.String("aws/codebuild/amazonlinux2-aarch64-standard:3.0"), ComputeType: types.ComputeTypeBuildGeneral1Large}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(upd.Project.Description) != "updated" || upd.Project.Environment.ComputeType != types.ComputeTypeBuildGeneral1Large || aws.ToString(upd.Project.Source.Location) != bucket+"/my_agent/source.zip" {
		t.Errorf("UpdateProject = %+v", upd.Project)
	}
	_, err = c.cb.UpdateProject(ctx, &codebuild.UpdateProjectInput{Name: aws.String("ghost")})
	var missing *types.ResourceNotFoundException
	if !errors.As(err, &missing) {
		t.Errorf("UpdateProject ghost: err = %v", err)
	}
	_, err = c.cb.StartBuild(ctx, &codebuild.StartBuildInput{ProjectName: aws.String("ghost")})
	if !errors.As(err, &missing) {
		t.Errorf("StartBuild ghost: err = %v", err)
	}
	_, err = c.cb.CreateProject(ctx, projectInput("second"))
	if err != nil {
		t.Fatal(err)
	}

	// A restart keeps projects and builds; an interrupted build resumes.
	env.Close()
	env = launchtest.Start(t, dir, edge.Delays{})
	c.cb = codebuild.NewFromConfig(env.Config)

	list, err := c.cb.ListProjects(ctx, &codebuild.ListProjectsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(list.Projects, ",") != project+",second" {
		t.Errorf("ListProjects = %v", list.Projects)
	}
	desc, err := c.cb.ListProjects(ctx, &codebuild.ListProjectsInput{SortBy: types.ProjectSortByTypeName, SortOrder: types.SortOrderTypeDescending})
	if err != nil || strings.Join(desc.Projects, ",") != "second,"+project {
		t.Errorf("ListProjects descending = %v, %v", desc.Projects, err)
	}
	got, err := c.cb.BatchGetProjects(ctx, &codebuild.BatchGetProjectsInput{Names: []string{project, "ghost", "arn:aws:codebuild:us-west-2:123456789012:project/second"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Projects) != 2 || aws.ToString(got.Projects[0].Description) != "updated" || len(got.ProjectsNotFound) != 1 || got.ProjectsNotFound[0] != "ghost" {
		t.Errorf("BatchGetProjects = %+v", got)
	}
	if _, err := c.cb.DeleteProject(ctx, &codebuild.DeleteProjectInput{Name: aws.String("second")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.cb.DeleteProject(ctx, &codebuild.DeleteProjectInput{Name: aws.String("second")}); err != nil {
		t.Errorf("deleting a missing project should succeed: %v", err)
	}
	got, err = c.cb.BatchGetProjects(ctx, &codebuild.BatchGetProjectsInput{Names: []string{"second"}})
	if err != nil || len(got.Projects) != 0 || len(got.ProjectsNotFound) != 1 {
		t.Errorf("BatchGetProjects after delete = %+v, %v", got, err)
	}
	builds, err := c.cb.BatchGetBuilds(ctx, &codebuild.BatchGetBuildsInput{Ids: []string{project + ":00000000-0000-0000-0000-000000000000"}})
	if err != nil || len(builds.Builds) != 0 || len(builds.BuildsNotFound) != 1 {
		t.Errorf("BatchGetBuilds unknown = %+v, %v", builds, err)
	}
}

// TestBuildResumesAfterRestart stops the sandbox mid-build; the next start
// finishes the build from the phase it was in.
func TestBuildResumesAfterRestart(t *testing.T) {
	dir := t.TempDir()
	env := launchtest.Start(t, dir, edge.Delays{BuildPhase: 300})
	c := setup(t, env)
	c.upload(t, "my_agent/source.zip", zipOf(t, map[string]string{"agent.py": "", "Dockerfile": dockerfile}))
	if _, err := c.cb.CreateProject(ctx, projectInput(project, imageEnv("resumed")...)); err != nil {
		t.Fatal(err)
	}
	out, err := c.cb.StartBuild(ctx, &codebuild.StartBuildInput{ProjectName: aws.String(project)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.Build.Id)
	env.Close()
	if b, _, _ := env.CodeBuild.BatchGetBuilds([]string{id}); len(b) != 1 || b[0].Complete() {
		t.Fatalf("the build finished before the restart: %+v", b)
	}
	env = launchtest.Start(t, dir, edge.Delays{})
	c.cb = codebuild.NewFromConfig(env.Config)
	b := c.wait(t, id)
	if b.BuildStatus != types.StatusTypeSucceeded || phaseTypes(b) != allPhases || !env.ECR.ImageExists(repoURI+":resumed") {
		t.Errorf("resumed build: %s, phases %s", b.BuildStatus, phaseTypes(b))
	}
}

func TestMalformedRequests(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	valid := `"source":{"type":"S3","location":"b/k"},"artifacts":{"type":"NO_ARTIFACTS"},"serviceRole":"` + role + `"`
	envOK := `"environment":{"type":"ARM_CONTAINER","image":"i","computeType":"BUILD_GENERAL1_MEDIUM"}`
	for _, tc := range []struct {
		target, body, code string
	}{
		{"CodeBuild_20161006.CreateProject", `{"name":`, "SerializationException"},
		{"CodeBuild_20161006.CreateProject", `{"name":["p"]}`, "SerializationException"},
		{"CodeBuild_20161006.CreateProject", `{"name":"p",` + valid + `,"environment":{"type":"MAINFRAME","image":"i","computeType":"BUILD_GENERAL1_MEDIUM"}}`, "InvalidInputException"},
		{"CodeBuild_20161006.CreateProject", `{"name":"p","source":{"type":"S3","location":"no-key"},"artifacts":{"type":"NO_ARTIFACTS"},"serviceRole":"` + role + `",` + envOK + `}`, "InvalidInputException"},
		{"CodeBuild_20161006.CreateProject", `{"name":"p","source":{"type":"S3","location":"b/k"},"artifacts":{"type":"NO_ARTIFACTS"},"serviceRole":"admin",` + envOK + `}`, "InvalidInputException"},
		{"CodeBuild_20161006.CreateProject", `{"name":"-bad",` + valid + `,` + envOK + `}`, "InvalidInputException"},
		{"CodeBuild_20161006.CreateProject", `{"name":"p",` + valid + `,` + envOK + `,"timeoutInMinutes":1}`, "InvalidInputException"},
		{"CodeBuild_20161006.StartBuild", `{}`, "InvalidInputException"},
		{"CodeBuild_20161006.BatchGetBuilds", `{"ids":[]}`, "InvalidInputException"},
		{"CodeBuild_20161006.ListProjects", `{"sortBy":"SIZE"}`, "InvalidInputException"},
		{"CodeBuild_20161006.StopEverything", `{}`, "UnknownOperationException"},
	} {
		h := http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {tc.target}}
		r := env.Signed(t, http.MethodPost, "/", "codebuild", h, tc.body)
		if r.Status != 400 || r.Header.Get("X-Amzn-Errortype") != tc.code || !strings.Contains(r.Body, `"__type":"`+tc.code+`"`) {
			t.Errorf("%s %s: got %d %s, want 400 %s", tc.target, tc.body, r.Status, r.Body, tc.code)
		}
	}
	if names, _ := env.CodeBuild.ListProjects("", ""); len(names) != 0 {
		t.Errorf("rejected requests created projects %v", names)
	}
}
