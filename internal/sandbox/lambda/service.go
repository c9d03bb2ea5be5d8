// Package lambda emulates just enough of AWS Lambda for the gateway stage
// (the starter toolkit's gateway quickstart makes a function, lets the
// gateway's role invoke it, and points a gateway target at it):
// CreateFunction, GetFunction, ListFunctions, DeleteFunction and
// AddPermission, validated by the botocore model. An invocation through a
// gateway target checks the function and its handler module exist, then
// runs the sandbox's stand-in of the toolkit's test function: no Python
// runs in the sandbox.
package lambda

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/gateway"
	"agentcore-workshop/internal/sandbox/iam"
	"agentcore-workshop/internal/sandbox/store"
)

// SigningName is Lambda's SigV4 service name.
const SigningName = "lambda"

const storeDoc = "lambda"

// MaxZipBytes bounds a function's zip: AWS takes 50 MB uploaded directly;
// the sandbox's functions are a few kilobytes, and a room shares it.
const MaxZipBytes = 4 << 20

// Options are the service's collaborators.
type Options struct {
	// AssumableRole says why Lambda could not assume a role ("" when it
	// can): the sandbox's IAM, which knows the role and its trust policy.
	// Nil accepts every role.
	AssumableRole func(roleARN string) string
	// LogGroups makes a function's log group when it first runs, as
	// Lambda does for a role allowed logs:CreateLogGroup (the CloudWatch
	// Logs service implements it). Nil: functions log nowhere.
	LogGroups interface{ EnsureLogGroup(name string) error }
}

// LogGroup is the CloudWatch log group Lambda writes a function's logs to
// by default.
func LogGroup(function string) string { return "/aws/lambda/" + function }

// AssumableIn is Options.AssumableRole over the sandbox's IAM: the role
// must exist and its trust policy must name lambda.amazonaws.com.
func AssumableIn(getRole func(name string) (iam.Role, error)) func(roleARN string) string {
	return func(roleARN string) string {
		_, name, ok := strings.Cut(roleARN, ":role/")
		if !ok {
			return "not a role ARN"
		}
		if i := strings.LastIndex(name, "/"); i >= 0 {
			name = name[i+1:] // the path is not part of the name
		}
		r, err := getRole(name)
		if err != nil {
			return "no role " + name
		}
		if !strings.Contains(r.AssumeRolePolicyDocument, "lambda.amazonaws.com") {
			return "the trust policy of " + name + " does not name lambda.amazonaws.com"
		}
		return ""
	}
}

// Service is the Lambda emulation.
type Service struct {
	d   edge.Deps
	opt Options
	log *slog.Logger

	mu  sync.Mutex
	st  state
	doc *store.Doc[state]
}

type state struct {
	Functions map[string]*function `json:"functions"`
}

// function is one function and its resource policy.
type function struct {
	Name         string      `json:"name"`
	ARN          string      `json:"arn"`
	Role         string      `json:"role"`
	Runtime      string      `json:"runtime"`
	Handler      string      `json:"handler"`
	Description  string      `json:"description,omitempty"`
	Timeout      int         `json:"timeout"`
	MemorySize   int         `json:"memorySize"`
	CodeSha256   string      `json:"codeSha256"`
	CodeSize     int64       `json:"codeSize"`
	Files        []string    `json:"files"` // the zip's file names
	LastModified time.Time   `json:"lastModified"`
	RevisionID   string      `json:"revisionId"`
	Statements   []statement `json:"statements,omitempty"`
}

type statement struct {
	Sid       string `json:"Sid"`
	Effect    string `json:"Effect"`
	Principal any    `json:"Principal"`
	Action    string `json:"Action"`
	Resource  string `json:"Resource"`
}

// New loads persisted state and returns the service.
func New(d edge.Deps, opt Options) (*Service, error) {
	s := &Service{d: d, opt: opt, log: d.Log}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if s.doc, err = store.LoadDoc(d.Store, storeDoc, &s.st, (*state).init); err != nil {
		return nil, err
	}
	return s, nil
}

// save persists st; s.mu is held. A failed write puts st back to what
// was last persisted.
func (s *Service) save() error { return s.doc.Save(&s.st) }

// init fills in what an empty state lacks.
func (st *state) init() {
	if st.Functions == nil {
		st.Functions = map[string]*function{}
	}
}

func (s *Service) arn(name string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", s.d.Region, s.d.AccountID, name)
}

// createSpec is a validated CreateFunction.
type createSpec struct {
	Name, Role, Runtime, Handler, Description string
	Timeout, MemorySize                       int
	Zip                                       []byte
}

// CreateFunction stores a zip-packaged function.
func (s *Service) CreateFunction(spec createSpec) (function, error) {
	if s.opt.AssumableRole != nil {
		if why := s.opt.AssumableRole(spec.Role); why != "" {
			return function{}, invalidParam("The role defined for the function cannot be assumed by Lambda. (%s)", why)
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(spec.Zip), int64(len(spec.Zip)))
	if err != nil {
		return function{}, invalidParam("Could not unzip uploaded file. Please check your file, then try to upload again.")
	}
	var files []string
	for _, f := range zr.File {
		files = append(files, f.Name)
	}
	sum := sha256.Sum256(spec.Zip)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.st.Functions[spec.Name]; dup {
		return function{}, conflict("Function already exist: %s", spec.Name)
	}
	fn := &function{Name: spec.Name, ARN: s.arn(spec.Name), Role: spec.Role, Runtime: spec.Runtime, Handler: spec.Handler,
		Description: spec.Description, Timeout: spec.Timeout, MemorySize: spec.MemorySize,
		CodeSha256: base64.StdEncoding.EncodeToString(sum[:]), CodeSize: int64(len(spec.Zip)), Files: files,
		LastModified: s.d.Clock.Now().UTC(), RevisionID: uuid.NewString()}
	s.st.Functions[spec.Name] = fn
	if err := s.save(); err != nil {
		return function{}, err
	}
	return *fn, nil
}

// GetFunction returns a function by name or ARN.
func (s *Service) GetFunction(ref string) (function, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn := s.st.Functions[nameOf(ref)]
	if fn == nil {
		return function{}, notFound(s.arn(nameOf(ref)))
	}
	return *fn, nil
}

// DeleteFunction removes a function and its policy.
func (s *Service) DeleteFunction(ref string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := nameOf(ref)
	if s.st.Functions[name] == nil {
		return notFound(s.arn(name))
	}
	delete(s.st.Functions, name)
	return s.save()
}

// ListFunctions returns a page of functions by name and the next marker.
func (s *Service) ListFunctions(marker string, max int) ([]function, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := slices.Sorted(maps.Keys(s.st.Functions))
	start := 0
	for start < len(names) && marker != "" && names[start] <= marker {
		start++
	}
	end := min(start+max, len(names))
	out := make([]function, 0, end-start)
	for _, n := range names[start:end] {
		out = append(out, *s.st.Functions[n])
	}
	next := ""
	if end < len(names) && end > start {
		next = names[end-1]
	}
	return out, next
}

// AddPermission adds a statement to a function's resource policy.
func (s *Service) AddPermission(ref string, st statement) (statement, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn := s.st.Functions[nameOf(ref)]
	if fn == nil {
		return statement{}, notFound(s.arn(nameOf(ref)))
	}
	if slices.ContainsFunc(fn.Statements, func(x statement) bool { return x.Sid == st.Sid }) {
		return statement{}, conflict("The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", st.Sid)
	}
	st.Effect, st.Resource = "Allow", fn.ARN
	fn.Statements = append(fn.Statements, st)
	fn.RevisionID = uuid.NewString()
	if err := s.save(); err != nil {
		return statement{}, err
	}
	return st, nil
}

// Invoke runs a gateway target's function (gateway.Invoker): the function
// must exist and its handler's module must be in its zip, as Lambda's
// Python runtime needs; then the stand-in answers.
func (s *Service) Invoke(ctx context.Context, call gateway.FunctionCall) (json.RawMessage, error) {
	fn, err := s.GetFunction(call.FunctionARN)
	if err != nil {
		return nil, fmt.Errorf("invoke %s: %w", call.FunctionARN, err)
	}
	module, _, _ := strings.Cut(fn.Handler, ".")
	if strings.HasPrefix(fn.Runtime, "python") && !slices.Contains(fn.Files, module+".py") {
		return nil, fmt.Errorf("Runtime.ImportModuleError: Unable to import module '%s': No module named '%s'", module, module)
	}
	if s.opt.LogGroups != nil {
		if err := s.opt.LogGroups.EnsureLogGroup(LogGroup(fn.Name)); err != nil {
			return nil, fmt.Errorf("invoke %s: its log group: %w", fn.Name, err)
		}
	}
	return gateway.StandInFunction{}.Invoke(ctx, call)
}

// nameOf is a function's name from a name, a partial or a full ARN
// ("…function:name"), without a qualifier.
func nameOf(ref string) string {
	if i := strings.LastIndex(ref, "function:"); i >= 0 {
		ref = ref[i+len("function:"):]
	}
	name, _, _ := strings.Cut(ref, ":")
	return name
}

func invalidParam(format string, args ...any) *awswire.Error {
	return awswire.Errorf(http.StatusBadRequest, "InvalidParameterValueException", format, args...)
}

func conflict(format string, args ...any) *awswire.Error {
	return awswire.Errorf(http.StatusConflict, "ResourceConflictException", format, args...)
}

func notFound(arn string) *awswire.Error {
	return awswire.Errorf(http.StatusNotFound, "ResourceNotFoundException", "Function not found: %s", arn)
}
