package steps

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/session"
)

// Cognito's kinds: the pools, their app clients, the outbound pool's
// hosted-UI domain and the test users.

type poolSpec struct{ name string }

var userPools = resource[poolSpec]{
	kind: ResUserPool,
	key:  func(s poolSpec) (string, map[string]string) { return s.name, nil },
	lookup: func(ctx context.Context, c *cloud.Clients, name string, _ map[string]string) (found, error) {
		ids, err := poolsNamed(ctx, c, name)
		if err != nil || len(ids) == 0 {
			return found{}, err
		}
		d, err := c.Cognito.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(ids[0])})
		if err != nil {
			return found{}, err
		}
		return found{ID: ids[0], ARN: aws.ToString(d.UserPool.Arn), OK: true}, nil
	},
	create: func(ctx context.Context, env *Env, rep Reporter, s poolSpec) (found, error) {
		rep.Log("CreateUserPool %s", s.name)
		out, err := env.Cloud.Cognito.CreateUserPool(ctx, &cip.CreateUserPoolInput{
			PoolName: aws.String(s.name),
			Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
				MinimumLength: aws.Int32(8), RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true,
			}},
			AdminCreateUserConfig: &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true},
		})
		if err != nil {
			return found{}, err
		}
		return found{ID: aws.ToString(out.UserPool.Id), ARN: aws.ToString(out.UserPool.Arn), OK: true}, nil
	},
	remove: deleteUserPools,
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		var out []string
		err := eachPool(ctx, c, func(p types.UserPoolDescriptionType) error {
			out = append(out, "user pool "+aws.ToString(p.Name))
			return nil
		})
		return out, err
	},
}

// eachPool calls fn with every user pool of the account.
func eachPool(ctx context.Context, c *cloud.Clients, fn func(types.UserPoolDescriptionType) error) error {
	p := cip.NewListUserPoolsPaginator(c.Cognito, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list user pools: %w", err)
		}
		for _, up := range page.UserPools {
			if err := fn(up); err != nil {
				return err
			}
		}
	}
	return nil
}

// poolsNamed lists the ids of every pool called name: pool names are not
// unique, and a run killed mid-create may have made a twin.
func poolsNamed(ctx context.Context, c *cloud.Clients, name string) ([]string, error) {
	var ids []string
	err := eachPool(ctx, c, func(p types.UserPoolDescriptionType) error {
		if aws.ToString(p.Name) == name {
			ids = append(ids, aws.ToString(p.Id))
		}
		return nil
	})
	return ids, err
}

// deleteUserPools deletes the recorded pool and every other pool with its
// name, each after its domain (a pool with a domain cannot be deleted).
// The twins are ours: names carry the workspace's suffix, and a run killed
// mid-create whose pool did not show in the listing yet may have made one.
func deleteUserPools(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
	c := env.Cloud.Cognito
	named, err := poolsNamed(ctx, env.Cloud, r.Name)
	if err != nil {
		return false, err
	}
	var ids []string
	if r.PhysicalID != "" {
		ids = append(ids, r.PhysicalID)
	}
	for _, id := range named {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	existed := false
	for _, id := range ids {
		d, err := c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(id)})
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return existed, fmt.Errorf("describe pool %s: %w", id, err)
		}
		if dom := aws.ToString(d.UserPool.Domain); dom != "" {
			if err := deleteDomainOf(ctx, env, rep, id, dom); err != nil && !isNotFound(err) {
				return existed, fmt.Errorf("delete its domain %s: %w", dom, err)
			}
		}
		rep.Log("DeleteUserPool %s (%s)", r.Name, id)
		_, err = c.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: aws.String(id)})
		ok, err := gone(err)
		if err != nil {
			return existed, err
		}
		existed = existed || ok
	}
	return existed, nil
}

// clientSpec is an app client: its create call says it all.
type clientSpec struct {
	in *cip.CreateUserPoolClientInput
}

var poolClients = resource[clientSpec]{
	kind: ResPoolClient,
	key: func(s clientSpec) (string, map[string]string) {
		return aws.ToString(s.in.ClientName), map[string]string{AttrPool: aws.ToString(s.in.UserPoolId)}
	},
	lookup: func(ctx context.Context, c *cloud.Clients, name string, attrs map[string]string) (found, error) {
		ids, err := clientsNamed(ctx, c, attrs[AttrPool], name)
		if err != nil || len(ids) == 0 {
			return found{}, err
		}
		return found{ID: ids[0], OK: true}, nil
	},
	create: func(ctx context.Context, env *Env, rep Reporter, s clientSpec) (found, error) {
		rep.Log("CreateUserPoolClient %s in %s", aws.ToString(s.in.ClientName), aws.ToString(s.in.UserPoolId))
		out, err := env.Cloud.Cognito.CreateUserPoolClient(ctx, s.in)
		if err != nil {
			return found{}, err
		}
		return found{ID: aws.ToString(out.UserPoolClient.ClientId), OK: true}, nil
	},
	remove: deletePoolClient,
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		var out []string
		err := eachPool(ctx, c, func(p types.UserPoolDescriptionType) error {
			cls, err := c.Cognito.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: p.Id, MaxResults: aws.Int32(60)})
			if err != nil {
				return fmt.Errorf("list clients: %w", err)
			}
			for _, cl := range cls.UserPoolClients {
				out = append(out, "client "+aws.ToString(cl.ClientName))
			}
			return nil
		})
		return out, err
	},
}

// clientsNamed lists the ids of pool's clients called name; a pool that
// is gone has none.
func clientsNamed(ctx context.Context, c *cloud.Clients, pool, name string) ([]string, error) {
	var ids []string
	p := cip.NewListUserPoolClientsPaginator(c.Cognito, &cip.ListUserPoolClientsInput{UserPoolId: aws.String(pool), MaxResults: aws.Int32(60)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if isNotFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("list clients of %s: %w", pool, err)
		}
		for _, cl := range page.UserPoolClients {
			if aws.ToString(cl.ClientName) == name {
				ids = append(ids, aws.ToString(cl.ClientId))
			}
		}
	}
	return ids, nil
}

func deletePoolClient(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
	pool := r.Attrs[AttrPool]
	if pool == "" {
		return false, fmt.Errorf("the ledger entry has no %q attribute", AttrPool)
	}
	ids := []string{r.PhysicalID}
	if r.PhysicalID == "" { // planned, never recorded: find it by name
		var err error
		if ids, err = clientsNamed(ctx, env.Cloud, pool, r.Name); err != nil {
			return false, err
		}
	}
	existed := false
	for _, id := range ids {
		rep.Log("DeleteUserPoolClient %s (%s) in %s", r.Name, id, pool)
		_, err := env.Cloud.Cognito.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: aws.String(id)})
		ok, err := gone(err)
		if err != nil {
			return existed, err
		}
		existed = existed || ok
	}
	return existed, nil
}

type domainSpec struct{ pool, domain string }

var poolDomains = resource[domainSpec]{
	kind: ResPoolDomain,
	key: func(s domainSpec) (string, map[string]string) {
		return s.domain, map[string]string{AttrPool: s.pool}
	},
	lookup: lookupDomain,
	create: func(ctx context.Context, env *Env, rep Reporter, s domainSpec) (found, error) {
		rep.Log("CreateUserPoolDomain %s", s.domain)
		if _, err := env.Cloud.Cognito.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String(s.domain), UserPoolId: aws.String(s.pool)}); err != nil {
			return found{}, err
		}
		return found{ID: s.domain, OK: true}, nil
	},
	// A new domain takes a moment to become ACTIVE on AWS. The wait is
	// named after the domain alone: its log line is "domain x: CREATING".
	ready: func(ctx context.Context, env *Env, rep Reporter, s domainSpec) error {
		return poll(ctx, env, rep, wait{what: i18n.M("domain %s"), of: s.domain, max: time.Second, timeout: 2 * time.Minute}, func(ctx context.Context) (bool, string, error) {
			out, err := env.Cloud.Cognito.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String(s.domain)})
			if err != nil {
				return false, "", err
			}
			st := types.DomainStatusType("")
			if out.DomainDescription != nil {
				st = out.DomainDescription.Status
			}
			if st == types.DomainStatusTypeFailed {
				return false, "", fmt.Errorf("domain %s failed to become active", s.domain)
			}
			return st == types.DomainStatusTypeActive, string(st), nil
		})
	},
	remove: deletePoolDomain,
	// No call lists domains: the ledger's are looked up by name.
	leftovers: inLedger(ResPoolDomain, "domain", lookupDomain),
}

// lookupDomain finds a hosted-UI domain attached to the pool in attrs (to
// any pool when attrs names none). Domain names are global on AWS: one
// attached to another pool is not the workshop's.
func lookupDomain(ctx context.Context, c *cloud.Clients, domain string, attrs map[string]string) (found, error) {
	owner, err := domainOwner(ctx, c, domain)
	if err != nil || owner == "" {
		return found{}, err
	}
	if want := attrs[AttrPool]; want != "" && owner != want {
		return found{}, nil
	}
	return found{ID: domain, OK: true}, nil
}

// domainOwner is the pool a domain is attached to, "" for none.
func domainOwner(ctx context.Context, c *cloud.Clients, domain string) (string, error) {
	out, err := c.Cognito.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String(domain)})
	if isNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("describe domain: %w", err)
	}
	if out.DomainDescription == nil {
		return "", nil
	}
	return aws.ToString(out.DomainDescription.UserPoolId), nil
}

// deletePoolDomain removes a hosted-UI domain, unless it now belongs to a
// pool other than the one recorded: then it is not the workshop's, and is
// left alone.
func deletePoolDomain(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
	owner, err := domainOwner(ctx, env.Cloud, r.Name)
	if err != nil || owner == "" {
		return false, err
	}
	if want := r.Attrs[AttrPool]; want != "" && owner != want {
		rep.Log("domain %s belongs to pool %s, not the workshop's %s: left alone", r.Name, owner, want)
		return false, nil
	}
	return true, deleteDomainOf(ctx, env, rep, owner, r.Name)
}

// deleteDomainOf deletes pool's domain and waits until the pool no longer
// lists it: a pool with a domain cannot be deleted.
func deleteDomainOf(ctx context.Context, env *Env, rep Reporter, pool, domain string) error {
	c := env.Cloud.Cognito
	rep.Log("DeleteUserPoolDomain %s from %s", domain, pool)
	if _, err := c.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{Domain: aws.String(domain), UserPoolId: aws.String(pool)}); err != nil {
		return err
	}
	return poll(ctx, env, rep, wait{what: i18n.M("domain %s to be released"), of: domain, max: 2 * time.Second, timeout: 2 * time.Minute}, func(ctx context.Context) (bool, string, error) {
		d, err := c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
		if isNotFound(err) {
			return true, "", nil
		}
		if err != nil {
			return false, "", err
		}
		return aws.ToString(d.UserPool.Domain) == "", "still attached", nil
	})
}

// userSpec is a test user; stage 1 sets its permanent password after.
type userSpec struct{ pool, username string }

var poolUsers = resource[userSpec]{
	kind: ResPoolUser,
	key: func(s userSpec) (string, map[string]string) {
		return s.pool + "/" + s.username, map[string]string{AttrPool: s.pool, AttrUsername: s.username}
	},
	lookup: lookupUser,
	create: func(ctx context.Context, env *Env, rep Reporter, s userSpec) (found, error) {
		rep.Log("AdminCreateUser %s (temporary password, no email sent)", s.username)
		temp, err := newPassword()
		if err != nil {
			return found{}, err
		}
		out, err := env.Cloud.Cognito.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(s.pool), Username: aws.String(s.username),
			TemporaryPassword: aws.String(temp), MessageAction: types.MessageActionTypeSuppress,
		})
		if err != nil {
			return found{}, err
		}
		return found{ID: aws.ToString(out.User.Username), OK: true}, nil
	},
	remove: func(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
		pool, user, err := attrs(r, AttrPool, AttrUsername)
		if err != nil {
			return false, err
		}
		rep.Log("AdminDeleteUser %s from %s", user, pool)
		// A missing pool (ResourceNotFoundException) takes its users with it.
		_, err = env.Cloud.Cognito.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(pool), Username: aws.String(user)})
		return gone(err)
	},
	// The sandbox, like the workshop, has no use for ListUsers: the
	// ledger's users are looked up by name.
	leftovers: inLedger(ResPoolUser, "user", lookupUser),
}

func lookupUser(ctx context.Context, c *cloud.Clients, _ string, attrs map[string]string) (found, error) {
	out, err := c.Cognito.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(attrs[AttrPool]), Username: aws.String(attrs[AttrUsername])})
	if isNotFound(err) { // no such user, or no such pool
		return found{}, nil
	}
	if err != nil {
		return found{}, err
	}
	return found{ID: aws.ToString(out.Username), OK: true}, nil
}
