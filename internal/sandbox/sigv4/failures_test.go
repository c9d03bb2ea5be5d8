package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"agentcore-workshop/internal/sandbox/awswire"
)

// The refusals carry AWS's own texts in each protocol's shape.
func TestScopeFailureShapes(t *testing.T) {
	region := &Failure{Kind: WrongRegion, Region: "us-west-2", Scoped: "eu-west-1"}
	host := &Failure{Kind: HostNotSigned}
	cases := []struct {
		f      *Failure
		p      awswire.Protocol
		status int
		code   string
		msg    string
	}{
		{region, awswire.JSON11, 400, "InvalidSignatureException", "Credential should be scoped to a valid region, not 'eu-west-1'. "},
		{region, awswire.RestJSON, 403, "InvalidSignatureException", "Credential should be scoped to a valid region, not 'eu-west-1'. "},
		{region, awswire.Query, 403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region, not 'eu-west-1'. "},
		{region, awswire.RestXML, 400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-west-2'"},
		{host, awswire.JSON11, 400, "IncompleteSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{host, awswire.RestJSON, 403, "IncompleteSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{host, awswire.Query, 400, "IncompleteSignature", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{host, awswire.RestXML, 403, "AccessDenied", "There were headers present in the request which were not signed"},
	}
	for _, tc := range cases {
		e := tc.f.AWSError(tc.p)
		if e.Status != tc.status || e.Code != tc.code || e.Message != tc.msg {
			t.Errorf("kind %d protocol %v: got %d %s %q", tc.f.Kind, tc.p, e.Status, e.Code, e.Message)
		}
	}
}

// countingBody counts what the verifier reads of a body.
type countingBody struct {
	r    io.Reader
	read int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

func (c *countingBody) Close() error { return nil }

// zeros is an endless body of zero bytes, up to n.
func zeros(n int64) io.Reader { return io.LimitReader(zeroReader{}, n) }

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// An S3 request declares its payload hash, so a bad signature is refused
// before one byte of a large body is read; a good one streams the body
// through the hash and fails at its end when the bytes are not the ones
// signed.
func TestDeclaredPayloadHashIsCheckedWhileStreaming(t *testing.T) {
	v := &Verifier{Keys: map[string]Credentials{testCreds.AccessKeyID: testCreds}, Region: "us-west-2"}
	const size = 8 << 20
	h := sha256.New()
	io.Copy(h, zeros(size))
	sum := hex.EncodeToString(h.Sum(nil))
	newReq := func(secret string, body io.Reader) (*http.Request, *countingBody) {
		req, _ := http.NewRequest(http.MethodPut, "http://127.0.0.1/bucket/key", nil)
		req.Header.Set("X-Amz-Content-Sha256", sum)
		req.ContentLength = size
		creds := aws.Credentials{AccessKeyID: testCreds.AccessKeyID, SecretAccessKey: secret}
		if err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).
			SignHTTP(context.Background(), creds, req, sum, "s3", "us-west-2", time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		cb := &countingBody{r: body}
		req.Body = cb
		return req, cb
	}

	req, cb := newReq("wrong-secret", zeros(size))
	var f *Failure
	if _, err := v.Verify(req); !errors.As(err, &f) || f.Kind != BadSignature {
		t.Fatalf("bad signature: %v", err)
	}
	if cb.read != 0 {
		t.Fatalf("read %d bytes of a body whose signature was wrong", cb.read)
	}

	req, _ = newReq(testCreds.SecretAccessKey, zeros(size))
	if _, err := v.Verify(req); err != nil {
		t.Fatal(err)
	}
	if n, err := io.Copy(io.Discard, req.Body); err != nil || n != size {
		t.Fatalf("signed body: %d bytes, %v", n, err)
	}

	req, _ = newReq(testCreds.SecretAccessKey, io.MultiReader(zeros(size-1), strings.NewReader("x")))
	if _, err := v.Verify(req); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, req.Body); !errors.As(err, &f) || f.Kind != BadPayload {
		t.Fatalf("swapped body: %v", err)
	}
}

// A body without a declared hash is hashed by the verifier, which buffers
// at most MaxHashedBody of it.
func TestUndeclaredHashBodyIsBounded(t *testing.T) {
	v := &Verifier{Keys: map[string]Credentials{testCreds.AccessKeyID: testCreds}}
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", nil)
	sign(t, req, "", testCreds.SecretAccessKey, "cognito-idp", "us-west-2", time.Now().UTC())
	cb := &countingBody{r: zeros(64 << 20)}
	req.Body = cb
	var f *Failure
	if _, err := v.Verify(req); !errors.As(err, &f) || f.Kind != TooLarge {
		t.Fatalf("want TooLarge, got %v", err)
	}
	if cb.read > MaxHashedBody+32<<10 {
		t.Fatalf("read %d bytes, more than the %d the verifier may buffer", cb.read, MaxHashedBody)
	}
	if e := f.AWSError(awswire.JSON11); e.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("too large answers %d", e.Status)
	}
}
