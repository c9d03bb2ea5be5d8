package iam

import (
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
)

// APIVersion is the only IAM API version the sandbox answers.
const APIVersion = "2010-05-08"

const xmlns = "https://iam.amazonaws.com/doc/2010-05-08/"

// Register routes awsQuery requests signed for "iam" to the service.
func (s *Service) Register(e *edge.Edge) {
	e.Register(edge.Route{Name: "iam", Protocol: awswire.Query, SigningName: "iam", Handler: http.HandlerFunc(s.serveHTTP)})
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// response is the awsQuery envelope: <{Action}Response><{Action}Result>.
type response struct {
	XMLName xml.Name
	Xmlns   string           `xml:"xmlns,attr"`
	Result  any              `xml:",omitempty"`
	Meta    responseMetadata `xml:"ResponseMetadata"`
}

type result struct {
	XMLName xml.Name
	Fields  any
}

func (r result) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(r.Fields, xml.StartElement{Name: r.XMLName})
}

type tagXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type roleXML struct {
	Path                     string    `xml:"Path"`
	RoleName                 string    `xml:"RoleName"`
	RoleID                   string    `xml:"RoleId"`
	Arn                      string    `xml:"Arn"`
	CreateDate               string    `xml:"CreateDate"`
	AssumeRolePolicyDocument string    `xml:"AssumeRolePolicyDocument,omitempty"`
	Description              string    `xml:"Description,omitempty"`
	MaxSessionDuration       int       `xml:"MaxSessionDuration"`
	Tags                     *[]tagXML `xml:"Tags>member,omitempty"`
}

// encodePolicy URL-encodes a policy document the way IAM returns it.
func encodePolicy(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

func toXML(r Role) roleXML {
	x := roleXML{
		Path: r.Path, RoleName: r.RoleName, RoleID: r.RoleID, Arn: r.Arn,
		CreateDate:               r.CreateDate.UTC().Format(time.RFC3339),
		AssumeRolePolicyDocument: encodePolicy(r.AssumeRolePolicyDocument),
		Description:              r.Description, MaxSessionDuration: r.MaxSessionDuration,
	}
	if len(r.Tags) > 0 {
		tags := make([]tagXML, len(r.Tags))
		for i, t := range r.Tags {
			tags[i] = tagXML{t.Key, t.Value}
		}
		x.Tags = &tags
	}
	return x
}

type roleResult struct {
	Role roleXML `xml:"Role"`
}

type listRolesResult struct {
	Roles       []roleXML `xml:"Roles>member"`
	IsTruncated bool      `xml:"IsTruncated"`
	Marker      string    `xml:"Marker,omitempty"`
}

type getRolePolicyResult struct {
	RoleName       string `xml:"RoleName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

type listRolePoliciesResult struct {
	PolicyNames []string `xml:"PolicyNames>member"`
	IsTruncated bool     `xml:"IsTruncated"`
}

func writeErr(w http.ResponseWriter, err error) {
	var ae *awswire.Error
	if !errors.As(err, &ae) {
		ae = awswire.Errorf(500, "ServiceFailure", "%v", err)
	}
	awswire.WriteError(w, awswire.Query, ae)
}

func writeOK(w http.ResponseWriter, action string, fields any) {
	out := response{XMLName: xml.Name{Local: action + "Response"}, Xmlns: xmlns, Meta: responseMetadata{RequestID: awswire.RequestID()}}
	if fields != nil {
		out.Result = result{XMLName: xml.Name{Local: action + "Result"}, Fields: fields}
	}
	awswire.WriteXML(w, http.StatusOK, out)
}

// intParam reads an integer parameter the model has already checked; an
// absent one is 0.
func intParam(f url.Values, name string) int {
	n, _ := strconv.Atoi(f.Get(name))
	return n
}

func (s *Service) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if _, ok := edge.RequireSigned(w, r, awswire.Query); !ok {
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		awswire.WriteError(w, awswire.Query, awswire.Errorf(405, "InvalidAction", "IAM does not answer %s requests.", r.Method))
		return
	}
	if err := r.ParseForm(); err != nil {
		awswire.WriteError(w, awswire.Query, awswire.Errorf(400, "MalformedQueryString", "The request body is not a valid form: %v", err))
		return
	}
	f := r.Form
	action := f.Get("Action")
	if action == "" {
		awswire.WriteError(w, awswire.Query, awswire.Errorf(400, "MissingAction", "Missing Action"))
		return
	}
	if v := f.Get("Version"); v != APIVersion {
		awswire.WriteError(w, awswire.Query, awswire.Errorf(400, "InvalidAction", "Could not find operation %s for version %s", action, v))
		return
	}
	op, ok := operations[action]
	if !ok {
		awswire.WriteError(w, awswire.Query, awswire.Errorf(400, "InvalidAction", "Could not find operation %s for version %s", action, APIVersion))
		return
	}
	if err := awswire.QueryInput(model.IAM, action, f, "ValidationError"); err != nil {
		writeErr(w, err)
		return
	}
	fields, err := op(s, f)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeOK(w, action, fields)
}

// operation answers one awsQuery Action from its parameters, which the
// model has already validated.
type operation func(s *Service, f url.Values) (any, error)

var operations = map[string]operation{
	"CreateRole": func(s *Service, f url.Values) (any, error) {
		in := CreateRoleInput{
			RoleName: f.Get("RoleName"), Path: f.Get("Path"),
			AssumeRolePolicyDocument: f.Get("AssumeRolePolicyDocument"),
			Description:              f.Get("Description"), MaxSessionDuration: intParam(f, "MaxSessionDuration"),
		}
		for i := 1; ; i++ {
			k, ok := f["Tags.member."+strconv.Itoa(i)+".Key"]
			if !ok {
				break
			}
			in.Tags = append(in.Tags, Tag{Key: k[0], Value: f.Get("Tags.member." + strconv.Itoa(i) + ".Value")})
		}
		role, err := s.CreateRole(in)
		if err != nil {
			return nil, err
		}
		return roleResult{toXML(role)}, nil
	},
	"GetRole": func(s *Service, f url.Values) (any, error) {
		role, err := s.GetRole(f.Get("RoleName"))
		if err != nil {
			return nil, err
		}
		return roleResult{toXML(role)}, nil
	},
	"DeleteRole": func(s *Service, f url.Values) (any, error) {
		return nil, s.DeleteRole(f.Get("RoleName"))
	},
	"ListRoles": func(s *Service, f url.Values) (any, error) {
		roles, next, err := s.ListRoles(f.Get("PathPrefix"), f.Get("Marker"), intParam(f, "MaxItems"))
		if err != nil {
			return nil, err
		}
		out := listRolesResult{Roles: make([]roleXML, 0, len(roles)), IsTruncated: next != "", Marker: next}
		for _, r := range roles {
			x := toXML(r)
			x.Tags = nil // ListRoles omits tags, as IAM does
			out.Roles = append(out.Roles, x)
		}
		return out, nil
	},
	"UpdateAssumeRolePolicy": func(s *Service, f url.Values) (any, error) {
		return nil, s.UpdateAssumeRolePolicy(f.Get("RoleName"), f.Get("PolicyDocument"))
	},
	"PutRolePolicy": func(s *Service, f url.Values) (any, error) {
		return nil, s.PutRolePolicy(f.Get("RoleName"), f.Get("PolicyName"), f.Get("PolicyDocument"))
	},
	"GetRolePolicy": func(s *Service, f url.Values) (any, error) {
		doc, err := s.GetRolePolicy(f.Get("RoleName"), f.Get("PolicyName"))
		if err != nil {
			return nil, err
		}
		return getRolePolicyResult{f.Get("RoleName"), f.Get("PolicyName"), encodePolicy(doc)}, nil
	},
	"DeleteRolePolicy": func(s *Service, f url.Values) (any, error) {
		return nil, s.DeleteRolePolicy(f.Get("RoleName"), f.Get("PolicyName"))
	},
	"ListRolePolicies": func(s *Service, f url.Values) (any, error) {
		names, err := s.ListRolePolicies(f.Get("RoleName"))
		if err != nil {
			return nil, err
		}
		return listRolePoliciesResult{PolicyNames: names}, nil
	},
}
