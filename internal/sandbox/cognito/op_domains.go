package cognito

import (
	"maps"
	"slices"
	"time"
)

// DomainView describes a pool's hosted domain, in DomainDescriptionType terms.
type DomainView struct {
	Domain     string
	UserPoolId string
	Status     string
}

// domainStatus is CREATING until the configured delay has passed since
// creation (computed from the clock, so no background work), then ACTIVE.
func (s *Service) domainStatus(p *Pool) string {
	if d := time.Duration(s.delays.DomainActive) * time.Millisecond; d > 0 && s.now().Before(p.DomainCreated.Add(d)) {
		return "CREATING"
	}
	return "ACTIVE"
}

// CreateUserPoolDomain gives a pool a hosted-UI domain prefix.
func (s *Service) CreateUserPoolDomain(domain, poolID string) *awsErr {
	return s.write(func() (*Pool, *awsErr) {
		p, err := s.pool(poolID)
		if err != nil {
			return nil, err
		}
		if _, taken := s.domains[domain]; taken {
			return nil, errInvalidParameter("Domain already associated with another user pool.")
		}
		if p.Domain != "" {
			return nil, errInvalidParameter("The user pool %s already has a domain configured.", p.ID)
		}
		p.Domain, p.DomainCreated = domain, s.now()
		s.domains[domain] = p.ID
		return p, nil
	})
}

// DescribeUserPoolDomain describes a domain. An unknown domain yields an
// empty description, not an error, exactly as Cognito answers.
func (s *Service) DescribeUserPoolDomain(domain string) (DomainView, *awsErr) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	pid, ok := s.domains[domain]
	if !ok {
		return DomainView{}, nil
	}
	p := s.pools[pid]
	return DomainView{Domain: domain, UserPoolId: pid, Status: s.domainStatus(p)}, nil
}

// DeleteUserPoolDomain detaches a domain from its pool.
func (s *Service) DeleteUserPoolDomain(domain, poolID string) *awsErr {
	return s.write(func() (*Pool, *awsErr) {
		p, err := s.pool(poolID)
		if err != nil {
			return nil, err
		}
		if p.Domain != domain {
			return nil, errInvalidParameter("No such domain or user pool exists.")
		}
		p.Domain, p.DomainCreated = "", time.Time{}
		delete(s.domains, domain)
		return p, nil
	})
}

// ResourceServerInput is CreateResourceServer's request.
type ResourceServerInput struct {
	UserPoolId string  `json:"UserPoolId"`
	Identifier string  `json:"Identifier"`
	Name       string  `json:"Name"`
	Scopes     []Scope `json:"Scopes"`
}

// CreateResourceServer adds a resource server whose scopes clients may use
// as "{identifier}/{scope}".
func (s *Service) CreateResourceServer(in *ResourceServerInput) (ResourceServer, *awsErr) {
	seen := map[string]bool{}
	for _, sc := range in.Scopes {
		if seen[sc.ScopeName] {
			return ResourceServer{}, errInvalidParameter("Duplicate scope name %s.", sc.ScopeName)
		}
		seen[sc.ScopeName] = true
	}
	var out ResourceServer
	if err := s.write(func() (*Pool, *awsErr) {
		p, err := s.pool(in.UserPoolId)
		if err != nil {
			return nil, err
		}
		if _, dup := p.ResourceServers[in.Identifier]; dup {
			return nil, errInvalidParameter("%s already exists in user pool %s.", in.Identifier, p.ID)
		}
		rs := &ResourceServer{Identifier: in.Identifier, Name: in.Name, Scopes: append([]Scope{}, in.Scopes...)}
		p.ResourceServers[rs.Identifier] = rs
		out = *rs
		return p, nil
	}); err != nil {
		return ResourceServer{}, err
	}
	return out, nil
}

// DescribeResourceServer returns one resource server.
func (s *Service) DescribeResourceServer(poolID, identifier string) (ResourceServer, *awsErr) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, err := s.pool(poolID)
	if err != nil {
		return ResourceServer{}, err
	}
	rs, ok := p.ResourceServers[identifier]
	if !ok {
		return ResourceServer{}, errResourceServerNotFound(identifier)
	}
	return *rs, nil
}

// ListResourceServers pages through a pool's resource servers in
// identifier order (Cognito's default page is 50, its most).
func (s *Service) ListResourceServers(poolID string, maxResults *int32, nextToken string) ([]ResourceServer, string, *awsErr) {
	limit := 50
	if maxResults != nil {
		limit = int(*maxResults)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, err := s.pool(poolID)
	if err != nil {
		return nil, "", err
	}
	ids := slices.Sorted(maps.Keys(p.ResourceServers))
	ids, next, err := page(ids, ids, limit, nextToken)
	if err != nil {
		return nil, "", err
	}
	out := make([]ResourceServer, len(ids))
	for i, id := range ids {
		out[i] = *p.ResourceServers[id]
	}
	return out, next, nil
}

// DeleteResourceServer removes a resource server.
func (s *Service) DeleteResourceServer(poolID, identifier string) *awsErr {
	return s.write(func() (*Pool, *awsErr) {
		p, err := s.pool(poolID)
		if err != nil {
			return nil, err
		}
		if _, ok := p.ResourceServers[identifier]; !ok {
			return nil, errResourceServerNotFound(identifier)
		}
		delete(p.ResourceServers, identifier)
		return p, nil
	})
}
