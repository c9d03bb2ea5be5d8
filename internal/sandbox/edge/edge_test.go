package edge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/sigv4"
)

var creds = sigv4.Credentials{AccessKeyID: "AKIASANDBOXEDGETEST1", SecretAccessKey: "edgesecretedgesecretedgesecretedgesecret", AccountID: "123456789012"}

// newTestEdge serves an edge with one awsJson service ("Svc_20200101",
// signing name "svc") and one restJson service ("other") whose handlers
// count the requests that reach them.
func newTestEdge(t *testing.T) (url string, svcHits, otherHits *atomic.Int64) {
	t.Helper()
	svcHits, otherHits = new(atomic.Int64), new(atomic.Int64)
	e := New(&sigv4.Verifier{Keys: map[string]sigv4.Credentials{creds.AccessKeyID: creds}}, nil)
	e.Register(Route{Name: "svc", Protocol: awswire.JSON11, TargetPrefix: "Svc_20200101", SigningName: "svc",
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, ok := RequireSigned(w, r, awswire.JSON11); !ok {
				return
			}
			svcHits.Add(1)
			awswire.WriteJSON(w, awswire.JSON11, http.StatusOK, map[string]any{})
		})})
	e.Register(Route{Name: "other", Protocol: awswire.RestJSON, SigningName: "other",
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			otherHits.Add(1)
			awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, map[string]any{})
		})})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv.URL, svcHits, otherHits
}

func signedJSONRequest(t *testing.T, url, target, service string) *http.Request {
	t.Helper()
	body := `{}`
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	sum := sha256.Sum256([]byte(body))
	err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey},
		req, hex.EncodeToString(sum[:]), service, "us-west-2", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return req
}

type errBody struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

// A valid signature scoped to another service must not open an awsJson
// service that the X-Amz-Target header picks: AWS refuses credentials
// scoped to the wrong service, and a sandbox that accepted them would hide
// a misconfigured signing name until the learner met real AWS.
func TestTargetRoutedRequestNeedsItsOwnSigningName(t *testing.T) {
	url, svcHits, otherHits := newTestEdge(t)

	resp, err := http.DefaultClient.Do(signedJSONRequest(t, url, "Svc_20200101.DoThing", "other"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var e errBody
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %q: %v", b, err)
	}
	if resp.StatusCode != http.StatusBadRequest || e.Type != "InvalidSignatureException" || resp.Header.Get("X-Amzn-ErrorType") != "InvalidSignatureException" ||
		!strings.Contains(e.Message, "'svc'") {
		t.Errorf("wrong-service signature: HTTP %d %s %+v", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), e)
	}
	if n := svcHits.Load() + otherHits.Load(); n != 0 {
		t.Errorf("a wrong-service signature reached %d handler(s)", n)
	}

	// The same request scoped to the right service goes through.
	resp, err = http.DefaultClient.Do(signedJSONRequest(t, url, "Svc_20200101.DoThing", "svc"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || svcHits.Load() != 1 {
		t.Errorf("right-service signature: HTTP %d, hits %d", resp.StatusCode, svcHits.Load())
	}
}

// Odd Authorization headers get an AWS error in the target service's
// shape, never a panic or a 500.
func TestMalformedSignatureIsAnAWSError(t *testing.T) {
	url, svcHits, _ := newTestEdge(t)
	for name, auth := range map[string]string{
		"no fields":       "AWS4-HMAC-SHA256 ",
		"bare words":      "AWS4-HMAC-SHA256 garbage",
		"short scope":     "AWS4-HMAC-SHA256 Credential=AKIA/20200101/svc, SignedHeaders=host, Signature=00",
		"unknown key":     "AWS4-HMAC-SHA256 Credential=AKIANOPE/20200101/us-west-2/svc/aws4_request, SignedHeaders=host, Signature=00",
		"no date":         "AWS4-HMAC-SHA256 Credential=" + creds.AccessKeyID + "/20200101/us-west-2/svc/aws4_request, SignedHeaders=host, Signature=00",
		"empty signature": "AWS4-HMAC-SHA256 Credential=" + creds.AccessKeyID + "/20200101/us-west-2/svc/aws4_request, SignedHeaders=host, Signature=",
	} {
		req, _ := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Target", "Svc_20200101.DoThing")
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e errBody
		if resp.StatusCode < 400 || resp.StatusCode >= 500 || json.Unmarshal(b, &e) != nil || e.Type == "" || resp.Header.Get("X-Amzn-ErrorType") != e.Type {
			t.Errorf("%s: HTTP %d %q", name, resp.StatusCode, b)
		}
	}
	if svcHits.Load() != 0 {
		t.Errorf("%d malformed requests reached the service", svcHits.Load())
	}
}

// Two services signing with one name (AgentCore's runtimes and gateways)
// are told apart by path: a route narrowed by PathPrefix takes the paths
// under it, the name's own route the rest, and both still need a valid
// signature.
func TestPathPrefixSplitsOneSigningName(t *testing.T) {
	var wide, narrow atomic.Int64
	e := New(&sigv4.Verifier{Keys: map[string]sigv4.Credentials{creds.AccessKeyID: creds}}, nil)
	count := func(n *atomic.Int64) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, map[string]any{})
		})
	}
	e.Register(Route{Name: "runtimes", Protocol: awswire.RestJSON, SigningName: "shared", Handler: count(&wide)})
	e.Register(Route{Name: "gateways", Protocol: awswire.RestJSON, SigningName: "shared", PathPrefix: "/gateways", Handler: count(&narrow)})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	send := func(path string, key aws.Credentials) int {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(nil)
		if err := v4.NewSigner().SignHTTP(context.Background(), key, req, hex.EncodeToString(sum[:]), "shared", "us-west-2", time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	good := aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}
	for path, want := range map[string]*atomic.Int64{"/gateways/": &narrow, "/gateways/g-abcdefghij/targets/": &narrow, "/runtimes/": &wide, "/": &wide} {
		before := want.Load()
		if st := send(path, good); st != http.StatusOK || want.Load() != before+1 {
			t.Errorf("%s: HTTP %d, routed elsewhere", path, st)
		}
	}
	if st := send("/gateways/", aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: "wrong"}); st < 400 || narrow.Load() != 2 {
		t.Errorf("a bad signature under the prefix: HTTP %d, %d hits", st, narrow.Load())
	}
}
