package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

var testCreds = Credentials{AccessKeyID: "AKIASANDBOXTEST12345", SecretAccessKey: "secretsecretsecretsecretsecretsecret1234", AccountID: "123456789012"}

// serve runs a verifier behind a real loopback server and reports what it
// decided for each request the SDK's own signer produced.
func serve(t *testing.T, v *Verifier) (string, <-chan error) {
	t.Helper()
	results := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := v.Verify(r)
		if err == nil {
			// The body must still be readable after verification.
			if _, rerr := io.ReadAll(r.Body); rerr != nil {
				err = rerr
			}
		}
		results <- err
	}))
	t.Cleanup(srv.Close)
	return srv.URL, results
}

func sign(t *testing.T, req *http.Request, body, secret, service, region string, at time.Time, opts ...func(*v4.SignerOptions)) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	if service == "s3" {
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	creds := aws.Credentials{AccessKeyID: testCreds.AccessKeyID, SecretAccessKey: secret}
	if err := v4.NewSigner(opts...).SignHTTP(context.Background(), creds, req, hash, service, region, at); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyAgainstSDKSigner(t *testing.T) {
	v := &Verifier{Keys: map[string]Credentials{testCreds.AccessKeyID: testCreds}, Region: "us-west-2"}
	base, results := serve(t, v)
	now := time.Now().UTC()
	dropHost := func(r *http.Request) {
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";host;", ";", 1))
		if strings.Contains(r.Header.Get("Authorization"), "host") {
			t.Fatalf("could not drop host from %q", r.Header.Get("Authorization"))
		}
	}

	cases := []struct {
		name, method, path, query, body, service string
		region                                   string // default us-west-2, the verifier's
		secret                                   string
		at                                       time.Time
		mutate                                   func(*http.Request)
		s3                                       bool
		want                                     Kind // -1 = success
	}{
		{name: "json post", method: "POST", path: "/", body: `{"PoolName":"p"}`, service: "cognito-idp", want: -1},
		{name: "escaped ARN path", method: "POST", path: "/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aus-west-2%3A123456789012%3Aruntime%2Fmy_agent-AbCdEf1234/invocations", query: "qualifier=DEFAULT", body: `{"prompt":"hi"}`, service: "bedrock-agentcore", want: -1},
		{name: "query with spaces and repeats", method: "GET", path: "/runtimes/abc/", query: "b=2&a=x%20y&a=1", service: "bedrock-agentcore", want: -1},
		{name: "s3 path not double escaped", method: "PUT", path: "/bucket/dir/file%20name.zip", body: "zipbytes", service: "s3", s3: true, want: -1},
		{name: "wrong secret", method: "POST", path: "/", body: `{}`, service: "cognito-idp", secret: "wrong", want: BadSignature},
		{name: "too old", method: "POST", path: "/", body: `{}`, service: "sts", at: now.Add(-20 * time.Minute), want: Expired},
		{name: "body changed after signing", method: "POST", path: "/", body: `{"a":1}`, service: "cognito-idp", mutate: func(r *http.Request) {
			r.Body = io.NopCloser(strings.NewReader(`{"a":2}`))
		}, want: BadSignature},
		{name: "header changed after signing", method: "POST", path: "/", body: `{}`, service: "cognito-idp", mutate: func(r *http.Request) {
			r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.DeleteUserPool")
		}, want: BadSignature},
		{name: "unknown key", method: "POST", path: "/", body: `{}`, service: "iam", mutate: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), testCreds.AccessKeyID, "AKIAOTHER", 1))
		}, want: UnknownKey},
		{name: "garbled header", method: "POST", path: "/", body: `{}`, service: "iam", mutate: func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 nonsense")
		}, want: Malformed},
		{name: "another region", method: "POST", path: "/", body: `{}`, service: "cognito-idp", region: "eu-west-1", want: WrongRegion},
		{name: "iam is global", method: "POST", path: "/", body: `{}`, service: "iam", region: "us-east-1", want: -1},
		{name: "sts is not global", method: "POST", path: "/", body: `{}`, service: "sts", region: "us-east-1", want: WrongRegion},
		{name: "host not signed", method: "POST", path: "/", body: `{}`, service: "cognito-idp", mutate: dropHost, want: HostNotSigned},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url := base + tc.path
			if tc.query != "" {
				url += "?" + tc.query
			}
			req, err := http.NewRequest(tc.method, url, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.CreateUserPool")
			secret := testCreds.SecretAccessKey
			if tc.secret != "" {
				secret = tc.secret
			}
			at := now
			if !tc.at.IsZero() {
				at = tc.at
			}
			var opts []func(*v4.SignerOptions)
			if tc.s3 {
				opts = append(opts, func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
			}
			region := "us-west-2"
			if tc.region != "" {
				region = tc.region
			}
			sign(t, req, tc.body, secret, tc.service, region, at, opts...)
			if tc.mutate != nil {
				tc.mutate(req)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got := <-results
			if tc.want == -1 {
				if got != nil {
					t.Fatalf("verify failed: %v", got)
				}
				return
			}
			var f *Failure
			if !errors.As(got, &f) || f.Kind != tc.want {
				t.Fatalf("want failure kind %d, got %v", tc.want, got)
			}
		})
	}
}

func TestParseScope(t *testing.T) {
	r := httptest.NewRequest("POST", "/", nil)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-west-2/bedrock-agentcore/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")
	s, err := ParseScope(r)
	if err != nil {
		t.Fatal(err)
	}
	if s.Service != "bedrock-agentcore" || s.Region != "us-west-2" || s.AccessKeyID != "AKIA" {
		t.Fatalf("scope = %+v", s)
	}
}

func FuzzParseAuth(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-west-2/s3/aws4_request, SignedHeaders=host, Signature=00")
	f.Add("AWS4-HMAC-SHA256 ,,,=")
	f.Add("Bearer x")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseAuth(h)
		if err == nil && (a.scope.Service == "" && len(a.signedHeaders) == 0) {
			t.Fatalf("accepted empty auth %q", h)
		}
	})
}
