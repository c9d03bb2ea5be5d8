package session

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// ResourceState is where a ledger entry stands.
type ResourceState string

const (
	// ResourcePlanned: recorded before the create call; it may or may not
	// exist in the cloud (the process may have died mid-call), so cleanup
	// looks it up by name.
	ResourcePlanned ResourceState = "planned"
	// ResourceCreated: the create call returned; PhysicalID/ARN are known.
	ResourceCreated ResourceState = "created"
	// ResourceDeleted: cleanup removed it.
	ResourceDeleted ResourceState = "deleted"
)

// Resource is one cloud resource the workshop made (or is about to make).
type Resource struct {
	// ID is the ledger's key for the entry: "kind/name".
	ID         string            `json:"id"`
	Kind       string            `json:"kind"` // e.g. "cognito-user-pool"
	Name       string            `json:"name"` // the name the workshop gave it
	StepID     string            `json:"step"`
	State      ResourceState     `json:"state"`
	PhysicalID string            `json:"physicalId,omitempty"`
	ARN        string            `json:"arn,omitempty"`
	Attrs      map[string]string `json:"attrs,omitempty"`
	PlannedAt  time.Time         `json:"plannedAt,omitzero"`
	CreatedAt  time.Time         `json:"createdAt,omitzero"`
	DeletedAt  time.Time         `json:"deletedAt,omitzero"`
}

func (r Resource) clone() Resource {
	r.Attrs = maps.Clone(r.Attrs)
	return r
}

// ResourceID is the ledger key of a resource of kind named name.
func ResourceID(kind, name string) string { return kind + "/" + name }

// Plan records a resource before it is created, so a crash between the
// create call and the next save still leaves a trace for cleanup. Planning
// a resource the ledger already holds (a re-run) returns the existing
// entry with attrs merged in; planning one that was deleted starts it over
// as planned, at the end of the creation order.
func (s *Session) Plan(kind, name, stepID string, attrs map[string]string) (Resource, error) {
	if kind == "" || name == "" {
		return Resource{}, errors.New("plan resource: kind and name are required")
	}
	id := ResourceID(kind, name)
	s.mu.Lock()
	defer s.mu.Unlock()
	var out Resource
	err := s.update(func(st *stateFile) error {
		now := s.now().UTC()
		i := slices.IndexFunc(st.Resources, func(r Resource) bool { return r.ID == id })
		if i >= 0 && st.Resources[i].State != ResourceDeleted {
			r := &st.Resources[i]
			if r.Attrs == nil && len(attrs) > 0 {
				r.Attrs = map[string]string{}
			}
			maps.Copy(r.Attrs, attrs)
			r.StepID = stepID
			out = r.clone()
			return nil
		}
		if i >= 0 {
			st.Resources = slices.Delete(st.Resources, i, i+1)
		}
		r := Resource{ID: id, Kind: kind, Name: name, StepID: stepID, State: ResourcePlanned,
			Attrs: maps.Clone(attrs), PlannedAt: now}
		st.Resources = append(st.Resources, r)
		out = r.clone()
		return nil
	})
	return out, err
}

// Created records that the create call for a planned resource returned.
func (s *Session) Created(resourceID, physicalID, arn string) error {
	return s.changeResource(resourceID, func(r *Resource, now time.Time) {
		r.State = ResourceCreated
		r.PhysicalID = physicalID
		r.ARN = arn
		r.CreatedAt = now
		r.DeletedAt = time.Time{}
	})
}

// Deleted records that cleanup removed a resource (or found it gone).
func (s *Session) Deleted(resourceID string) error {
	return s.changeResource(resourceID, func(r *Resource, now time.Time) {
		r.State = ResourceDeleted
		r.DeletedAt = now
	})
}

func (s *Session) changeResource(id string, fn func(r *Resource, now time.Time)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(func(st *stateFile) error {
		i := slices.IndexFunc(st.Resources, func(r Resource) bool { return r.ID == id })
		if i < 0 {
			return fmt.Errorf("ledger: no resource %q (plan it before creating it)", id)
		}
		fn(&st.Resources[i], s.now().UTC())
		return nil
	})
}

// Find returns the ledger entry for kind and name.
func (s *Session) Find(kind, name string) (Resource, bool) {
	id := ResourceID(kind, name)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.state.Resources {
		if r.ID == id {
			return r.clone(), true
		}
	}
	return Resource{}, false
}

// Resources returns every ledger entry in creation (planning) order;
// cleanup walks it backwards.
func (s *Session) Resources() []Resource {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Resource, len(s.state.Resources))
	for i, r := range s.state.Resources {
		out[i] = r.clone()
	}
	return out
}
