package steps

import (
	"context"
	"fmt"

	"agentcore-workshop/internal/session"
)

// found is what a lookup of an existing cloud resource returns.
type found struct {
	ID, ARN string
	OK      bool
}

// ensure makes sure one cloud resource exists, without ever creating a
// duplicate. The ledger entry is written before the create call, so if the
// process dies mid-call the next run (or cleanup) still knows the resource
// may exist and looks it up by name.
//
//   - created in the ledger and still there: reuse it
//   - planned (a crash mid-create) and there: adopt it
//   - otherwise: plan, create, record
func ensure(ctx context.Context, env *Env, rep Reporter, stepID, kind, name string, attrs map[string]string,
	lookup func(ctx context.Context) (found, error),
	create func(ctx context.Context) (found, error)) (found, error) {
	if r, ok := env.Session.Find(kind, name); ok && r.State != session.ResourceDeleted {
		f, err := lookup(ctx)
		if err != nil {
			return found{}, fmt.Errorf("look up %s %s: %w", kind, name, err)
		}
		if f.OK {
			if r.State != session.ResourceCreated || r.PhysicalID != f.ID {
				if err := env.Session.Created(r.ID, f.ID, f.ARN); err != nil {
					return found{}, err
				}
			}
			rep.Log("reusing %s %s (%s)", kind, name, f.ID)
			return f, nil
		}
	}
	r, err := env.Session.Plan(kind, name, stepID, attrs)
	if err != nil {
		return found{}, fmt.Errorf("record %s %s in the ledger: %w", kind, name, err)
	}
	f, err := create(ctx)
	if err != nil {
		return found{}, fmt.Errorf("create %s %s: %w", kind, name, err)
	}
	if err := env.Session.Created(r.ID, f.ID, f.ARN); err != nil {
		return found{}, err
	}
	rep.Log("created %s %s (%s)", kind, name, f.ID)
	return f, nil
}
