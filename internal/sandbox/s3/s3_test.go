package s3_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
)

var ctx = context.Background()

const bucket = "bedrock-agentcore-codebuild-sources-123456789012-us-west-2"

func client(env *launchtest.Env, opts ...func(*s3.Options)) *s3.Client {
	return s3.NewFromConfig(env.Config, append([]func(*s3.Options){func(o *s3.Options) { o.UsePathStyle = true }}, opts...)...)
}

var typesConfig = types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintUsWest2}

func createBucket(t *testing.T, c *s3.Client, name string) {
	t.Helper()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintUsWest2}})
	if err != nil {
		t.Fatal(err)
	}
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return fmt.Sprint(err)
}

func status(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func TestBuckets(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	c := client(env)

	_, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		t.Fatalf("HeadBucket before create: err = %v, want NotFound", err)
	}
	createBucket(t, c, bucket)
	head, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(head.BucketRegion) != "us-west-2" {
		t.Errorf("BucketRegion = %q", aws.ToString(head.BucketRegion))
	}
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintUsWest2}})
	var owned *types.BucketAlreadyOwnedByYou
	if !errors.As(err, &owned) || status(err) != 409 {
		t.Errorf("second CreateBucket: err = %v, want BucketAlreadyOwnedByYou 409", err)
	}
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("no-constraint")})
	if code(err) != "IllegalLocationConstraintException" {
		t.Errorf("CreateBucket without a constraint outside us-east-1: err = %v", err)
	}
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("elsewhere"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}})
	if code(err) != "IllegalLocationConstraintException" {
		t.Errorf("CreateBucket with another region's constraint: err = %v", err)
	}
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("Bad_Name"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintUsWest2}})
	if code(err) != "InvalidBucketName" || status(err) != 400 {
		t.Errorf("CreateBucket Bad_Name: err = %v", err)
	}
	createBucket(t, c, "another-bucket")
	list, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range list.Buckets {
		names = append(names, aws.ToString(b.Name))
		if b.CreationDate == nil || b.CreationDate.IsZero() {
			t.Errorf("bucket %s has no CreationDate", aws.ToString(b.Name))
		}
	}
	if strings.Join(names, ",") != "another-bucket,"+bucket {
		t.Errorf("ListBuckets = %v", names)
	}

	// Lifecycle: accepted and kept.
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(bucket),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
			ID: aws.String("DeleteOldBuilds"), Status: types.ExpirationStatusEnabled,
			Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(7)},
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	lc, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if len(lc.Rules) != 1 || aws.ToString(lc.Rules[0].ID) != "DeleteOldBuilds" || aws.ToInt32(lc.Rules[0].Expiration.Days) != 7 {
		t.Errorf("lifecycle = %+v", lc.Rules)
	}
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("missing-bucket"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String("x"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}}}})
	if code(err) != "NoSuchBucket" {
		t.Errorf("lifecycle on a missing bucket: err = %v", err)
	}

	// Delete: only when empty.
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("a/source.zip"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
	if code(err) != "BucketNotEmpty" || status(err) != 409 {
		t.Errorf("DeleteBucket with an object: err = %v, want BucketNotEmpty 409", err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("a/source.zip")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
	if code(err) != "NoSuchBucket" || status(err) != 404 {
		t.Errorf("DeleteBucket twice: err = %v, want NoSuchBucket 404", err)
	}
}

func TestObjects(t *testing.T) {
	dir := t.TempDir()
	env := launchtest.Start(t, dir, edge.Delays{})
	// The SDK's defaults: a CRC32 checksum header on every PutObject.
	c := client(env)
	createBucket(t, c, bucket)
	payload := bytes.Repeat([]byte("agent source "), 5000)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("my_agent/source.zip"), Body: bytes.NewReader(payload), ContentType: aws.String("application/zip")})
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(payload)
	if want := `"` + hex.EncodeToString(sum[:]) + `"`; aws.ToString(put.ETag) != want {
		t.Errorf("ETag = %s, want %s", aws.ToString(put.ETag), want)
	}
	if aws.ToString(put.ChecksumCRC32) == "" {
		t.Errorf("PutObject did not echo the CRC32 checksum")
	}
	// The workshop's setting: no checksum unless the operation needs one.
	plain := client(env, func(o *s3.Options) { o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired })
	for _, k := range []string{"my_agent/deployment.zip", "other/source.zip", "top.txt"} {
		if _, err := plain.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}

	// A restart keeps metadata and bytes.
	env.Close()
	env = launchtest.Start(t, dir, edge.Delays{})
	c = client(env)

	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("my_agent/source.zip"), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(get.Body)
	get.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, payload) || aws.ToString(get.ContentType) != "application/zip" || aws.ToInt64(get.ContentLength) != int64(len(payload)) {
		t.Errorf("GetObject: %d bytes, type %q, length %d", len(got), aws.ToString(get.ContentType), aws.ToInt64(get.ContentLength))
	}
	crc := crc32.ChecksumIEEE(payload)
	if want := base64.StdEncoding.EncodeToString([]byte{byte(crc >> 24), byte(crc >> 16), byte(crc >> 8), byte(crc)}); aws.ToString(get.ChecksumCRC32) != want {
		t.Errorf("ChecksumCRC32 = %q, want %q", aws.ToString(get.ChecksumCRC32), want)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("top.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(head.ContentLength) != int64(len("top.txt")) || head.LastModified == nil {
		t.Errorf("HeadObject = %+v", head)
	}

	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("my_agent/")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(list.KeyCount) != 2 || aws.ToString(list.Contents[0].Key) != "my_agent/deployment.zip" || aws.ToInt64(list.Contents[1].Size) != int64(len(payload)) {
		t.Errorf("ListObjectsV2 prefix = %+v", list.Contents)
	}
	if aws.ToString(list.Contents[1].ETag) != aws.ToString(put.ETag) {
		t.Errorf("listed ETag %s, put ETag %s", aws.ToString(list.Contents[1].ETag), aws.ToString(put.ETag))
	}
	dl, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	var prefixes []string
	for _, p := range dl.CommonPrefixes {
		prefixes = append(prefixes, aws.ToString(p.Prefix))
	}
	if strings.Join(prefixes, ",") != "my_agent/,other/" || len(dl.Contents) != 1 || aws.ToString(dl.Contents[0].Key) != "top.txt" {
		t.Errorf("delimiter listing: prefixes %v, contents %d", prefixes, len(dl.Contents))
	}
	var keys []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	if strings.Join(keys, ",") != "my_agent/deployment.zip,my_agent/source.zip,other/source.zip,top.txt" {
		t.Errorf("paged keys = %v", keys)
	}

	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("nope")})
	var nsk *types.NoSuchKey
	if !errors.As(err, &nsk) || status(err) != 404 {
		t.Errorf("GetObject missing key: err = %v, want NoSuchKey 404", err)
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("nope")})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("HeadObject missing key: err = %v, want NotFound", err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("no-such-bucket"), Key: aws.String("k")})
	// The SDK models NoSuchBucket only for some operations; the code is
	// what AWS sends for all of them.
	if code(err) != "NoSuchBucket" || status(err) != 404 {
		t.Errorf("GetObject missing bucket: err = %v, want NoSuchBucket", err)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("no-such-bucket"), Key: aws.String("k"), Body: strings.NewReader("x")})
	if code(err) != "NoSuchBucket" {
		t.Errorf("PutObject missing bucket: err = %v, want NoSuchBucket", err)
	}
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("no-such-bucket")})
	var nsb *types.NoSuchBucket
	if !errors.As(err, &nsb) {
		t.Errorf("ListObjectsV2 missing bucket: err = %v, want NoSuchBucket", err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("top.txt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("top.txt")}); err != nil {
		t.Errorf("deleting a missing key should succeed, as in S3: %v", err)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("top.txt")}); !errors.As(err, &nf) {
		t.Errorf("HeadObject after delete: err = %v", err)
	}
}

// TestAWSChunkedUpload sends the body shape SDKs use over TLS: aws-chunked
// with the checksum in a trailer.
func TestAWSChunkedUpload(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	c := client(env)
	createBucket(t, c, bucket)
	data := "hello world, chunked"
	crc := crc32.ChecksumIEEE([]byte(data))
	sum := base64.StdEncoding.EncodeToString([]byte{byte(crc >> 24), byte(crc >> 16), byte(crc >> 8), byte(crc)})
	body := fmt.Sprintf("b\r\n%s\r\n%x\r\n%s\r\n0\r\nx-amz-checksum-crc32:%s\r\n\r\n", data[:11], len(data)-11, data[11:], sum)
	h := http.Header{"Content-Encoding": {"aws-chunked"}, "X-Amz-Decoded-Content-Length": {fmt.Sprint(len(data))}, "X-Amz-Trailer": {"x-amz-checksum-crc32"}}
	r := env.Signed(t, http.MethodPut, "/"+bucket+"/chunked.txt", "s3", h, body)
	if r.Status != 200 || r.Header.Get("X-Amz-Checksum-Crc32") != sum {
		t.Fatalf("chunked PutObject: %d %s (checksum %q)", r.Status, r.Body, r.Header.Get("X-Amz-Checksum-Crc32"))
	}
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("chunked.txt")})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(get.Body)
	get.Body.Close()
	if string(got) != data {
		t.Errorf("stored %q, want %q", got, data)
	}
	bad := strings.Replace(body, sum, "AAAAAA==", 1)
	r = env.Signed(t, http.MethodPut, "/"+bucket+"/chunked.txt", "s3", h, bad)
	if r.Status != 400 || !strings.Contains(r.Body, "<Code>BadDigest</Code>") {
		t.Errorf("wrong trailer checksum: %d %s", r.Status, r.Body)
	}
}

func TestMalformedRequests(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	c := client(env)
	createBucket(t, c, bucket)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader("original")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path string
		header       http.Header
		body, code   string
		status       int
	}{
		{"PUT", "/new-bucket", nil, "<CreateBucketConfiguration><LocationConstraint>", "MalformedXML", 400},
		{"PUT", "/" + bucket + "?lifecycle", nil, "<LifecycleConfiguration><Rule><Status>Sometimes</Status></Rule></LifecycleConfiguration>", "MalformedXML", 400},
		{"PUT", "/" + bucket + "?lifecycle", nil, "not xml", "MalformedXML", 400},
		{"GET", "/" + bucket + "?acl", nil, "", "InvalidRequest", 400},
		{"GET", "/" + bucket + "?list-type=2&max-keys=many", nil, "", "InvalidArgument", 400},
		{"GET", "/" + bucket + "?list-type=2&continuation-token=zz", nil, "", "InvalidArgument", 400},
		{"PUT", "/" + bucket + "/k", http.Header{"X-Amz-Checksum-Crc32": {"AAAAAA=="}}, "changed", "BadDigest", 400},
		{"PUT", "/" + bucket + "/k", http.Header{"Content-Md5": {"not-base64"}}, "changed", "InvalidDigest", 400},
		{"PUT", "/" + bucket + "/k", http.Header{"Content-Encoding": {"aws-chunked"}}, "zz\r\nchanged\r\n", "IncompleteBody", 400},
		{"POST", "/" + bucket + "/k", nil, "", "MethodNotAllowed", 405},
		{"GET", "/" + bucket + "/k?uploadId=1", nil, "", "InvalidRequest", 400},
	} {
		r := env.Signed(t, tc.method, tc.path, "s3", tc.header, tc.body)
		if r.Status != tc.status || !strings.Contains(r.Body, "<Code>"+tc.code+"</Code>") {
			t.Errorf("%s %s: got %d %s, want %d %s", tc.method, tc.path, r.Status, r.Body, tc.status, tc.code)
		}
	}
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(get.Body)
	get.Body.Close()
	if string(got) != "original" {
		t.Errorf("rejected puts changed the object to %q", got)
	}
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("new-bucket")}); err == nil {
		t.Errorf("a malformed CreateBucket created the bucket")
	}
}

// A replacing PutObject that cannot save its metadata leaves the old object
// whole: its bytes, not the rejected upload's, under its old ETag.
func TestFailedOverwriteKeepsTheOldObject(t *testing.T) {
	dir := t.TempDir()
	env := launchtest.Start(t, dir, edge.Delays{})
	if err := env.S3.CreateBucket(bucket, "us-west-2", "us-west-2"); err != nil {
		t.Fatal(err)
	}
	old, err := env.S3.PutObject(bucket, "src.zip", []byte("old bytes"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	// A directory where the state document goes makes every save fail.
	doc := filepath.Join(dir, "s3.json")
	if err := os.Remove(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(doc, "blocker"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := env.S3.PutObject(bucket, "src.zip", []byte("new bytes"), "", nil); err == nil {
		t.Fatal("PutObject saved through a blocked state document")
	}
	got, data, err := env.S3.Object(bucket, "src.zip")
	if err != nil || got.ETag != old.ETag || string(data) != "old bytes" {
		t.Errorf("after the failed overwrite: ETag %s (was %s), bytes %q, err %v", got.ETag, old.ETag, data, err)
	}
}
