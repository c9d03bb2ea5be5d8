package edge

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/sigv4"
)

// Each route's body limit is enforced before the service sees the request,
// with the protocol's own error shape: a declared length over the limit is
// refused unread, and a body sent without a length stops at the limit.
func TestBodyLimitsPerRoute(t *testing.T) {
	var reached, readBytes atomic.Int64
	e := New(&sigv4.Verifier{Keys: map[string]sigv4.Credentials{creds.AccessKeyID: creds}}, nil)
	e.Register(Route{Name: "svc", Protocol: awswire.JSON11, TargetPrefix: "Svc_20200101", SigningName: "svc",
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reached.Add(1)
			awswire.WriteJSON(w, awswire.JSON11, http.StatusOK, map[string]any{})
		})})
	e.HandlePath("POST /open", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		n, err := io.Copy(io.Discard, r.Body)
		readBytes.Add(n)
		if err != nil {
			awswire.WriteError(w, awswire.RestJSON, sigv4.TooLargeError(awswire.RestJSON, err.Error()))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)

	big := strings.Repeat("x", DefaultMaxBodyBytes+1)

	// A declared length over the limit: refused before the service.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(big))
	req.Header.Set("X-Amz-Target", "Svc_20200101.DoThing")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var je errBody
	if resp.StatusCode != http.StatusRequestEntityTooLarge || json.Unmarshal(b, &je) != nil || je.Type != "RequestEntityTooLarge" {
		t.Errorf("oversized awsJson body: HTTP %d %q", resp.StatusCode, b)
	}
	if reached.Load() != 0 {
		t.Errorf("an oversized body reached the service")
	}

	// No declared length (chunked): the service reads at most the limit.
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/open", io.MultiReader(strings.NewReader(big), strings.NewReader(big)))
	req.ContentLength = -1
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || readBytes.Load() > DefaultMaxBodyBytes {
		t.Errorf("chunked oversized body: HTTP %d after reading %d bytes", resp.StatusCode, readBytes.Load())
	}
}

// S3's errors for an oversized upload use its own XML shape.
func TestS3TooLargeIsS3Shaped(t *testing.T) {
	e := New(&sigv4.Verifier{Keys: map[string]sigv4.Credentials{creds.AccessKeyID: creds}}, nil)
	e.Register(Route{Name: "s3", Protocol: awswire.RestXML, SigningName: "s3", MaxBodyBytes: 1 << 10,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Error("reached S3") })})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/b/k", strings.NewReader(strings.Repeat("x", 2<<10)))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+creds.AccessKeyID+"/20200101/us-west-2/s3/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var xe struct{ Code string }
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || xml.Unmarshal(b, &xe) != nil || xe.Code != "EntityTooLarge" {
		t.Errorf("oversized S3 body: HTTP %d %q", resp.StatusCode, b)
	}
}
