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
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	cb "github.com/aws/aws-sdk-go-v2/service/codebuild"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"agentcore-workshop/internal/session"
)

// Names of stage 9's results.
const (
	CleanupRemoved = "removed" // how many resources and files this run removed
	CleanupLeft    = "left"    // what could not be removed, one per line, or "none"
)

// envFileHeader starts the credentials file stage 1 writes. Cleanup removes
// EnvFileName only when it starts with this, so a file of the same name the
// learner wrote themselves (with the real starter toolkit, say) survives.
const envFileHeader = "# Written by agentcore-workshop"

// Waits of the runtime deletion: DELETING lasts a while on AWS.
const (
	runtimeDeletePoll    = 5 * time.Second
	runtimeDeleteTimeout = 15 * time.Minute
)

type cleanup struct{}

// Cleanup is stage 9: it deletes every resource in the ledger that is not
// deleted yet, newest first, and the local credentials file.
//
// It has no requirements and works on any workspace state: an entry left
// "planned" by a crash is looked up by name, and a resource that is
// already gone counts as removed. Each entry is marked deleted in the
// ledger as soon as its delete call succeeds, so a cleanup that is itself
// interrupted resumes where it stopped. A failure on one entry does not
// stop the others; the stage fails at the end, listing what is left.
//
// Earlier stages keep their statuses and results after a cleanup: they
// are the learner's record of the tutorial (the TUI still shows every
// stage done). Their IDs now name deleted resources, which the closing
// log line says; `agentcore-workshop reset` starts the workshop over, and
// re-running stage 1 re-creates the resources (the ledger re-plans
// deleted entries). A second cleanup finds nothing to do and succeeds.
func Cleanup() Step { return cleanup{} }

func (cleanup) ID() string    { return "cleanup" }
func (cleanup) Title() string { return "Clean up" }

// OnlyWhenAsked keeps cleanup out of the UI's "run all": deleting what the
// learner is looking at must be their decision.
func (cleanup) OnlyWhenAsked() {}

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
	if removed == 0 {
		rep.Log("nothing to remove: the workspace has no resources left")
	} else {
		rep.Log("every resource the workshop made is gone; earlier stages keep their results as a record " +
			"(run `agentcore-workshop reset` to start over)")
	}
	return res, nil
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
	if len(todo) > 0 {
		rep.Log("%d resource(s) to remove, newest first", len(todo))
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
		left = append(left, fmt.Sprintf("%s %s: %v", KindLocalFile, EnvFileName, err))
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
	path := filepath.Join(env.Dir, EnvFileName)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("open %s: %w", path, err)
	}
	head := make([]byte, len(envFileHeader))
	n, _ := f.Read(head)
	f.Close()
	if string(head[:n]) != envFileHeader {
		rep.Log("left %s alone: the workshop did not write it", path)
		return false, nil
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("remove %s: %w", path, err)
	}
	rep.Log("✓ removed %s (it held the test users' passwords)", path)
	return true, nil
}

// removeOne deletes one ledger entry's resource. existed is false when the
// resource turned out to be gone already (or never made it to the cloud).
func removeOne(ctx context.Context, env *Env, rep Reporter, r session.Resource) (existed bool, err error) {
	switch r.Kind {
	case KindPoolUser:
		return deletePoolUser(ctx, env, rep, r)
	case KindPoolClient:
		return deletePoolClient(ctx, env, rep, r)
	case KindPoolDomain:
		return deletePoolDomain(ctx, env, rep, r)
	case KindUserPool:
		return deleteUserPools(ctx, env, rep, r)
	case KindRuntime:
		return deleteRuntime(ctx, env, rep, r)
	case KindCredentialProv:
		rep.Log("DeleteOauth2CredentialProvider %s", r.Name)
		_, err := env.Cloud.Control.DeleteOauth2CredentialProvider(ctx, &ctl.DeleteOauth2CredentialProviderInput{Name: aws.String(r.Name)})
		return gone(err)
	case KindWorkloadIdentity:
		rep.Log("DeleteWorkloadIdentity %s", r.Name)
		_, err := env.Cloud.Control.DeleteWorkloadIdentity(ctx, &ctl.DeleteWorkloadIdentityInput{Name: aws.String(r.Name)})
		return gone(err)
	case KindRolePolicy:
		role, policy, err := attrs(r, AttrRole, AttrPolicy)
		if err != nil {
			return false, err
		}
		rep.Log("DeleteRolePolicy %s from %s", policy, role)
		_, err = env.Cloud.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(policy)})
		return gone(err)
	case KindRole:
		return deleteRole(ctx, env, rep, r.Name)
	case KindObject:
		bucket, key, err := attrs(r, AttrBucket, AttrKey)
		if err != nil {
			return false, err
		}
		rep.Log("DeleteObject s3://%s/%s", bucket, key)
		// S3 answers a missing key with success and a missing bucket with
		// NoSuchBucket: both mean the object is gone.
		_, err = env.Cloud.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		return gone(err)
	case KindBucket:
		return deleteBucket(ctx, env, rep, r.Name)
	case KindRepository:
		rep.Log("DeleteRepository %s (force: its images go with it)", r.Name)
		_, err := env.Cloud.ECR.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String(r.Name), Force: true})
		return gone(err)
	case KindProject:
		rep.Log("DeleteProject %s", r.Name)
		_, err := env.Cloud.Build.DeleteProject(ctx, &cb.DeleteProjectInput{Name: aws.String(r.Name)})
		return gone(err)
	case KindLocalFile:
		return removeLocalFile(env, r.Name)
	}
	return false, fmt.Errorf("this version does not know how to delete a %q", r.Kind)
}

// gone turns a delete call's error into removeOne's answer: "not found"
// means someone (an earlier cleanup, the console) removed it already.
func gone(err error) (bool, error) {
	switch {
	case err == nil:
		return true, nil
	case isNotFound(err):
		return false, nil
	}
	return false, err
}

// attrs reads the attributes a delete call needs from a ledger entry.
func attrs(r session.Resource, keys ...string) (string, string, error) {
	out := make([]string, 2)
	for i, k := range keys {
		out[i] = r.Attrs[k]
		if out[i] == "" {
			return "", "", fmt.Errorf("the ledger entry has no %q attribute", k)
		}
	}
	return out[0], out[1], nil
}

func deletePoolUser(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
	pool, user, err := attrs(r, AttrPool, AttrUsername)
	if err != nil {
		return false, err
	}
	rep.Log("AdminDeleteUser %s from %s", user, pool)
	// A missing pool (ResourceNotFoundException) takes its users with it.
	_, err = env.Cloud.Cognito.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(pool), Username: aws.String(user)})
	return gone(err)
}

func deletePoolClient(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
	c := env.Cloud.Cognito
	pool := r.Attrs[AttrPool]
	if pool == "" {
		return false, fmt.Errorf("the ledger entry has no %q attribute", AttrPool)
	}
	ids := []string{r.PhysicalID}
	if r.PhysicalID == "" {
		// Planned, never recorded: find it by name.
		ids = nil
		p := cip.NewListUserPoolClientsPaginator(c, &cip.ListUserPoolClientsInput{UserPoolId: aws.String(pool), MaxResults: aws.Int32(60)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if isNotFound(err) {
				return false, nil
			}
			if err != nil {
				return false, fmt.Errorf("list clients of %s: %w", pool, err)
			}
			for _, cl := range page.UserPoolClients {
				if aws.ToString(cl.ClientName) == r.Name {
					ids = append(ids, aws.ToString(cl.ClientId))
				}
			}
		}
	}
	existed := false
	for _, id := range ids {
		rep.Log("DeleteUserPoolClient %s (%s) in %s", r.Name, id, pool)
		_, err := c.DeleteUserPoolClient(ctx, &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: aws.String(id)})
		ok, err := gone(err)
		if err != nil {
			return existed, err
		}
		existed = existed || ok
	}
	return existed, nil
}

// deletePoolDomain removes a hosted-UI domain. Domain names are global on
// AWS: one that now belongs to a pool other than the one recorded is not
// the workshop's, and is left alone.
func deletePoolDomain(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
	out, err := env.Cloud.Cognito.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String(r.Name)})
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("describe domain: %w", err)
	}
	owner := ""
	if out.DomainDescription != nil {
		owner = aws.ToString(out.DomainDescription.UserPoolId)
	}
	if owner == "" {
		return false, nil
	}
	if want := r.Attrs[AttrPool]; want != "" && owner != want {
		rep.Log("domain %s belongs to pool %s, not the workshop's %s: left alone", r.Name, owner, want)
		return false, nil
	}
	return true, deleteDomainOf(ctx, env, rep, owner, r.Name)
}

// deleteDomainOf deletes pool's domain and waits until the pool no longer
// lists it: a pool with a domain cannot be deleted.
func deleteDomainOf(ctx context.Context, env *Env, rep Reporter, pool, domain string) error {
	c := env.Cloud.Cognito
	rep.Log("DeleteUserPoolDomain %s from %s", domain, pool)
	if _, err := c.DeleteUserPoolDomain(ctx, &cip.DeleteUserPoolDomainInput{Domain: aws.String(domain), UserPoolId: aws.String(pool)}); err != nil {
		return err
	}
	return poll(ctx, rep, "domain "+domain+" to be released", 2*time.Second, 2*time.Minute, func(ctx context.Context) (bool, string, error) {
		d, err := c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool)})
		if isNotFound(err) {
			return true, "", nil
		}
		if err != nil {
			return false, "", err
		}
		return aws.ToString(d.UserPool.Domain) == "", "still attached", nil
	})
}

// deleteUserPools deletes the recorded pool, or for a planned entry every
// pool with its name (names carry the workspace's suffix), each after its
// domain.
func deleteUserPools(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
	c := env.Cloud.Cognito
	// Every pool with this name, not only the recorded one: names carry the
	// workspace's suffix, so they are all ours, and a run killed mid-create
	// whose pool did not show in the listing yet may have made a twin.
	var ids []string
	if r.PhysicalID != "" {
		ids = append(ids, r.PhysicalID)
	}
	p := cip.NewListUserPoolsPaginator(c, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return false, fmt.Errorf("list user pools: %w", err)
		}
		for _, up := range page.UserPools {
			if id := aws.ToString(up.Id); aws.ToString(up.Name) == r.Name && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	existed := false
	for _, id := range ids {
		d, err := c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(id)})
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return existed, fmt.Errorf("describe pool %s: %w", id, err)
		}
		if dom := aws.ToString(d.UserPool.Domain); dom != "" {
			if err := deleteDomainOf(ctx, env, rep, id, dom); err != nil && !isNotFound(err) {
				return existed, fmt.Errorf("delete its domain %s: %w", dom, err)
			}
		}
		rep.Log("DeleteUserPool %s (%s)", r.Name, id)
		_, err = c.DeleteUserPool(ctx, &cip.DeleteUserPoolInput{UserPoolId: aws.String(id)})
		ok, err := gone(err)
		if err != nil {
			return existed, err
		}
		existed = existed || ok
	}
	return existed, nil
}

// deleteRuntime deletes the runtime and waits until AWS no longer knows
// it: DELETING takes a while, and the names it frees are only reusable
// after that.
func deleteRuntime(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
	c := env.Cloud.Control
	id := r.PhysicalID
	if id == "" {
		ref, err := findRuntime(ctx, env, r.Name)
		if err != nil {
			return false, err
		}
		if ref.ID == "" {
			return false, nil
		}
		id = ref.ID
	}
	del := func() error {
		rep.Log("DeleteAgentRuntime %s (%s)", r.Name, id)
		_, err := c.DeleteAgentRuntime(ctx, &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
		return err
	}
	status := func(ctx context.Context) (bool, string, error) {
		out, err := c.GetAgentRuntime(ctx, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
		if isNotFound(err) {
			return true, "", nil
		}
		if err != nil {
			return false, "", err
		}
		return false, string(out.Status), nil
	}
	err := del()
	if isConflict(err) {
		// Still CREATING or UPDATING: wait for it to settle, then delete.
		rep.Log("the runtime is busy (%v); waiting for it to settle", err)
		err = poll(ctx, rep, "runtime "+r.Name+" to settle", runtimeDeletePoll, runtimeDeleteTimeout, func(ctx context.Context) (bool, string, error) {
			done, st, err := status(ctx)
			return done || (st != "CREATING" && st != "UPDATING"), st, err
		})
		if err == nil {
			err = del()
		}
	}
	if existed, err := gone(err); err != nil || !existed {
		return existed, err
	}
	return true, poll(ctx, rep, "runtime "+r.Name+" to be deleted", runtimeDeletePoll, runtimeDeleteTimeout, status)
}

func isConflict(err error) bool {
	var ae interface{ ErrorCode() string }
	return errors.As(err, &ae) && ae.ErrorCode() == "ConflictException"
}

// deleteRole deletes the role's inline policies (those the ledger holds
// are gone already; this catches any other) and then the role.
func deleteRole(ctx context.Context, env *Env, rep Reporter, name string) (bool, error) {
	c := env.Cloud.IAM
	p := iam.NewListRolePoliciesPaginator(c, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if isNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("list its policies: %w", err)
		}
		for _, pol := range page.PolicyNames {
			rep.Log("DeleteRolePolicy %s from %s", pol, name)
			if _, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(pol)}); err != nil && !isNotFound(err) {
				return false, fmt.Errorf("delete policy %s: %w", pol, err)
			}
		}
	}
	rep.Log("DeleteRole %s", name)
	_, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	return gone(err)
}

// deleteBucket empties the bucket (a non-empty bucket cannot be deleted)
// and deletes it.
func deleteBucket(ctx context.Context, env *Env, rep Reporter, bucket string) (bool, error) {
	c := env.Cloud.S3
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if isNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("list its objects: %w", err)
		}
		for _, o := range page.Contents {
			rep.Log("DeleteObject s3://%s/%s", bucket, aws.ToString(o.Key))
			if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: o.Key}); err != nil && !isNotFound(err) {
				return false, fmt.Errorf("delete object %s: %w", aws.ToString(o.Key), err)
			}
		}
	}
	rep.Log("DeleteBucket %s", bucket)
	_, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
	return gone(err)
}

// removeLocalFile removes a file a stage recorded, never anything outside
// the workspace.
func removeLocalFile(env *Env, name string) (bool, error) {
	if !filepath.IsLocal(name) {
		return false, fmt.Errorf("refusing to remove %q: it is not a path inside the workspace", name)
	}
	err := os.Remove(filepath.Join(env.Dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}
