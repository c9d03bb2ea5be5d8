package steps

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// Names of the cleanup stage's results.
const (
	CleanupRemoved = "removed" // how many resources and files this run removed
	CleanupLeft    = "left"    // what could not be removed, one per line, or "none"
)

type cleanup struct{}

// Cleanup is the last stage: it deletes every resource in the ledger that is not
// deleted yet, newest first, and the local credentials file.
//
// It has no requirements and works on any workspace state: an entry left
// "planned" by a crash is looked up by name, and a resource that is
// already gone counts as removed. Each entry is marked deleted in the
// ledger as soon as its delete call succeeds, so a cleanup that is itself
// interrupted resumes where it stopped. A failure on one entry does not
// stop the others; the stage fails at the end, listing what is left.
//
// When nothing is left, the stages that built what it removed, and every
// stage depending on them, become pending again (Result.Undid): their
// results named resources that no longer exist, so showing them as done
// would be untrue, and running up to any of them re-creates what it needs
// (the ledger re-plans deleted entries). Their kept logs stay in the
// workspace for the transcript. A second cleanup finds nothing to do and
// succeeds.
//
// Cleanup is manual: the UI's "run all" leaves it out, because deleting
// what the learner is looking at must be their decision.
func Cleanup(env *Env) engine.Stage {
	return outlined(outline.CleanupID, env, cleanup{}.Run)
}

func (cleanup) Run(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	var res Result
	put := publisher(rep, &res)
	removed, left, err := removeAll(ctx, env, rep)
	put(Value{Name: CleanupRemoved, Value: strconv.Itoa(removed)})
	leftText := "none"
	if len(left) > 0 {
		leftText = strings.Join(left, "\n")
	}
	put(Value{Name: CleanupLeft, Value: leftText})
	if err != nil {
		return res, err
	}
	res.Undid = builders(env)
	if removed == 0 {
		rep.Log("nothing to remove: the workspace has no resources left")
	} else {
		rep.Log("every resource the workshop made is gone; the stages that made them are pending again " +
			"(their logs stay in the workspace), so running up to any of them re-creates what it needs")
	}
	return res, nil
}

// builders names the stages that made something cleanup removes: every
// stage with an entry in the ledger, and stage 1, whose credentials file
// cleanup deletes.
func builders(env *Env) []string {
	ids := []string{"provision-cognito"}
	for _, r := range env.Session.Resources() {
		if !slices.Contains(ids, r.StepID) {
			ids = append(ids, r.StepID)
		}
	}
	return ids
}

// removeAll deletes the ledger's live entries newest first, then the
// credentials file. left describes each entry it could not remove.
func removeAll(ctx context.Context, env *Env, rep Reporter) (removed int, left []string, err error) {
	all := env.Session.Resources()
	var todo []session.Resource
	for _, r := range slices.Backward(all) {
		if r.State != session.ResourceDeleted {
			todo = append(todo, r)
		}
	}
	// The credentials file counts among what is to remove, as it counts
	// among what was removed: the two numbers the learner sees must agree.
	_, envFile, _ := workshopEnvFile(env)
	switch n := len(todo); {
	case n > 0 && envFile:
		rep.Log("%d to remove: %d resource(s), newest first, and %s", n+1, n, EnvFileName)
	case n > 0:
		rep.Log("%d resource(s) to remove, newest first", n)
	}
	var errs []error
	for i, r := range todo {
		if err := ctx.Err(); err != nil {
			return removed, left, err
		}
		rep.Progress(fmt.Sprintf("%s %s", r.Kind, r.Name), i+1, len(todo))
		existed, err := removeOne(ctx, env, rep, r)
		if err == nil {
			err = env.Session.Deleted(r.ID)
		}
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return removed, left, cerr
			}
			rep.Log("✗ could not remove %s %s: %v", r.Kind, r.Name, err)
			left = append(left, fmt.Sprintf("%s %s: %v", r.Kind, r.Name, err))
			errs = append(errs, fmt.Errorf("%s %s: %w", r.Kind, r.Name, err))
			continue
		}
		removed++
		if existed {
			rep.Log("✓ deleted %s %s", r.Kind, r.Name)
		} else {
			rep.Log("✓ %s %s was already gone", r.Kind, r.Name)
		}
	}

	gone, err := removeEnvFile(env, rep)
	if err != nil {
		left = append(left, fmt.Sprintf("%s %s: %v", ResLocalFile, EnvFileName, err))
		errs = append(errs, err)
	}
	if gone {
		removed++
	}
	if len(errs) > 0 {
		return removed, left, fmt.Errorf("could not remove %d item(s); run cleanup again once the cause is fixed: %w",
			len(errs), errors.Join(errs...))
	}
	return removed, left, nil
}

// removeEnvFile removes the credentials file stage 1 wrote, if it is there
// and still the workshop's.
func removeEnvFile(env *Env, rep Reporter) (bool, error) {
	path, ours, err := workshopEnvFile(env)
	if err != nil || !ours {
		if err == nil && path != "" {
			rep.Log("left %s alone: the workshop did not write it", path)
		}
		return false, err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("remove %s: %w", path, err)
	}
	rep.Log("✓ removed %s (it held the test users' passwords)", path)
	return true, nil
}

// workshopEnvFile reports whether the credentials file is there and the
// workshop's own (it starts with the header stage 1 writes). path is empty
// when there is no file at all.
func workshopEnvFile(env *Env) (path string, ours bool, err error) {
	path = filepath.Join(env.Dir, EnvFileName)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return path, false, fmt.Errorf("open %s: %w", path, err)
	}
	head := make([]byte, len(envFileHeader))
	n, _ := f.Read(head)
	f.Close()
	return path, string(head[:n]) == envFileHeader, nil
}

// removeOne deletes one ledger entry's resource through its kind's entry.
// existed is false when the resource turned out to be gone already (or
// never made it to the cloud).
func removeOne(ctx context.Context, env *Env, rep Reporter, r session.Resource) (existed bool, err error) {
	k, ok := lifecycleOf(r.Kind)
	if !ok {
		return false, fmt.Errorf("this version does not know how to delete a %q", r.Kind)
	}
	return k.Remove(ctx, env, rep, r)
}
