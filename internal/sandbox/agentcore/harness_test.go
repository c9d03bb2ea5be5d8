package agentcore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"agentcore-workshop/internal/sandbox/agentcore"
	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/egress"
	"agentcore-workshop/internal/sandbox/sigv4"
	"agentcore-workshop/internal/sandbox/store"
)

const (
	region  = "us-west-2"
	account = "123456789012"
	roleArn = "arn:aws:iam::123456789012:role/AgentRuntimeRole"
	image   = "123456789012.dkr.ecr.us-west-2.amazonaws.com/agent:latest"
)

// testAgent is an httptest stand-in for the agent container that records
// what reaches it.
type testAgent struct {
	srv  *httptest.Server
	hits atomic.Int64
	mu   sync.Mutex
	last *http.Request
	body []byte
}

func newTestAgent(t *testing.T) *testAgent {
	a := &testAgent{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"Healthy","time_of_last_update":1}`)
	})
	mux.HandleFunc("POST /invocations", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.last, a.body = r, body
		a.mu.Unlock()
		a.hits.Add(1)
		if strings.Contains(string(body), "fail") {
			http.Error(w, `{"error":"boom"}`, http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: {\"echo\": "+string(body)+"}\n\n")
	})
	a.srv = httptest.NewServer(mux)
	t.Cleanup(a.srv.Close)
	return a
}

func (a *testAgent) lastRequest() (*http.Request, []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last, a.body
}

// launcher hands out the test agent and counts launches.
type launcher struct {
	agent    *testAgent
	launches atomic.Int64
	stops    atomic.Int64
}

func (l *launcher) Launch(ctx context.Context, rt agentcore.RuntimeInfo) (string, func() error, error) {
	l.launches.Add(1)
	return l.agent.srv.URL, func() error { l.stops.Add(1); return nil }, nil
}

// harness is a sandbox edge (real SigV4 verification, real store) serving
// only the AgentCore service, with an injectable launcher and clock.
type harness struct {
	t     *testing.T
	url   string
	creds aws.Credentials // the sandbox key pair, for raw signed requests
	svc   *agentcore.Service
	ctl   *bedrockagentcorecontrol.Client
	data  *bedrockagentcore.Client
	agent *testAgent
	lnch  *launcher
	srv   *httptest.Server
}

type harnessOpts struct {
	dir    string
	clk    clock.Clock
	images agentcore.ImageChecker
	delays edge.Delays
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	if o.dir == "" {
		o.dir = t.TempDir()
	}
	if o.clk == nil {
		o.clk = clock.System{}
	}
	st, err := store.New(o.dir)
	if err != nil {
		t.Fatal(err)
	}
	creds := sigv4.Credentials{AccessKeyID: "AKIASANDBOXTEST00001", SecretAccessKey: "secretsecretsecretsecretsecretsecret0000", AccountID: account}
	h := &harness{t: t, creds: aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}, agent: newTestAgent(t)}
	h.lnch = &launcher{agent: h.agent}
	log := slog.New(slog.DiscardHandler)
	e := edge.New(&sigv4.Verifier{Keys: map[string]sigv4.Credentials{creds.AccessKeyID: creds}}, log)
	h.srv = httptest.NewUnstartedServer(e)
	h.srv.Start()
	h.url = h.srv.URL
	d := edge.Deps{URL: h.url, Region: region, AccountID: account, Store: st, Clock: o.clk, Log: log, Delays: o.delays}
	// The harness's IdPs (authztest) listen on other loopback ports: this
	// unit harness allows loopback; the real sandbox (idEnv) allows only
	// itself.
	h.svc, err = agentcore.New(d, agentcore.Options{Launcher: h.lnch, ImageChecker: o.images, Egress: egress.New(h.url, []string{"127.0.0.1"})})
	if err != nil {
		t.Fatal(err)
	}
	h.svc.Register(e)
	t.Cleanup(func() {
		h.srv.Close()
		h.svc.Close()
	})
	cp := credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, "")
	h.ctl = bedrockagentcorecontrol.New(bedrockagentcorecontrol.Options{Region: region, BaseEndpoint: aws.String(h.url), Credentials: cp, RetryMaxAttempts: 1})
	h.data = bedrockagentcore.New(bedrockagentcore.Options{Region: region, BaseEndpoint: aws.String(h.url), Credentials: cp, RetryMaxAttempts: 1})
	return h
}

// createRuntime creates a runtime (JWT when rule is non-nil) and returns it.
func (h *harness) createRuntime(name string, jwt *ctltypes.CustomJWTAuthorizerConfiguration) *bedrockagentcorecontrol.CreateAgentRuntimeOutput {
	h.t.Helper()
	in := &bedrockagentcorecontrol.CreateAgentRuntimeInput{
		AgentRuntimeName: aws.String(name),
		AgentRuntimeArtifact: &ctltypes.AgentRuntimeArtifactMemberContainerConfiguration{
			Value: ctltypes.ContainerConfiguration{ContainerUri: aws.String(image)},
		},
		RoleArn:               aws.String(roleArn),
		NetworkConfiguration:  &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
		ProtocolConfiguration: &ctltypes.ProtocolConfiguration{ServerProtocol: ctltypes.ServerProtocolHttp},
	}
	if jwt != nil {
		in.AuthorizerConfiguration = &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: *jwt}
	}
	out, err := h.ctl.CreateAgentRuntime(context.Background(), in)
	if err != nil {
		h.t.Fatalf("CreateAgentRuntime %s: %v", name, err)
	}
	return out
}

// signed sends a raw SigV4-signed request (for bodies the SDK would never send).
func (h *harness) signed(method, path, body string) *http.Response {
	h.t.Helper()
	return h.signedWith(method, path, body, nil)
}

// signedWith is signed with extra headers, set before signing so they are
// covered by the signature like any header a real client adds.
func (h *harness) signedWith(method, path, body string, hdr map[string]string) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return sigv4Do(h.t, req, []byte(body), h.creds, region)
}

// sigv4Do signs req, whose body is payload, as a bedrock-agentcore call
// and sends it.
func sigv4Do(t testing.TB, req *http.Request, payload []byte, creds aws.Credentials, signingRegion string) *http.Response {
	t.Helper()
	sum := sha256.Sum256(payload)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), agentcore.SigningName, signingRegion, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// awsErr decodes an error response body.
type awsErr struct {
	Type      string `json:"__type"`
	Message   string `json:"message"`
	Reason    string `json:"reason"`
	FieldList []struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"fieldList"`
	Status int    `json:"-"`
	Header string `json:"-"`
}

func readErr(t *testing.T, resp *http.Response) awsErr {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e awsErr
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %q: %v", b, err)
	}
	e.Status, e.Header = resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType")
	return e
}

// bearerInvoke posts to the escaped-ARN invoke URL with a bearer token.
func (h *harness) bearerInvoke(arn, token, body string, hdr map[string]string) *http.Response {
	h.t.Helper()
	u := h.url + "/runtimes/" + escapeARN(arn) + "/invocations?qualifier=DEFAULT"
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewBufferString(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp
}

// escapeARN percent-encodes an ARN into one path segment, as the SDKs do.
func escapeARN(arn string) string {
	r := strings.NewReplacer(":", "%3A", "/", "%2F")
	return r.Replace(arn)
}
