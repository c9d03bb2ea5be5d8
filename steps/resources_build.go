package steps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cb "github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/session"
)

// The kinds launch makes to build and run the agent: roles and their
// policies, the image repository, the source bucket and object, and the
// CodeBuild project.

type roleSpec struct{ name, trust string }

var roles = resource[roleSpec]{
	kind: ResRole,
	key:  func(s roleSpec) (string, map[string]string) { return s.name, nil },
	lookup: func(ctx context.Context, c *cloud.Clients, name string, _ map[string]string) (found, error) {
		out, err := c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		if isNotFound(err) {
			return found{}, nil
		}
		if err != nil {
			return found{}, err
		}
		return found{ID: name, ARN: aws.ToString(out.Role.Arn), OK: true}, nil
	},
	create: func(ctx context.Context, env *Env, rep Reporter, s roleSpec) (found, error) {
		rep.Log("CreateRole %s", s.name)
		out, err := env.Cloud.IAM.CreateRole(ctx, &iam.CreateRoleInput{
			RoleName: aws.String(s.name), AssumeRolePolicyDocument: aws.String(s.trust),
			Description: aws.String("Created by agentcore-workshop; removed by its cleanup stage"),
		})
		if err != nil {
			return found{}, err
		}
		return found{ID: s.name, ARN: aws.ToString(out.Role.Arn), OK: true}, nil
	},
	remove: deleteRole,
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		var out []string
		err := eachRole(ctx, c, func(name string) error {
			out = append(out, "role "+name)
			return nil
		})
		return out, err
	},
}

// eachRole calls fn with the name of every role of the account.
func eachRole(ctx context.Context, c *cloud.Clients, fn func(name string) error) error {
	p := iam.NewListRolesPaginator(c.IAM, &iam.ListRolesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list roles: %w", err)
		}
		for _, r := range page.Roles {
			if err := fn(aws.ToString(r.RoleName)); err != nil {
				return err
			}
		}
	}
	return nil
}

// eachRolePolicy calls fn with every inline policy of role; a role that
// is gone has none.
func eachRolePolicy(ctx context.Context, c *cloud.Clients, role string, fn func(policy string) error) error {
	p := iam.NewListRolePoliciesPaginator(c.IAM, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list the policies of %s: %w", role, err)
		}
		for _, pol := range page.PolicyNames {
			if err := fn(pol); err != nil {
				return err
			}
		}
	}
	return nil
}

// deleteRole deletes the role's inline policies (those the ledger holds
// are gone already; this catches any other) and then the role.
func deleteRole(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
	c := env.Cloud.IAM
	err := eachRolePolicy(ctx, env.Cloud, r.Name, func(pol string) error {
		rep.Log("DeleteRolePolicy %s from %s", pol, r.Name)
		if _, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(r.Name), PolicyName: aws.String(pol)}); err != nil && !isNotFound(err) {
			return fmt.Errorf("delete policy %s: %w", pol, err)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	rep.Log("DeleteRole %s", r.Name)
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(r.Name)})
	return gone(err)
}

// policySpec is an inline policy of a role. PutRolePolicy replaces the
// policy if it exists: every launch sends the current document.
type policySpec struct{ role, policy, document string }

var rolePolicies = resource[policySpec]{
	kind: ResRolePolicy,
	key: func(s policySpec) (string, map[string]string) {
		return s.role + "/" + s.policy, map[string]string{AttrRole: s.role, AttrPolicy: s.policy}
	},
	lookup: func(ctx context.Context, c *cloud.Clients, _ string, attrs map[string]string) (found, error) {
		_, err := c.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(attrs[AttrRole]), PolicyName: aws.String(attrs[AttrPolicy])})
		if isNotFound(err) {
			return found{}, nil
		}
		if err != nil {
			return found{}, err
		}
		return found{ID: attrs[AttrPolicy], OK: true}, nil
	},
	put: func(ctx context.Context, env *Env, rep Reporter, s policySpec) (found, error) {
		rep.Log("PutRolePolicy %s on %s", s.policy, s.role)
		if _, err := env.Cloud.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(s.role), PolicyName: aws.String(s.policy), PolicyDocument: aws.String(s.document)}); err != nil {
			return found{}, err
		}
		return found{ID: s.policy, OK: true}, nil
	},
	remove: func(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
		role, policy, err := attrs(r, AttrRole, AttrPolicy)
		if err != nil {
			return false, err
		}
		rep.Log("DeleteRolePolicy %s from %s", policy, role)
		_, err = env.Cloud.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(policy)})
		return gone(err)
	},
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		var out []string
		err := eachRole(ctx, c, func(role string) error {
			return eachRolePolicy(ctx, c, role, func(pol string) error {
				out = append(out, "role policy "+role+"/"+pol)
				return nil
			})
		})
		return out, err
	},
}

// retryWhileIAMPropagates repeats fn while AWS says a role just created
// cannot be assumed yet: IAM changes take seconds to reach other services.
// It returns fn's last error.
func retryWhileIAMPropagates(ctx context.Context, env *Env, rep Reporter, fn func() error) error {
	var last error
	err := poll(ctx, env, rep, wait{what: i18n.M("IAM to propagate the new role"), first: time.Second, max: 10 * time.Second, timeout: 90 * time.Second},
		func(context.Context) (bool, string, error) {
			last = fn()
			if last != nil && looksLikeIAMPropagation(last) {
				return false, "not assumable yet", nil
			}
			return true, "", nil
		})
	var timedOut *waitTimeout
	if err == nil || errors.As(err, &timedOut) {
		return last
	}
	return err
}

func looksLikeIAMPropagation(err error) bool {
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "not authorized to perform: sts:assumerole") ||
		strings.Contains(m, "role validation failed") ||
		strings.Contains(m, "cannot be assumed")
}

type repositorySpec struct{ name string }

var repositories = resource[repositorySpec]{
	kind: ResRepository,
	key:  func(s repositorySpec) (string, map[string]string) { return s.name, nil },
	lookup: func(ctx context.Context, c *cloud.Clients, name string, _ map[string]string) (found, error) {
		out, err := c.ECR.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{name}})
		if isNotFound(err) {
			return found{}, nil
		}
		if err != nil {
			return found{}, err
		}
		if len(out.Repositories) == 0 {
			return found{}, nil
		}
		r := out.Repositories[0]
		return found{ID: aws.ToString(r.RepositoryUri), ARN: aws.ToString(r.RepositoryArn), OK: true}, nil
	},
	create: func(ctx context.Context, env *Env, rep Reporter, s repositorySpec) (found, error) {
		rep.Log("CreateRepository %s", s.name)
		out, err := env.Cloud.ECR.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(s.name)})
		if err != nil {
			return found{}, err
		}
		return found{ID: aws.ToString(out.Repository.RepositoryUri), ARN: aws.ToString(out.Repository.RepositoryArn), OK: true}, nil
	},
	remove: func(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
		rep.Log("DeleteRepository %s (force: its images go with it)", r.Name)
		_, err := env.Cloud.ECR.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String(r.Name), Force: true})
		return gone(err)
	},
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		p := ecr.NewDescribeRepositoriesPaginator(c.ECR, &ecr.DescribeRepositoriesInput{})
		return pageLines(ctx, "repositories", p.HasMorePages, p.NextPage, func(o *ecr.DescribeRepositoriesOutput) []string {
			return named("repository", o.Repositories, func(r ecrtypes.Repository) *string { return r.RepositoryName })
		})
	},
}

type bucketSpec struct{ name, region string }

var buckets = resource[bucketSpec]{
	kind: ResBucket,
	key:  func(s bucketSpec) (string, map[string]string) { return s.name, nil },
	lookup: func(ctx context.Context, c *cloud.Clients, name string, _ map[string]string) (found, error) {
		_, err := c.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
		if isNotFound(err) {
			return found{}, nil
		}
		if err != nil {
			return found{}, err
		}
		return found{ID: name, ARN: "arn:" + c.Partition + ":s3:::" + name, OK: true}, nil
	},
	create: func(ctx context.Context, env *Env, rep Reporter, s bucketSpec) (found, error) {
		rep.Log("CreateBucket %s", s.name)
		in := &s3.CreateBucketInput{Bucket: aws.String(s.name)}
		if s.region != "us-east-1" { // us-east-1 refuses its own name as a constraint
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(s.region)}
		}
		if _, err := env.Cloud.S3.CreateBucket(ctx, in); err != nil {
			return found{}, err
		}
		return found{ID: s.name, ARN: "arn:" + env.Cloud.Partition + ":s3:::" + s.name, OK: true}, nil
	},
	remove: deleteBucket,
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		var out []string
		err := eachBucket(ctx, c, func(name string) error {
			out = append(out, "bucket "+name)
			return nil
		})
		return out, err
	},
}

// eachBucket calls fn with the name of every bucket of the account.
func eachBucket(ctx context.Context, c *cloud.Clients, fn func(name string) error) error {
	p := s3.NewListBucketsPaginator(c.S3, &s3.ListBucketsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list buckets: %w", err)
		}
		for _, b := range page.Buckets {
			if err := fn(aws.ToString(b.Name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// eachObject calls fn with the key of every object in bucket; a bucket
// that is gone has none.
func eachObject(ctx context.Context, c *cloud.Clients, bucket string, fn func(key string) error) error {
	p := s3.NewListObjectsV2Paginator(c.S3, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list the objects of %s: %w", bucket, err)
		}
		for _, o := range page.Contents {
			if err := fn(aws.ToString(o.Key)); err != nil {
				return err
			}
		}
	}
	return nil
}

// deleteBucket empties the bucket (a non-empty bucket cannot be deleted)
// and deletes it.
func deleteBucket(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
	c, bucket := env.Cloud.S3, r.Name
	err := eachObject(ctx, env.Cloud, bucket, func(key string) error {
		rep.Log("DeleteObject s3://%s/%s", bucket, key)
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil && !isNotFound(err) {
			return fmt.Errorf("delete object %s: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	rep.Log("DeleteBucket %s", bucket)
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
	return gone(err)
}

// objectSpec is an object to upload; every launch uploads the current one.
type objectSpec struct {
	bucket, key string
	body        []byte
}

var objects = resource[objectSpec]{
	kind: ResObject,
	key: func(s objectSpec) (string, map[string]string) {
		return s.bucket + "/" + s.key, map[string]string{AttrBucket: s.bucket, AttrKey: s.key}
	},
	lookup: lookupObject,
	put: func(ctx context.Context, env *Env, rep Reporter, s objectSpec) (found, error) {
		if _, err := env.Cloud.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.key), Body: bytes.NewReader(s.body)}); err != nil {
			return found{}, err
		}
		rep.Log("uploaded s3://%s/%s (%d bytes)", s.bucket, s.key, len(s.body))
		return found{ID: s.key, OK: true}, nil
	},
	remove: func(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
		bucket, key, err := attrs(r, AttrBucket, AttrKey)
		if err != nil {
			return false, err
		}
		// S3 answers the delete of a missing key with success: ask first,
		// to tell the learner what was already gone.
		if f, err := lookupObject(ctx, env.Cloud, r.Name, r.Attrs); err != nil || !f.OK {
			return false, err
		}
		rep.Log("DeleteObject s3://%s/%s", bucket, key)
		_, err = env.Cloud.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		return gone(err)
	},
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		var out []string
		err := eachBucket(ctx, c, func(bucket string) error {
			return eachObject(ctx, c, bucket, func(key string) error {
				out = append(out, "object s3://"+bucket+"/"+key)
				return nil
			})
		})
		return out, err
	},
}

func lookupObject(ctx context.Context, c *cloud.Clients, _ string, attrs map[string]string) (found, error) {
	_, err := c.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(attrs[AttrBucket]), Key: aws.String(attrs[AttrKey])})
	if isNotFound(err) {
		return found{}, nil
	}
	if err != nil {
		return found{}, err
	}
	return found{ID: attrs[AttrKey], OK: true}, nil
}

// projectSpec is the CodeBuild project that builds the agent's image from
// the uploaded source (location is bucket/key); every launch sends the new
// image tag.
type projectSpec struct{ name, location, role, repoURI, tag string }

// inputs are the project's settings, the same for its create and update.
func (s projectSpec) inputs() (*cbtypes.ProjectSource, *cbtypes.ProjectEnvironment, *cbtypes.ProjectArtifacts) {
	return &cbtypes.ProjectSource{Type: cbtypes.SourceTypeS3, Location: aws.String(s.location), Buildspec: aws.String(buildspec)},
		&cbtypes.ProjectEnvironment{
			Type:           cbtypes.EnvironmentTypeArmContainer,
			Image:          aws.String("aws/codebuild/amazonlinux2-aarch64-standard:3.0"),
			ComputeType:    cbtypes.ComputeTypeBuildGeneral1Medium, // the starter toolkit's choice for ARM builds
			PrivilegedMode: aws.Bool(true),                         // docker build needs it
			EnvironmentVariables: []cbtypes.EnvironmentVariable{
				{Name: aws.String("REPOSITORY_URI"), Value: aws.String(s.repoURI)},
				{Name: aws.String("IMAGE_TAG"), Value: aws.String(s.tag)},
				{Name: aws.String("AGENT_ENTRYPOINT"), Value: aws.String("agent.py")},
			},
		},
		&cbtypes.ProjectArtifacts{Type: cbtypes.ArtifactsTypeNoArtifacts}
}

var buildProjects = resource[projectSpec]{
	kind:   ResProject,
	key:    func(s projectSpec) (string, map[string]string) { return s.name, nil },
	lookup: lookupProject,
	put: func(ctx context.Context, env *Env, rep Reporter, s projectSpec) (found, error) {
		c := env.Cloud.Build
		source, environment, artifacts := s.inputs()
		var arn string
		err := retryWhileIAMPropagates(ctx, env, rep, func() error {
			out, err := c.CreateProject(ctx, &cb.CreateProjectInput{Name: aws.String(s.name), Source: source, Environment: environment,
				Artifacts: artifacts, ServiceRole: aws.String(s.role)})
			var exists *cbtypes.ResourceAlreadyExistsException
			if errors.As(err, &exists) {
				rep.Log("UpdateProject %s (new image tag %s)", s.name, s.tag)
				up, uerr := c.UpdateProject(ctx, &cb.UpdateProjectInput{Name: aws.String(s.name), Source: source, Environment: environment,
					Artifacts: artifacts, ServiceRole: aws.String(s.role)})
				if uerr != nil {
					return uerr
				}
				arn = aws.ToString(up.Project.Arn)
				return nil
			}
			if err != nil {
				return err
			}
			rep.Log("CreateProject %s (ARM64, privileged)", s.name)
			arn = aws.ToString(out.Project.Arn)
			return nil
		})
		return found{ID: s.name, ARN: arn, OK: err == nil}, err
	},
	remove: func(ctx context.Context, env *Env, rep Reporter, r session.Resource) (bool, error) {
		// CodeBuild answers the delete of a missing project with success:
		// ask first, to tell the learner what was already gone.
		if f, err := lookupProject(ctx, env.Cloud, r.Name, nil); err != nil || !f.OK {
			return false, err
		}
		rep.Log("DeleteProject %s", r.Name)
		_, err := env.Cloud.Build.DeleteProject(ctx, &cb.DeleteProjectInput{Name: aws.String(r.Name)})
		return gone(err)
	},
	leftovers: func(ctx context.Context, c *cloud.Clients, _ []session.Resource) ([]string, error) {
		p := cb.NewListProjectsPaginator(c.Build, &cb.ListProjectsInput{})
		return pageLines(ctx, "projects", p.HasMorePages, p.NextPage, func(o *cb.ListProjectsOutput) []string {
			return named("project", o.Projects, func(name string) *string { return &name })
		})
	},
}

func lookupProject(ctx context.Context, c *cloud.Clients, name string, _ map[string]string) (found, error) {
	out, err := c.Build.BatchGetProjects(ctx, &cb.BatchGetProjectsInput{Names: []string{name}})
	if err != nil {
		return found{}, err
	}
	if len(out.Projects) == 0 {
		return found{}, nil
	}
	return found{ID: name, ARN: aws.ToString(out.Projects[0].Arn), OK: true}, nil
}
