package s3_test

import (
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
	"agentcore-workshop/internal/sandbox/model/modeltest"
)

// TestOutputsMatchModel drives every S3 operation the sandbox serves
// through the real SDK and holds each answer (body and headers) to the
// model's output shape.
func TestOutputsMatchModel(t *testing.T) {
	env := launchtest.Start(t, t.TempDir(), edge.Delays{})
	rec := &modeltest.Recorder{Next: env.Config.HTTPClient}
	c := client(env, func(o *s3.Options) { o.HTTPClient = rec })
	b, key := aws.String(bucket), aws.String("dir/source.zip")
	rule := types.LifecycleRule{ID: aws.String("expire"), Status: types.ExpirationStatusEnabled,
		Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(7)}}
	steps := []func() error{
		func() error {
			_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, CreateBucketConfiguration: &typesConfig})
			return err
		},
		func() error { _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: b}); return err },
		func() error { _, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b}); return err },
		func() error { _, err := c.ListBuckets(ctx, &s3.ListBucketsInput{}); return err },
		func() error {
			_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b,
				LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{rule}}})
			return err
		},
		func() error {
			_, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
			return err
		},
		func() error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: key, Body: strings.NewReader("zip bytes")})
			return err
		},
		func() error { _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: key}); return err },
		func() error {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: key})
			if err == nil {
				_, err = io.Copy(io.Discard, out.Body)
				out.Body.Close()
			}
			return err
		},
		func() error {
			_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, Delimiter: aws.String("/"), MaxKeys: aws.Int32(10)})
			return err
		},
		func() error {
			_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, Prefix: aws.String("dir/")})
			return err
		},
		func() error { _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: key}); return err },
		func() error {
			_, err := c.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: b})
			return err
		},
		func() error { _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: b}); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	modeltest.CheckAll(t, model.S3, rec.Answers(), nil)
}
