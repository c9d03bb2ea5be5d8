// Package sts emulates the one STS operation the launch stage calls,
// GetCallerIdentity, over the awsQuery protocol.
package sts

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/xml"
	"net/http"
	"strings"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
)

// APIVersion is the only STS API version the sandbox answers.
const APIVersion = "2011-06-15"

const xmlns = "https://sts.amazonaws.com/doc/2011-06-15/"

// UserName is the IAM user the sandbox's access key belongs to.
const UserName = "workshop-sandbox"

// Service is the emulated STS.
type Service struct {
	d edge.Deps
}

// New returns the STS service. It keeps no state.
func New(d edge.Deps) (*Service, error) {
	return &Service{d: d}, nil
}

// Register routes awsQuery requests signed for "sts" to the service.
func (s *Service) Register(e *edge.Edge) {
	e.Register(edge.Route{Name: "sts", Protocol: awswire.Query, SigningName: "sts", Handler: s})
}

// CallerIdentity is who the sandbox's credentials belong to.
type CallerIdentity struct {
	Account string
	Arn     string
	UserID  string
}

// Identity returns the caller identity of an access key in account.
// The user id is derived from the key so it is stable across restarts.
func (s *Service) Identity(accessKeyID, account string) CallerIdentity {
	if account == "" {
		account = s.d.AccountID
	}
	sum := sha256.Sum256([]byte(accessKeyID))
	id := "AIDA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
	return CallerIdentity{Account: account, Arn: "arn:aws:iam::" + account + ":user/" + UserName, UserID: id}
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

type getCallerIdentityResponse struct {
	XMLName xml.Name `xml:"GetCallerIdentityResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	} `xml:"GetCallerIdentityResult"`
	Meta responseMetadata `xml:"ResponseMetadata"`
}

// ServeHTTP implements the awsQuery wire: a form-encoded Action and Version.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := edge.RequireSigned(w, r, awswire.Query)
	if !ok {
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		awswire.WriteError(w, awswire.Query, awswire.Errorf(405, "InvalidAction", "STS does not answer %s requests.", r.Method))
		return
	}
	if err := r.ParseForm(); err != nil {
		awswire.WriteError(w, awswire.Query, awswire.Errorf(400, "MalformedQueryString", "The request body is not a valid form: %v", err))
		return
	}
	action := r.Form.Get("Action")
	if action == "" {
		awswire.WriteError(w, awswire.Query, awswire.Errorf(400, "MissingAction", "Missing Action"))
		return
	}
	if v := r.Form.Get("Version"); v != APIVersion {
		awswire.WriteError(w, awswire.Query, awswire.Errorf(400, "InvalidAction", "Could not find operation %s for version %s", action, v))
		return
	}
	if model.STS.Op(action) != nil {
		if err := awswire.QueryInput(model.STS, action, r.Form, "ValidationError"); err != nil {
			awswire.WriteError(w, awswire.Query, err)
			return
		}
	}
	switch action {
	case "GetCallerIdentity":
		ci := s.Identity(id.AccessKeyID, id.AccountID)
		var out getCallerIdentityResponse
		out.Xmlns = xmlns
		out.Result.Arn, out.Result.UserID, out.Result.Account = ci.Arn, ci.UserID, ci.Account
		out.Meta.RequestID = awswire.RequestID()
		awswire.WriteXML(w, http.StatusOK, out)
	default:
		awswire.WriteError(w, awswire.Query, awswire.Errorf(400, "InvalidAction", "Could not find operation %s for version %s", strings.TrimSpace(action), APIVersion))
	}
}
