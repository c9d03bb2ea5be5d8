package agentcore

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/awswire"
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

// sub decodes a raw member, recording a CannotParse-style field error.
func sub(v *validator, field string, raw json.RawMessage, dst any) bool {
	if len(raw) == 0 || string(raw) == "null" {
		return false
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		v.add(field, fmt.Sprintf("Value at '%s' could not be parsed: %v", field, err))
		return false
	}
	return true
}

// validateRuntime checks a create/update body against the model's
// constraints. create adds the name and its pattern.
func validateRuntime(in *runtimeInput, create bool) (validated, *awswire.Error) {
	var v validator
	var out validated
	if create && v.required("agentRuntimeName", in.Name != nil) {
		v.pattern("agentRuntimeName", *in.Name, reRuntimeName, patRuntimeName)
	}
	if v.required("roleArn", in.RoleArn != nil) {
		if v.length("roleArn", *in.RoleArn, 1, 2048) {
			v.pattern("roleArn", *in.RoleArn, reRoleArn, patRoleArn)
		}
		out.cfg.RoleArn = *in.RoleArn
	}
	if in.ClientToken != nil && v.length("clientToken", *in.ClientToken, 33, 256) {
		v.pattern("clientToken", *in.ClientToken, reClientToken, patClientToken)
	}
	if in.Description != nil {
		v.lengthSensitive("description", *in.Description, 1, 4096)
		out.cfg.Description = in.Description
	}

	var art artifactIn
	if v.required("agentRuntimeArtifact", len(in.Artifact) > 0 && string(in.Artifact) != "null") && sub(&v, "agentRuntimeArtifact", in.Artifact, &art) {
		switch {
		case art.Container != nil && art.Code != nil:
			v.add("agentRuntimeArtifact", "Value at 'agentRuntimeArtifact' failed to satisfy constraint: Member must have exactly one of containerConfiguration, codeConfiguration set")
		case art.Container != nil:
			if v.required("agentRuntimeArtifact.containerConfiguration.containerUri", art.Container.URI != nil) {
				f := "agentRuntimeArtifact.containerConfiguration.containerUri"
				if v.length(f, *art.Container.URI, 1, 1024) {
					v.pattern(f, *art.Container.URI, reContainerURI, patContainerURI)
				}
				out.containerURI = *art.Container.URI
			}
		case art.Code != nil:
			c := art.Code
			if v.required("agentRuntimeArtifact.codeConfiguration.code", c.Code != nil) {
				if v.required("agentRuntimeArtifact.codeConfiguration.code.s3", c.Code.S3 != nil) {
					// S3Location: bucket (pattern) and prefix (the object
					// key, 1..1024) are both required.
					s3 := c.Code.S3
					f := "agentRuntimeArtifact.codeConfiguration.code.s3"
					if v.required(f+".bucket", s3.Bucket != nil) {
						v.pattern(f+".bucket", *s3.Bucket, reS3Bucket, patS3Bucket)
					}
					if v.required(f+".prefix", s3.Prefix != nil) {
						v.length(f+".prefix", *s3.Prefix, 1, 1024)
					}
					if s3.VersionID != nil {
						v.length(f+".versionId", *s3.VersionID, 3, 1024)
					}
				}
			}
			if v.required("agentRuntimeArtifact.codeConfiguration.runtime", c.Runtime != nil) {
				v.oneOf("agentRuntimeArtifact.codeConfiguration.runtime", *c.Runtime, "PYTHON_3_10", "PYTHON_3_11", "PYTHON_3_12", "PYTHON_3_13", "PYTHON_3_14", "NODE_22")
			}
			v.count("agentRuntimeArtifact.codeConfiguration.entryPoint", len(c.EntryPoint), 1, 2)
			for _, ep := range c.EntryPoint {
				v.length("agentRuntimeArtifact.codeConfiguration.entryPoint.member", ep, 1, 128)
			}
		default:
			v.add("agentRuntimeArtifact", "Value at 'agentRuntimeArtifact' failed to satisfy constraint: Member must have exactly one of containerConfiguration, codeConfiguration set")
		}
		out.cfg.Artifact = in.Artifact
	}

	net := networkCfg{Mode: "PUBLIC"}
	if sub(&v, "networkConfiguration", in.Network, &net) {
		v.oneOf("networkConfiguration.networkMode", net.Mode, "PUBLIC", "VPC")
		if net.Mode == "VPC" && len(net.Config) == 0 {
			v.required("networkConfiguration.networkModeConfig", false)
		}
	}
	out.cfg.Network, _ = json.Marshal(net)

	life := lifecycleCfg{}
	if sub(&v, "lifecycleConfiguration", in.Lifecycle, &life) {
		for f, p := range map[string]*int{"lifecycleConfiguration.idleRuntimeSessionTimeout": life.Idle, "lifecycleConfiguration.maxLifetime": life.MaxLifetime} {
			if p != nil && (*p < 60 || *p > 1209600) {
				v.addValue(f, fmt.Sprint(*p), "Member must have value between 60 and 1209600, inclusive")
			}
		}
	}
	if life.Idle == nil {
		life.Idle = ptr(900)
	}
	if life.MaxLifetime == nil {
		life.MaxLifetime = ptr(28800)
	}
	out.cfg.Lifecycle, _ = json.Marshal(life)

	var proto protocolCfg
	if sub(&v, "protocolConfiguration", in.Protocol, &proto) {
		if v.required("protocolConfiguration.serverProtocol", proto.ServerProtocol != nil) {
			v.oneOf("protocolConfiguration.serverProtocol", *proto.ServerProtocol, "MCP", "HTTP", "A2A", "AGUI")
		}
		if proto.Port != nil && (*proto.Port < 8000 || *proto.Port > 12000 || *proto.Port == 8443) {
			v.addValue("protocolConfiguration.port", fmt.Sprint(*proto.Port), "Member must be between 8000 and 12000, excluding 8443")
		}
		out.cfg.Protocol = in.Protocol
	}

	var az authorizerCfg
	if sub(&v, "authorizerConfiguration", in.Authorizer, &az) {
		j := az.JWT
		if v.required("authorizerConfiguration.customJWTAuthorizer", j != nil) {
			if v.required("authorizerConfiguration.customJWTAuthorizer.discoveryUrl", j.DiscoveryURL != nil) {
				v.pattern("authorizerConfiguration.customJWTAuthorizer.discoveryUrl", *j.DiscoveryURL, reDiscoveryURL, patDiscoveryURL)
			}
			// The model bounds these lists only from below (min 1).
			for _, f := range []struct {
				name string
				list []string
			}{{"allowedAudience", j.AllowedAudience}, {"allowedClients", j.AllowedClients}, {"allowedScopes", j.AllowedScopes}} {
				if f.list != nil {
					v.minCount("authorizerConfiguration.customJWTAuthorizer."+f.name, len(f.list), 1)
				}
			}
			for _, sc := range j.AllowedScopes {
				if v.length("authorizerConfiguration.customJWTAuthorizer.allowedScopes.member", sc, 1, 255) {
					v.pattern("authorizerConfiguration.customJWTAuthorizer.allowedScopes.member", sc, reScope, patScope)
				}
			}
			// The sandbox does not evaluate customClaims; refusing them is
			// safer than accepting a rule it would silently not enforce.
			if len(j.CustomClaims) > 0 && string(j.CustomClaims) != "null" {
				v.add("authorizerConfiguration.customJWTAuthorizer.customClaims", "customClaims is not supported by the offline sandbox; use allowedClients, allowedAudience or allowedScopes")
			}
			if j.DiscoveryURL != nil {
				out.jwt = &authorizer.Rule{DiscoveryURL: *j.DiscoveryURL, AllowedClients: j.AllowedClients, AllowedAudience: j.AllowedAudience, AllowedScopes: j.AllowedScopes}
			}
		}
		out.cfg.Authorizer = in.Authorizer
	}

	var hc headerCfg
	if sub(&v, "requestHeaderConfiguration", in.RequestHeaders, &hc) {
		v.count("requestHeaderConfiguration.requestHeaderAllowlist", len(hc.Allowlist), 1, 20)
		for _, h := range hc.Allowlist {
			if v.length("requestHeaderConfiguration.requestHeaderAllowlist.member", h, 1, 256) {
				v.pattern("requestHeaderConfiguration.requestHeaderAllowlist.member", h, reHeaderName, patHeaderName)
			}
		}
		out.headerAllow = hc.Allowlist
		out.cfg.RequestHeaders = in.RequestHeaders
	}
	v.count("environmentVariables", len(in.Env), 0, 50)
	for k, val := range in.Env {
		v.lengthSensitive("environmentVariables.key", k, 1, 100)
		// Values may be secrets (the map is sensitive): state the limit only.
		if len([]rune(val)) > 5000 {
			v.add("environmentVariables.value", "Value at 'environmentVariables.value' failed to satisfy constraint: Member must have length less than or equal to 5000")
		}
	}
	v.tags("tags", in.Tags)
	out.cfg.Env = in.Env
	out.cfg.Filesystems, out.cfg.Capacity, out.cfg.Metadata = in.Filesystems, in.Capacity, in.Metadata
	return out, v.err()
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
func decodeRuntime(w http.ResponseWriter, r *http.Request, create bool) (*runtimeInput, validated, bool) {
	var in runtimeInput
	if e := decodeBody(r, &in); e != nil {
		writeErr(w, e)
		return nil, validated{}, false
	}
	val, e := validateRuntime(&in, create)
	if e != nil {
		writeErr(w, e)
		return nil, validated{}, false
	}
	return &in, val, true
}

func (s *Service) createRuntime(w http.ResponseWriter, r *http.Request) {
	in, val, ok := decodeRuntime(w, r, true)
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

func checkRuntimeID(id string) *awswire.Error {
	var v validator
	v.pattern("agentRuntimeId", id, reRuntimeID, patRuntimeID)
	return v.err()
}

// checkVersionQuery validates ?version= and requires it to be the current
// version (the sandbox keeps no history of earlier versions).
func checkVersionQuery(r *http.Request, rt *runtimeRec) *awswire.Error {
	q := r.URL.Query()
	if !q.Has("version") {
		return nil
	}
	ver := q.Get("version")
	var v validator
	v.pattern("agentRuntimeVersion", ver, reVersion, patVersion)
	if e := v.err(); e != nil {
		return e
	}
	if ver != rt.Version {
		return notFound("Version %s of AgentRuntime %s not found", ver, rt.ID)
	}
	return nil
}

func (s *Service) getRuntime(w http.ResponseWriter, r *http.Request, id string) {
	if e := checkRuntimeID(id); e != nil {
		writeErr(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.runtimeOrError(w, id)
	if !ok {
		return
	}
	if e := checkVersionQuery(r, rt); e != nil {
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
	if e := checkRuntimeID(id); e != nil {
		writeErr(w, e)
		return
	}
	_, val, ok := decodeRuntime(w, r, false)
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
	if e := checkRuntimeID(id); e != nil {
		writeErr(w, e)
		return
	}
	if ct := r.URL.Query().Get("clientToken"); ct != "" {
		var v validator
		if v.length("clientToken", ct, 33, 256) {
			v.pattern("clientToken", ct, reClientToken, patClientToken)
		}
		if e := v.err(); e != nil {
			writeErr(w, e)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.runtimeOrError(w, id)
	if !ok {
		return
	}
	if e := checkVersionQuery(r, rt); e != nil {
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
	max, e := maxResultsQuery(r, 100, 100)
	if e != nil {
		writeErr(w, e)
		return
	}
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
	var v validator
	v.pattern("agentRuntimeId", id, reRuntimeID, patRuntimeID)
	v.pattern("endpointName", name, reEndpointName, patEndpointName)
	if e := v.err(); e != nil {
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
	if e := checkRuntimeID(id); e != nil {
		writeErr(w, e)
		return
	}
	if _, e := maxResultsQuery(r, 100, 100); e != nil {
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
