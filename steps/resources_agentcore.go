package steps

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/session"
)

// AgentCore's kinds: the agent's workload identity, the OAuth2 credential
// provider for the outbound pool, and the runtime.

type workloadSpec struct{ name, returnURL string }

var workloadIdentities = resource[workloadSpec]{
	kind: ResWorkloadIdentity,
	key:  func(s workloadSpec) (string, map[string]string) { return s.name, nil },
	lookup: func(ctx context.Context, c *cloud.Clients, name string, _ map[string]string) (found, error) {
		out, err := c.Control.GetWorkloadIdentity(ctx, &ctl.GetWorkloadIdentityInput{Name: aws.String(name)})
		if isNotFound(err) {
			return found{}, nil
		}
		if err != nil {
			return found{}, err
		}
		return found{ID: name, ARN: aws.ToString(out.WorkloadIdentityArn), OK: true}, nil
	},
	create: func(ctx context.Context, env *Env, rep Reporter, s workloadSpec) (found, error) {
		rep.Log("CreateWorkloadIdentity %s (return URL %s)", s.name, s.returnURL)
		out, err := env.Cloud.Control.CreateWorkloadIdentity(ctx, &ctl.CreateWorkloadIdentityInput{
			Name:                            aws.String(s.name),
			AllowedResourceOauth2ReturnUrls: []string{s.returnURL},
		})
		if err != nil {
			return found{}, err
		}
		return found{ID: s.name, ARN: aws.ToString(out.WorkloadIdentityArn), OK: true}, nil
	},
	remove: func(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
		rep.Log("DeleteWorkloadIdentity %s", r.Name)
		_, err := env.Cloud.Control.DeleteWorkloadIdentity(ctx, &ctl.DeleteWorkloadIdentityInput{Name: aws.String(r.Name)})
		return gone(err)
	},
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		p := ctl.NewListWorkloadIdentitiesPaginator(c.Control, &ctl.ListWorkloadIdentitiesInput{})
		return pageLines(ctx, "workload identities", p.HasMorePages, p.NextPage, func(o *ctl.ListWorkloadIdentitiesOutput) []string {
			return named("workload identity", o.WorkloadIdentities, func(w ctltypes.WorkloadIdentityType) *string { return w.Name })
		})
	},
}

// providerSpec is a custom OAuth2 credential provider for the outbound
// pool's client.
type providerSpec struct{ name, clientID, clientSecret, discoveryURL string }

var credentialProviders = resource[providerSpec]{
	kind: ResCredentialProvider,
	key:  func(s providerSpec) (string, map[string]string) { return s.name, nil },
	lookup: func(ctx context.Context, c *cloud.Clients, name string, _ map[string]string) (found, error) {
		out, err := c.Control.GetOauth2CredentialProvider(ctx, &ctl.GetOauth2CredentialProviderInput{Name: aws.String(name)})
		if isNotFound(err) {
			return found{}, nil
		}
		if err != nil {
			return found{}, err
		}
		return found{ID: name, ARN: aws.ToString(out.CredentialProviderArn), URL: aws.ToString(out.CallbackUrl), OK: true}, nil
	},
	create: func(ctx context.Context, env *Env, rep Reporter, s providerSpec) (found, error) {
		rep.Log("CreateOauth2CredentialProvider %s (CustomOauth2, discovery %s)", s.name, s.discoveryURL)
		out, err := env.Cloud.Control.CreateOauth2CredentialProvider(ctx, &ctl.CreateOauth2CredentialProviderInput{
			Name:                     aws.String(s.name),
			CredentialProviderVendor: ctltypes.CredentialProviderVendorTypeCustomOauth2,
			Oauth2ProviderConfigInput: &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{
				Value: ctltypes.CustomOauth2ProviderConfigInput{
					OauthDiscovery: &ctltypes.Oauth2DiscoveryMemberDiscoveryUrl{Value: s.discoveryURL},
					ClientId:       aws.String(s.clientID),
					ClientSecret:   aws.String(s.clientSecret),
				},
			},
		})
		if err != nil {
			return found{}, err
		}
		return found{ID: s.name, ARN: aws.ToString(out.CredentialProviderArn), URL: aws.ToString(out.CallbackUrl), OK: true}, nil
	},
	// Stage 1 re-made the outbound pool or client: a provider holding the
	// old ones would send consents nowhere.
	outdated: func(ctx context.Context, env *Env, s providerSpec) (string, error) {
		out, err := env.Cloud.Control.GetOauth2CredentialProvider(ctx, &ctl.GetOauth2CredentialProviderInput{Name: aws.String(s.name)})
		if err != nil {
			return "", fmt.Errorf("get credential provider %s: %w", s.name, err)
		}
		return staleProvider(out, s.clientID, s.discoveryURL), nil
	},
	remove: func(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
		rep.Log("DeleteOauth2CredentialProvider %s", r.Name)
		_, err := env.Cloud.Control.DeleteOauth2CredentialProvider(ctx, &ctl.DeleteOauth2CredentialProviderInput{Name: aws.String(r.Name)})
		return gone(err)
	},
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		p := ctl.NewListOauth2CredentialProvidersPaginator(c.Control, &ctl.ListOauth2CredentialProvidersInput{})
		return pageLines(ctx, "credential providers", p.HasMorePages, p.NextPage, func(o *ctl.ListOauth2CredentialProvidersOutput) []string {
			return named("credential provider", o.CredentialProviders, func(pv ctltypes.Oauth2CredentialProviderItem) *string { return pv.Name })
		})
	},
}

// staleProvider says how an existing provider no longer matches the
// outbound pool and client of stage 1 ("" when it still does).
func staleProvider(out *ctl.GetOauth2CredentialProviderOutput, clientID, discoveryURL string) string {
	custom, ok := out.Oauth2ProviderConfigOutput.(*ctltypes.Oauth2ProviderConfigOutputMemberCustomOauth2ProviderConfig)
	if !ok {
		return "is not a custom OAuth2 provider"
	}
	if id := aws.ToString(custom.Value.ClientId); id != "" && id != clientID {
		return "names client " + id + ", not " + clientID
	}
	if d, ok := custom.Value.OauthDiscovery.(*ctltypes.Oauth2DiscoveryMemberDiscoveryUrl); ok && d.Value != discoveryURL {
		return "discovers " + d.Value + ", not " + discoveryURL
	}
	return ""
}

// runtimeSpec is the agent's runtime: its image, its role, and the JWT
// authorizer configure decided on.
type runtimeSpec struct{ name, image, role, discoveryURL, clientID, provider, returnURL string }

// Waits of the runtime deletion: DELETING lasts a while on AWS.
const (
	runtimeDeletePoll    = 5 * time.Second
	runtimeDeleteTimeout = 15 * time.Minute
)

var runtimes = resource[runtimeSpec]{
	kind:   ResRuntime,
	key:    func(s runtimeSpec) (string, map[string]string) { return s.name, nil },
	lookup: lookupRuntime,
	// A second launch deploys the new image, as `agentcore launch` does.
	put:    putRuntime,
	remove: deleteRuntime,
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		p := ctl.NewListAgentRuntimesPaginator(c.Control, &ctl.ListAgentRuntimesInput{})
		return pageLines(ctx, "runtimes", p.HasMorePages, p.NextPage, func(o *ctl.ListAgentRuntimesOutput) []string {
			var out []string
			for _, rt := range o.AgentRuntimes {
				out = append(out, fmt.Sprintf("runtime %s (%s)", aws.ToString(rt.AgentRuntimeName), rt.Status))
			}
			return out
		})
	},
}

// lookupRuntime finds a runtime by name (runtime names are unique).
func lookupRuntime(ctx context.Context, c *cloud.Clients, name string, _ map[string]string) (found, error) {
	p := ctl.NewListAgentRuntimesPaginator(c.Control, &ctl.ListAgentRuntimesInput{})
	return findNamed(ctx, "runtimes", p.HasMorePages, p.NextPage,
		func(o *ctl.ListAgentRuntimesOutput) []ctltypes.AgentRuntime { return o.AgentRuntimes },
		func(rt ctltypes.AgentRuntime) *string { return rt.AgentRuntimeName }, name,
		func(rt ctltypes.AgentRuntime) (found, error) {
			return found{ID: aws.ToString(rt.AgentRuntimeId), ARN: aws.ToString(rt.AgentRuntimeArn), OK: true}, nil
		})
}

// putRuntime creates the runtime, or updates it when it already exists.
func putRuntime(ctx context.Context, env *Env, rep Reporter, s runtimeSpec) (found, error) {
	c := env.Cloud.Control
	artifact := &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String(s.image)}}
	authz := &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
		DiscoveryUrl: aws.String(s.discoveryURL), AllowedClients: []string{s.clientID},
	}}
	network := &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic}
	protocol := &ctltypes.ProtocolConfiguration{ServerProtocol: ctltypes.ServerProtocolHttp}
	// AWS_REGION: the container's SDK clients (Bedrock, AgentCore Identity)
	// need to know the region; the runtime is not known to set it.
	envVars := map[string]string{"CREDENTIAL_PROVIDER": s.provider, "AWS_REGION": env.Cloud.Region}
	if s.returnURL != "" {
		// agent.py's callback_url: where the browser returns after consent.
		envVars[ReturnURLName] = s.returnURL
	}

	existing, err := lookupRuntime(ctx, env.Cloud, s.name, nil)
	if err != nil {
		return found{}, err
	}
	if existing.OK {
		// AWS refuses to update a runtime that is still creating, updating
		// or being deleted: wait for it to settle (or to be gone).
		err := poll(ctx, env, rep, wait{what: i18n.M("runtime %s to settle"), of: existing.ID, max: 2 * time.Second, timeout: readyTimeout}, func(ctx context.Context) (bool, string, error) {
			out, err := c.GetAgentRuntime(ctx, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(existing.ID)})
			if isNotFound(err) {
				existing = found{}
				return true, "", nil
			}
			if err != nil {
				return false, "", err
			}
			switch out.Status {
			case ctltypes.AgentRuntimeStatusCreating, ctltypes.AgentRuntimeStatusUpdating, ctltypes.AgentRuntimeStatusDeleting:
				return false, string(out.Status), nil
			}
			return true, "", nil
		})
		if err != nil {
			return found{}, err
		}
	}
	var f found
	err = retryWhileIAMPropagates(ctx, env, rep, func() error {
		if existing.OK {
			rep.Log("UpdateAgentRuntime %s → %s", existing.ID, s.image)
			out, err := c.UpdateAgentRuntime(ctx, &ctl.UpdateAgentRuntimeInput{AgentRuntimeId: aws.String(existing.ID),
				AgentRuntimeArtifact: artifact, RoleArn: aws.String(s.role), NetworkConfiguration: network,
				ProtocolConfiguration: protocol, AuthorizerConfiguration: authz, EnvironmentVariables: envVars})
			if err != nil {
				return err
			}
			f = found{ID: aws.ToString(out.AgentRuntimeId), ARN: aws.ToString(out.AgentRuntimeArn), OK: true}
			return nil
		}
		rep.Log("CreateAgentRuntime %s with a customJWTAuthorizer", s.name)
		out, err := c.CreateAgentRuntime(ctx, &ctl.CreateAgentRuntimeInput{AgentRuntimeName: aws.String(s.name),
			AgentRuntimeArtifact: artifact, RoleArn: aws.String(s.role), NetworkConfiguration: network,
			ProtocolConfiguration: protocol, AuthorizerConfiguration: authz, EnvironmentVariables: envVars})
		if err != nil {
			return err
		}
		f = found{ID: aws.ToString(out.AgentRuntimeId), ARN: aws.ToString(out.AgentRuntimeArn), OK: true}
		return nil
	})
	return f, err
}

// deleteRuntime deletes the runtime and waits until AWS no longer knows
// it: DELETING takes a while, and the names it frees are only reusable
// after that.
func deleteRuntime(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
	c := env.Cloud.Control
	id, ok, err := physicalID(ctx, env.Cloud, r, lookupRuntime)
	if err != nil || !ok {
		return false, err
	}
	del := func() error {
		rep.Log("DeleteAgentRuntime %s (%s)", r.Name, id)
		_, err := c.DeleteAgentRuntime(ctx, &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
		return err
	}
	status := func(ctx context.Context) (bool, string, error) {
		out, err := c.GetAgentRuntime(ctx, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
		if isNotFound(err) {
			return true, "", nil
		}
		if err != nil {
			return false, "", err
		}
		return false, string(out.Status), nil
	}
	err = del()
	if isConflict(err) {
		// Still CREATING or UPDATING: wait for it to settle, then delete.
		rep.Log("the runtime is busy (%v); waiting for it to settle", err)
		err = poll(ctx, env, rep, wait{what: i18n.M("runtime %s to settle"), of: r.Name, max: runtimeDeletePoll, timeout: runtimeDeleteTimeout}, func(ctx context.Context) (bool, string, error) {
			done, st, err := status(ctx)
			return done || (st != "CREATING" && st != "UPDATING"), st, err
		})
		if err == nil {
			err = del()
		}
	}
	if existed, err := gone(err); err != nil || !existed {
		return existed, err
	}
	return true, poll(ctx, env, rep, wait{what: i18n.M("runtime %s to be deleted"), of: r.Name, max: runtimeDeletePoll, timeout: runtimeDeleteTimeout}, status)
}
