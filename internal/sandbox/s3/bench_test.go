package s3_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
)

// BenchmarkPutGetObject measures a 256 KiB source-zip-sized round trip
// through the SDK (signing, checksum, edge verification, disk write).
func BenchmarkPutGetObject(b *testing.B) {
	env := launchtest.Start(b, b.TempDir(), edge.Delays{})
	c := client(env)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket), CreateBucketConfiguration: &typesConfig}); err != nil {
		b.Fatal(err)
	}
	body := bytes.Repeat([]byte{7}, 256<<10)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: bytes.NewReader(body)}); err != nil {
			b.Fatal(err)
		}
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, out.Body)
		out.Body.Close()
	}
}
