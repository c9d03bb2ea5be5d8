package agentcore

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/model"
)

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

// validated is what a valid runtimeInput yields besides its config.
type validated struct {
	cfg          runtimeConfig
	containerURI string
	jwt          *authorizer.Rule
	headerAllow  []string
}

// sub decodes a raw member the model has already checked; absent or null
// leaves dst as it is.
func sub(raw json.RawMessage, dst any) bool {
	if len(raw) == 0 || string(raw) == "null" {
		return false
	}
	return json.Unmarshal(raw, dst) == nil
}

// runtimeConfigOf turns a create/update body the model accepted into the
// runtime's configuration, checking the rules the model cannot express:
// a VPC network needs its configuration, the port range, and the JWT
// authorizer's customClaims, which the sandbox does not evaluate.
func runtimeConfigOf(in *runtimeInput) (validated, model.Violations) {
	var vs model.Violations
	out := validated{cfg: runtimeConfig{Description: in.Description, Artifact: in.Artifact, Env: in.Env,
		Filesystems: in.Filesystems, Capacity: in.Capacity, Metadata: in.Metadata}}
	if in.RoleArn != nil {
		out.cfg.RoleArn = *in.RoleArn
	}
	var art artifactIn
	if sub(in.Artifact, &art) && art.Container != nil && art.Container.URI != nil {
		out.containerURI = *art.Container.URI
	}

	net := networkCfg{Mode: "PUBLIC"}
	if sub(in.Network, &net) && net.Mode == "VPC" && len(net.Config) == 0 {
		vs.AddNull("networkConfiguration.networkModeConfig")
	}
	out.cfg.Network, _ = json.Marshal(net)

	life := lifecycleCfg{}
	sub(in.Lifecycle, &life)
	if life.Idle == nil {
		life.Idle = ptr(900)
	}
	if life.MaxLifetime == nil {
		life.MaxLifetime = ptr(28800)
	}
	out.cfg.Lifecycle, _ = json.Marshal(life)

	var proto protocolCfg
	if sub(in.Protocol, &proto) {
		if proto.Port != nil && (*proto.Port < 8000 || *proto.Port > 12000 || *proto.Port == 8443) {
			vs.Add("protocolConfiguration.port", fmt.Sprint(*proto.Port), "Member must be between 8000 and 12000, excluding 8443")
		}
		out.cfg.Protocol = in.Protocol
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
			out.jwt = &authorizer.Rule{DiscoveryURL: *j.DiscoveryURL, AllowedClients: j.AllowedClients, AllowedAudience: j.AllowedAudience, AllowedScopes: j.AllowedScopes}
		}
		out.cfg.Authorizer = in.Authorizer
	}

	var hc headerCfg
	if sub(in.RequestHeaders, &hc) {
		out.headerAllow = hc.Allowlist
		out.cfg.RequestHeaders = in.RequestHeaders
	}
	return out, vs
}

func ptr[T any](v T) *T { return &v }

func (s *Service) runtimeARN(id string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:runtime/%s", s.d.Region, s.d.AccountID, id)
}

func (s *Service) workloadARN(name string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:workload-identity-directory/default/workload-identity/%s", s.d.Region, s.d.AccountID, name)
}

// settle advances rt's lifecycle to what the clock says it is by now. It
// reports whether rt changed; a runtime whose deletion finished is removed
// (rt.Status is then "" ). s.mu is held.
func (s *Service) settle(rt *runtimeRec, now time.Time) bool {
	switch rt.Status {
	case statusCreating, statusUpdating:
		if now.Before(rt.SettleAt) {
			return false
		}
		if rt.ContainerURI != "" && s.opt.ImageChecker != nil && !s.opt.ImageChecker(rt.ContainerURI) {
			if rt.Status == statusCreating {
				rt.Status = statusCreateFailed
			} else {
				rt.Status = statusUpdateFailed
			}
			rt.FailureReason = fmt.Sprintf("Failed to pull the container image %s: the specified image identifier does not exist in the repository. Push the image to Amazon ECR, then update the agent runtime.", rt.ContainerURI)
		} else {
			rt.Status, rt.FailureReason, rt.LiveVersion = statusReady, "", rt.Version
		}
		rt.UpdatedAt = rt.SettleAt
		return true
	case statusDeleting:
		if now.Before(rt.GoneAt) {
			return false
		}
		delete(s.st.Runtimes, rt.ID)
		if w, ok := s.st.Workloads[rt.Workload]; ok && w.ARN == rt.WorkloadARN {
			delete(s.st.Workloads, rt.Workload)
		}
		rt.Status = ""
		s.stopAgent(rt.ID)
		return true
	}
	return false
}

// lookupRuntime returns a settled runtime by id, or nil. s.mu is held.
func (s *Service) lookupRuntime(id string) (*runtimeRec, error) {
	rt := s.st.Runtimes[id]
	if rt == nil {
		return nil, nil
	}
	if s.settle(rt, s.now()) {
		if err := s.save(); err != nil {
			return nil, err
		}
		if rt.Status == "" {
			return nil, nil
		}
	}
	return rt, nil
}

// runtimeOrError looks a runtime up for a handler, answering the error
// itself (not found, or the store failing) when there is none. s.mu is held.
func (s *Service) runtimeOrError(w http.ResponseWriter, id string) (*runtimeRec, bool) {
	rt, err := s.lookupRuntime(id)
	if err != nil {
		writeErr(w, internalErr(err))
		return nil, false
	}
	if rt == nil {
		writeErr(w, runtimeNotFound(id))
		return nil, false
	}
	return rt, true
}

// settleAll settles every runtime. s.mu is held.
func (s *Service) settleAll() error {
	changed := false
	now := s.now()
	// settle may delete the entry being visited, which a Go map range allows.
	for _, rt := range s.st.Runtimes {
		changed = s.settle(rt, now) || changed
	}
	if changed {
		return s.save()
	}
	return nil
}

func runtimeNotFound(id string) *awswire.Error {
	return notFound("AgentRuntime not found: %s", id)
}

// decodeRuntime reads and validates a create or update body, answering the
// error itself when it is refused.
func decodeRuntime(w http.ResponseWriter, r *http.Request, op string, uri map[string]string) (*runtimeInput, validated, bool) {
	var in runtimeInput
	vs, e := readInput(r, model.AgentCoreControl, op, uri, &in)
	if e != nil {
		writeErr(w, e)
		return nil, validated{}, false
	}
	val, extra := runtimeConfigOf(&in)
	if e := validationErr(append(vs, extra...)); e != nil {
		writeErr(w, e)
		return nil, validated{}, false
	}
	return &in, val, true
}

func (s *Service) createRuntime(w http.ResponseWriter, r *http.Request) {
	in, val, ok := decodeRuntime(w, r, "CreateAgentRuntime", nil)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.settleAll(); err != nil {
		writeErr(w, internalErr(err))
		return
	}
	for _, rt := range s.st.Runtimes {
		if rt.Name != *in.Name {
			continue
		}
		if in.ClientToken != nil && rt.ClientToken == *in.ClientToken {
			s.writeRuntimeSummary(w, http.StatusAccepted, rt, false) // idempotent retry
			return
		}
		writeErr(w, conflict("An agent runtime with the name '%s' already exists (id %s).", rt.Name, rt.ID))
		return
	}
	now := s.now()
	id := *in.Name + "-" + randomAlnum(10)
	rt := &runtimeRec{
		ID: id, Name: *in.Name, ARN: s.runtimeARN(id), Version: "1",
		Config: val.cfg, ContainerURI: val.containerURI, JWT: val.jwt, HeaderAllow: val.headerAllow,
		Status: statusCreating, CreatedAt: now, UpdatedAt: now,
		SettleAt: now.Add(time.Duration(s.d.Delays.RuntimeReady) * time.Millisecond),
		Workload: id, WorkloadARN: s.workloadARN(id), EndpointID: "DEFAULT-" + randomAlnum(10),
	}
	if in.ClientToken != nil {
		rt.ClientToken = *in.ClientToken
	}
	s.st.Runtimes[id] = rt
	if _, exists := s.st.Workloads[id]; !exists {
		s.st.Workloads[id] = &workloadRec{Name: id, ARN: rt.WorkloadARN, Created: now, Updated: now}
	}
	if err := s.save(); err != nil {
		writeErr(w, internalErr(err))
		return
	}
	s.log.Info("agentcore: runtime created", "id", id, "jwt", rt.JWT != nil)
	s.writeRuntimeSummary(w, http.StatusAccepted, rt, false)
}

// writeRuntimeSummary answers Create/Update.
func (s *Service) writeRuntimeSummary(w http.ResponseWriter, status int, rt *runtimeRec, withUpdated bool) {
	out := map[string]any{
		"agentRuntimeArn": rt.ARN, "agentRuntimeId": rt.ID, "agentRuntimeVersion": rt.Version,
		"createdAt": isoTime(rt.CreatedAt), "status": rt.Status,
		"workloadIdentityDetails": map[string]string{"workloadIdentityArn": rt.WorkloadARN},
	}
	if withUpdated {
		out["lastUpdatedAt"] = isoTime(rt.UpdatedAt)
	}
	awswire.WriteJSON(w, awswire.RestJSON, status, out)
}

// checkVersion requires ?version=, when given, to be the current version
// (the sandbox keeps no history of earlier versions).
func checkVersion(r *http.Request, rt *runtimeRec) *awswire.Error {
	if q := r.URL.Query(); q.Has("version") && q.Get("version") != rt.Version {
		return notFound("Version %s of AgentRuntime %s not found", q.Get("version"), rt.ID)
	}
	return nil
}

func (s *Service) getRuntime(w http.ResponseWriter, r *http.Request, id string) {
	if e := readValid(r, model.AgentCoreControl, "GetAgentRuntime", map[string]string{"agentRuntimeId": id}, nil); e != nil {
		writeErr(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.runtimeOrError(w, id)
	if !ok {
		return
	}
	if e := checkVersion(r, rt); e != nil {
		writeErr(w, e)
		return
	}
	c := rt.Config
	out := map[string]any{
		"agentRuntimeArn": rt.ARN, "agentRuntimeName": rt.Name, "agentRuntimeId": rt.ID,
		"agentRuntimeVersion": rt.Version, "createdAt": isoTime(rt.CreatedAt), "lastUpdatedAt": isoTime(rt.UpdatedAt),
		"roleArn": c.RoleArn, "networkConfiguration": c.Network, "status": rt.Status,
		"lifecycleConfiguration":  c.Lifecycle,
		"workloadIdentityDetails": map[string]string{"workloadIdentityArn": rt.WorkloadARN},
		"agentRuntimeArtifact":    c.Artifact,
	}
	if rt.FailureReason != "" {
		out["failureReason"] = rt.FailureReason
	}
	if c.Description != nil {
		out["description"] = *c.Description
	}
	if len(c.Env) > 0 {
		out["environmentVariables"] = c.Env
	}
	for k, raw := range map[string]json.RawMessage{
		"protocolConfiguration": c.Protocol, "authorizerConfiguration": c.Authorizer,
		"requestHeaderConfiguration": c.RequestHeaders, "metadataConfiguration": c.Metadata,
		"filesystemConfigurations": c.Filesystems, "capacityProviderConfiguration": c.Capacity,
	} {
		if len(raw) > 0 && string(raw) != "null" {
			out[k] = raw
		}
	}
	awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, out)
}

func (s *Service) updateRuntime(w http.ResponseWriter, r *http.Request, id string) {
	_, val, ok := decodeRuntime(w, r, "UpdateAgentRuntime", map[string]string{"agentRuntimeId": id})
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.runtimeOrError(w, id)
	if !ok {
		return
	}
	switch rt.Status {
	case statusCreating, statusUpdating, statusDeleting:
		writeErr(w, conflict("AgentRuntime %s is %s; wait until it settles before updating it.", id, rt.Status))
		return
	}
	var n int
	fmt.Sscan(rt.Version, &n)
	now := s.now()
	rt.Version = fmt.Sprint(n + 1)
	rt.Config, rt.ContainerURI, rt.JWT, rt.HeaderAllow = val.cfg, val.containerURI, val.jwt, val.headerAllow
	rt.Status, rt.FailureReason, rt.UpdatedAt = statusUpdating, "", now
	rt.SettleAt = now.Add(time.Duration(s.d.Delays.RuntimeReady) * time.Millisecond)
	if err := s.save(); err != nil {
		writeErr(w, internalErr(err))
		return
	}
	s.writeRuntimeSummary(w, http.StatusAccepted, rt, true)
}

func (s *Service) deleteRuntime(w http.ResponseWriter, r *http.Request, id string) {
	if e := readValid(r, model.AgentCoreControl, "DeleteAgentRuntime", map[string]string{"agentRuntimeId": id}, nil); e != nil {
		writeErr(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.runtimeOrError(w, id)
	if !ok {
		return
	}
	if e := checkVersion(r, rt); e != nil {
		writeErr(w, e)
		return
	}
	if rt.Status != statusDeleting {
		now := s.now()
		rt.Status, rt.UpdatedAt = statusDeleting, now
		rt.GoneAt = now.Add(time.Duration(s.d.Delays.RuntimeDelete) * time.Millisecond)
		if err := s.save(); err != nil {
			writeErr(w, internalErr(err))
			return
		}
	}
	out := map[string]any{"status": rt.Status, "agentRuntimeId": rt.ID}
	// The model documents agentRuntimeVersion as present only when a single
	// version was deleted (?version=); deleting the runtime omits it.
	if r.URL.Query().Has("version") {
		out["agentRuntimeVersion"] = rt.Version
	}
	awswire.WriteJSON(w, awswire.RestJSON, http.StatusAccepted, out)
}

func (s *Service) listRuntimes(w http.ResponseWriter, r *http.Request) {
	if e := readValid(r, model.AgentCoreControl, "ListAgentRuntimes", nil, nil); e != nil {
		writeErr(w, e)
		return
	}
	max := maxResultsQuery(r, 100)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.settleAll(); err != nil {
		writeErr(w, internalErr(err))
		return
	}
	writeList(w, s.st.Runtimes, max, r.URL.Query().Get("nextToken"), "agentRuntimes", func(rt *runtimeRec) map[string]any {
		return map[string]any{
			"agentRuntimeArn": rt.ARN, "agentRuntimeId": rt.ID, "agentRuntimeVersion": rt.Version,
			"agentRuntimeName": rt.Name, "description": deref(rt.Config.Description), "lastUpdatedAt": isoTime(rt.UpdatedAt), "status": rt.Status,
		}
	})
}

// endpointOut describes the implicit DEFAULT endpoint, which follows its runtime.
func endpointOut(rt *runtimeRec) map[string]any {
	out := map[string]any{
		"name": "DEFAULT", "id": rt.EndpointID, "agentRuntimeEndpointArn": rt.ARN + "/runtime-endpoint/DEFAULT",
		"agentRuntimeArn": rt.ARN, "status": rt.Status, "createdAt": isoTime(rt.CreatedAt), "lastUpdatedAt": isoTime(rt.UpdatedAt),
	}
	if rt.LiveVersion != "" {
		out["liveVersion"] = rt.LiveVersion
	}
	if rt.Status == statusCreating || rt.Status == statusUpdating {
		out["targetVersion"] = rt.Version
	}
	if rt.FailureReason != "" {
		out["failureReason"] = rt.FailureReason
	}
	return out
}

func (s *Service) getEndpoint(w http.ResponseWriter, r *http.Request, id, name string) {
	if e := readValid(r, model.AgentCoreControl, "GetAgentRuntimeEndpoint", map[string]string{"agentRuntimeId": id, "endpointName": name}, nil); e != nil {
		writeErr(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.runtimeOrError(w, id)
	if !ok {
		return
	}
	if name != "DEFAULT" {
		writeErr(w, notFound("AgentRuntimeEndpoint not found: %s (runtime %s)", name, id))
		return
	}
	awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, endpointOut(rt))
}

func (s *Service) listEndpoints(w http.ResponseWriter, r *http.Request, id string) {
	if e := readValid(r, model.AgentCoreControl, "ListAgentRuntimeEndpoints", map[string]string{"agentRuntimeId": id}, nil); e != nil {
		writeErr(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.runtimeOrError(w, id)
	if !ok {
		return
	}
	awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, map[string]any{"runtimeEndpoints": []any{endpointOut(rt)}})
}
