package steps

import (
	"context"
	"errors"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/session"
)

// ResForeignTenant is a tenant of the sandbox's Auth0-like identity
// provider (Name: the tenant name). Its APIs, applications and grants live
// inside it and go with it. The string is saved in workspaces: never
// change it.
const ResForeignTenant ResourceKind = "foreign-idp-tenant"

type foreignTenantSpec struct{ name string }

// foreignTenants are made only where the target hosts the IdP (the
// sandbox: Clients.Foreign); on AWS the learner brings their own and the
// workshop makes nothing there, so there is nothing to find or list.
var foreignTenants = resource[foreignTenantSpec]{
	kind:   ResForeignTenant,
	key:    func(s foreignTenantSpec) (string, map[string]string) { return s.name, nil },
	lookup: lookupForeignTenant,
	create: func(ctx context.Context, env *Env, rep Reporter, s foreignTenantSpec) (found, error) {
		if env.Cloud.Foreign == nil {
			return found{}, errors.New("this target hosts no identity provider to make a tenant in")
		}
		rep.Log("create tenant %s (its own issuer, keys and token endpoint)", s.name)
		t, err := env.Cloud.Foreign.CreateTenant(ctx, s.name)
		if err != nil {
			return found{}, err
		}
		return found{ID: t.Name, OK: true, URL: t.DiscoveryURL}, nil
	},
	remove: func(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
		if env.Cloud.Foreign == nil {
			return false, errors.New("this target hosts no identity provider: the tenant cannot be deleted from here")
		}
		rep.Log("delete tenant %s, with its APIs, applications and grants", r.Name)
		err := env.Cloud.Foreign.DeleteTenant(ctx, r.Name)
		if foreignNotFound(err) {
			return false, nil
		}
		return err == nil, err
	},
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		if c.Foreign == nil {
			return nil, nil
		}
		ts, err := c.Foreign.ListTenants(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = "foreign IdP tenant " + t.Name
		}
		return out, nil
	},
}

func lookupForeignTenant(ctx context.Context, c *cloud.Clients, name string, _ map[string]string) (found, error) {
	if c.Foreign == nil {
		return found{}, nil
	}
	t, err := c.Foreign.GetTenant(ctx, name)
	if foreignNotFound(err) {
		return found{}, nil
	}
	if err != nil {
		return found{}, err
	}
	return found{ID: t.Name, OK: true, URL: t.DiscoveryURL}, nil
}

func foreignNotFound(err error) bool {
	var fe *cloud.ForeignError
	return errors.As(err, &fe) && fe.NotFound()
}
