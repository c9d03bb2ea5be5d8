package steps

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/session"
)

// The gateway stage's kinds: MCP gateways behind a CUSTOM_JWT authorizer,
// and their Lambda targets. Both settle asynchronously (CREATING → READY,
// DELETING → gone), and AWS refuses to delete a gateway while a target is
// still DELETING, so removals wait until the resource is gone.

// The ledger's gateway kinds (their strings are saved: never change one).
const (
	ResGateway       ResourceKind = "agentcore-gateway"        // Name: gateway name; PhysicalID: gateway id
	ResGatewayTarget ResourceKind = "agentcore-gateway-target" // Name: gateway/target; PhysicalID: target id; Attrs[AttrGateway], Attrs[AttrTarget]
)

// Attribute keys of gateway target entries.
const (
	AttrGateway = "gateway" // the gateway's name
	AttrTarget  = "target"  // the target's name
)

// Waits of gateways and targets: the toolkit polls every 2 s, 30 times.
const (
	gatewayPoll    = 2 * time.Second
	gatewayTimeout = 10 * time.Minute
)

// gatewaySpec is an MCP gateway whose inbound authorizer trusts one IdP.
type gatewaySpec struct {
	name, role string
	jwt        ctltypes.CustomJWTAuthorizerConfiguration
}

var gateways = resource[gatewaySpec]{
	kind:   ResGateway,
	key:    func(s gatewaySpec) (string, map[string]string) { return s.name, nil },
	lookup: lookupGateway,
	create: func(ctx context.Context, env *Env, rep Reporter, s gatewaySpec) (found, error) {
		rep.Log("CreateGateway %s (MCP, CUSTOM_JWT, discovery %s)", s.name, aws.ToString(s.jwt.DiscoveryUrl))
		var f found
		err := retryWhileIAMPropagates(ctx, env, rep, func() error {
			out, err := env.Cloud.Control.CreateGateway(ctx, &ctl.CreateGatewayInput{
				Name: aws.String(s.name), RoleArn: aws.String(s.role), ProtocolType: ctltypes.GatewayProtocolTypeMcp,
				AuthorizerType:          ctltypes.AuthorizerTypeCustomJwt,
				AuthorizerConfiguration: &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: s.jwt},
				Description:             aws.String("agentcore-workshop gateway stage; removed by its cleanup stage"),
				ExceptionLevel:          ctltypes.ExceptionLevelDebug,
			})
			if err != nil {
				return err
			}
			f = found{ID: aws.ToString(out.GatewayId), ARN: aws.ToString(out.GatewayArn), URL: aws.ToString(out.GatewayUrl), OK: true}
			return nil
		})
		return f, err
	},
	// The stage's IdP values changed (a new M2M client, another tenant):
	// a gateway trusting the old ones would refuse every token.
	outdated: func(ctx context.Context, env *Env, s gatewaySpec) (string, error) {
		f, err := lookupGateway(ctx, env.Cloud, s.name, nil)
		if err != nil || !f.OK {
			return "", err
		}
		out, err := env.Cloud.Control.GetGateway(ctx, &ctl.GetGatewayInput{GatewayIdentifier: aws.String(f.ID)})
		if err != nil {
			return "", fmt.Errorf("get gateway %s: %w", f.ID, err)
		}
		jwt, ok := out.AuthorizerConfiguration.(*ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer)
		switch {
		case !ok:
			return "has no CUSTOM_JWT authorizer", nil
		case aws.ToString(jwt.Value.DiscoveryUrl) != aws.ToString(s.jwt.DiscoveryUrl):
			return "trusts " + aws.ToString(jwt.Value.DiscoveryUrl), nil
		case fmt.Sprint(jwt.Value.AllowedClients, jwt.Value.AllowedAudience) != fmt.Sprint(s.jwt.AllowedClients, s.jwt.AllowedAudience):
			return "allows other clients or audiences", nil
		}
		return "", nil
	},
	ready: func(ctx context.Context, env *Env, rep Reporter, s gatewaySpec) error {
		f, err := lookupGateway(ctx, env.Cloud, s.name, nil)
		if err != nil {
			return err
		}
		return waitGatewayReady(ctx, env, rep, f.ID)
	},
	remove: deleteGateway,
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		p := ctl.NewListGatewaysPaginator(c.Control, &ctl.ListGatewaysInput{})
		return pageLines(ctx, "gateways", p.HasMorePages, p.NextPage, func(o *ctl.ListGatewaysOutput) []string {
			var out []string
			for _, g := range o.Items {
				out = append(out, fmt.Sprintf("gateway %s (%s)", aws.ToString(g.Name), g.Status))
			}
			return out
		})
	},
}

// lookupGateway finds a gateway by name (names are unique per account).
func lookupGateway(ctx context.Context, c *cloud.Clients, name string, _ map[string]string) (found, error) {
	p := ctl.NewListGatewaysPaginator(c.Control, &ctl.ListGatewaysInput{})
	return findNamed(ctx, "gateways", p.HasMorePages, p.NextPage,
		func(o *ctl.ListGatewaysOutput) []ctltypes.GatewaySummary { return o.Items },
		func(g ctltypes.GatewaySummary) *string { return g.Name }, name,
		func(g ctltypes.GatewaySummary) (found, error) {
			out, err := c.Control.GetGateway(ctx, &ctl.GetGatewayInput{GatewayIdentifier: g.GatewayId})
			if isNotFound(err) {
				return found{}, nil
			}
			if err != nil {
				return found{}, fmt.Errorf("get gateway %s: %w", aws.ToString(g.GatewayId), err)
			}
			return found{ID: aws.ToString(out.GatewayId), ARN: aws.ToString(out.GatewayArn), URL: aws.ToString(out.GatewayUrl), OK: true}, nil
		})
}

// waitGatewayReady polls a gateway until READY; any other settled status
// fails with its reasons, as the toolkit's waiter does.
func waitGatewayReady(ctx context.Context, env *Env, rep Reporter, id string) error {
	return poll(ctx, env, rep, wait{what: i18n.M("gateway %s to be READY"), of: id, max: gatewayPoll, timeout: gatewayTimeout}, func(ctx context.Context) (bool, string, error) {
		out, err := env.Cloud.Control.GetGateway(ctx, &ctl.GetGatewayInput{GatewayIdentifier: aws.String(id)})
		if err != nil {
			return false, "", err
		}
		switch out.Status {
		case ctltypes.GatewayStatusReady:
			return true, string(out.Status), nil
		case ctltypes.GatewayStatusCreating, ctltypes.GatewayStatusUpdating:
			return false, string(out.Status), nil
		}
		return false, "", fmt.Errorf("gateway %s is %s: %v", id, out.Status, out.StatusReasons)
	})
}

// deleteGateway deletes a gateway and waits until AWS no longer knows it.
func deleteGateway(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
	id, ok, err := physicalID(ctx, env.Cloud, r, lookupGateway)
	if err != nil || !ok {
		return false, err
	}
	c := env.Cloud.Control
	rep.Log("DeleteGateway %s (%s)", r.Name, id)
	if existed, err := gone(deleteWhenSettled(ctx, env, rep, "gateway "+r.Name, func() error {
		_, err := c.DeleteGateway(ctx, &ctl.DeleteGatewayInput{GatewayIdentifier: aws.String(id)})
		return err
	})); err != nil || !existed {
		return existed, err
	}
	return true, poll(ctx, env, rep, wait{what: i18n.M("gateway %s to be deleted"), of: r.Name, max: gatewayPoll, timeout: gatewayTimeout}, func(ctx context.Context) (bool, string, error) {
		out, err := c.GetGateway(ctx, &ctl.GetGatewayInput{GatewayIdentifier: aws.String(id)})
		if isNotFound(err) {
			return true, "", nil
		}
		if err != nil {
			return false, "", err
		}
		return false, string(out.Status), nil
	})
}

// deleteWhenSettled calls del, and once more after waiting while AWS
// refuses it because the resource is still settling (ConflictException) or
// a gateway still has targets being deleted (ValidationException "Gateway
// has targets associated").
func deleteWhenSettled(ctx context.Context, env *Env, rep Reporter, what string, del func() error) error {
	err := del()
	if !isConflict(err) && !isTargetsAssociated(err) {
		return err
	}
	rep.Log("%s is busy (%v); waiting", what, err)
	return poll(ctx, env, rep, wait{what: "%s to accept the delete", of: what, max: gatewayPoll, timeout: gatewayTimeout}, func(ctx context.Context) (bool, string, error) {
		err := del()
		if isConflict(err) || isTargetsAssociated(err) {
			return false, errorCode(err), nil
		}
		return true, "", err
	})
}

func isTargetsAssociated(err error) bool {
	return errorCode(err) == "ValidationException" && strings.Contains(err.Error(), "targets associated")
}

// targetSpec is a Lambda target with an inline tool schema, on a gateway.
type targetSpec struct {
	gateway, name, lambdaARN string
	tools                    []ctltypes.ToolDefinition
}

var gatewayTargets = resource[targetSpec]{
	kind: ResGatewayTarget,
	key: func(s targetSpec) (string, map[string]string) {
		return s.gateway + "/" + s.name, map[string]string{AttrGateway: s.gateway, AttrTarget: s.name}
	},
	lookup: lookupTarget,
	create: func(ctx context.Context, env *Env, rep Reporter, s targetSpec) (found, error) {
		g, err := lookupGateway(ctx, env.Cloud, s.gateway, nil)
		if err != nil {
			return found{}, err
		}
		if !g.OK {
			return found{}, fmt.Errorf("gateway %s does not exist", s.gateway)
		}
		rep.Log("CreateGatewayTarget %s on %s (Lambda %s, %d tools)", s.name, g.ID, s.lambdaARN, len(s.tools))
		out, err := env.Cloud.Control.CreateGatewayTarget(ctx, &ctl.CreateGatewayTargetInput{
			GatewayIdentifier: aws.String(g.ID), Name: aws.String(s.name),
			TargetConfiguration: &ctltypes.TargetConfigurationMemberMcp{Value: &ctltypes.McpTargetConfigurationMemberLambda{
				Value: ctltypes.McpLambdaTargetConfiguration{LambdaArn: aws.String(s.lambdaARN),
					ToolSchema: &ctltypes.ToolSchemaMemberInlinePayload{Value: s.tools}}}},
			CredentialProviderConfigurations: []ctltypes.CredentialProviderConfiguration{{CredentialProviderType: ctltypes.CredentialProviderTypeGatewayIamRole}},
		})
		if err != nil {
			return found{}, err
		}
		return found{ID: aws.ToString(out.TargetId), ARN: g.ID, OK: true}, nil
	},
	ready: func(ctx context.Context, env *Env, rep Reporter, s targetSpec) error {
		name, attrs := s.gateway+"/"+s.name, map[string]string{AttrGateway: s.gateway, AttrTarget: s.name}
		return poll(ctx, env, rep, wait{what: i18n.M("target %s to be READY"), of: name, max: gatewayPoll, timeout: gatewayTimeout}, func(ctx context.Context) (bool, string, error) {
			st, err := targetStatus(ctx, env.Cloud, name, attrs)
			if err != nil {
				return false, "", err
			}
			switch st {
			case "READY":
				return true, st, nil
			case "CREATING", "UPDATING", "SYNCHRONIZING":
				return false, st, nil
			}
			return false, "", fmt.Errorf("target %s is %s", name, st)
		})
	},
	remove: func(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
		f, err := lookupTarget(ctx, env.Cloud, r.Name, r.Attrs)
		if err != nil || !f.OK {
			return false, err
		}
		rep.Log("DeleteGatewayTarget %s (%s on %s)", r.Name, f.ID, f.ARN)
		if existed, err := gone(deleteWhenSettled(ctx, env, rep, "target "+r.Name, func() error {
			_, err := env.Cloud.Control.DeleteGatewayTarget(ctx, &ctl.DeleteGatewayTargetInput{GatewayIdentifier: aws.String(f.ARN), TargetId: aws.String(f.ID)})
			return err
		})); err != nil || !existed {
			return existed, err
		}
		// Deletion is asynchronous: the gateway cannot go until it is done.
		return true, poll(ctx, env, rep, wait{what: i18n.M("target %s to be deleted"), of: r.Name, max: gatewayPoll, timeout: gatewayTimeout}, func(ctx context.Context) (bool, string, error) {
			st, err := targetStatus(ctx, env.Cloud, r.Name, r.Attrs)
			return st == "", st, err
		})
	},
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		var out []string
		p := ctl.NewListGatewaysPaginator(c.Control, &ctl.ListGatewaysInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("list gateways: %w", err)
			}
			for _, g := range page.Items {
				tp := ctl.NewListGatewayTargetsPaginator(c.Control, &ctl.ListGatewayTargetsInput{GatewayIdentifier: g.GatewayId})
				lines, err := pageLines(ctx, "targets", tp.HasMorePages, tp.NextPage, func(o *ctl.ListGatewayTargetsOutput) []string {
					var l []string
					for _, t := range o.Items {
						l = append(l, fmt.Sprintf("gateway target %s/%s (%s)", aws.ToString(g.Name), aws.ToString(t.Name), t.Status))
					}
					return l
				})
				if isNotFound(err) {
					continue
				}
				if err != nil {
					return nil, err
				}
				out = append(out, lines...)
			}
		}
		return out, nil
	},
}

// lookupTarget finds a target by its gateway's name and its own; the
// found's ARN holds the gateway id, which its calls need.
func lookupTarget(ctx context.Context, c *cloud.Clients, _ string, attrs map[string]string) (found, error) {
	g, err := lookupGateway(ctx, c, attrs[AttrGateway], nil)
	if err != nil || !g.OK {
		return found{}, err
	}
	p := ctl.NewListGatewayTargetsPaginator(c.Control, &ctl.ListGatewayTargetsInput{GatewayIdentifier: aws.String(g.ID)})
	f, err := findNamed(ctx, "the targets of "+g.ID, p.HasMorePages, p.NextPage,
		func(o *ctl.ListGatewayTargetsOutput) []ctltypes.TargetSummary { return o.Items },
		func(t ctltypes.TargetSummary) *string { return t.Name }, attrs[AttrTarget],
		func(t ctltypes.TargetSummary) (found, error) {
			return found{ID: aws.ToString(t.TargetId), ARN: g.ID, OK: true}, nil
		})
	if isNotFound(err) { // the gateway went meanwhile
		return found{}, nil
	}
	return f, err
}

// targetStatus is a target's status, "" when it is gone.
func targetStatus(ctx context.Context, c *cloud.Clients, name string, attrs map[string]string) (string, error) {
	f, err := lookupTarget(ctx, c, name, attrs)
	if err != nil || !f.OK {
		return "", err
	}
	out, err := c.Control.GetGatewayTarget(ctx, &ctl.GetGatewayTargetInput{GatewayIdentifier: aws.String(f.ARN), TargetId: aws.String(f.ID)})
	if isNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return string(out.Status), nil
}
