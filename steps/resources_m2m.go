package steps

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/session"
)

// The machine-to-machine stage's kind: a Cognito resource server, the API
// whose scopes a client_credentials client is granted. (The M2M client
// itself is an app client, made and deleted through poolClients like the
// others.)

// resourceServerSpec is a resource server with its scopes.
type resourceServerSpec struct {
	pool, identifier, name string
	scopes                 []types.ResourceServerScopeType
}

var resourceServers = resource[resourceServerSpec]{
	kind: ResResourceServer,
	key: func(s resourceServerSpec) (string, map[string]string) {
		return s.identifier, map[string]string{AttrPool: s.pool}
	},
	lookup: lookupResourceServer,
	create: func(ctx context.Context, env *Env, rep Reporter, s resourceServerSpec) (found, error) {
		rep.Log("CreateResourceServer %s in %s (%d scopes)", s.identifier, s.pool, len(s.scopes))
		out, err := env.Cloud.Cognito.CreateResourceServer(ctx, &cip.CreateResourceServerInput{
			UserPoolId: aws.String(s.pool), Identifier: aws.String(s.identifier), Name: aws.String(s.name), Scopes: s.scopes,
		})
		if err != nil {
			return found{}, err
		}
		return found{ID: aws.ToString(out.ResourceServer.Identifier), OK: true}, nil
	},
	remove: func(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
		pool := r.Attrs[AttrPool]
		if pool == "" {
			return false, fmt.Errorf("the ledger entry has no %q attribute", AttrPool)
		}
		rep.Log("DeleteResourceServer %s from %s", r.Name, pool)
		// A missing pool (ResourceNotFoundException) took its servers with it.
		_, err := env.Cloud.Cognito.DeleteResourceServer(ctx, &cip.DeleteResourceServerInput{UserPoolId: aws.String(pool), Identifier: aws.String(r.Name)})
		return gone(err)
	},
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		var out []string
		err := eachPool(ctx, c, func(p types.UserPoolDescriptionType) error {
			pg := cip.NewListResourceServersPaginator(c.Cognito, &cip.ListResourceServersInput{UserPoolId: p.Id, MaxResults: aws.Int32(50)})
			lines, err := pageLines(ctx, "resource servers", pg.HasMorePages, pg.NextPage, func(o *cip.ListResourceServersOutput) []string {
				return named("resource server", o.ResourceServers, func(rs types.ResourceServerType) *string { return rs.Identifier })
			})
			out = append(out, lines...)
			return err
		})
		return out, err
	},
}

func lookupResourceServer(ctx context.Context, c *cloud.Clients, identifier string, attrs map[string]string) (found, error) {
	out, err := c.Cognito.DescribeResourceServer(ctx, &cip.DescribeResourceServerInput{UserPoolId: aws.String(attrs[AttrPool]), Identifier: aws.String(identifier)})
	if isNotFound(err) { // no such server, or no such pool
		return found{}, nil
	}
	if err != nil {
		return found{}, err
	}
	return found{ID: aws.ToString(out.ResourceServer.Identifier), OK: true}, nil
}
