// The registry of resource kinds: one entry per kind of cloud resource
// the stages make, each knowing its whole lifecycle. The entries live in
// resources_cognito.go, resources_agentcore.go and resources_build.go.

package steps

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/session"
)

// ResourceKind names a kind of cloud resource in the ledger: every
// resource a stage creates is recorded under its kind before it is
// created, and cleanup deletes it through its kind's entry in
// resourceKinds. The strings are saved in workspaces: never change one.
type ResourceKind string

// The ledger's kinds. PhysicalID is the id AWS gave the resource; Attrs
// carry what finding or deleting it needs besides its name.
const (
	ResUserPool   ResourceKind = "cognito-user-pool"        // PhysicalID: pool id
	ResPoolClient ResourceKind = "cognito-user-pool-client" // PhysicalID: client id; Attrs[AttrPool]
	ResPoolDomain ResourceKind = "cognito-user-pool-domain" // PhysicalID: domain; Attrs[AttrPool]
	ResPoolUser   ResourceKind = "cognito-user"             // Name: pool/username; Attrs[AttrPool], Attrs[AttrUsername]
	// Name and PhysicalID: the identifier; Attrs[AttrPool].
	ResResourceServer ResourceKind = "cognito-resource-server"

	ResWorkloadIdentity   ResourceKind = "agentcore-workload-identity"          // Name: workload identity name
	ResCredentialProvider ResourceKind = "agentcore-oauth2-credential-provider" // Name: provider name

	ResRole       ResourceKind = "iam-role"          // Name: role name
	ResRolePolicy ResourceKind = "iam-role-policy"   // Name: role/policy; Attrs[AttrRole], Attrs[AttrPolicy]
	ResRepository ResourceKind = "ecr-repository"    // Name: repository name; PhysicalID: its URI
	ResBucket     ResourceKind = "s3-bucket"         // Name: bucket
	ResObject     ResourceKind = "s3-object"         // Name: bucket/key; Attrs[AttrBucket], Attrs[AttrKey]
	ResProject    ResourceKind = "codebuild-project" // Name: project name
	ResRuntime    ResourceKind = "agentcore-runtime" // Name: runtime name; PhysicalID: runtime id
	ResLogGroup   ResourceKind = "logs-log-group"    // Name: group name, or a prefix ending in "*"
	ResLocalFile  ResourceKind = "local-file"        // Name: path relative to the workspace
)

// Attribute keys of ledger entries.
const (
	AttrPool     = "pool"
	AttrUsername = "username"
	AttrRole     = "role"
	AttrPolicy   = "policy"
	AttrBucket   = "bucket"
	AttrKey      = "key"
)

// resourceKinds is every kind's lifecycle, in the order the stages make
// them (the leftover list follows it). Adding a kind (a log group, a
// gateway) takes:
//
//   - a ResourceKind constant above (its string is saved: never change it);
//   - one resource[S] value, with its spec type S, beside its service's
//     others in resources_*.go;
//   - its line here;
//   - a line making one in TestEveryKindLivesThroughTheRegistry, which
//     fails until there is one.
//
// A stage then calls entry.ensure(ctx, env, rep, stageID, spec); cleanup
// and Leftovers find the entry here.
var resourceKinds = []lifecycle{
	userPools, poolClients, poolDomains, poolUsers,
	workloadIdentities, credentialProviders,
	roles, rolePolicies, repositories, buckets, objects, buildProjects, logGroups, runtimes,
	resourceServers,
	functions, gateways, gatewayTargets,
	foreignTenants,
	localFiles,
}

// found is what a lookup or a create of one cloud resource returns.
type found struct {
	ID, ARN string
	OK      bool   // false: no such resource
	URL     string // a credential provider's OAuth2 callback URL
	fresh   bool   // ensure made it just now (not reused)
}

// resource is one kind's whole lifecycle: how a stage makes it through the
// ledger, how anyone finds it by name, how cleanup deletes it and how tests
// list what is left of it. Each kind is one value of this type (see
// resources.go) listed in resourceKinds. S is what a stage asks for: the
// resource's name and whatever its create call needs.
type resource[S any] struct {
	kind ResourceKind
	// key is the ledger name of the resource spec asks for, and the
	// attributes (the pool a client is in) finding and deleting it need.
	key func(spec S) (name string, attrs map[string]string)
	// lookup finds a resource by its ledger name and attributes; OK is
	// false when it does not exist.
	lookup func(ctx context.Context, c *cloud.Clients, name string, attrs map[string]string) (found, error)
	// create makes the resource; ensure calls it only when the resource
	// is not there. Kinds whose content a stage re-sends on every run (a
	// policy, an object, the build project, the runtime) set put instead,
	// which makes or updates it each time.
	create, put func(ctx context.Context, env *Env, rep Reporter, spec S) (found, error)
	// outdated, when set, says why an existing resource no longer fits
	// spec ("" when it does): ensure deletes and re-creates it.
	outdated func(ctx context.Context, env *Env, spec S) (string, error)
	// ready, when set, waits until a made or reused resource is usable.
	ready func(ctx context.Context, env *Env, rep Reporter, spec S) error
	// remove deletes what a ledger entry names, waiting where AWS needs
	// it. existed is false when it was gone already: "not found" is done.
	remove func(ctx context.Context, env *Env, rep Reporter, r session.Resource) (existed bool, err error)
	// leftovers lists, one line each, what of this kind the account still
	// holds, asking the service rather than the ledger (kinds no call
	// lists are looked up by the ledger's names).
	leftovers func(ctx context.Context, c *cloud.Clients, ledger []session.Resource) ([]string, error)
}

// lifecycle is a kind's entry seen without its spec: what cleanup, the
// leftover lister and the registry's tests need.
type lifecycle interface {
	Kind() ResourceKind
	Lookup(ctx context.Context, c *cloud.Clients, name string, attrs map[string]string) (found, error)
	Remove(ctx context.Context, env *Env, rep Reporter, r session.Resource) (existed bool, err error)
	Leftovers(ctx context.Context, c *cloud.Clients, ledger []session.Resource) ([]string, error)
}

func (k resource[S]) Kind() ResourceKind { return k.kind }

func (k resource[S]) Lookup(ctx context.Context, c *cloud.Clients, name string, attrs map[string]string) (found, error) {
	if k.lookup == nil {
		return found{}, fmt.Errorf("a %s cannot be looked up in the cloud", k.kind)
	}
	return k.lookup(ctx, c, name, attrs)
}

func (k resource[S]) Remove(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
	return k.remove(ctx, env, rep, r)
}

func (k resource[S]) Leftovers(ctx context.Context, c *cloud.Clients, ledger []session.Resource) ([]string, error) {
	if k.leftovers == nil {
		return nil, nil
	}
	return k.leftovers(ctx, c, ledger)
}

// lifecycleOf is the entry of kind, if this version knows it.
func lifecycleOf(kind string) (lifecycle, bool) {
	for _, l := range resourceKinds {
		if string(l.Kind()) == kind {
			return l, true
		}
	}
	return nil, false
}

// ensure makes sure the resource spec asks for exists, without ever
// creating a duplicate. The ledger entry is written before the create call,
// so if the process dies mid-call the next run (or cleanup) still knows the
// resource may exist and looks it up by name.
//
//   - created in the ledger and still there: reuse it
//   - planned (a crash mid-create) and there: adopt it
//   - there but outdated: delete it and go on as if it were not
//   - otherwise: plan, create, record
//
// A kind with put is planned, put and recorded on every run.
func (k resource[S]) ensure(ctx context.Context, env *Env, rep Reporter, stepID string, spec S) (found, error) {
	name, attrs := k.key(spec)
	if k.put != nil {
		return k.record(ctx, env, rep, stepID, spec, name, attrs, k.put)
	}
	if r, ok := env.Session.Find(string(k.kind), name); ok && r.State != session.ResourceDeleted {
		f, err := k.reusable(ctx, env, rep, spec, r, name, attrs)
		if err != nil {
			return found{}, err
		}
		if f.OK {
			if r.State != session.ResourceCreated || r.PhysicalID != f.ID {
				if err := env.Session.Created(r.ID, f.ID, f.ARN); err != nil {
					return found{}, err
				}
			}
			rep.Log("reusing %s %s (%s)", k.kind, name, f.ID)
			return f, k.settle(ctx, env, rep, spec)
		}
	}
	f, err := k.record(ctx, env, rep, stepID, spec, name, attrs, k.create)
	if err != nil {
		return found{}, err
	}
	f.fresh = true
	rep.Log("created %s %s (%s)", k.kind, name, f.ID)
	return f, k.settle(ctx, env, rep, spec)
}

// reusable looks up the resource a live ledger entry r names; an outdated
// one is deleted and reported as not found.
func (k resource[S]) reusable(ctx context.Context, env *Env, rep Reporter, spec S, r session.Resource, name string, attrs map[string]string) (found, error) {
	f, err := k.lookup(ctx, env.Cloud, name, attrs)
	if err != nil {
		return found{}, fmt.Errorf("look up %s %s: %w", k.kind, name, err)
	}
	if !f.OK || k.outdated == nil {
		return f, nil
	}
	why, err := k.outdated(ctx, env, spec)
	if err != nil || why == "" {
		return f, err
	}
	rep.Log("%s %s %s: replacing it", k.kind, name, why)
	if _, err := k.remove(ctx, env, rep, r); err != nil {
		return found{}, fmt.Errorf("delete the outdated %s %s: %w", k.kind, name, err)
	}
	return found{}, nil
}

// record plans the resource in the ledger, makes it with do and records
// what AWS answered.
func (k resource[S]) record(ctx context.Context, env *Env, rep Reporter, stepID string, spec S, name string, attrs map[string]string,
	do func(context.Context, *Env, Reporter, S) (found, error)) (found, error) {
	r, err := env.Session.Plan(string(k.kind), name, stepID, attrs)
	if err != nil {
		return found{}, fmt.Errorf("record %s %s in the ledger: %w", k.kind, name, err)
	}
	f, err := do(ctx, env, rep, spec)
	if err != nil {
		return found{}, fmt.Errorf("create %s %s: %w", k.kind, name, err)
	}
	if err := env.Session.Created(r.ID, f.ID, f.ARN); err != nil {
		return found{}, err
	}
	return f, nil
}

func (k resource[S]) settle(ctx context.Context, env *Env, rep Reporter, spec S) error {
	if k.ready == nil {
		return nil
	}
	return k.ready(ctx, env, rep, spec)
}

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

// pageLines gathers the lines each page of a list call yields; more and
// next are its paginator's HasMorePages and NextPage.
func pageLines[O, Opt any](ctx context.Context, what string, more func() bool,
	next func(context.Context, ...func(*Opt)) (*O, error), lines func(*O) []string) ([]string, error) {
	var out []string
	for more() {
		page, err := next(ctx)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", what, err)
		}
		out = append(out, lines(page)...)
	}
	return out, nil
}

// findNamed pages through a list (more and next as for pageLines) for the
// item whose name is want, and returns what hit makes of it; found{} when
// no page holds it.
func findNamed[O, Opt, T any](ctx context.Context, what string, more func() bool,
	next func(context.Context, ...func(*Opt)) (*O, error), items func(*O) []T,
	name func(T) *string, want string, hit func(T) (found, error)) (found, error) {
	for more() {
		page, err := next(ctx)
		if err != nil {
			return found{}, fmt.Errorf("list %s: %w", what, err)
		}
		for _, it := range items(page) {
			if aws.ToString(name(it)) == want {
				return hit(it)
			}
		}
	}
	return found{}, nil
}

// physicalID is the id of a ledger entry's resource: the one recorded, or
// for an entry planned but never recorded the one lookup finds by name
// (ok false when it finds none).
func physicalID(ctx context.Context, c *cloud.Clients, r session.Resource,
	lookup func(ctx context.Context, c *cloud.Clients, name string, attrs map[string]string) (found, error)) (id string, ok bool, err error) {
	if r.PhysicalID != "" {
		return r.PhysicalID, true, nil
	}
	f, err := lookup(ctx, c, r.Name, r.Attrs)
	return f.ID, f.OK, err
}

// named is a leftover line per item: "noun name".
func named[T any](noun string, items []T, name func(T) *string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = noun + " " + aws.ToString(name(it))
	}
	return out
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
