package gateway

import "encoding/json"

// The gateway target operations, as plain methods.

// MaxTargets bounds a gateway's targets (the sandbox's bound, so no
// request loop over them grows without end).
const MaxTargets = 100

// targetSpec is a validated CreateGatewayTarget.
type targetSpec struct {
	Name        string // "" when absent: the target is named after its id
	ClientToken string
	Description *string
	Config      json.RawMessage
	Credentials json.RawMessage
	Metadata    json.RawMessage
	LambdaARN   string
	Tools       []Tool
}

// CreateGatewayTarget adds a target to a READY gateway, CREATING until the
// configured delay passes. Names are unique within the gateway; a retry
// with the same client token returns the target it created.
func (s *Service) CreateGatewayTarget(gatewayID string, spec targetSpec) (gatewayRec, targetRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.gateway(gatewayID)
	if err != nil {
		return gatewayRec{}, targetRec{}, err
	}
	for _, t := range g.Targets {
		if spec.ClientToken != "" && t.ClientToken == spec.ClientToken {
			return *g, *t, nil // idempotent retry
		}
		if spec.Name != "" && t.Name == spec.Name {
			return gatewayRec{}, targetRec{}, conflict("A target with the name '%s' already exists in gateway %s (id %s).", t.Name, g.ID, t.ID)
		}
	}
	if g.Status != statusReady {
		return gatewayRec{}, targetRec{}, conflict("Gateway %s is %s; wait until it is READY before adding targets.", g.ID, g.Status)
	}
	if len(g.Targets) >= MaxTargets {
		return gatewayRec{}, targetRec{}, quotaExceeded("Gateway %s has reached the sandbox's limit of %d targets.", g.ID, MaxTargets)
	}
	now := s.now()
	id := randomFrom(upperAlnum, 10)
	name := spec.Name
	if name == "" {
		name = id
	}
	t := &targetRec{
		ID: id, Name: name, Description: spec.Description, Config: spec.Config, Credentials: spec.Credentials,
		Metadata: spec.Metadata, LambdaARN: spec.LambdaARN, Tools: spec.Tools,
		Status: statusCreating, CreatedAt: now, UpdatedAt: now, SettleAt: now.Add(s.settleDelay()), ClientToken: spec.ClientToken,
	}
	g.Targets[id] = t
	if err := s.save(); err != nil {
		return gatewayRec{}, targetRec{}, internalErr(err)
	}
	s.log.Info("gateway: target created", "gateway", g.ID, "target", id, "tools", len(t.Tools))
	return *g, *t, nil
}

// GetGatewayTarget returns a target and its gateway.
func (s *Service) GetGatewayTarget(gatewayID, targetID string) (gatewayRec, targetRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, t, err := s.target(gatewayID, targetID)
	if err != nil {
		return gatewayRec{}, targetRec{}, err
	}
	return *g, *t, nil
}

// DeleteGatewayTarget starts deleting a target (DELETING until the
// configured delay passes, as AWS deletes targets asynchronously);
// deleting it again is harmless.
func (s *Service) DeleteGatewayTarget(gatewayID, targetID string) (gatewayRec, targetRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, t, err := s.target(gatewayID, targetID)
	if err != nil {
		return gatewayRec{}, targetRec{}, err
	}
	if t.Status == statusCreating || t.Status == statusUpdating {
		return gatewayRec{}, targetRec{}, conflict("Target %s is %s; wait until it settles before deleting it.", targetID, t.Status)
	}
	if t.Status != statusDeleting {
		now := s.now()
		t.Status, t.UpdatedAt, t.GoneAt = statusDeleting, now, now.Add(s.settleDelay())
		if err := s.save(); err != nil {
			return gatewayRec{}, targetRec{}, internalErr(err)
		}
	}
	return *g, *t, nil
}

// ListGatewayTargets returns a page of a gateway's targets by id.
func (s *Service) ListGatewayTargets(gatewayID string, max int, token string) ([]targetRec, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.gateway(gatewayID)
	if err != nil {
		return nil, "", err
	}
	out, next, ok := page(g.Targets, max, token)
	if !ok {
		return nil, "", invalidToken()
	}
	return out, next, nil
}

// target finds a gateway's target; s.mu must be held.
func (s *Service) target(gatewayID, targetID string) (*gatewayRec, *targetRec, error) {
	g, err := s.gateway(gatewayID)
	if err != nil {
		return nil, nil, err
	}
	t := g.Targets[targetID]
	if t == nil {
		return nil, nil, targetNotFound(gatewayID, targetID)
	}
	return g, t, nil
}
