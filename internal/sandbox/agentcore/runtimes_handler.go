package agentcore

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/model"
)

// The agent runtime operations' wire: decode and validate each request,
// call the service, encode its output shape.

// runtimeInput is CreateAgentRuntime's and UpdateAgentRuntime's body.
type runtimeInput struct {
	Name           *string           `json:"agentRuntimeName"`
	Artifact       json.RawMessage   `json:"agentRuntimeArtifact"`
	RoleArn        *string           `json:"roleArn"`
	Network        json.RawMessage   `json:"networkConfiguration"`
	ClientToken    *string           `json:"clientToken"`
	Description    *string           `json:"description"`
	Authorizer     json.RawMessage   `json:"authorizerConfiguration"`
	RequestHeaders json.RawMessage   `json:"requestHeaderConfiguration"`
	Protocol       json.RawMessage   `json:"protocolConfiguration"`
	Lifecycle      json.RawMessage   `json:"lifecycleConfiguration"`
	Env            map[string]string `json:"environmentVariables"`
	Filesystems    json.RawMessage   `json:"filesystemConfigurations"`
	Capacity       json.RawMessage   `json:"capacityProviderConfiguration"`
	Metadata       json.RawMessage   `json:"metadataConfiguration"`
	Tags           map[string]string `json:"tags"`
}

type artifactIn struct {
	Container *struct {
		URI *string `json:"containerUri"`
	} `json:"containerConfiguration"`
	Code *struct {
		Code *struct {
			S3 *struct {
				Bucket    *string `json:"bucket"`
				Prefix    *string `json:"prefix"`
				VersionID *string `json:"versionId"`
			} `json:"s3"`
		} `json:"code"`
		Runtime    *string  `json:"runtime"`
		EntryPoint []string `json:"entryPoint"`
	} `json:"codeConfiguration"`
}

type networkCfg struct {
	Mode   string          `json:"networkMode"`
	Config json.RawMessage `json:"networkModeConfig,omitempty"`
}

type lifecycleCfg struct {
	Idle        *int `json:"idleRuntimeSessionTimeout,omitempty"`
	MaxLifetime *int `json:"maxLifetime,omitempty"`
}

type protocolCfg struct {
	ServerProtocol *string `json:"serverProtocol"`
	Path           *string `json:"path"`
	Port           *int    `json:"port"`
}

type authorizerCfg struct {
	JWT *struct {
		DiscoveryURL    *string         `json:"discoveryUrl"`
		AllowedAudience []string        `json:"allowedAudience"`
		AllowedClients  []string        `json:"allowedClients"`
		AllowedScopes   []string        `json:"allowedScopes"`
		CustomClaims    json.RawMessage `json:"customClaims"`
	} `json:"customJWTAuthorizer"`
}

type headerCfg struct {
	Allowlist []string `json:"requestHeaderAllowlist"`
}

// sub decodes a raw member the model has already checked; absent or null
// leaves dst as it is.
func sub(raw json.RawMessage, dst any) bool {
	if len(raw) == 0 || string(raw) == "null" {
		return false
	}
	return json.Unmarshal(raw, dst) == nil
}

// runtimeSpecOf turns a create/update body the model accepted into the
// runtime's spec, checking the rules the model cannot express:
// a VPC network needs its configuration, the port range, and the JWT
// authorizer's customClaims, which the sandbox does not evaluate.
func runtimeSpecOf(in *runtimeInput) (runtimeSpec, model.Violations) {
	var vs model.Violations
	out := runtimeSpec{Name: deref(in.Name), ClientToken: deref(in.ClientToken), Config: runtimeConfig{RoleArn: deref(in.RoleArn),
		Description: in.Description, Artifact: in.Artifact, Env: in.Env, Filesystems: in.Filesystems, Capacity: in.Capacity, Metadata: in.Metadata}}
	var art artifactIn
	if sub(in.Artifact, &art) && art.Container != nil && art.Container.URI != nil {
		out.ContainerURI = *art.Container.URI
	}

	net := networkCfg{Mode: "PUBLIC"}
	if sub(in.Network, &net) && net.Mode == "VPC" && len(net.Config) == 0 {
		vs.AddNull("networkConfiguration.networkModeConfig")
	}
	out.Config.Network, _ = json.Marshal(net)

	life := lifecycleCfg{}
	sub(in.Lifecycle, &life)
	if life.Idle == nil {
		life.Idle = ptr(900)
	}
	if life.MaxLifetime == nil {
		life.MaxLifetime = ptr(28800)
	}
	out.Config.Lifecycle, _ = json.Marshal(life)

	var proto protocolCfg
	if sub(in.Protocol, &proto) {
		if proto.Port != nil && (*proto.Port < 8000 || *proto.Port > 12000 || *proto.Port == 8443) {
			vs.Add("protocolConfiguration.port", fmt.Sprint(*proto.Port), "Member must be between 8000 and 12000, excluding 8443")
		}
		out.Config.Protocol = in.Protocol
	}

	var az authorizerCfg
	if sub(in.Authorizer, &az) && az.JWT != nil {
		j := az.JWT
		// Refusing customClaims is safer than accepting a rule the sandbox
		// would silently not enforce.
		if len(j.CustomClaims) > 0 && string(j.CustomClaims) != "null" {
			vs = append(vs, model.Violation{Path: "authorizerConfiguration.customJWTAuthorizer.customClaims",
				Message: "customClaims is not supported by the offline sandbox; use allowedClients, allowedAudience or allowedScopes"})
		}
		if j.DiscoveryURL != nil {
			out.JWT = &authorizer.Rule{DiscoveryURL: *j.DiscoveryURL, AllowedClients: j.AllowedClients, AllowedAudience: j.AllowedAudience, AllowedScopes: j.AllowedScopes}
		}
		out.Config.Authorizer = in.Authorizer
	}

	var hc headerCfg
	if sub(in.RequestHeaders, &hc) {
		out.HeaderAllow = hc.Allowlist
		out.Config.RequestHeaders = in.RequestHeaders
	}
	return out, vs
}

// decodeRuntime reads and validates a create or update body into a spec,
// answering the error itself when it is refused.
func decodeRuntime(w http.ResponseWriter, r *http.Request, op string) (runtimeSpec, bool) {
	var in runtimeInput
	vs, e := readInput(r, model.AgentCoreControl, op, &in)
	if e != nil {
		writeErr(w, e)
		return runtimeSpec{}, false
	}
	spec, extra := runtimeSpecOf(&in)
	if e := awswire.RESTInvalid(append(vs, extra...)); e != nil {
		writeErr(w, e)
		return runtimeSpec{}, false
	}
	return spec, true
}

func (s *Service) createRuntime(w http.ResponseWriter, r *http.Request) {
	spec, ok := decodeRuntime(w, r, "CreateAgentRuntime")
	if !ok {
		return
	}
	rt, err := s.CreateAgentRuntime(spec)
	answer(w, http.StatusAccepted, func() any { return runtimeSummary(rt, false) }, err)
}

func (s *Service) getRuntime(w http.ResponseWriter, r *http.Request, id string) {
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, "GetAgentRuntime", nil); e != nil {
		writeErr(w, e)
		return
	}
	rt, err := s.GetAgentRuntime(id, versionQuery(r))
	answer(w, http.StatusOK, func() any { return runtimeDetail(rt) }, err)
}

func (s *Service) updateRuntime(w http.ResponseWriter, r *http.Request, id string) {
	spec, ok := decodeRuntime(w, r, "UpdateAgentRuntime")
	if !ok {
		return
	}
	rt, err := s.UpdateAgentRuntime(id, spec)
	answer(w, http.StatusAccepted, func() any { return runtimeSummary(rt, true) }, err)
}

func (s *Service) deleteRuntime(w http.ResponseWriter, r *http.Request, id string) {
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, "DeleteAgentRuntime", nil); e != nil {
		writeErr(w, e)
		return
	}
	version := versionQuery(r)
	rt, err := s.DeleteAgentRuntime(id, version)
	answer(w, http.StatusAccepted, func() any {
		out := deleteRuntimeOut{Status: rt.Status, AgentRuntimeID: rt.ID}
		if version != nil {
			out.AgentRuntimeVersion = rt.Version
		}
		return out
	}, err)
}

func (s *Service) listRuntimes(w http.ResponseWriter, r *http.Request) {
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, "ListAgentRuntimes", nil); e != nil {
		writeErr(w, e)
		return
	}
	rts, next, err := s.ListAgentRuntimes(maxResultsQuery(r, 100), r.URL.Query().Get("nextToken"))
	answer(w, http.StatusOK, func() any {
		out := listRuntimesOut{AgentRuntimes: make([]runtimeItem, 0, len(rts)), NextToken: next}
		for _, rt := range rts {
			out.AgentRuntimes = append(out.AgentRuntimes, runtimeItem{AgentRuntimeArn: rt.ARN, AgentRuntimeID: rt.ID,
				AgentRuntimeVersion: rt.Version, AgentRuntimeName: rt.Name, Description: deref(rt.Config.Description),
				LastUpdatedAt: isoTime(rt.UpdatedAt), Status: rt.Status})
		}
		return out
	}, err)
}

func (s *Service) getEndpoint(w http.ResponseWriter, r *http.Request, id, name string) {
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, "GetAgentRuntimeEndpoint", nil); e != nil {
		writeErr(w, e)
		return
	}
	rt, err := s.GetAgentRuntimeEndpoint(id, name)
	answer(w, http.StatusOK, func() any { return defaultEndpoint(rt) }, err)
}

func (s *Service) listEndpoints(w http.ResponseWriter, r *http.Request, id string) {
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, "ListAgentRuntimeEndpoints", nil); e != nil {
		writeErr(w, e)
		return
	}
	rt, err := s.GetAgentRuntime(id, nil)
	answer(w, http.StatusOK, func() any { return listEndpointsOut{RuntimeEndpoints: []endpointOut{defaultEndpoint(rt)}} }, err)
}

// versionQuery is the ?version= a Get or Delete names, or nil.
func versionQuery(r *http.Request) *string {
	if q := r.URL.Query(); q.Has("version") {
		return ptr(q.Get("version"))
	}
	return nil
}

// maxResultsQuery reads the maxResults query parameter the model has
// already checked; def when absent.
func maxResultsQuery(r *http.Request, def int) int {
	if n, err := strconv.Atoi(r.URL.Query().Get("maxResults")); err == nil {
		return n
	}
	return def
}

func ptr[T any](v T) *T { return &v }
