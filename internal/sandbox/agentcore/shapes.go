package agentcore

import (
	"encoding/json"

	"agentcore-workshop/internal/sandbox/awswire"
)

// The control plane's output shapes (bedrock-agentcore-control
// 2023-06-05), built from the service's records by the handlers.

type workloadDetails struct {
	WorkloadIdentityArn string `json:"workloadIdentityArn"`
}

// runtimeSummaryOut answers CreateAgentRuntime and UpdateAgentRuntime.
type runtimeSummaryOut struct {
	AgentRuntimeArn         string          `json:"agentRuntimeArn"`
	AgentRuntimeID          string          `json:"agentRuntimeId"`
	AgentRuntimeVersion     string          `json:"agentRuntimeVersion"`
	CreatedAt               string          `json:"createdAt"`
	LastUpdatedAt           string          `json:"lastUpdatedAt,omitempty"` // Update only
	Status                  string          `json:"status"`
	WorkloadIdentityDetails workloadDetails `json:"workloadIdentityDetails"`
}

func runtimeSummary(rt runtimeRec, withUpdated bool) runtimeSummaryOut {
	out := runtimeSummaryOut{AgentRuntimeArn: rt.ARN, AgentRuntimeID: rt.ID, AgentRuntimeVersion: rt.Version,
		CreatedAt: isoTime(rt.CreatedAt), Status: rt.Status, WorkloadIdentityDetails: workloadDetails{rt.WorkloadARN}}
	if withUpdated {
		out.LastUpdatedAt = isoTime(rt.UpdatedAt)
	}
	return out
}

// runtimeOut answers GetAgentRuntime: the configuration echoed as sent.
type runtimeOut struct {
	AgentRuntimeArn               string            `json:"agentRuntimeArn"`
	AgentRuntimeName              string            `json:"agentRuntimeName"`
	AgentRuntimeID                string            `json:"agentRuntimeId"`
	AgentRuntimeVersion           string            `json:"agentRuntimeVersion"`
	CreatedAt                     string            `json:"createdAt"`
	LastUpdatedAt                 string            `json:"lastUpdatedAt"`
	RoleArn                       string            `json:"roleArn"`
	NetworkConfiguration          json.RawMessage   `json:"networkConfiguration"`
	Status                        string            `json:"status"`
	LifecycleConfiguration        json.RawMessage   `json:"lifecycleConfiguration"`
	WorkloadIdentityDetails       workloadDetails   `json:"workloadIdentityDetails"`
	AgentRuntimeArtifact          json.RawMessage   `json:"agentRuntimeArtifact"`
	FailureReason                 string            `json:"failureReason,omitempty"`
	Description                   *string           `json:"description,omitempty"`
	EnvironmentVariables          map[string]string `json:"environmentVariables,omitempty"`
	ProtocolConfiguration         json.RawMessage   `json:"protocolConfiguration,omitempty"`
	AuthorizerConfiguration       json.RawMessage   `json:"authorizerConfiguration,omitempty"`
	RequestHeaderConfiguration    json.RawMessage   `json:"requestHeaderConfiguration,omitempty"`
	MetadataConfiguration         json.RawMessage   `json:"metadataConfiguration,omitempty"`
	FilesystemConfigurations      json.RawMessage   `json:"filesystemConfigurations,omitempty"`
	CapacityProviderConfiguration json.RawMessage   `json:"capacityProviderConfiguration,omitempty"`
}

// present drops a member sent as JSON null, so it is left out of answers.
func present(raw json.RawMessage) json.RawMessage {
	if string(raw) == "null" {
		return nil
	}
	return raw
}

func runtimeDetail(rt runtimeRec) runtimeOut {
	c := rt.Config
	return runtimeOut{
		AgentRuntimeArn: rt.ARN, AgentRuntimeName: rt.Name, AgentRuntimeID: rt.ID, AgentRuntimeVersion: rt.Version,
		CreatedAt: isoTime(rt.CreatedAt), LastUpdatedAt: isoTime(rt.UpdatedAt), RoleArn: c.RoleArn,
		NetworkConfiguration: c.Network, Status: rt.Status, LifecycleConfiguration: c.Lifecycle,
		WorkloadIdentityDetails: workloadDetails{rt.WorkloadARN}, AgentRuntimeArtifact: c.Artifact,
		FailureReason: rt.FailureReason, Description: c.Description, EnvironmentVariables: c.Env,
		ProtocolConfiguration: present(c.Protocol), AuthorizerConfiguration: present(c.Authorizer),
		RequestHeaderConfiguration: present(c.RequestHeaders), MetadataConfiguration: present(c.Metadata),
		FilesystemConfigurations: present(c.Filesystems), CapacityProviderConfiguration: present(c.Capacity),
	}
}

// deleteRuntimeOut answers DeleteAgentRuntime. The model documents
// agentRuntimeVersion as present only when a single version was deleted
// (?version=); deleting the runtime omits it.
type deleteRuntimeOut struct {
	Status              string `json:"status"`
	AgentRuntimeID      string `json:"agentRuntimeId"`
	AgentRuntimeVersion string `json:"agentRuntimeVersion,omitempty"`
}

type runtimeItem struct {
	AgentRuntimeArn     string `json:"agentRuntimeArn"`
	AgentRuntimeID      string `json:"agentRuntimeId"`
	AgentRuntimeVersion string `json:"agentRuntimeVersion"`
	AgentRuntimeName    string `json:"agentRuntimeName"`
	Description         string `json:"description"`
	LastUpdatedAt       string `json:"lastUpdatedAt"`
	Status              string `json:"status"`
}

type listRuntimesOut struct {
	AgentRuntimes []runtimeItem `json:"agentRuntimes"`
	NextToken     string        `json:"nextToken,omitempty"`
}

// endpointOut describes the implicit DEFAULT endpoint, which follows its
// runtime.
type endpointOut struct {
	Name                    string `json:"name"`
	ID                      string `json:"id"`
	AgentRuntimeEndpointArn string `json:"agentRuntimeEndpointArn"`
	AgentRuntimeArn         string `json:"agentRuntimeArn"`
	Status                  string `json:"status"`
	CreatedAt               string `json:"createdAt"`
	LastUpdatedAt           string `json:"lastUpdatedAt"`
	LiveVersion             string `json:"liveVersion,omitempty"`
	TargetVersion           string `json:"targetVersion,omitempty"` // while CREATING or UPDATING
	FailureReason           string `json:"failureReason,omitempty"`
}

func defaultEndpoint(rt runtimeRec) endpointOut {
	out := endpointOut{Name: "DEFAULT", ID: rt.EndpointID, AgentRuntimeEndpointArn: rt.ARN + "/runtime-endpoint/DEFAULT",
		AgentRuntimeArn: rt.ARN, Status: rt.Status, CreatedAt: isoTime(rt.CreatedAt), LastUpdatedAt: isoTime(rt.UpdatedAt),
		LiveVersion: rt.LiveVersion, FailureReason: rt.FailureReason}
	if rt.Status == statusCreating || rt.Status == statusUpdating {
		out.TargetVersion = rt.Version
	}
	return out
}

type listEndpointsOut struct {
	RuntimeEndpoints []endpointOut `json:"runtimeEndpoints"`
}

// workloadOut answers the workload identity operations; Get and Update
// add the times.
type workloadOut struct {
	Name                            string   `json:"name"`
	WorkloadIdentityArn             string   `json:"workloadIdentityArn"`
	AllowedResourceOauth2ReturnUrls []string `json:"allowedResourceOauth2ReturnUrls,omitempty"`
	CreatedTime                     *float64 `json:"createdTime,omitempty"`
	LastUpdatedTime                 *float64 `json:"lastUpdatedTime,omitempty"`
}

func workloadAnswer(wl workloadRec, times bool) workloadOut {
	out := workloadOut{Name: wl.Name, WorkloadIdentityArn: wl.ARN, AllowedResourceOauth2ReturnUrls: wl.ReturnURLs}
	if times {
		out.CreatedTime, out.LastUpdatedTime = ptr(awswire.Epoch(wl.Created)), ptr(awswire.Epoch(wl.Updated))
	}
	return out
}

// workloadItem is WorkloadIdentityType: name and ARN only; the return URLs
// are Get's business.
type workloadItem struct {
	Name                string `json:"name"`
	WorkloadIdentityArn string `json:"workloadIdentityArn"`
}

type listWorkloadsOut struct {
	WorkloadIdentities []workloadItem `json:"workloadIdentities"`
	NextToken          string         `json:"nextToken,omitempty"`
}

type secretArnOut struct {
	SecretArn string `json:"secretArn"`
}

type discoveryOut struct {
	DiscoveryURL                string              `json:"discoveryUrl,omitempty"`
	AuthorizationServerMetadata *AuthServerMetadata `json:"authorizationServerMetadata,omitempty"`
}

type providerConfigOut struct {
	OauthDiscovery discoveryOut `json:"oauthDiscovery"`
	ClientID       string       `json:"clientId,omitempty"`
}

// providerOut answers the OAuth2 credential provider operations; Get adds
// the vendor and times.
type providerOut struct {
	ClientSecretArn            secretArnOut                 `json:"clientSecretArn"`
	Name                       string                       `json:"name"`
	CredentialProviderArn      string                       `json:"credentialProviderArn"`
	CallbackURL                string                       `json:"callbackUrl"`
	Oauth2ProviderConfigOutput map[string]providerConfigOut `json:"oauth2ProviderConfigOutput"`
	Status                     string                       `json:"status"`
	CredentialProviderVendor   string                       `json:"credentialProviderVendor,omitempty"`
	CreatedTime                *float64                     `json:"createdTime,omitempty"`
	LastUpdatedTime            *float64                     `json:"lastUpdatedTime,omitempty"`
}

func providerAnswer(p providerRec, full bool) providerOut {
	cfg := providerConfigOut{ClientID: p.ClientID}
	if p.DiscoveryURL != "" {
		cfg.OauthDiscovery.DiscoveryURL = p.DiscoveryURL
	} else {
		cfg.OauthDiscovery.AuthorizationServerMetadata = p.Metadata
	}
	out := providerOut{ClientSecretArn: secretArnOut{p.SecretARN}, Name: p.Name, CredentialProviderArn: p.ARN,
		CallbackURL: p.CallbackURL, Oauth2ProviderConfigOutput: map[string]providerConfigOut{p.ConfigMember: cfg}, Status: "READY"}
	if full {
		out.CredentialProviderVendor = p.Vendor
		out.CreatedTime, out.LastUpdatedTime = ptr(epochMillis(p.Created)), ptr(epochMillis(p.Updated))
	}
	return out
}

// epochMillis is a provider's unix-millisecond time as epoch seconds.
func epochMillis(ms int64) float64 { return float64(ms) / 1000 }

type providerItem struct {
	Name                     string  `json:"name"`
	CredentialProviderVendor string  `json:"credentialProviderVendor"`
	CredentialProviderArn    string  `json:"credentialProviderArn"`
	CreatedTime              float64 `json:"createdTime"`
	LastUpdatedTime          float64 `json:"lastUpdatedTime"`
}

type listProvidersOut struct {
	CredentialProviders []providerItem `json:"credentialProviders"`
	NextToken           string         `json:"nextToken,omitempty"`
}

type kmsConfigurationOut struct {
	KeyType string `json:"keyType"`
}

type tokenVaultOut struct {
	TokenVaultID     string              `json:"tokenVaultId"`
	KmsConfiguration kmsConfigurationOut `json:"kmsConfiguration"`
	LastModifiedDate float64             `json:"lastModifiedDate"`
}
