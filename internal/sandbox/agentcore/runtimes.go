package agentcore

import (
	"fmt"
	"time"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/awswire"
)

// The agent runtime operations, as plain methods: typed inputs, records
// out (copies, safe to read without s.mu), typed AWS errors.

// runtimeSpec is a validated CreateAgentRuntime or UpdateAgentRuntime.
type runtimeSpec struct {
	Name         string // create only
	ClientToken  string // create only; "" when absent
	Config       runtimeConfig
	ContainerURI string
	JWT          *authorizer.Rule
	HeaderAllow  []string
}

func (s *Service) runtimeARN(id string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:runtime/%s", s.d.Region, s.d.AccountID, id)
}

func (s *Service) workloadARN(name string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:workload-identity-directory/default/workload-identity/%s", s.d.Region, s.d.AccountID, name)
}

func runtimeNotFound(id string) *awswire.Error {
	return notFound("AgentRuntime not found: %s", id)
}

// CreateAgentRuntime creates a runtime (CREATING until the configured
// delay passes) and its workload identity. A retry with the same name and
// client token returns the runtime it created.
func (s *Service) CreateAgentRuntime(spec runtimeSpec) (runtimeRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.settleAll(); err != nil {
		return runtimeRec{}, internalErr(err)
	}
	for _, rt := range s.st.Runtimes {
		if rt.Name != spec.Name {
			continue
		}
		if spec.ClientToken != "" && rt.ClientToken == spec.ClientToken {
			return *rt, nil // idempotent retry
		}
		return runtimeRec{}, conflict("An agent runtime with the name '%s' already exists (id %s).", rt.Name, rt.ID)
	}
	now := s.now()
	id := spec.Name + "-" + randomAlnum(10)
	rt := &runtimeRec{
		ID: id, Name: spec.Name, ARN: s.runtimeARN(id), Version: "1",
		Config: spec.Config, ContainerURI: spec.ContainerURI, JWT: spec.JWT, HeaderAllow: spec.HeaderAllow,
		Status: statusCreating, CreatedAt: now, UpdatedAt: now,
		SettleAt: now.Add(time.Duration(s.d.Delays.RuntimeReady) * time.Millisecond),
		Workload: id, WorkloadARN: s.workloadARN(id), EndpointID: "DEFAULT-" + randomAlnum(10),
		ClientToken: spec.ClientToken,
	}
	s.st.Runtimes[id] = rt
	if _, exists := s.st.Workloads[id]; !exists {
		s.st.Workloads[id] = &workloadRec{Name: id, ARN: rt.WorkloadARN, Created: now, Updated: now}
	}
	if err := s.save(); err != nil {
		return runtimeRec{}, internalErr(err)
	}
	s.log.Info("agentcore: runtime created", "id", id, "jwt", rt.JWT != nil)
	return *rt, nil
}

// GetAgentRuntime returns a runtime; version, when not nil, must be its
// current version (the sandbox keeps no history of earlier versions).
func (s *Service) GetAgentRuntime(id string, version *string) (runtimeRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, err := s.runtime(id, version)
	if err != nil {
		return runtimeRec{}, err
	}
	return *rt, nil
}

// UpdateAgentRuntime replaces a settled runtime's configuration as a new
// version (UPDATING until the configured delay passes).
func (s *Service) UpdateAgentRuntime(id string, spec runtimeSpec) (runtimeRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, err := s.runtime(id, nil)
	if err != nil {
		return runtimeRec{}, err
	}
	switch rt.Status {
	case statusCreating, statusUpdating, statusDeleting:
		return runtimeRec{}, conflict("AgentRuntime %s is %s; wait until it settles before updating it.", id, rt.Status)
	}
	var n int
	fmt.Sscan(rt.Version, &n)
	now := s.now()
	rt.Version = fmt.Sprint(n + 1)
	rt.Config, rt.ContainerURI, rt.JWT, rt.HeaderAllow = spec.Config, spec.ContainerURI, spec.JWT, spec.HeaderAllow
	rt.Status, rt.FailureReason, rt.UpdatedAt = statusUpdating, "", now
	rt.SettleAt = now.Add(time.Duration(s.d.Delays.RuntimeReady) * time.Millisecond)
	if err := s.save(); err != nil {
		return runtimeRec{}, internalErr(err)
	}
	return *rt, nil
}

// DeleteAgentRuntime starts deleting a runtime (DELETING until the
// configured delay passes); deleting it again is harmless.
func (s *Service) DeleteAgentRuntime(id string, version *string) (runtimeRec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, err := s.runtime(id, version)
	if err != nil {
		return runtimeRec{}, err
	}
	if rt.Status != statusDeleting {
		now := s.now()
		rt.Status, rt.UpdatedAt = statusDeleting, now
		rt.GoneAt = now.Add(time.Duration(s.d.Delays.RuntimeDelete) * time.Millisecond)
		if err := s.save(); err != nil {
			return runtimeRec{}, internalErr(err)
		}
	}
	return *rt, nil
}

// ListAgentRuntimes returns a page of runtimes by id and the next token.
func (s *Service) ListAgentRuntimes(max int, token string) ([]runtimeRec, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.settleAll(); err != nil {
		return nil, "", internalErr(err)
	}
	return page(s.st.Runtimes, max, token)
}

// GetAgentRuntimeEndpoint returns the runtime whose endpoint name is; the
// sandbox has only the implicit DEFAULT endpoint.
func (s *Service) GetAgentRuntimeEndpoint(id, name string) (runtimeRec, error) {
	rt, err := s.GetAgentRuntime(id, nil)
	if err == nil && name != "DEFAULT" {
		err = notFound("AgentRuntimeEndpoint not found: %s (runtime %s)", name, id)
	}
	return rt, err
}

// runtime returns a settled runtime by id, checking version when given.
// s.mu is held.
func (s *Service) runtime(id string, version *string) (*runtimeRec, error) {
	rt, err := s.lookupRuntime(id)
	if err != nil {
		return nil, internalErr(err)
	}
	if rt == nil {
		return nil, runtimeNotFound(id)
	}
	if version != nil && *version != rt.Version {
		return nil, notFound("Version %s of AgentRuntime %s not found", *version, rt.ID)
	}
	return rt, nil
}

// RuntimeLogGroup is the CloudWatch log group a runtime's DEFAULT
// endpoint writes to (the starter toolkit's observability client reads
// /aws/bedrock-agentcore/runtimes/{agent_id}-{endpoint_name}).
func RuntimeLogGroup(runtimeID string) string {
	return "/aws/bedrock-agentcore/runtimes/" + runtimeID + "-DEFAULT"
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
			if s.opt.LogGroups != nil {
				if err := s.opt.LogGroups.EnsureLogGroup(RuntimeLogGroup(rt.ID)); err != nil {
					s.log.Warn("agentcore: make the runtime's log group", "runtime", rt.ID, "err", err)
				}
			}
		}
		rt.UpdatedAt = rt.SettleAt
		return true
	case statusDeleting:
		if now.Before(rt.GoneAt) {
			return false
		}
		if w, ok := s.st.Workloads[rt.Workload]; ok && w.ARN == rt.WorkloadARN {
			if err := s.forgetWorkload(rt.Workload); err != nil {
				// Keep DELETING: the next settle tries again, so the
				// runtime never goes while its tokens stay.
				s.log.Warn("agentcore: purge vault tokens of a deleted runtime", "runtime", rt.ID, "err", err)
				return false
			}
			delete(s.st.Workloads, rt.Workload)
		}
		delete(s.st.Runtimes, rt.ID)
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
