package gateway

import (
	"encoding/json"
	"fmt"
	"net/http"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
)

// The service's routes and each control-plane operation's wire: decode,
// validate, call the service, encode. The service's methods know nothing
// of HTTP.

// Register routes the service at the edge: signed requests under
// /gateways/ (the control plane, and SigV4 calls to an MCP endpoint), and
// the unsigned MCP endpoints and their protected-resource metadata by path.
func (s *Service) Register(e *edge.Edge) {
	e.Register(edge.Route{Name: "bedrock-agentcore-gateway", Protocol: awswire.RestJSON, SigningName: SigningName,
		PathPrefix: "/gateways", Handler: http.HandlerFunc(s.serveSigned)})
	e.HandlePath("/gateways/{id}/mcp", http.HandlerFunc(s.serveUnsigned))
	e.HandlePath("/gateways/", http.HandlerFunc(s.serveUnsigned))
	e.HandlePath("GET "+metadataPrefix+"/gateways/{id}/mcp", http.HandlerFunc(s.serveMetadata))
}

// serveSigned handles every SigV4-verified request under /gateways.
func (s *Service) serveSigned(w http.ResponseWriter, r *http.Request) {
	if _, ok := edge.RequireSigned(w, r, awswire.RestJSON); !ok {
		return
	}
	rt, ok := parsePath(r.URL.EscapedPath())
	if !ok {
		writeErr(w, unknownOperation(r))
		return
	}
	m := r.Method
	switch {
	case rt.mcp:
		s.serveMCP(w, r, rt.gateway, true)
	case rt.gateway == "" && m == http.MethodPost:
		s.createGateway(w, r)
	case rt.gateway == "" && m == http.MethodGet:
		s.listGateways(w, r)
	case rt.targets && m == http.MethodPost:
		s.createTarget(w, r, rt.gateway)
	case rt.targets && m == http.MethodGet:
		s.listTargets(w, r, rt.gateway)
	case rt.target != "" && m == http.MethodGet:
		s.getTarget(w, r, rt.gateway, rt.target)
	case rt.target != "" && m == http.MethodDelete:
		s.deleteTarget(w, r, rt.gateway, rt.target)
	case rt.gateway != "" && !rt.targets && rt.target == "" && m == http.MethodGet:
		s.getGateway(w, r, rt.gateway)
	case rt.gateway != "" && !rt.targets && rt.target == "" && m == http.MethodPut:
		s.updateGateway(w, r, rt.gateway)
	case rt.gateway != "" && !rt.targets && rt.target == "" && m == http.MethodDelete:
		s.deleteGateway(w, r, rt.gateway)
	default:
		writeErr(w, unknownOperation(r))
	}
}

// serveUnsigned handles /gateways/ requests without SigV4: only the MCP
// endpoints take bearer tokens; anything else needs a signature.
func (s *Service) serveUnsigned(w http.ResponseWriter, r *http.Request) {
	if rt, ok := parsePath(r.URL.EscapedPath()); ok && rt.mcp {
		s.serveMCP(w, r, rt.gateway, false)
		return
	}
	edge.RequireSigned(w, r, awswire.RestJSON)
}

// ---- gateways ----

// gatewayInput is CreateGateway's and UpdateGateway's body.
type gatewayInput struct {
	Name           *string           `json:"name"`
	Description    *string           `json:"description"`
	ClientToken    *string           `json:"clientToken"`
	RoleArn        *string           `json:"roleArn"`
	ProtocolType   *string           `json:"protocolType"`
	Protocol       json.RawMessage   `json:"protocolConfiguration"`
	AuthorizerType *string           `json:"authorizerType"`
	Authorizer     json.RawMessage   `json:"authorizerConfiguration"`
	KMSKeyArn      *string           `json:"kmsKeyArn"`
	Interceptors   json.RawMessage   `json:"interceptorConfigurations"`
	PolicyEngine   json.RawMessage   `json:"policyEngineConfiguration"`
	ExceptionLevel *string           `json:"exceptionLevel"`
	Transform      json.RawMessage   `json:"customTransformConfiguration"`
	WAF            json.RawMessage   `json:"wafConfiguration"`
	Tags           map[string]string `json:"tags"`
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

// present reports a member that was sent and is not null.
func present(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// unsupported is a violation for a member the sandbox does not emulate:
// refusing it is safer than accepting a rule it would silently not apply.
func unsupported(path, what string) model.Violation {
	return model.Violation{Path: path, Message: what + " is not supported by the offline sandbox"}
}

// gatewaySpecOf turns a body the model accepted into a spec, checking the
// rules the model cannot express.
func gatewaySpecOf(in *gatewayInput) (gatewaySpec, model.Violations) {
	var vs model.Violations
	spec := gatewaySpec{Name: deref(in.Name), ClientToken: deref(in.ClientToken), Config: gatewayConfig{
		Description: in.Description, RoleArn: deref(in.RoleArn), ProtocolType: deref(in.ProtocolType), AuthorizerType: deref(in.AuthorizerType),
		KMSKeyArn: in.KMSKeyArn, ExceptionLevel: deref(in.ExceptionLevel),
	}}
	if present(in.Protocol) {
		spec.Config.Protocol = in.Protocol
	}
	if present(in.Transform) {
		spec.Config.Transform = in.Transform
	}
	if present(in.WAF) {
		spec.Config.WAF = in.WAF
	}
	if present(in.Interceptors) {
		vs = append(vs, unsupported("interceptorConfigurations", "A Lambda interceptor"))
	}
	if present(in.PolicyEngine) {
		vs = append(vs, unsupported("policyEngineConfiguration", "A policy engine"))
	}
	switch spec.Config.AuthorizerType {
	case "CUSTOM_JWT":
		var az authorizerCfg
		if !present(in.Authorizer) || json.Unmarshal(in.Authorizer, &az) != nil || az.JWT == nil {
			vs.AddNull("authorizerConfiguration")
			break
		}
		j := az.JWT
		if present(j.CustomClaims) {
			vs = append(vs, unsupported("authorizerConfiguration.customJWTAuthorizer.customClaims",
				"customClaims (use allowedClients, allowedAudience or allowedScopes)"))
		}
		if j.DiscoveryURL != nil {
			spec.JWT = &authorizer.Rule{DiscoveryURL: *j.DiscoveryURL, AllowedClients: j.AllowedClients,
				AllowedAudience: j.AllowedAudience, AllowedScopes: j.AllowedScopes}
		}
		spec.Config.Authorizer = in.Authorizer
	case "AUTHENTICATE_ONLY":
		vs = append(vs, unsupported("authorizerType", "AUTHENTICATE_ONLY"))
	default: // AWS_IAM, NONE
		if present(in.Authorizer) {
			vs = append(vs, model.Violation{Path: "authorizerConfiguration",
				Message: "authorizerConfiguration is only valid when authorizerType is CUSTOM_JWT"})
		}
	}
	return spec, vs
}

func decodeGateway(w http.ResponseWriter, r *http.Request, op string) (gatewaySpec, bool) {
	var in gatewayInput
	vs, e := readInput(r, op, &in)
	if e != nil {
		writeErr(w, e)
		return gatewaySpec{}, false
	}
	spec, extra := gatewaySpecOf(&in)
	if e := awswire.RESTInvalid(append(vs, extra...)); e != nil {
		writeErr(w, e)
		return gatewaySpec{}, false
	}
	return spec, true
}

// gatewayOut answers CreateGateway, GetGateway and UpdateGateway.
type gatewayOut struct {
	GatewayArn                   string          `json:"gatewayArn"`
	GatewayID                    string          `json:"gatewayId"`
	GatewayURL                   string          `json:"gatewayUrl"`
	CreatedAt                    string          `json:"createdAt"`
	UpdatedAt                    string          `json:"updatedAt"`
	Status                       string          `json:"status"`
	Name                         string          `json:"name"`
	Description                  *string         `json:"description,omitempty"`
	RoleArn                      string          `json:"roleArn"`
	ProtocolType                 string          `json:"protocolType,omitempty"`
	ProtocolConfiguration        json.RawMessage `json:"protocolConfiguration,omitempty"`
	AuthorizerType               string          `json:"authorizerType"`
	AuthorizerConfiguration      json.RawMessage `json:"authorizerConfiguration,omitempty"`
	KMSKeyArn                    *string         `json:"kmsKeyArn,omitempty"`
	CustomTransformConfiguration json.RawMessage `json:"customTransformConfiguration,omitempty"`
	ExceptionLevel               string          `json:"exceptionLevel,omitempty"`
	WAFConfiguration             json.RawMessage `json:"wafConfiguration,omitempty"`
}

func (s *Service) gatewayOut(g gatewayRec) gatewayOut {
	c := g.Config
	return gatewayOut{GatewayArn: g.ARN, GatewayID: g.ID, GatewayURL: s.URL(g.ID), CreatedAt: isoTime(g.CreatedAt), UpdatedAt: isoTime(g.UpdatedAt),
		Status: g.Status, Name: g.Name, Description: c.Description, RoleArn: c.RoleArn, ProtocolType: c.ProtocolType,
		ProtocolConfiguration: c.Protocol, AuthorizerType: c.AuthorizerType, AuthorizerConfiguration: c.Authorizer, KMSKeyArn: c.KMSKeyArn,
		CustomTransformConfiguration: c.Transform, ExceptionLevel: c.ExceptionLevel, WAFConfiguration: c.WAF}
}

func (s *Service) createGateway(w http.ResponseWriter, r *http.Request) {
	spec, ok := decodeGateway(w, r, "CreateGateway")
	if !ok {
		return
	}
	g, err := s.CreateGateway(spec)
	answer(w, http.StatusAccepted, func() any { return s.gatewayOut(g) }, err)
}

func (s *Service) getGateway(w http.ResponseWriter, r *http.Request, id string) {
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, "GetGateway", nil); e != nil {
		writeErr(w, e)
		return
	}
	g, err := s.GetGateway(id)
	answer(w, http.StatusOK, func() any { return s.gatewayOut(g) }, err)
}

func (s *Service) updateGateway(w http.ResponseWriter, r *http.Request, id string) {
	spec, ok := decodeGateway(w, r, "UpdateGateway")
	if !ok {
		return
	}
	g, err := s.UpdateGateway(id, spec)
	answer(w, http.StatusAccepted, func() any { return s.gatewayOut(g) }, err)
}

func (s *Service) deleteGateway(w http.ResponseWriter, r *http.Request, id string) {
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, "DeleteGateway", nil); e != nil {
		writeErr(w, e)
		return
	}
	g, err := s.DeleteGateway(id)
	answer(w, http.StatusAccepted, func() any {
		return struct {
			GatewayID string `json:"gatewayId"`
			Status    string `json:"status"`
		}{g.ID, g.Status}
	}, err)
}

type gatewayItem struct {
	GatewayID      string  `json:"gatewayId"`
	Name           string  `json:"name"`
	Status         string  `json:"status"`
	Description    *string `json:"description,omitempty"`
	CreatedAt      string  `json:"createdAt"`
	UpdatedAt      string  `json:"updatedAt"`
	AuthorizerType string  `json:"authorizerType"`
	ProtocolType   string  `json:"protocolType,omitempty"`
}

func (s *Service) listGateways(w http.ResponseWriter, r *http.Request) {
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, "ListGateways", nil); e != nil {
		writeErr(w, e)
		return
	}
	gs, next, err := s.ListGateways(maxResultsQuery(r, 1000), r.URL.Query().Get("nextToken"))
	answer(w, http.StatusOK, func() any {
		out := struct {
			Items     []gatewayItem `json:"items"`
			NextToken string        `json:"nextToken,omitempty"`
		}{Items: make([]gatewayItem, 0, len(gs)), NextToken: next}
		for _, g := range gs {
			out.Items = append(out.Items, gatewayItem{GatewayID: g.ID, Name: g.Name, Status: g.Status, Description: g.Config.Description,
				CreatedAt: isoTime(g.CreatedAt), UpdatedAt: isoTime(g.UpdatedAt), AuthorizerType: g.Config.AuthorizerType, ProtocolType: g.Config.ProtocolType})
		}
		return out
	}, err)
}

// ---- targets ----

type targetInput struct {
	Name            *string         `json:"name"`
	Description     *string         `json:"description"`
	ClientToken     *string         `json:"clientToken"`
	Config          json.RawMessage `json:"targetConfiguration"`
	Credentials     json.RawMessage `json:"credentialProviderConfigurations"`
	Metadata        json.RawMessage `json:"metadataConfiguration"`
	PrivateEndpoint json.RawMessage `json:"privateEndpoint"`
}

// targetConfig is the one kind of target the sandbox serves: an MCP Lambda
// target with an inline tool schema, as the toolkit's quickstart makes.
type targetConfig struct {
	MCP *struct {
		Lambda *struct {
			LambdaArn  string `json:"lambdaArn"`
			ToolSchema struct {
				Inline []Tool           `json:"inlinePayload"`
				S3     *json.RawMessage `json:"s3"`
			} `json:"toolSchema"`
		} `json:"lambda"`
	} `json:"mcp"`
}

type credentialCfg struct {
	Type string `json:"credentialProviderType"`
}

// defaultCredentials is what a Lambda target uses when none is given: the
// gateway's own role (the only type the toolkit sends for Lambda).
var defaultCredentials = json.RawMessage(`[{"credentialProviderType":"GATEWAY_IAM_ROLE"}]`)

// targetSpecOf turns a body the model accepted into a spec.
func targetSpecOf(in *targetInput) (targetSpec, model.Violations) {
	var vs model.Violations
	spec := targetSpec{Name: deref(in.Name), ClientToken: deref(in.ClientToken), Description: in.Description,
		Config: in.Config, Credentials: in.Credentials}
	if present(in.Metadata) {
		spec.Metadata = in.Metadata
	}
	if present(in.PrivateEndpoint) {
		vs = append(vs, unsupported("privateEndpoint", "A private endpoint"))
	}
	var tc targetConfig
	if json.Unmarshal(in.Config, &tc) != nil || tc.MCP == nil || tc.MCP.Lambda == nil {
		vs = append(vs, unsupported("targetConfiguration", "A target other than mcp.lambda"))
		return spec, vs
	}
	l := tc.MCP.Lambda
	spec.LambdaARN = l.LambdaArn
	if l.ToolSchema.S3 != nil {
		vs = append(vs, unsupported("targetConfiguration.mcp.lambda.toolSchema.s3", "A tool schema in S3 (use inlinePayload)"))
	}
	seen := map[string]bool{}
	for _, t := range l.ToolSchema.Inline {
		if seen[t.Name] {
			vs = append(vs, model.Violation{Path: "targetConfiguration.mcp.lambda.toolSchema.inlinePayload",
				Message: fmt.Sprintf("Tool name '%s' is defined more than once", t.Name)})
		}
		seen[t.Name] = true
		spec.Tools = append(spec.Tools, t)
	}
	if !present(in.Credentials) {
		spec.Credentials = defaultCredentials
	} else {
		var cs []credentialCfg
		if json.Unmarshal(in.Credentials, &cs) == nil {
			for _, c := range cs {
				if c.Type != "GATEWAY_IAM_ROLE" {
					vs = append(vs, model.Violation{Path: "credentialProviderConfigurations",
						Message: "A Lambda target takes only the GATEWAY_IAM_ROLE credential provider type"})
				}
			}
		}
	}
	return spec, vs
}

// targetOut answers CreateGatewayTarget and GetGatewayTarget.
type targetOut struct {
	GatewayArn                       string          `json:"gatewayArn"`
	TargetID                         string          `json:"targetId"`
	CreatedAt                        string          `json:"createdAt"`
	UpdatedAt                        string          `json:"updatedAt"`
	Status                           string          `json:"status"`
	Name                             string          `json:"name"`
	Description                      *string         `json:"description,omitempty"`
	TargetConfiguration              json.RawMessage `json:"targetConfiguration"`
	CredentialProviderConfigurations json.RawMessage `json:"credentialProviderConfigurations"`
	MetadataConfiguration            json.RawMessage `json:"metadataConfiguration,omitempty"`
}

func targetOutOf(gatewayARN string, t targetRec) targetOut {
	return targetOut{GatewayArn: gatewayARN, TargetID: t.ID, CreatedAt: isoTime(t.CreatedAt), UpdatedAt: isoTime(t.UpdatedAt),
		Status: t.Status, Name: t.Name, Description: t.Description, TargetConfiguration: t.Config,
		CredentialProviderConfigurations: t.Credentials, MetadataConfiguration: t.Metadata}
}

func (s *Service) createTarget(w http.ResponseWriter, r *http.Request, gatewayID string) {
	var in targetInput
	vs, e := readInput(r, "CreateGatewayTarget", &in)
	if e != nil {
		writeErr(w, e)
		return
	}
	spec, extra := targetSpecOf(&in)
	if e := awswire.RESTInvalid(append(vs, extra...)); e != nil {
		writeErr(w, e)
		return
	}
	g, t, err := s.CreateGatewayTarget(gatewayID, spec)
	answer(w, http.StatusAccepted, func() any { return targetOutOf(g.ARN, t) }, err)
}

func (s *Service) getTarget(w http.ResponseWriter, r *http.Request, gatewayID, targetID string) {
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, "GetGatewayTarget", nil); e != nil {
		writeErr(w, e)
		return
	}
	g, t, err := s.GetGatewayTarget(gatewayID, targetID)
	answer(w, http.StatusOK, func() any { return targetOutOf(g.ARN, t) }, err)
}

func (s *Service) deleteTarget(w http.ResponseWriter, r *http.Request, gatewayID, targetID string) {
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, "DeleteGatewayTarget", nil); e != nil {
		writeErr(w, e)
		return
	}
	g, t, err := s.DeleteGatewayTarget(gatewayID, targetID)
	answer(w, http.StatusAccepted, func() any {
		return struct {
			GatewayArn string `json:"gatewayArn"`
			TargetID   string `json:"targetId"`
			Status     string `json:"status"`
		}{g.ARN, t.ID, t.Status}
	}, err)
}

func (s *Service) listTargets(w http.ResponseWriter, r *http.Request, gatewayID string) {
	if e := awswire.RESTReadValid(r, model.AgentCoreControl, "ListGatewayTargets", nil); e != nil {
		writeErr(w, e)
		return
	}
	ts, next, err := s.ListGatewayTargets(gatewayID, maxResultsQuery(r, 1000), r.URL.Query().Get("nextToken"))
	answer(w, http.StatusOK, func() any {
		type item struct {
			TargetID    string  `json:"targetId"`
			Name        string  `json:"name"`
			Status      string  `json:"status"`
			Description *string `json:"description,omitempty"`
			CreatedAt   string  `json:"createdAt"`
			UpdatedAt   string  `json:"updatedAt"`
		}
		out := struct {
			Items     []item `json:"items"`
			NextToken string `json:"nextToken,omitempty"`
		}{Items: make([]item, 0, len(ts)), NextToken: next}
		for _, t := range ts {
			out.Items = append(out.Items, item{t.ID, t.Name, t.Status, t.Description, isoTime(t.CreatedAt), isoTime(t.UpdatedAt)})
		}
		return out
	}, err)
}
