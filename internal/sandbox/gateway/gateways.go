package gateway

import (
	"fmt"
	"strings"

	"agentcore-workshop/internal/sandbox/authorizer"
)

// The gateway operations, as plain methods: validated inputs, records out
// (copies, safe to read without s.mu), typed AWS errors.

// MaxGateways is the account's gateway quota (aws/agentcore-cli#1813).
const MaxGateways = 1000

// gatewaySpec is a validated CreateGateway or UpdateGateway.
type gatewaySpec struct {
	Name        string
	ClientToken string // create only; "" when absent
	Config      gatewayConfig
	JWT         *authorizer.Rule
}

func (s *Service) gatewayARN(id string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:gateway/%s", s.d.Region, s.d.AccountID, id)
}

// URL is a gateway's MCP endpoint. AWS gives each gateway its own host
// (https://{id}.gateway.bedrock-agentcore.{region}.amazonaws.com/mcp); the
// sandbox has one loopback host, so the id goes in the path.
func (s *Service) URL(id string) string { return s.d.URL + "/gateways/" + id + "/mcp" }

// CreateGateway creates a gateway, CREATING until the configured delay
// passes. A retry with the same name and client token returns the gateway
// it created.
func (s *Service) CreateGateway(spec gatewaySpec) (gatewayRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.settleAll(); err != nil {
		return gatewayRec{}, internalErr(err)
	}
	for _, g := range s.st.Gateways {
		if g.Name != spec.Name {
			continue
		}
		if spec.ClientToken != "" && g.ClientToken == spec.ClientToken {
			return *g, nil // idempotent retry
		}
		return gatewayRec{}, conflict("A gateway with the name '%s' already exists (id %s).", g.Name, g.ID)
	}
	if len(s.st.Gateways) >= MaxGateways {
		return gatewayRec{}, quotaExceeded("The account has reached its limit of %d gateways.", MaxGateways)
	}
	now := s.now()
	id := strings.ToLower(spec.Name) + "-" + randomFrom(lowerAlnum, 10)
	g := &gatewayRec{
		ID: id, Name: spec.Name, ARN: s.gatewayARN(id), Config: spec.Config, JWT: spec.JWT,
		Status: statusCreating, CreatedAt: now, UpdatedAt: now, SettleAt: now.Add(s.settleDelay()),
		ClientToken: spec.ClientToken, Targets: map[string]*targetRec{},
	}
	s.st.Gateways[id] = g
	if err := s.save(); err != nil {
		return gatewayRec{}, internalErr(err)
	}
	s.log.Info("gateway: created", "id", id, "authorizer", spec.Config.AuthorizerType)
	return *g, nil
}

// GetGateway returns a gateway by id.
func (s *Service) GetGateway(id string) (gatewayRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.gateway(id)
	if err != nil {
		return gatewayRec{}, err
	}
	return *g, nil
}

// UpdateGateway replaces a settled gateway's whole configuration (UpdateGateway
// takes every member again, as the toolkit sends them), UPDATING until the
// configured delay passes. The name and the authorizer type stay.
func (s *Service) UpdateGateway(id string, spec gatewaySpec) (gatewayRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.gateway(id)
	if err != nil {
		return gatewayRec{}, err
	}
	if spec.Name != g.Name {
		return gatewayRec{}, invalid("name", fmt.Sprintf("The name of a gateway cannot be changed (it is '%s').", g.Name))
	}
	if spec.Config.AuthorizerType != g.Config.AuthorizerType {
		return gatewayRec{}, invalid("authorizerType", fmt.Sprintf("The authorizer type of a gateway cannot be changed (it is %s).", g.Config.AuthorizerType))
	}
	if g.Status != statusReady {
		return gatewayRec{}, conflict("Gateway %s is %s; wait until it is READY before updating it.", id, g.Status)
	}
	now := s.now()
	g.Config, g.JWT = spec.Config, spec.JWT
	g.Status, g.UpdatedAt, g.SettleAt = statusUpdating, now, now.Add(s.settleDelay())
	if err := s.save(); err != nil {
		return gatewayRec{}, internalErr(err)
	}
	return *g, nil
}

// DeleteGateway starts deleting a gateway with no targets (DELETING until
// the configured delay passes); deleting it again is harmless.
func (s *Service) DeleteGateway(id string) (gatewayRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.gateway(id)
	if err != nil {
		return gatewayRec{}, err
	}
	if g.Status == statusDeleting {
		return *g, nil
	}
	if len(g.Targets) > 0 {
		// AWS's words (awslabs/agentcore-samples#1954); a target still
		// DELETING counts, as it does there.
		return gatewayRec{}, invalid("gatewayIdentifier", "Gateway has targets associated")
	}
	if g.Status == statusCreating || g.Status == statusUpdating {
		return gatewayRec{}, conflict("Gateway %s is %s; wait until it settles before deleting it.", id, g.Status)
	}
	now := s.now()
	g.Status, g.UpdatedAt, g.GoneAt = statusDeleting, now, now.Add(s.settleDelay())
	if err := s.save(); err != nil {
		return gatewayRec{}, internalErr(err)
	}
	return *g, nil
}

// ListGateways returns a page of gateways by id and the next token.
func (s *Service) ListGateways(max int, token string) ([]gatewayRec, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.settleAll(); err != nil {
		return nil, "", internalErr(err)
	}
	out, next, ok := page(s.st.Gateways, max, token)
	if !ok {
		return nil, "", invalidToken()
	}
	return out, next, nil
}

func invalidToken() error {
	return invalid("nextToken", "Value at 'nextToken' failed to satisfy constraint: Member must be a token returned by a previous call")
}

// gateway returns a settled gateway by id. s.mu is held.
func (s *Service) gateway(id string) (*gatewayRec, error) {
	g := s.st.Gateways[id]
	if g == nil {
		return nil, gatewayNotFound(id)
	}
	if s.settle(g) {
		if err := s.save(); err != nil {
			return nil, internalErr(err)
		}
		if s.st.Gateways[id] == nil {
			return nil, gatewayNotFound(id)
		}
	}
	return g, nil
}

// settle advances g and its targets to what the clock says they are by
// now, removing what finished deleting. It reports a change. s.mu is held.
func (s *Service) settle(g *gatewayRec) bool {
	now := s.now()
	changed := false
	for id, t := range g.Targets {
		switch {
		case (t.Status == statusCreating || t.Status == statusUpdating) && !now.Before(t.SettleAt):
			t.Status, t.UpdatedAt, changed = statusReady, t.SettleAt, true
		case t.Status == statusDeleting && !now.Before(t.GoneAt):
			delete(g.Targets, id)
			changed = true
		}
	}
	switch {
	case (g.Status == statusCreating || g.Status == statusUpdating) && !now.Before(g.SettleAt):
		g.Status, g.UpdatedAt, changed = statusReady, g.SettleAt, true
	case g.Status == statusDeleting && !now.Before(g.GoneAt):
		delete(s.st.Gateways, g.ID)
		changed = true
	}
	return changed
}

// settleAll settles every gateway. s.mu is held.
func (s *Service) settleAll() error {
	changed := false
	for _, g := range s.st.Gateways {
		changed = s.settle(g) || changed
	}
	if changed {
		return s.save()
	}
	return nil
}
