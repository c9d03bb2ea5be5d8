// Package codebuild emulates the CodeBuild project and build operations of
// the launch stage. A build walks CodeBuild's phases in the background: it
// downloads the source zip from the sandbox's S3, checks that it holds an
// agent and a Dockerfile, and "pushes" the image by recording it in ECR.
package codebuild

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
)

const storeDoc = "codebuild"

// ObjectReader reads a build's source (the S3 service implements it).
type ObjectReader interface {
	GetObject(bucket, key string) ([]byte, error)
}

// LogGroups makes the log group a project's builds write to (the
// CloudWatch Logs service implements it).
type LogGroups interface {
	EnsureLogGroup(name string) error
}

// LogGroup is the CloudWatch log group CodeBuild writes a project's
// builds to by default.
func LogGroup(project string) string { return "/aws/codebuild/" + project }

// ImagePusher records a pushed image (the ECR service implements it).
type ImagePusher interface {
	// PutImageWithConfig records the image with its config: what the
	// build read from the agent's source (agentpy.Spec as JSON).
	PutImageWithConfig(repoName, tag string, config json.RawMessage) (digest string, err error)
}

// Build status and phase names, as CodeBuild spells them.
const (
	StatusInProgress = "IN_PROGRESS"
	StatusSucceeded  = "SUCCEEDED"
	StatusFailed     = "FAILED"
)

// Phases is the order a build walks.
var Phases = []string{"SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED"}

// Environment variables the build reads from the project (or the
// StartBuild override). REPOSITORY_URI and IMAGE_TAG name the pushed image;
// AGENT_ENTRYPOINT names the agent file the zip must hold.
const (
	EnvRepositoryURI   = "REPOSITORY_URI"
	EnvImageTag        = "IMAGE_TAG"
	EnvAgentEntrypoint = "AGENT_ENTRYPOINT"
)

// EnvVar is a build environment variable.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Type  string `json:"type,omitempty"`
}

// Source is a project's (or build's) source.
type Source struct {
	Type      string `json:"type"`
	Location  string `json:"location,omitempty"`
	Buildspec string `json:"buildspec,omitempty"`
}

// Artifacts is a project's artifacts setting.
type Artifacts struct {
	Type     string `json:"type"`
	Location string `json:"location,omitempty"`
}

// Environment is a project's build environment.
type Environment struct {
	Type                 string   `json:"type"`
	Image                string   `json:"image"`
	ComputeType          string   `json:"computeType"`
	PrivilegedMode       bool     `json:"privilegedMode"`
	EnvironmentVariables []EnvVar `json:"environmentVariables,omitempty"`
	ImagePullCredentials string   `json:"imagePullCredentialsType,omitempty"`
}

// Tag is a project tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Project is a CodeBuild project.
type Project struct {
	Name                   string      `json:"name"`
	Arn                    string      `json:"arn"`
	Description            string      `json:"description,omitempty"`
	Source                 Source      `json:"source"`
	Artifacts              Artifacts   `json:"artifacts"`
	Environment            Environment `json:"environment"`
	ServiceRole            string      `json:"serviceRole"`
	TimeoutInMinutes       int         `json:"timeoutInMinutes"`
	QueuedTimeoutInMinutes int         `json:"queuedTimeoutInMinutes"`
	Tags                   []Tag       `json:"tags,omitempty"`
	Created                time.Time   `json:"created"`
	LastModified           time.Time   `json:"lastModified"`
	BuildCount             int64       `json:"buildCount"`
}

// PhaseContext explains a phase's outcome.
type PhaseContext struct {
	StatusCode string `json:"statusCode"`
	Message    string `json:"message"`
}

// Phase is one phase of a build; End is zero while it runs.
type Phase struct {
	Type     string         `json:"phaseType"`
	Status   string         `json:"phaseStatus,omitempty"`
	Start    time.Time      `json:"startTime"`
	End      time.Time      `json:"endTime,omitzero"`
	Contexts []PhaseContext `json:"contexts,omitempty"`
}

// Build is one run of a project.
type Build struct {
	ID          string      `json:"id"`
	Arn         string      `json:"arn"`
	Number      int64       `json:"buildNumber"`
	ProjectName string      `json:"projectName"`
	Status      string      `json:"buildStatus"`
	Start       time.Time   `json:"startTime"`
	End         time.Time   `json:"endTime,omitzero"`
	Phases      []Phase     `json:"phases"`
	Source      Source      `json:"source"`
	Environment Environment `json:"environment"`
	ServiceRole string      `json:"serviceRole"`
	Timeout     int         `json:"timeoutInMinutes"`
	Log         []string    `json:"log"`
	Image       string      `json:"image,omitempty"` // uri:tag recorded in ECR
	Digest      string      `json:"digest,omitempty"`
}

// Complete reports whether the build has finished.
func (b *Build) Complete() bool { return b.Status != StatusInProgress }

// CurrentPhase is the phase the build is in (COMPLETED when done).
func (b *Build) CurrentPhase() string {
	if len(b.Phases) == 0 {
		return ""
	}
	return b.Phases[len(b.Phases)-1].Type
}

type state struct {
	Projects map[string]*Project `json:"projects"`
	Builds   map[string]*Build   `json:"builds"`
}

// Service holds CodeBuild state and runs builds. It is safe for concurrent use.
type Service struct {
	d       edge.Deps
	objects ObjectReader
	images  ImagePusher
	logs    LogGroups // nil: builds log nowhere

	mu      sync.Mutex
	st      state
	sources map[string]map[string][]byte // build id → downloaded zip's files

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New loads CodeBuild state and resumes builds a restart interrupted.
// Builds make their project's log group in logs, when it is not nil.
func New(d edge.Deps, objects ObjectReader, images ImagePusher, logs LogGroups) (*Service, error) {
	if objects == nil || images == nil {
		return nil, fmt.Errorf("codebuild: needs an object reader and an image pusher")
	}
	s := &Service{d: d, objects: objects, images: images, logs: logs, st: state{Projects: map[string]*Project{}, Builds: map[string]*Build{}}, sources: map[string]map[string][]byte{}}
	if _, err := d.Store.Load(storeDoc, &s.st); err != nil {
		return nil, fmt.Errorf("load codebuild state: %w", err)
	}
	if s.st.Projects == nil {
		s.st.Projects = map[string]*Project{}
	}
	if s.st.Builds == nil {
		s.st.Builds = map[string]*Build{}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	for id, b := range s.st.Builds {
		if !b.Complete() {
			s.start(id)
		}
	}
	return s, nil
}

// Close stops running builds (they resume on the next start) and waits.
func (s *Service) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}

func (s *Service) save() *awswire.Error {
	if err := s.d.Store.Save(storeDoc, s.st); err != nil {
		return saveFailed(err)
	}
	return nil
}

func (s *Service) projectArn(name string) string {
	return "arn:aws:codebuild:" + s.d.Region + ":" + s.d.AccountID + ":project/" + name
}

var (
	envVarTypes    = []string{"", "PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER"}
	serviceRoleArn = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/\S+$`)
)

// checkProject holds a project, as created or as an update leaves it, to
// the rules the model cannot state; the model has already held each input
// member to its own constraints (name pattern, enums, timeout ranges).
func checkProject(p *Project) *awswire.Error {
	if p.Source.Type == "S3" {
		if _, _, err := splitS3(p.Source.Location); err != nil {
			return err
		}
	}
	e := p.Environment
	if err := checkEnvVars(e.EnvironmentVariables); err != nil {
		return err
	}
	if !serviceRoleArn.MatchString(p.ServiceRole) {
		return invalidInput("Invalid service role: %q is not a role ARN", p.ServiceRole)
	}
	if p.TimeoutInMinutes < 5 || p.TimeoutInMinutes > 2160 {
		return invalidInput("Invalid timeoutInMinutes: %d is not between 5 and 2160", p.TimeoutInMinutes)
	}
	if p.QueuedTimeoutInMinutes < 5 || p.QueuedTimeoutInMinutes > 480 {
		return invalidInput("Invalid queuedTimeoutInMinutes: %d is not between 5 and 480", p.QueuedTimeoutInMinutes)
	}
	return nil
}

func checkEnvVars(vars []EnvVar) *awswire.Error {
	for _, v := range vars {
		if v.Name == "" {
			return invalidInput("Invalid environment variable: name must not be empty")
		}
		if !slices.Contains(envVarTypes, v.Type) {
			return invalidInput("Invalid environment variable type %q for %s", v.Type, v.Name)
		}
	}
	return nil
}

// splitS3 splits an S3 source location, "bucket/key" or
// "arn:aws:s3:::bucket/key".
func splitS3(loc string) (bucket, key string, err *awswire.Error) {
	loc = strings.TrimPrefix(loc, "arn:aws:s3:::")
	bucket, key, ok := strings.Cut(loc, "/")
	if !ok || bucket == "" || key == "" {
		return "", "", invalidInput("Invalid source location: %q must be bucket/key of the source zip", loc)
	}
	return bucket, key, nil
}

func cloneProject(p *Project) Project {
	c := *p
	c.Environment.EnvironmentVariables = slices.Clone(p.Environment.EnvironmentVariables)
	c.Tags = slices.Clone(p.Tags)
	return c
}

// CreateProject creates a project; zero timeouts take CodeBuild's defaults.
func (s *Service) CreateProject(p Project) (Project, error) {
	if p.TimeoutInMinutes == 0 {
		p.TimeoutInMinutes = 60
	}
	if p.QueuedTimeoutInMinutes == 0 {
		p.QueuedTimeoutInMinutes = 480
	}
	if err := checkProject(&p); err != nil {
		return Project{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	arn := s.projectArn(p.Name)
	if _, ok := s.st.Projects[p.Name]; ok {
		return Project{}, projectExists(arn)
	}
	now := s.d.Clock.Now().UTC()
	p.Arn, p.Created, p.LastModified, p.BuildCount = arn, now, now, 0
	stored := cloneProject(&p)
	s.st.Projects[p.Name] = &stored
	if err := s.save(); err != nil {
		delete(s.st.Projects, p.Name)
		return Project{}, err
	}
	return p, nil
}

// ProjectUpdate holds UpdateProject's optional members; nil leaves a
// member as it is.
type ProjectUpdate struct {
	Description            *string
	Source                 *Source
	Artifacts              *Artifacts
	Environment            *Environment
	ServiceRole            *string
	TimeoutInMinutes       *int
	QueuedTimeoutInMinutes *int
	Tags                   []Tag
}

// UpdateProject changes the members u sets.
func (s *Service) UpdateProject(name string, u ProjectUpdate) (Project, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.st.Projects[projectName(name)]
	if !ok {
		return Project{}, projectNotFound(s.projectArn(projectName(name)))
	}
	p := cloneProject(cur)
	if u.Description != nil {
		p.Description = *u.Description
	}
	if u.Source != nil {
		p.Source = *u.Source
	}
	if u.Artifacts != nil {
		p.Artifacts = *u.Artifacts
	}
	if u.Environment != nil {
		p.Environment = *u.Environment
	}
	if u.ServiceRole != nil {
		p.ServiceRole = *u.ServiceRole
	}
	if u.TimeoutInMinutes != nil {
		p.TimeoutInMinutes = *u.TimeoutInMinutes
	}
	if u.QueuedTimeoutInMinutes != nil {
		p.QueuedTimeoutInMinutes = *u.QueuedTimeoutInMinutes
	}
	if u.Tags != nil {
		p.Tags = u.Tags
	}
	if err := checkProject(&p); err != nil {
		return Project{}, err
	}
	p.LastModified = s.d.Clock.Now().UTC()
	s.st.Projects[p.Name] = &p
	if err := s.save(); err != nil {
		s.st.Projects[p.Name] = cur
		return Project{}, err
	}
	return cloneProject(&p), nil
}

// projectName accepts a project name or ARN.
func projectName(nameOrArn string) string {
	if i := strings.Index(nameOrArn, ":project/"); i >= 0 && strings.HasPrefix(nameOrArn, "arn:") {
		return nameOrArn[i+len(":project/"):]
	}
	return nameOrArn
}

// BatchGetProjects returns the named projects and the names not found.
func (s *Service) BatchGetProjects(names []string) ([]Project, []string, error) {
	if len(names) == 0 || len(names) > 100 {
		return nil, nil, invalidInput("Invalid names: between 1 and 100 project names are required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var found []Project
	notFound := []string{}
	for _, n := range names {
		if p, ok := s.st.Projects[projectName(n)]; ok {
			found = append(found, cloneProject(p))
		} else {
			notFound = append(notFound, n)
		}
	}
	return found, notFound, nil
}

// DeleteProject deletes a project; deleting a missing one succeeds, as in
// CodeBuild. Its builds stay readable.
func (s *Service) DeleteProject(name string) error {
	if name == "" {
		return invalidInput("Invalid name: project name must be specified")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := projectName(name)
	p, ok := s.st.Projects[n]
	if !ok {
		return nil
	}
	delete(s.st.Projects, n)
	if err := s.save(); err != nil {
		s.st.Projects[n] = p
		return err
	}
	return nil
}

// ListProjects lists project names, sorted by sortBy (NAME, CREATED_TIME,
// LAST_MODIFIED_TIME) in sortOrder (ASCENDING, DESCENDING).
func (s *Service) ListProjects(sortBy, sortOrder string) ([]string, error) {
	if sortBy == "" {
		sortBy = "NAME"
	}
	if sortOrder == "" {
		sortOrder = "ASCENDING"
	}
	if !slices.Contains([]string{"NAME", "CREATED_TIME", "LAST_MODIFIED_TIME"}, sortBy) {
		return nil, invalidInput("Invalid sortBy: %q", sortBy)
	}
	if sortOrder != "ASCENDING" && sortOrder != "DESCENDING" {
		return nil, invalidInput("Invalid sortOrder: %q", sortOrder)
	}
	s.mu.Lock()
	ps := make([]*Project, 0, len(s.st.Projects))
	for _, p := range s.st.Projects {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *Project) int {
		var c int
		switch sortBy {
		case "CREATED_TIME":
			c = a.Created.Compare(b.Created)
		case "LAST_MODIFIED_TIME":
			c = a.LastModified.Compare(b.LastModified)
		}
		if c == 0 {
			c = strings.Compare(a.Name, b.Name)
		}
		if sortOrder == "DESCENDING" {
			c = -c
		}
		return c
	})
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	s.mu.Unlock()
	return names, nil
}

// StartInput are StartBuild's parameters.
type StartInput struct {
	ProjectName            string
	SourceTypeOverride     string
	SourceLocationOverride string
	BuildspecOverride      string
	EnvironmentOverride    []EnvVar
}

func cloneBuild(b *Build) Build {
	c := *b
	c.Phases = slices.Clone(b.Phases)
	for i := range c.Phases {
		c.Phases[i].Contexts = slices.Clone(c.Phases[i].Contexts)
	}
	c.Environment.EnvironmentVariables = slices.Clone(b.Environment.EnvironmentVariables)
	c.Log = slices.Clone(b.Log)
	return c
}

// StartBuild queues a build of a project and runs it in the background.
func (s *Service) StartBuild(in StartInput) (Build, error) {
	if in.ProjectName == "" {
		return Build{}, invalidInput("Invalid projectName: project name must be specified")
	}
	if err := checkEnvVars(in.EnvironmentOverride); err != nil {
		return Build{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := projectName(in.ProjectName)
	p, ok := s.st.Projects[name]
	if !ok {
		return Build{}, projectNotFound(s.projectArn(name))
	}
	src := p.Source
	if in.SourceTypeOverride != "" {
		src.Type = in.SourceTypeOverride
	}
	if in.SourceLocationOverride != "" {
		src.Location = in.SourceLocationOverride
	}
	if in.BuildspecOverride != "" {
		src.Buildspec = in.BuildspecOverride
	}
	if src.Type == "S3" {
		if _, _, err := splitS3(src.Location); err != nil {
			return Build{}, err
		}
	}
	env := p.Environment
	env.EnvironmentVariables = slices.Clone(env.EnvironmentVariables)
	for _, o := range in.EnvironmentOverride {
		i := slices.IndexFunc(env.EnvironmentVariables, func(v EnvVar) bool { return v.Name == o.Name })
		if i >= 0 {
			env.EnvironmentVariables[i] = o
		} else {
			env.EnvironmentVariables = append(env.EnvironmentVariables, o)
		}
	}
	id := name + ":" + uuid.NewString()
	now := s.d.Clock.Now().UTC()
	p.BuildCount++
	b := &Build{
		ID: id, Arn: "arn:aws:codebuild:" + s.d.Region + ":" + s.d.AccountID + ":build/" + id,
		Number: p.BuildCount, ProjectName: name, Status: StatusInProgress, Start: now,
		Phases: []Phase{{Type: "SUBMITTED", Start: now}}, Source: src, Environment: env,
		ServiceRole: p.ServiceRole, Timeout: p.TimeoutInMinutes,
	}
	s.st.Builds[id] = b
	if err := s.save(); err != nil {
		delete(s.st.Builds, id)
		p.BuildCount--
		return Build{}, err
	}
	s.start(id)
	return cloneBuild(b), nil
}

// BatchGetBuilds returns the builds ids name and the ids not found.
func (s *Service) BatchGetBuilds(ids []string) ([]Build, []string, error) {
	if len(ids) == 0 || len(ids) > 100 {
		return nil, nil, invalidInput("Invalid ids: between 1 and 100 build ids are required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var found []Build
	notFound := []string{}
	for _, id := range ids {
		key := id
		if i := strings.Index(id, ":build/"); i >= 0 && strings.HasPrefix(id, "arn:") {
			key = id[i+len(":build/"):]
		}
		if b, ok := s.st.Builds[key]; ok {
			found = append(found, cloneBuild(b))
		} else {
			notFound = append(notFound, id)
		}
	}
	return found, notFound, nil
}
