package steps

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/session"
)

// Leftovers lists every resource of a kind the workshop makes that the
// account still holds, asking each service through its own List and
// Describe calls rather than trusting the ledger cleanup worked from (in
// the sandbox the whole account is the workshop's). ledger names what no
// call lists: hosted-UI domains and pool users. The cleanup and crash
// tests use it to prove nothing was left behind.
func Leftovers(ctx context.Context, c *cloud.Clients, ledger []session.Resource) ([]string, error) {
	var out []string
	for _, k := range resourceKinds {
		more, err := k.Leftovers(ctx, c, ledger)
		if err != nil {
			return nil, fmt.Errorf("leftovers of %s: %w", k.Kind(), err)
		}
		out = append(out, more...)
	}
	return out, nil
}

// inLedger is the leftover lister of a kind no call lists: the ledger's
// entries of that kind that lookup still finds.
func inLedger(kind ResourceKind, noun string,
	lookup func(ctx context.Context, c *cloud.Clients, name string, attrs map[string]string) (found, error),
) func(context.Context, *cloud.Clients, []session.Resource) ([]string, error) {
	return func(ctx context.Context, c *cloud.Clients, ledger []session.Resource) ([]string, error) {
		var out []string
		for _, r := range ledger {
			if r.Kind != string(kind) {
				continue
			}
			f, err := lookup(ctx, c, r.Name, r.Attrs)
			if err != nil {
				return nil, err
			}
			if f.OK {
				out = append(out, noun+" "+r.Name)
			}
		}
		return out, nil
	}
}

// localFiles are files a stage recorded in the workspace. They are not in
// the cloud: nothing looks them up or lists them there.
var localFiles = resource[struct{}]{
	kind: ResLocalFile,
	// Never anything outside the workspace.
	remove: func(_ context.Context, env *Env, _ Reporter, r session.Resource) (bool, error) {
		if !filepath.IsLocal(r.Name) {
			return false, fmt.Errorf("refusing to remove %q: it is not a path inside the workspace", r.Name)
		}
		err := os.Remove(filepath.Join(env.Dir, r.Name))
		if errors.Is(err, os.ErrNotExist) {
			return false, nil
		}
		return err == nil, err
	},
}

// gone turns a delete call's error into a remove's answer: "not found"
// means someone (an earlier cleanup, the console) removed it already.
func gone(err error) (existed bool, _ error) {
	switch {
	case err == nil:
		return true, nil
	case isNotFound(err):
		return false, nil
	}
	return false, err
}

// attrs reads the two attributes a call needs from a ledger entry.
func attrs(r session.Resource, a, b string) (string, string, error) {
	for _, k := range []string{a, b} {
		if r.Attrs[k] == "" {
			return "", "", fmt.Errorf("the ledger entry has no %q attribute", k)
		}
	}
	return r.Attrs[a], r.Attrs[b], nil
}

// isNotFound reports an AWS "not found" error from any service.
func isNotFound(err error) bool {
	switch errorCode(err) {
	case "ResourceNotFoundException", "NoSuchEntity", "NoSuchBucket", "NoSuchKey", "NotFound",
		"RepositoryNotFoundException", "UserNotFoundException":
		return true
	}
	return false
}

// isConflict reports AWS refusing a change to a resource that is busy.
func isConflict(err error) bool { return errorCode(err) == "ConflictException" }

// errorCode is an AWS error's code, "" for any other error.
func errorCode(err error) string {
	var ae interface{ ErrorCode() string }
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
