// Package iam emulates the IAM role operations the launch stage and cleanup
// call: roles with trust policies and inline role policies.
package iam

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
)

const storeDoc = "iam"

// Tag is a role tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Role is an IAM role with its inline policies.
type Role struct {
	Path                     string            `json:"path"`
	RoleName                 string            `json:"roleName"`
	RoleID                   string            `json:"roleId"`
	Arn                      string            `json:"arn"`
	CreateDate               time.Time         `json:"createDate"`
	AssumeRolePolicyDocument string            `json:"assumeRolePolicyDocument"`
	Description              string            `json:"description,omitempty"`
	MaxSessionDuration       int               `json:"maxSessionDuration"`
	Tags                     []Tag             `json:"tags,omitempty"`
	Policies                 map[string]string `json:"policies,omitempty"` // inline policy name → document
}

// CreateRoleInput are CreateRole's parameters.
type CreateRoleInput struct {
	RoleName                 string
	Path                     string
	AssumeRolePolicyDocument string
	Description              string
	MaxSessionDuration       int
	Tags                     []Tag
}

type state struct {
	Roles map[string]*Role `json:"roles"` // by lower-cased name: IAM names are case-insensitive
}

// Service holds IAM state. It is safe for concurrent use.
type Service struct {
	d  edge.Deps
	mu sync.Mutex
	st state
}

// New loads IAM state from the store.
func New(d edge.Deps) (*Service, error) {
	s := &Service{d: d, st: state{Roles: map[string]*Role{}}}
	if _, err := d.Store.Load(storeDoc, &s.st); err != nil {
		return nil, fmt.Errorf("load iam state: %w", err)
	}
	if s.st.Roles == nil {
		s.st.Roles = map[string]*Role{}
	}
	return s, nil
}

var namePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)

func checkName(value, member string, max int) *awswire.Error {
	if len(value) < 1 || len(value) > max {
		return validation(value, member, fmt.Sprintf("Member must have length less than or equal to %d", max))
	}
	if !namePattern.MatchString(value) {
		return validation(value, member, `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	}
	return nil
}

// checkPolicy applies the structural checks IAM makes before anything
// else: valid JSON, a Statement, and a known Effect in every statement.
// trust policies must also name a Principal.
func checkPolicy(doc string, trust bool) *awswire.Error {
	if doc == "" {
		return validation(doc, "policyDocument", "Member must have length greater than or equal to 1")
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return malformedPolicy("This policy contains invalid Json")
	}
	raw, ok := p["Statement"]
	if !ok {
		return malformedPolicy("Syntax errors in policy.")
	}
	var stmts []any
	switch v := raw.(type) {
	case []any:
		stmts = v
	case map[string]any:
		stmts = []any{v}
	default:
		return malformedPolicy("Syntax errors in policy.")
	}
	if len(stmts) == 0 {
		return malformedPolicy("Syntax errors in policy.")
	}
	for _, st := range stmts {
		m, ok := st.(map[string]any)
		if !ok {
			return malformedPolicy("Syntax errors in policy.")
		}
		if e, _ := m["Effect"].(string); e != "Allow" && e != "Deny" {
			return malformedPolicy("Syntax errors in policy.")
		}
		if _, ok := m["Action"]; !ok {
			if _, ok := m["NotAction"]; !ok {
				return malformedPolicy("Policy statement must contain actions.")
			}
		}
		if trust {
			if _, ok := m["Principal"]; !ok {
				return malformedPolicy("AssumeRolepolicy contains an invalid principal: missing Principal.")
			}
			if _, ok := m["Resource"]; ok {
				return malformedPolicy("Has prohibited field Resource")
			}
		} else if _, ok := m["Resource"]; !ok {
			if _, ok := m["NotResource"]; !ok {
				return malformedPolicy("Policy statement must contain resources.")
			}
		}
	}
	return nil
}

func (s *Service) save() *awswire.Error {
	if err := s.d.Store.Save(storeDoc, s.st); err != nil {
		return serviceFailure(err)
	}
	return nil
}

func newRoleID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := make([]byte, 17)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "AROA" + string(b)
}

func clone(r *Role) Role {
	c := *r
	c.Tags = slices.Clone(r.Tags)
	c.Policies = make(map[string]string, len(r.Policies))
	for k, v := range r.Policies {
		c.Policies[k] = v
	}
	return c
}

// CreateRole creates a role.
func (s *Service) CreateRole(in CreateRoleInput) (Role, error) {
	if err := checkName(in.RoleName, "roleName", 64); err != nil {
		return Role{}, err
	}
	if in.Path == "" {
		in.Path = "/"
	}
	// The model has held path, description, the session duration
	// (3600..43200) and the tags (at most 50, keys 1..128, values
	// 0..256) to their constraints.
	if in.MaxSessionDuration == 0 {
		in.MaxSessionDuration = 3600
	}
	if err := checkPolicy(in.AssumeRolePolicyDocument, true); err != nil {
		return Role{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(in.RoleName)
	if _, ok := s.st.Roles[key]; ok {
		return Role{}, roleExists(in.RoleName)
	}
	r := &Role{
		Path: in.Path, RoleName: in.RoleName, RoleID: newRoleID(),
		Arn:                      "arn:aws:iam::" + s.d.AccountID + ":role" + in.Path + in.RoleName,
		CreateDate:               s.d.Clock.Now().UTC().Truncate(time.Second),
		AssumeRolePolicyDocument: in.AssumeRolePolicyDocument,
		Description:              in.Description, MaxSessionDuration: in.MaxSessionDuration,
		Tags: slices.Clone(in.Tags), Policies: map[string]string{},
	}
	s.st.Roles[key] = r
	if err := s.save(); err != nil {
		delete(s.st.Roles, key)
		return Role{}, err
	}
	return clone(r), nil
}

func (s *Service) role(name string) (*Role, *awswire.Error) {
	if err := checkName(name, "roleName", 64); err != nil {
		return nil, err
	}
	r, ok := s.st.Roles[strings.ToLower(name)]
	if !ok {
		return nil, noSuchRole(name)
	}
	return r, nil
}

// GetRole returns a role.
func (s *Service) GetRole(name string) (Role, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.role(name)
	if err != nil {
		return Role{}, err
	}
	return clone(r), nil
}

// DeleteRole deletes a role that has no inline policies left.
func (s *Service) DeleteRole(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.role(name)
	if err != nil {
		return err
	}
	if len(r.Policies) > 0 {
		return deleteConflict()
	}
	key := strings.ToLower(name)
	delete(s.st.Roles, key)
	if err := s.save(); err != nil {
		s.st.Roles[key] = r
		return err
	}
	return nil
}

// ListRoles lists roles under pathPrefix in name order, a page at a time.
// The marker is the lower-cased name of the first role of the next page.
func (s *Service) ListRoles(pathPrefix, marker string, maxItems int) (roles []Role, next string, err error) {
	if pathPrefix == "" {
		pathPrefix = "/"
	}
	if maxItems == 0 {
		maxItems = 100
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.st.Roles))
	for k, r := range s.st.Roles {
		if strings.HasPrefix(r.Path, pathPrefix) && k >= marker {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i == maxItems {
			return roles, k, nil
		}
		roles = append(roles, clone(s.st.Roles[k]))
	}
	return roles, "", nil
}

// UpdateAssumeRolePolicy replaces a role's trust policy.
func (s *Service) UpdateAssumeRolePolicy(name, doc string) error {
	if err := checkPolicy(doc, true); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.role(name)
	if err != nil {
		return err
	}
	old := r.AssumeRolePolicyDocument
	r.AssumeRolePolicyDocument = doc
	if err := s.save(); err != nil {
		r.AssumeRolePolicyDocument = old
		return err
	}
	return nil
}

// PutRolePolicy adds or replaces an inline role policy.
func (s *Service) PutRolePolicy(roleName, policyName, doc string) error {
	if err := checkName(policyName, "policyName", 128); err != nil {
		return err
	}
	if err := checkPolicy(doc, false); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.role(roleName)
	if err != nil {
		return err
	}
	if inlineSize(r.Policies, policyName, doc) > maxRoleInlinePolicyBytes {
		return policySizeExceeded(roleName)
	}
	old, had := r.Policies[policyName]
	if r.Policies == nil {
		r.Policies = map[string]string{}
	}
	r.Policies[policyName] = doc
	if err := s.save(); err != nil {
		if had {
			r.Policies[policyName] = old
		} else {
			delete(r.Policies, policyName)
		}
		return err
	}
	return nil
}

// GetRolePolicy returns an inline role policy document.
func (s *Service) GetRolePolicy(roleName, policyName string) (string, error) {
	if err := checkName(policyName, "policyName", 128); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.role(roleName)
	if err != nil {
		return "", err
	}
	doc, ok := r.Policies[policyName]
	if !ok {
		return "", noSuchRolePolicy(roleName, policyName)
	}
	return doc, nil
}

// DeleteRolePolicy removes an inline role policy.
func (s *Service) DeleteRolePolicy(roleName, policyName string) error {
	if err := checkName(policyName, "policyName", 128); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.role(roleName)
	if err != nil {
		return err
	}
	doc, ok := r.Policies[policyName]
	if !ok {
		return noSuchRolePolicy(roleName, policyName)
	}
	delete(r.Policies, policyName)
	if err := s.save(); err != nil {
		r.Policies[policyName] = doc
		return err
	}
	return nil
}

// ListRolePolicies lists a role's inline policy names in order.
func (s *Service) ListRolePolicies(roleName string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.role(roleName)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(r.Policies))
	for n := range r.Policies {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

// maxRoleInlinePolicyBytes is IAM's quota on a role's inline policies
// together, whitespace not counted: a policy that fits in the sandbox but
// not in AWS must fail here too.
const maxRoleInlinePolicyBytes = 10240

// inlineSize is the size IAM counts for a role's inline policies once
// name's document is doc: every character but whitespace.
func inlineSize(policies map[string]string, name, doc string) int {
	n := 0
	count := func(s string) {
		for _, c := range s {
			if !unicode.IsSpace(c) {
				n++
			}
		}
	}
	count(doc)
	for k, v := range policies {
		if k != name {
			count(v)
		}
	}
	return n
}
