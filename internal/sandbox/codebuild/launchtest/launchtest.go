// Package launchtest starts a real sandbox (sandbox.Start on a loopback
// port with a state directory) for the launch services' SDK-driven tests,
// and hands them the SDK config and the launch services themselves.
package launchtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/codebuild"
	"agentcore-workshop/internal/sandbox/ecr"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/iam"
	"agentcore-workshop/internal/sandbox/s3"
	"agentcore-workshop/internal/sandbox/sigv4"
	"agentcore-workshop/internal/sandbox/sts"
)

// Region is the region the test sandbox runs in.
const Region = "us-west-2"

// Env is a running sandbox.
type Env struct {
	URL       string
	Creds     sigv4.Credentials
	Config    aws.Config // points the SDK at URL with Creds
	STS       *sts.Service
	IAM       *iam.Service
	S3        *s3.Service
	ECR       *ecr.Service
	CodeBuild *codebuild.Service

	sb     *sandbox.Sandbox
	closed bool
}

// Start runs a sandbox with state in dir (empty: in memory) until Close
// or the end of the test.
func Start(t testing.TB, dir string, delays edge.Delays) *Env {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), sandbox.Config{Addr: "127.0.0.1:0", StateDir: dir, Region: Region, Delays: delays})
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{URL: sb.URL, Creds: sb.Credentials, sb: sb}
	t.Cleanup(func() { env.Close() })
	for _, svc := range sb.Services {
		switch s := svc.(type) {
		case *sts.Service:
			env.STS = s
		case *iam.Service:
			env.IAM = s
		case *s3.Service:
			env.S3 = s
		case *ecr.Service:
			env.ECR = s
		case *codebuild.Service:
			env.CodeBuild = s
		}
	}
	if env.STS == nil || env.IAM == nil || env.S3 == nil || env.ECR == nil || env.CodeBuild == nil {
		t.Fatalf("sandbox.Start did not build every launch service: %+v", env)
	}
	env.Config = aws.Config{
		Region:           Region,
		Credentials:      credentials.NewStaticCredentialsProvider(sb.Credentials.AccessKeyID, sb.Credentials.SecretAccessKey, ""),
		BaseEndpoint:     aws.String(sb.URL),
		RetryMaxAttempts: 1,
		// What config.LoadDefaultConfig resolves when nothing is set.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}
	return env
}

// Close stops the sandbox (and its running builds). It is idempotent.
func (e *Env) Close() error {
	if e.closed {
		return nil
	}
	e.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return e.sb.Close(ctx)
}

// Response is a raw HTTP answer.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Signed sends a raw request signed with the SDK's SigV4 signer for
// service, so tests can send what the SDK never would.
func (e *Env) Signed(t testing.TB, method, path, service string, header http.Header, body string) Response {
	t.Helper()
	req, err := http.NewRequest(method, e.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	sum := sha256.Sum256([]byte(body))
	payload := hex.EncodeToString(sum[:])
	if service == "s3" {
		if h := req.Header.Get("X-Amz-Content-Sha256"); h != "" {
			payload = h
		} else {
			req.Header.Set("X-Amz-Content-Sha256", payload)
		}
	}
	creds := aws.Credentials{AccessKeyID: e.Creds.AccessKeyID, SecretAccessKey: e.Creds.SecretAccessKey}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = service == "s3" })
	if err := signer.SignHTTP(context.Background(), creds, req, payload, service, Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{resp.StatusCode, resp.Header, string(b)}
}
