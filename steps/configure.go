package steps

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"gopkg.in/yaml.v3"

	"agentcore-workshop/internal/atomicfile"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// ToolkitConfigFile is the starter toolkit's project configuration.
const ToolkitConfigFile = ".bedrock_agentcore.yaml"

type configure struct{}

// Configure is stage 3: decide inbound auth (the JWT authorizer) and
// prepare outbound auth (a workload identity and an OAuth2 credential
// provider for the outbound pool).
func Configure(env *Env) engine.Stage {
	return outlined(outline.ConfigureID, env, configure{}.Run)
}

func (configure) ID() string { return outline.ConfigureID }

// agentNameFor is the runtime name: letters, digits and underscores only.
func agentNameFor(suffix string) string { return "workshop_agent_" + suffix }

func providerNameFor(suffix string) string { return "ExternalServiceProvider-" + suffix }

func (s configure) Run(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	in, err := inputs(env, "provision-cognito", RuntimeDiscoveryURL, RuntimeClientID, IdentityPoolID,
		IdentityClientID, IdentityClientSecret, IdentityDiscoveryURL)
	if err != nil {
		return Result{}, err
	}
	suffix := env.Session.Settings().Suffix
	agent := agentNameFor(suffix)
	var res Result
	put := publisher(rep, &res)
	put(Value{Name: AgentName, Value: agent})

	// Inbound: the whole decision is these two fields.
	authorizer := map[string]any{"customJWTAuthorizer": map[string]any{
		"discoveryUrl":   in[RuntimeDiscoveryURL],
		"allowedClients": []string{in[RuntimeClientID]},
	}}
	rep.Log("inbound auth: JWTs from %s, client_id in [%s]", in[RuntimeDiscoveryURL], in[RuntimeClientID])

	// Outbound, part 1: the agent's workload identity.
	rep.Progress("workload identity", 1, 3)
	workload := agent + "-workload"
	returnURL, err := chooseReturnURL(env)
	if err != nil {
		return res, err
	}
	put(Value{Name: ReturnURLName, Value: returnURL, Kind: KindURL})
	wl, err := workloadIdentities.ensure(ctx, env, rep, s.ID(), workloadSpec{name: workload, returnURL: returnURL})
	if err != nil {
		return res, err
	}
	put(Value{Name: WorkloadIdentity, Value: workload})
	put(Value{Name: WorkloadARN, Value: wl.ARN})

	// Outbound, part 2: the credential provider that knows how to get
	// tokens from the outbound pool. AgentCore Identity keeps the client
	// secret; the agent never sees it.
	rep.Progress("OAuth2 credential provider", 2, 3)
	provider := providerNameFor(suffix)
	pv, err := credentialProviders.ensure(ctx, env, rep, s.ID(), providerSpec{name: provider,
		clientID: in[IdentityClientID], clientSecret: in[IdentityClientSecret], discoveryURL: in[IdentityDiscoveryURL]})
	if err != nil {
		return res, err
	}
	callback := pv.URL
	put(Value{Name: CredentialProvider, Value: provider})
	put(Value{Name: ProviderARN, Value: pv.ARN})
	put(Value{Name: ProviderCallback, Value: callback, Kind: KindURL})

	// The outbound pool must know where AgentCore Identity receives codes.
	rep.Progress("register the callback URL", 3, 3)
	if err := addCallbackURL(ctx, env, rep, in[IdentityPoolID], in[IdentityClientID], callback); err != nil {
		return res, err
	}

	path := filepath.Join(env.Dir, AgentDir, ToolkitConfigFile)
	doc, err := toolkitConfig(agent, env.Cloud.Region, filepath.Join(env.Dir, AgentDir), authorizer,
		provider, pv.ARN, callback, workload, wl.ARN, returnURL)
	if err != nil {
		return res, err
	}
	if err := atomicfile.Write(path, doc, 0o644); err != nil {
		return res, fmt.Errorf("write %s: %w", ToolkitConfigFile, err)
	}
	rep.Log("wrote %s", path)
	put(Value{Name: ConfigFile, Value: path, Kind: KindFile})
	put(Value{Name: ToolkitConfigFile, Value: string(doc), Kind: KindCode})
	_, err = updateEnvFile(env, rep, map[string]string{EnvWorkloadName: workload, CredentialProvider: provider})
	return res, err
}

// addCallbackURL appends url to a Cognito client's callback URLs.
// UpdateUserPoolClient resets every field it is not given, so the client's
// current settings are sent back with the one change.
func addCallbackURL(ctx context.Context, env *Env, rep Reporter, poolID, clientID, url string) error {
	cg := env.Cloud.Cognito
	d, err := cg.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})
	if err != nil {
		return fmt.Errorf("describe outbound client: %w", err)
	}
	cl := d.UserPoolClient
	if slices.Contains(cl.CallbackURLs, url) {
		rep.Log("callback URL already registered on client %s", clientID)
		return nil
	}
	rep.Log("UpdateUserPoolClient %s: add callback URL %s", clientID, url)
	_, err = cg.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{
		UserPoolId:                      cl.UserPoolId,
		ClientId:                        cl.ClientId,
		ClientName:                      cl.ClientName,
		CallbackURLs:                    append(slices.Clone(cl.CallbackURLs), url),
		LogoutURLs:                      cl.LogoutURLs,
		AllowedOAuthFlows:               cl.AllowedOAuthFlows,
		AllowedOAuthScopes:              cl.AllowedOAuthScopes,
		AllowedOAuthFlowsUserPoolClient: aws.ToBool(cl.AllowedOAuthFlowsUserPoolClient),
		SupportedIdentityProviders:      cl.SupportedIdentityProviders,
		ExplicitAuthFlows:               cl.ExplicitAuthFlows,
		AccessTokenValidity:             cl.AccessTokenValidity,
		IdTokenValidity:                 cl.IdTokenValidity,
		RefreshTokenValidity:            cl.RefreshTokenValidity,
		TokenValidityUnits:              cl.TokenValidityUnits,
		ReadAttributes:                  cl.ReadAttributes,
		WriteAttributes:                 cl.WriteAttributes,
		PreventUserExistenceErrors:      cl.PreventUserExistenceErrors,
		EnableTokenRevocation:           cl.EnableTokenRevocation,
	})
	if err != nil {
		return fmt.Errorf("register callback URL on the outbound client: %w", err)
	}
	return nil
}

// toolkitConfig renders .bedrock_agentcore.yaml in the starter toolkit's
// schema, so the same project can be taken over with `agentcore launch`.
func toolkitConfig(agent, region, source string, authorizer map[string]any, provider, providerARN, callback, workload, workloadARN, returnURL string) ([]byte, error) {
	type node = map[string]any
	doc := node{
		"default_agent": agent,
		"agents": node{agent: node{
			"name":            agent,
			"language":        "python",
			"entrypoint":      "agent.py",
			"deployment_type": "container",
			"platform":        "linux/arm64",
			"source_path":     source,
			"aws": node{
				"execution_role_auto_create": true,
				"region":                     region,
				"ecr_auto_create":            true,
				"network_configuration":      node{"network_mode": "PUBLIC"},
				"protocol_configuration":     node{"server_protocol": "HTTP"},
				"observability":              node{"enabled": true},
			},
			"bedrock_agentcore":        node{"agent_id": nil, "agent_arn": nil, "agent_session_id": nil},
			"memory":                   node{"mode": "NO_MEMORY"},
			"authorizer_configuration": authorizer,
			"identity": node{
				"credential_providers": []node{{"name": provider, "arn": providerARN, "type": "cognito", "callback_url": callback}},
				"workload":             node{"name": workload, "arn": workloadARN, "return_urls": []string{returnURL}},
			},
		}},
	}
	b, err := yaml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", ToolkitConfigFile, err)
	}
	return b, nil
}
