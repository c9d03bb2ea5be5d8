package cognito

import (
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// CreateUserPoolInput is CreateUserPool's request (the members the sandbox honours).
type CreateUserPoolInput struct {
	PoolName string `json:"PoolName"`
	Policies *struct {
		PasswordPolicy *struct {
			MinimumLength                 *int32 `json:"MinimumLength"`
			RequireUppercase              bool   `json:"RequireUppercase"`
			RequireLowercase              bool   `json:"RequireLowercase"`
			RequireNumbers                bool   `json:"RequireNumbers"`
			RequireSymbols                bool   `json:"RequireSymbols"`
			TemporaryPasswordValidityDays *int32 `json:"TemporaryPasswordValidityDays"`
		} `json:"PasswordPolicy"`
	} `json:"Policies"`
	AdminCreateUserConfig *struct {
		AllowAdminCreateUserOnly bool `json:"AllowAdminCreateUserOnly"`
	} `json:"AdminCreateUserConfig"`
	UsernameAttributes     []string          `json:"UsernameAttributes"`
	AutoVerifiedAttributes []string          `json:"AutoVerifiedAttributes"`
	MfaConfiguration       string            `json:"MfaConfiguration"`
	DeletionProtection     string            `json:"DeletionProtection"`
	UserPoolTags           map[string]string `json:"UserPoolTags"`
}

// PoolView is a snapshot of a pool, safe to read without the lock.
type PoolView struct {
	Pool
	UserCount int
}

func (p *Pool) view() PoolView {
	v := PoolView{Pool: *p, UserCount: len(p.Users)}
	v.Clients, v.Users, v.ResourceServers = nil, nil, nil
	return v
}

// CreateUserPool creates a pool with fresh per-pool signing keys.
func (s *Service) CreateUserPool(in *CreateUserPoolInput) (_ PoolView, err *awsErr) {
	policy := defaultPolicy
	if in.Policies != nil && in.Policies.PasswordPolicy != nil {
		pp := in.Policies.PasswordPolicy
		policy = PasswordPolicy{MinimumLength: 8, RequireUppercase: pp.RequireUppercase, RequireLowercase: pp.RequireLowercase,
			RequireNumbers: pp.RequireNumbers, RequireSymbols: pp.RequireSymbols, TemporaryPasswordValidityDays: 7}
		// The model has held the values to their ranges (6..99, 0..365).
		if pp.MinimumLength != nil {
			policy.MinimumLength = *pp.MinimumLength
		}
		if pp.TemporaryPasswordValidityDays != nil {
			policy.TemporaryPasswordValidityDays = *pp.TemporaryPasswordValidityDays
		}
	}
	if len(in.UserPoolTags) > 50 {
		return PoolView{}, errInvalidParameter("A user pool can have at most 50 tags.")
	}
	mfa := in.MfaConfiguration
	if mfa == "" {
		mfa = "OFF"
	}
	dp := in.DeletionProtection
	if dp == "" {
		dp = "INACTIVE"
	}
	// Key generation is the slow part; do it before taking the lock.
	keys, kerr := newPoolKeys(s.keys)
	if kerr != nil {
		return PoolView{}, errInternal("create user pool: %v", kerr)
	}
	now := s.now()
	p := &Pool{
		Name: in.PoolName, Created: now, Modified: now, Policy: policy,
		UsernameAttributes: in.UsernameAttributes, AutoVerifiedAttributes: in.AutoVerifiedAttributes,
		MfaConfiguration: mfa, DeletionProtection: dp, Tags: in.UserPoolTags, Keys: keys,
	}
	if in.AdminCreateUserConfig != nil {
		p.AdminCreateUserOnly = in.AdminCreateUserConfig.AllowAdminCreateUserOnly
	}
	p.init()
	var v PoolView
	if err := s.write(func() (*Pool, *awsErr) {
		for {
			p.ID = newPoolID(s.region)
			if _, dup := s.pools[p.ID]; !dup {
				break
			}
		}
		p.Arn = fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", s.region, s.accountID, p.ID)
		s.pools[p.ID] = p
		v = p.view()
		return p, nil
	}); err != nil {
		return PoolView{}, err
	}
	s.exposePool(p.ID)
	return v, nil
}

// DescribeUserPool returns one pool.
func (s *Service) DescribeUserPool(poolID string) (PoolView, *awsErr) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, err := s.pool(poolID)
	if err != nil {
		return PoolView{}, err
	}
	return p.view(), nil
}

// ListUserPools pages through pools in creation order. The page token is
// the opaque encoding of the last pool's place in that order.
func (s *Service) ListUserPools(maxResults *int32, nextToken string) ([]PoolView, string, *awsErr) {
	if maxResults == nil {
		return nil, "", errRequired("maxResults")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	all := slices.Collect(maps.Values(s.pools))
	keys := sortByCreation(all, func(p *Pool) string { return createdKey(p.Created, p.ID) })
	ps, next, err := page(all, keys, int(*maxResults), nextToken)
	if err != nil {
		return nil, "", err
	}
	out := make([]PoolView, len(ps))
	for i, p := range ps {
		out[i] = p.view()
	}
	return out, next, nil
}

// createdKey is an item's place in creation order (then id order) as a
// string that sorts the same way.
func createdKey(created time.Time, id string) string {
	return fmt.Sprintf("%020d %s", created.UnixNano(), id)
}

// sortByCreation sorts items by key and returns their keys in that order.
func sortByCreation[T any](items []T, key func(T) string) []string {
	type keyed struct {
		key  string
		item T
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		ks[i] = keyed{key(it), it}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	keys := make([]string, len(ks))
	for i, k := range ks {
		items[i], keys[i] = k.item, k.key
	}
	return keys
}

// page cuts the page of at most limit items that follows token from items,
// sorted as keys are; next is the token of the page after it ("" at the end).
func page[T any](items []T, keys []string, limit int, token string) (_ []T, next string, _ *awsErr) {
	start, err := pageStart(keys, token)
	if err != nil {
		return nil, "", err
	}
	end := min(start+limit, len(items))
	if end < len(items) {
		next = pageToken(keys[end-1])
	}
	return items[start:end], next, nil
}

// pageToken names where a page ended: the sort key of its last item, so
// the next page starts right even when that item is deleted meanwhile (a
// room's learners delete their pools while others page through the list).
func pageToken(lastKey string) string { return base64.RawURLEncoding.EncodeToString([]byte(lastKey)) }

// pageStart finds where a page that follows token begins in keys (sorted).
func pageStart(keys []string, token string) (int, *awsErr) {
	if token == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) == 0 {
		return 0, errInvalidParameter("Invalid pagination token.")
	}
	last := string(b)
	i, _ := slices.BinarySearch(keys, last)
	if i < len(keys) && keys[i] == last {
		i++
	}
	return i, nil
}

// DeleteUserPool removes a pool, refusing while a domain is attached or
// deletion protection is on, as Cognito does.
func (s *Service) DeleteUserPool(poolID string) *awsErr {
	if err := s.write(func() (*Pool, *awsErr) {
		p, err := s.pool(poolID)
		if err != nil {
			return nil, err
		}
		if p.DeletionProtection == "ACTIVE" {
			return nil, errInvalidParameter("The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
		}
		if p.Domain != "" {
			return nil, errInvalidParameter("User pool cannot be deleted. It has a domain configured that should be deleted first.")
		}
		s.unindex(p)
		return p, nil
	}); err != nil {
		return err
	}
	s.usersDeleted(poolID, "")
	return nil
}
