package lambda

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
)

// The wire: Lambda's restJson routes under /2015-03-31/functions.

const functionsPath = "/2015-03-31/functions"

// Register routes the service at the edge by its signing name.
func (s *Service) Register(e *edge.Edge) {
	e.Register(edge.Route{Name: SigningName, Protocol: awswire.RestJSON, SigningName: SigningName,
		Handler: http.HandlerFunc(s.serve), MaxBodyBytes: MaxZipBytes*4/3 + 64<<10})
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request) {
	if _, ok := edge.RequireSigned(w, r, awswire.RestJSON); !ok {
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, functionsPath)
	if !ok {
		writeErr(w, unknown(r))
		return
	}
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	switch {
	case rest == "" || rest == "/":
		switch r.Method {
		case http.MethodPost:
			s.createFunction(w, r)
		case http.MethodGet:
			s.listFunctions(w, r)
		default:
			writeErr(w, unknown(r))
		}
	case len(segs) == 1 && r.Method == http.MethodGet:
		s.getFunction(w, r, segs[0])
	case len(segs) == 1 && r.Method == http.MethodDelete:
		s.deleteFunction(w, r, segs[0])
	case len(segs) == 2 && segs[1] == "policy" && r.Method == http.MethodPost:
		s.addPermission(w, r, segs[0])
	default:
		writeErr(w, unknown(r))
	}
}

func unknown(r *http.Request) *awswire.Error {
	return awswire.Errorf(http.StatusNotFound, "UnknownOperationException", "No operation matches %s %s.", r.Method, r.URL.EscapedPath())
}

func writeErr(w http.ResponseWriter, e *awswire.Error) { awswire.WriteError(w, awswire.RestJSON, e) }

// read validates r as op's input and decodes its body into dst. Lambda's
// front end answers broken constraints with ValidationException.
func read(w http.ResponseWriter, r *http.Request, op string, dst any) bool {
	vs, e := awswire.RESTRead(r, model.Lambda, op, dst)
	if e == nil && len(vs) > 0 {
		e = awswire.Invalid("ValidationException", vs)
	}
	if e != nil {
		writeErr(w, e)
		return false
	}
	return true
}

func answer(w http.ResponseWriter, status int, out func() any, err error) {
	if err != nil {
		var e *awswire.Error
		if !errors.As(err, &e) {
			e = awswire.Errorf(http.StatusInternalServerError, "ServiceException", "%v", err)
		}
		writeErr(w, e)
		return
	}
	if out == nil {
		w.WriteHeader(status)
		return
	}
	awswire.WriteJSON(w, awswire.RestJSON, status, out())
}

type configOut struct {
	FunctionName  string   `json:"FunctionName"`
	FunctionArn   string   `json:"FunctionArn"`
	Runtime       string   `json:"Runtime,omitempty"`
	Role          string   `json:"Role"`
	Handler       string   `json:"Handler,omitempty"`
	CodeSize      int64    `json:"CodeSize"`
	Description   string   `json:"Description"`
	Timeout       int      `json:"Timeout"`
	MemorySize    int      `json:"MemorySize"`
	LastModified  string   `json:"LastModified"`
	CodeSha256    string   `json:"CodeSha256"`
	Version       string   `json:"Version"`
	State         string   `json:"State"`
	PackageType   string   `json:"PackageType"`
	RevisionID    string   `json:"RevisionId"`
	Architectures []string `json:"Architectures"`
}

func configOf(fn function) configOut {
	return configOut{FunctionName: fn.Name, FunctionArn: fn.ARN, Runtime: fn.Runtime, Role: fn.Role, Handler: fn.Handler,
		CodeSize: fn.CodeSize, Description: fn.Description, Timeout: fn.Timeout, MemorySize: fn.MemorySize,
		LastModified: fn.LastModified.Format("2006-01-02T15:04:05.000-0700"), CodeSha256: fn.CodeSha256, Version: "$LATEST",
		State: "Active", PackageType: "Zip", RevisionID: fn.RevisionID, Architectures: []string{"x86_64"}}
}

func (s *Service) createFunction(w http.ResponseWriter, r *http.Request) {
	var in struct {
		FunctionName, Runtime, Role, Handler, Description string
		Timeout, MemorySize                               *int
		PackageType                                       string
		Code                                              struct {
			ZipFile  string
			S3Bucket string
			ImageUri string
		}
	}
	if !read(w, r, "CreateFunction", &in) {
		return
	}
	if in.PackageType == "Image" || in.Code.ImageUri != "" || in.Code.S3Bucket != "" {
		writeErr(w, invalidParam("The offline sandbox takes a function's code only as Code.ZipFile."))
		return
	}
	if in.Runtime == "" || in.Handler == "" {
		writeErr(w, invalidParam("Runtime and Handler are mandatory parameters for functions created with deployment packages."))
		return
	}
	zipped, err := base64.StdEncoding.DecodeString(in.Code.ZipFile)
	if err != nil || len(zipped) == 0 {
		writeErr(w, invalidParam("Code.ZipFile is not a base64-encoded zip."))
		return
	}
	if len(zipped) > MaxZipBytes {
		writeErr(w, invalidParam("Unzipped size must be smaller than the sandbox's limit of %d bytes.", MaxZipBytes))
		return
	}
	spec := createSpec{Name: in.FunctionName, Role: in.Role, Runtime: in.Runtime, Handler: in.Handler, Description: in.Description,
		Timeout: 3, MemorySize: 128, Zip: zipped}
	if in.Timeout != nil {
		spec.Timeout = *in.Timeout
	}
	if in.MemorySize != nil {
		spec.MemorySize = *in.MemorySize
	}
	fn, err := s.CreateFunction(spec)
	answer(w, http.StatusCreated, func() any { return configOf(fn) }, err)
}

func (s *Service) getFunction(w http.ResponseWriter, r *http.Request, name string) {
	if !read(w, r, "GetFunction", nil) {
		return
	}
	fn, err := s.GetFunction(name)
	answer(w, http.StatusOK, func() any {
		return map[string]any{"Configuration": configOf(fn), "Code": map[string]string{"RepositoryType": "S3",
			"Location": s.d.URL + functionsPath + "/" + fn.Name + "/code (the sandbox does not serve code downloads)"}}
	}, err)
}

func (s *Service) deleteFunction(w http.ResponseWriter, r *http.Request, name string) {
	if !read(w, r, "DeleteFunction", nil) {
		return
	}
	// AWS answers 204 No Content.
	answer(w, http.StatusNoContent, nil, s.DeleteFunction(name))
}

func (s *Service) listFunctions(w http.ResponseWriter, r *http.Request) {
	if !read(w, r, "ListFunctions", nil) {
		return
	}
	max := 50
	if n, err := strconv.Atoi(r.URL.Query().Get("MaxItems")); err == nil {
		max = n
	}
	fns, next := s.ListFunctions(r.URL.Query().Get("Marker"), max)
	answer(w, http.StatusOK, func() any {
		out := struct {
			Functions  []configOut `json:"Functions"`
			NextMarker string      `json:"NextMarker,omitempty"`
		}{Functions: []configOut{}, NextMarker: next}
		for _, fn := range fns {
			out.Functions = append(out.Functions, configOf(fn))
		}
		return out
	}, nil)
}

func (s *Service) addPermission(w http.ResponseWriter, r *http.Request, name string) {
	var in struct{ StatementId, Action, Principal string }
	if !read(w, r, "AddPermission", &in) {
		return
	}
	var principal any = map[string]string{"Service": in.Principal}
	if strings.HasPrefix(in.Principal, "arn:") || strings.Trim(in.Principal, "0123456789") == "" {
		principal = map[string]string{"AWS": in.Principal}
	}
	st, err := s.AddPermission(name, statement{Sid: in.StatementId, Action: in.Action, Principal: principal})
	answer(w, http.StatusCreated, func() any {
		b, _ := json.Marshal(st)
		return map[string]string{"Statement": string(b)}
	}, err)
}
