package sandbox

import "agentcore-workshop/internal/sandbox/room"

// Room is the sandbox's room: learners' progress as the facilitator sees
// it. Its URL (with the facilitator key) is what `sandbox serve` prints.
func (s *Sandbox) Room() *room.Service {
	for _, svc := range s.Services {
		if r, ok := svc.(*room.Service); ok {
			return r
		}
	}
	return nil
}
