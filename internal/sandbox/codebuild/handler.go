package codebuild

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
)

// TargetPrefix is CodeBuild's X-Amz-Target prefix.
const TargetPrefix = "CodeBuild_20161006"

// Register routes CodeBuild's awsJson1.1 calls to the service.
func (s *Service) Register(e *edge.Edge) {
	e.Register(edge.Route{Name: "codebuild", Protocol: awswire.JSON11, TargetPrefix: TargetPrefix, SigningName: "codebuild", Handler: http.HandlerFunc(s.serveHTTP)})
}

type projectJSON struct {
	Name                   string      `json:"name"`
	Arn                    string      `json:"arn"`
	Description            string      `json:"description,omitempty"`
	Source                 Source      `json:"source"`
	Artifacts              Artifacts   `json:"artifacts"`
	Environment            Environment `json:"environment"`
	ServiceRole            string      `json:"serviceRole"`
	TimeoutInMinutes       int         `json:"timeoutInMinutes"`
	QueuedTimeoutInMinutes int         `json:"queuedTimeoutInMinutes"`
	Tags                   []Tag       `json:"tags"`
	Created                float64     `json:"created"`
	LastModified           float64     `json:"lastModified"`
	ProjectVisibility      string      `json:"projectVisibility"`
}

func toProjectJSON(p Project) projectJSON {
	tags := p.Tags
	if tags == nil {
		tags = []Tag{}
	}
	return projectJSON{p.Name, p.Arn, p.Description, p.Source, p.Artifacts, p.Environment, p.ServiceRole,
		p.TimeoutInMinutes, p.QueuedTimeoutInMinutes, tags, awswire.Epoch(p.Created), awswire.Epoch(p.LastModified), "PRIVATE"}
}

type phaseJSON struct {
	PhaseType         string         `json:"phaseType"`
	PhaseStatus       string         `json:"phaseStatus,omitempty"`
	StartTime         float64        `json:"startTime"`
	EndTime           *float64       `json:"endTime,omitempty"`
	DurationInSeconds *int64         `json:"durationInSeconds,omitempty"`
	Contexts          []PhaseContext `json:"contexts,omitempty"`
}

type logsJSON struct {
	GroupName         string `json:"groupName"`
	StreamName        string `json:"streamName"`
	DeepLink          string `json:"deepLink"`
	CloudWatchLogsArn string `json:"cloudWatchLogsArn"`
	CloudWatchLogs    struct {
		Status string `json:"status"`
	} `json:"cloudWatchLogs"`
}

type buildJSON struct {
	ID                     string      `json:"id"`
	Arn                    string      `json:"arn"`
	BuildNumber            int64       `json:"buildNumber"`
	StartTime              float64     `json:"startTime"`
	EndTime                *float64    `json:"endTime,omitempty"`
	CurrentPhase           string      `json:"currentPhase"`
	BuildStatus            string      `json:"buildStatus"`
	ProjectName            string      `json:"projectName"`
	Phases                 []phaseJSON `json:"phases"`
	Source                 Source      `json:"source"`
	Artifacts              struct{}    `json:"artifacts"`
	Environment            Environment `json:"environment"`
	ServiceRole            string      `json:"serviceRole"`
	Logs                   logsJSON    `json:"logs"`
	TimeoutInMinutes       int         `json:"timeoutInMinutes"`
	QueuedTimeoutInMinutes int         `json:"queuedTimeoutInMinutes"`
	BuildComplete          bool        `json:"buildComplete"`
	Initiator              string      `json:"initiator"`
}

func (s *Service) toBuildJSON(b Build) buildJSON {
	_, stream, _ := strings.Cut(b.ID, ":")
	group := "/aws/codebuild/" + b.ProjectName
	j := buildJSON{
		ID: b.ID, Arn: b.Arn, BuildNumber: b.Number, StartTime: awswire.Epoch(b.Start), CurrentPhase: b.CurrentPhase(),
		BuildStatus: b.Status, ProjectName: b.ProjectName, Source: b.Source, Environment: b.Environment,
		ServiceRole: b.ServiceRole, TimeoutInMinutes: b.Timeout, QueuedTimeoutInMinutes: 480,
		BuildComplete: b.Complete(), Initiator: "workshop-sandbox",
	}
	if !b.End.IsZero() {
		e := awswire.Epoch(b.End)
		j.EndTime = &e
	}
	j.Logs = logsJSON{
		GroupName: group, StreamName: stream,
		DeepLink:          "https://console.aws.amazon.com/cloudwatch/home?region=" + s.d.Region + "#logEvent:group=" + url.QueryEscape(group) + ";stream=" + stream,
		CloudWatchLogsArn: "arn:aws:logs:" + s.d.Region + ":" + s.d.AccountID + ":log-group:" + group + ":log-stream:" + stream,
	}
	j.Logs.CloudWatchLogs.Status = "ENABLED"
	for _, p := range b.Phases {
		pj := phaseJSON{PhaseType: p.Type, PhaseStatus: p.Status, StartTime: awswire.Epoch(p.Start), Contexts: p.Contexts}
		if !p.End.IsZero() {
			e := awswire.Epoch(p.End)
			d := int64(p.End.Sub(p.Start) / time.Second)
			pj.EndTime, pj.DurationInSeconds = &e, &d
		}
		j.Phases = append(j.Phases, pj)
	}
	return j
}

// projectInput is CreateProject's and UpdateProject's input shape; the
// pointers tell UpdateProject which members were sent.
type projectInput struct {
	Name                   string       `json:"name"`
	Description            *string      `json:"description"`
	Source                 *Source      `json:"source"`
	Artifacts              *Artifacts   `json:"artifacts"`
	Environment            *Environment `json:"environment"`
	ServiceRole            *string      `json:"serviceRole"`
	TimeoutInMinutes       *int         `json:"timeoutInMinutes"`
	QueuedTimeoutInMinutes *int         `json:"queuedTimeoutInMinutes"`
	Tags                   []Tag        `json:"tags"`
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// api is CodeBuild's awsJson1.1 wire. CodeBuild answers input its model
// refuses with InvalidInputException (it models no ValidationException).
var api = &awswire.JSONAPI[*Service]{
	Prefix: TargetPrefix, Service: "CodeBuild", Internal: "InternalFailure",
	Model: model.CodeBuild, Invalid: "InvalidInputException",
	// A missing project name has CodeBuild's own words.
	Own: map[string][]string{"UpdateProject": {"name"}, "StartBuild": {"projectName"}},
	Ops: awswire.JSONOps[*Service]{
		"CreateProject": func(s *Service, body []byte) (any, error) {
			var in projectInput
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			p, err := s.CreateProject(Project{
				Name: in.Name, Description: deref(in.Description), Source: deref(in.Source), Artifacts: deref(in.Artifacts),
				Environment: deref(in.Environment), ServiceRole: deref(in.ServiceRole), TimeoutInMinutes: deref(in.TimeoutInMinutes),
				QueuedTimeoutInMinutes: deref(in.QueuedTimeoutInMinutes), Tags: in.Tags,
			})
			if err != nil {
				return nil, err
			}
			return projectResponse{toProjectJSON(p)}, nil
		},
		"UpdateProject": func(s *Service, body []byte) (any, error) {
			var in projectInput
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			if in.Name == "" {
				return nil, invalidInput("Invalid name: project name must be specified")
			}
			p, err := s.UpdateProject(in.Name, ProjectUpdate{in.Description, in.Source, in.Artifacts, in.Environment, in.ServiceRole, in.TimeoutInMinutes, in.QueuedTimeoutInMinutes, in.Tags})
			if err != nil {
				return nil, err
			}
			return projectResponse{toProjectJSON(p)}, nil
		},
		"BatchGetProjects": func(s *Service, body []byte) (any, error) {
			var in struct {
				Names []string `json:"names"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			found, missing, err := s.BatchGetProjects(in.Names)
			if err != nil {
				return nil, err
			}
			out := []projectJSON{}
			for _, p := range found {
				out = append(out, toProjectJSON(p))
			}
			// The model's not-found lists hold at least one name: CodeBuild
			// leaves the member out when every name was found.
			return struct {
				Projects         []projectJSON `json:"projects"`
				ProjectsNotFound []string      `json:"projectsNotFound,omitempty"`
			}{out, missing}, nil
		},
		"DeleteProject": func(s *Service, body []byte) (any, error) {
			var in struct {
				Name string `json:"name"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			return struct{}{}, s.DeleteProject(in.Name)
		},
		"ListProjects": func(s *Service, body []byte) (any, error) {
			var in struct {
				SortBy    string `json:"sortBy"`
				SortOrder string `json:"sortOrder"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			names, err := s.ListProjects(in.SortBy, in.SortOrder)
			if err != nil {
				return nil, err
			}
			return struct {
				Projects []string `json:"projects"`
			}{names}, nil
		},
		"StartBuild": func(s *Service, body []byte) (any, error) {
			var in struct {
				ProjectName                  string   `json:"projectName"`
				SourceTypeOverride           string   `json:"sourceTypeOverride"`
				SourceLocationOverride       string   `json:"sourceLocationOverride"`
				BuildspecOverride            string   `json:"buildspecOverride"`
				EnvironmentVariablesOverride []EnvVar `json:"environmentVariablesOverride"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			b, err := s.StartBuild(StartInput{in.ProjectName, in.SourceTypeOverride, in.SourceLocationOverride, in.BuildspecOverride, in.EnvironmentVariablesOverride})
			if err != nil {
				return nil, err
			}
			return struct {
				Build buildJSON `json:"build"`
			}{s.toBuildJSON(b)}, nil
		},
		"BatchGetBuilds": func(s *Service, body []byte) (any, error) {
			var in struct {
				IDs []string `json:"ids"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			found, missing, err := s.BatchGetBuilds(in.IDs)
			if err != nil {
				return nil, err
			}
			out := []buildJSON{}
			for _, b := range found {
				out = append(out, s.toBuildJSON(b))
			}
			return struct {
				Builds         []buildJSON `json:"builds"`
				BuildsNotFound []string    `json:"buildsNotFound,omitempty"`
			}{out, missing}, nil
		},
	}}

func (s *Service) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if _, ok := edge.RequireSigned(w, r, awswire.JSON11); !ok {
		return
	}
	api.Serve(w, r, s)
}

// projectResponse is CreateProject's and UpdateProject's output.
type projectResponse struct {
	Project projectJSON `json:"project"`
}
