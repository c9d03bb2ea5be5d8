// Package logs emulates the CloudWatch Logs log groups the tutorial causes:
// CodeBuild makes /aws/codebuild/<project> for a project's builds, a
// runtime makes /aws/bedrock-agentcore/runtimes/<id>-<endpoint> when it
// starts and Lambda makes /aws/lambda/<function> when it first runs, as on
// AWS, and cleanup finds and deletes them with the real
// calls. Log events are not kept: the workshop shows builds through
// CodeBuild and the agent through its answers.
package logs

import (
	"encoding/base64"
	"slices"
	"strings"
	"sync"
	"time"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/store"
)

const storeDoc = "logs"

// Group is a log group.
type Group struct {
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	Class   string    `json:"class"` // STANDARD unless asked otherwise
}

type state struct {
	Groups map[string]*Group `json:"groups"`
}

// init fills in what an empty state lacks.
func (st *state) init() {
	if st.Groups == nil {
		st.Groups = map[string]*Group{}
	}
}

// Service holds the account's log groups. It is safe for concurrent use.
type Service struct {
	d   edge.Deps
	mu  sync.Mutex
	st  state
	doc *store.Doc[state] // st as last written; a failed write goes back to it
}

// New loads the log groups from the store.
func New(d edge.Deps) (*Service, error) {
	s := &Service{d: d}
	var err error
	if s.doc, err = store.LoadDoc(d.Store, storeDoc, &s.st, (*state).init); err != nil {
		return nil, err
	}
	return s, nil
}

// Arn is a group's ARN as DescribeLogGroups' logGroupArn gives it; the
// older arn member adds ":*".
func (s *Service) Arn(name string) string {
	return "arn:aws:logs:" + s.d.Region + ":" + s.d.AccountID + ":log-group:" + name
}

func (s *Service) save() *awswire.Error {
	if err := s.doc.Save(&s.st); err != nil {
		return serviceUnavailable(err)
	}
	return nil
}

// CreateLogGroup makes a group; one of that name must not exist.
func (s *Service) CreateLogGroup(name, class string) (Group, error) {
	if class == "" {
		class = "STANDARD"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.Groups[name]; ok {
		return Group{}, groupExists()
	}
	g := &Group{Name: name, Created: s.d.Clock.Now().UTC(), Class: class}
	s.st.Groups[name] = g
	if err := s.save(); err != nil {
		return Group{}, err
	}
	return *g, nil
}

// EnsureLogGroup makes the group unless it exists: what a service that
// writes logs (CodeBuild, a runtime) does before its first line.
func (s *Service) EnsureLogGroup(name string) error {
	_, err := s.CreateLogGroup(name, "")
	if err != nil && err.(*awswire.Error).Code == "ResourceAlreadyExistsException" {
		return nil
	}
	return err
}

// DeleteLogGroup deletes a group and its streams.
func (s *Service) DeleteLogGroup(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.Groups[name]; !ok {
		return groupNotFound()
	}
	delete(s.st.Groups, name)
	if err := s.save(); err != nil {
		return err
	}
	return nil
}

// Query is what DescribeLogGroups filters and pages by.
type Query struct {
	Prefix, Pattern, Class, NextToken string
	Limit                             int
}

// DescribeLogGroups lists groups in name order, Limit (at most 50) a page.
func (s *Service) DescribeLogGroups(q Query) (groups []Group, next string, err error) {
	if q.Prefix != "" && q.Pattern != "" {
		return nil, "", invalidParameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	after := ""
	if q.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(q.NextToken)
		if err != nil || len(b) == 0 {
			return nil, "", invalidParameter("The specified nextToken is invalid.")
		}
		after = string(b)
	}
	limit := q.Limit
	if limit == 0 {
		limit = 50
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.st.Groups))
	for n, g := range s.st.Groups {
		if strings.HasPrefix(n, q.Prefix) && strings.Contains(n, q.Pattern) && (q.Class == "" || g.Class == q.Class) && n > after {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	if len(names) > limit {
		next = base64.RawURLEncoding.EncodeToString([]byte(names[limit-1]))
		names = names[:limit]
	}
	for _, n := range names {
		groups = append(groups, *s.st.Groups[n])
	}
	return groups, next, nil
}
