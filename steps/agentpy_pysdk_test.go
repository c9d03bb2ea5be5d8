package steps_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"

	"agentcore-workshop/internal/agent"
	"agentcore-workshop/internal/agent/agentpy"
	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/consent"
	"agentcore-workshop/internal/e2etest"
	"agentcore-workshop/steps"
)

// pyOutcome is agent.py's external_service result: the object the
// stand-in returns too, so the two compare field for field.
type pyOutcome = agent.Outcome

// pySDK runs testdata/pysdk/harness.py against the workshop's sandbox
// with a runtime's environment and nothing of the host's AWS setup.
type pySDK struct {
	python, harness string
	env             []string
}

// newPySDK finds python3 and a boto3 that knows AgentCore; without them
// the test skips, or fails under e2etest.RequireEnv.
func newPySDK(t *testing.T) *pySDK {
	t.Helper()
	python := e2etest.Tool(t, "python3", "python3-boto3")
	harness, err := filepath.Abs(filepath.Join("testdata", "pysdk", "harness.py"))
	if err != nil {
		t.Fatal(err)
	}
	p := &pySDK{python: python, harness: harness, env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "PYTHONDONTWRITEBYTECODE=1"}}
	if pyenv := os.Getenv("PYENV_ROOT"); pyenv != "" {
		p.env = append(p.env, "PYENV_ROOT="+pyenv) // pyenv's python3 shim finds its interpreter with it
	}
	out, err := p.cmd("check").CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == 2:
		e2etest.Missing(t, "the Python module boto3", "python3-boto3")
	case errors.As(err, &exit) && exit.ExitCode() == 3:
		// Debian's python3-boto3 predates AgentCore.
		e2etest.Missing(t, "a boto3 that knows bedrock-agentcore ("+strings.TrimSpace(string(out))+")", "python3-pip && pip install 'boto3>=1.39'")
	case err != nil:
		t.Fatalf("harness check: %v\n%s", err, out)
	}
	return p
}

// target points the harness at a's sandbox, with the runtime's
// environment variables and the sandbox's credentials.
func (p *pySDK) target(t *testing.T, a *app.App, runtimeEnv map[string]string) {
	t.Helper()
	creds, err := a.Cloud.Config.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p.setEnv(t, aws.ToString(a.Cloud.Config.BaseEndpoint), creds.AccessKeyID, creds.SecretAccessKey, runtimeEnv)
}

// setEnv points the harness at endpoint, which must be on loopback.
func (p *pySDK) setEnv(t *testing.T, endpoint, accessKey, secretKey string, runtimeEnv map[string]string) {
	t.Helper()
	if u, err := url.Parse(endpoint); err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") {
		t.Fatalf("the endpoint is not on loopback: %q", endpoint)
	}
	p.env = append(p.env, "AWS_ACCESS_KEY_ID="+accessKey, "AWS_SECRET_ACCESS_KEY="+secretKey,
		// Both planes at the sandbox, by botocore's service-specific
		// variables, and every other service too: nothing leaves loopback.
		"AWS_ENDPOINT_URL="+endpoint, "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE="+endpoint, "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL="+endpoint,
		"AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1")
	for k, v := range runtimeEnv {
		p.env = append(p.env, k+"="+v)
	}
}

func (p *pySDK) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(p.python, append([]string{p.harness}, args...)...)
	cmd.Env = p.env
	return cmd
}

// run runs the harness with req on stdin and decodes what it prints.
func (p *pySDK) run(t *testing.T, req any, out any, args ...string) {
	t.Helper()
	in, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	cmd := p.cmd(args...)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("harness %s: %v\n%s", args[0], err, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("harness %s printed %q: %v\n%s", args[0], stdout, err, stderr.String())
	}
}

// invoke runs agent.py's entrypoint once, as the runtime would for the
// caller whose JWT is userToken, and returns its external_service result.
func (p *pySDK) invoke(t *testing.T, agentPy, workload, userToken string, headers map[string]string) pyOutcome {
	t.Helper()
	var reply struct {
		Response        string     `json:"response"`
		ExternalService *pyOutcome `json:"external_service"`
	}
	p.run(t, map[string]any{"workload": workload, "user_token": userToken, "headers": headers,
		"payload": map[string]any{"prompt": "call check_external_service"}}, &reply, "invoke", agentPy)
	if reply.ExternalService == nil {
		t.Fatalf("agent.py's reply has no external_service: %+v", reply)
	}
	return *reply.ExternalService
}

// standIn is the external_service result in the stand-in agent's reply.
func standIn(t *testing.T, reply string) pyOutcome {
	t.Helper()
	var r struct {
		ExternalService *pyOutcome `json:"external_service"`
	}
	if err := json.Unmarshal([]byte(reply), &r); err != nil || r.ExternalService == nil {
		t.Fatalf("the stand-in's reply (%v): %s", err, reply)
	}
	return *r.ExternalService
}

// The learner's agent.py, run with the AgentCore Python SDK's own
// requires_access_token and IdentityClient (testdata/pysdk, boto3 as
// installed) against the sandbox, with the runtime's environment: the
// consent flow the workshop teaches works with the code AWS runs, and
// the sandbox answers what real boto3 accepts. The stand-in agent, which
// only reads agent.py, must agree with it.
func TestAgentPyIdentityPathWithThePythonSDK(t *testing.T) {
	py := newPySDK(t)
	a := openWorkshop(t)
	ctx := context.Background()
	if err := a.Runner.RunUntil(ctx, "invoke-with-token"); err != nil {
		t.Fatal(err)
	}
	rt, err := a.Cloud.Control.GetAgentRuntime(ctx, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(value(t, a, "launch", steps.RuntimeID))})
	if err != nil {
		t.Fatal(err)
	}
	runtimeEnv := rt.EnvironmentVariables
	provider, returnURL := runtimeEnv[steps.CredentialProvider], runtimeEnv[steps.ReturnURLName]
	if provider == "" || returnURL == "" || runtimeEnv["AWS_REGION"] == "" {
		t.Fatalf("the runtime's environment lacks CREDENTIAL_PROVIDER, OAUTH2_RETURN_URL or AWS_REGION: %v", runtimeEnv)
	}
	// The image's environment too: the workshop's Dockerfile, like the
	// toolkit's, sets DOCKER_CONTAINER=1, which makes the SDK refuse to
	// run without a workload access token instead of creating a workload
	// identity for local development (identity/auth.py).
	dockerfile, err := os.ReadFile(filepath.Join(a.Env.Dir, steps.AgentDir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(dockerfile, []byte("DOCKER_CONTAINER=1")) {
		t.Fatalf("the Dockerfile does not set DOCKER_CONTAINER=1:\n%s", dockerfile)
	}
	runtimeEnv = maps.Clone(runtimeEnv)
	runtimeEnv["DOCKER_CONTAINER"] = "1"
	arn := aws.ToString(rt.WorkloadIdentityDetails.WorkloadIdentityArn)
	workload := arn[strings.LastIndex(arn, "/")+1:]
	py.target(t, a, runtimeEnv)
	agentPy := filepath.Join(a.Env.Dir, steps.AgentDir, "agent.py")
	user := freshToken(t, a)
	// What the runtime puts beside the token: the session. The runtime
	// may also send an OAuth2CallbackUrl, which the SDK uses when
	// agent.py gives no callback_url; the test sends none, so the return
	// URL the browser reaches below can only be agent.py's own.
	headers := map[string]string{"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": value(t, a, "invoke-with-token", steps.SessionID)}

	// Invoked with SigV4 and no user id, the runtime hands the agent no
	// workload access token: the SDK says what is missing.
	if o := py.invoke(t, agentPy, workload, "", headers); o.Status != "failed" || !strings.HasPrefix(o.Error, "ValueError: Workload access token has not been set.") {
		t.Fatalf("without a workload access token: %+v", o)
	}

	// Before the return URL is allowed on the runtime's workload identity,
	// AgentCore refuses USER_FEDERATION: the SDK raises boto3's
	// ValidationException and agent.py's tool reports it.
	refused := py.invoke(t, agentPy, workload, user, headers)
	if refused.Status != "failed" || !strings.HasPrefix(refused.Error, "ValidationException: ") {
		t.Fatalf("with no return URL allowed: %+v", refused)
	}
	t.Logf("no return URL allowed: %s", refused.Error)
	// The stand-in reports the refusal in the same words.
	if s := standIn(t, askExternal(t, a)); s.Status != refused.Status || s.Error != refused.Error {
		t.Errorf("the stand-in's refusal differs:\nstand-in %+v\nagent.py %+v", s, refused)
	}

	// The consent stage allows it, as the toolkit's invoke does.
	wl, err := a.Cloud.Control.GetWorkloadIdentity(ctx, &ctl.GetWorkloadIdentityInput{Name: aws.String(workload)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Cloud.Control.UpdateWorkloadIdentity(ctx, &ctl.UpdateWorkloadIdentityInput{Name: aws.String(workload),
		AllowedResourceOauth2ReturnUrls: append(slices.Clone(wl.AllowedResourceOauth2ReturnUrls), returnURL)}); err != nil {
		t.Fatal(err)
	}

	// First call: AgentCore Identity answers with an authorization URL,
	// which the SDK hands to agent.py's on_auth_url.
	first := py.invoke(t, agentPy, workload, user, headers)
	authorize := aws.ToString(a.Cloud.Config.BaseEndpoint) + "/identities/oauth2/authorize?request_uri="
	if first.Status != "consent_required" || !strings.HasPrefix(first.AuthorizationURL, authorize) || first.Provider != provider {
		t.Fatalf("first call: %+v", first)
	}

	// The outbound user consents; the browser is sent to the return URL
	// agent.py passed as callback_url, with the session.
	ret, err := url.Parse(returnURL)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Transport: refuseHost{next: http.DefaultTransport, host: ret.Host}, Timeout: time.Minute}
	outbound := value(t, a, "provision-cognito", steps.IdentityUsername)
	res, err := consent.Run(ctx, browser, first.AuthorizationURL, outbound, runnerSecret(t, a, "provision-cognito", steps.IdentityPassword))
	if err != nil {
		t.Fatal(err)
	}
	sessionURI := res.FinalURL.Query().Get("session_id")
	if !strings.HasPrefix(res.FinalURL.String(), returnURL+"?") || sessionURI == "" || sessionURI != consent.SessionOf(first.AuthorizationURL) {
		t.Fatalf("the browser was sent to %s", res.FinalURL)
	}

	// Consent alone gives the agent nothing: the session is not bound.
	if o := py.invoke(t, agentPy, workload, user, headers); o.Status != "consent_required" {
		t.Fatalf("before CompleteResourceTokenAuth: %+v", o)
	}
	var done map[string]string
	py.run(t, map[string]string{"session_uri": sessionURI, "user_token": user}, &done, "complete")

	// Second call after binding: the vault's token, for the outbound user.
	got := py.invoke(t, agentPy, workload, user, headers)
	if got.Status != "connected" || got.Provider != provider || got.TokenSource != "AgentCore Identity token vault" || got.TokenLength == 0 {
		t.Fatalf("after consent and CompleteResourceTokenAuth: %+v", got)
	}
	if u, _ := got.TokenClaims["username"].(string); u != outbound {
		t.Fatalf("the vault's token is for %q, want the outbound user %s: %v", u, outbound, got.TokenClaims)
	}

	// The stand-in agent, asked the same through the runtime, agrees on
	// everything agent.py reports (it also calls the sandbox's external
	// API, which agent.py has no address for).
	s := standIn(t, askExternal(t, a))
	if len(s.ExternalAPI) == 0 {
		t.Errorf("the stand-in did not call the external API: %+v", s)
	}
	s.ExternalAPI = nil
	if !reflect.DeepEqual(s, got) {
		t.Errorf("the stand-in and agent.py under the Python SDK disagree:\nstand-in %+v\nagent.py %+v", s, got)
	}

	// Asked for a fresh consent ({"force_consent": true} in the payload),
	// agent.py's tool passes force_authentication=True and AgentCore
	// Identity starts a new 3LO flow although the vault holds the token.
	var fresh struct {
		ExternalService *pyOutcome `json:"external_service"`
	}
	py.run(t, map[string]any{"workload": workload, "user_token": user, "headers": headers,
		"payload": map[string]any{"prompt": "call check_external_service", "force_consent": true}}, &fresh, "invoke", agentPy)
	if f := fresh.ExternalService; f == nil || f.Status != "consent_required" || !strings.HasPrefix(f.AuthorizationURL, authorize) || f.AuthorizationURL == first.AuthorizationURL {
		t.Fatalf("with force_consent: %+v, want a new authorization URL", f)
	}

	// A provider_name that names no provider: the SDK raises AgentCore
	// Identity's ResourceNotFoundException, naming it.
	src, err := os.ReadFile(agentPy)
	if err != nil {
		t.Fatal(err)
	}
	const line = `provider_name=os.environ["CREDENTIAL_PROVIDER"]`
	if !bytes.Contains(src, []byte(line)) {
		t.Fatalf("agent.py has no %s", line)
	}
	broken := filepath.Join(t.TempDir(), "agent.py")
	if err := os.WriteFile(broken, bytes.Replace(src, []byte(line), []byte(`provider_name="NoSuchProvider"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if o := py.invoke(t, broken, workload, user, headers); o.Status != "failed" ||
		!strings.HasPrefix(o.Error, "ResourceNotFoundException: ") || !strings.Contains(o.Error, "NoSuchProvider") {
		t.Fatalf("with provider_name NoSuchProvider: %+v", o)
	} else {
		t.Logf("provider_name NoSuchProvider: %s", o.Error)
	}
}

// What the stand-in reads from agent.py without running it
// (internal/agent/agentpy) is what Python makes of it: for the shipped
// agent.py and for edits a learner may make, the arguments the SDK's
// requires_access_token receives, and the model and tools of the Agent.
// No AgentCore call is made; the endpoint is a closed loopback port.
func TestAgentPyReaderAgreesWithPython(t *testing.T) {
	py := newPySDK(t)
	env := map[string]string{steps.CredentialProvider: "ExternalServiceProvider-abc123", steps.ReturnURLName: "http://localhost:8765/oauth2/callback",
		"AWS_REGION": "us-west-2", "DOCKER_CONTAINER": "1"}
	py.setEnv(t, "http://127.0.0.1:9", "AKIDPYSDKTEST", "pysdk-test-secret", env)
	tmpl, err := os.ReadFile(filepath.Join("agentproject", "agent.py"))
	if err != nil {
		t.Fatal(err)
	}
	shipped := strings.Replace(string(tmpl), "{{MODEL_ID}}", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", 1)
	if strings.Contains(shipped, "{{") {
		t.Fatal("agent.py has a placeholder this test does not fill")
	}
	const providerEnv = `provider_name=os.environ["CREDENTIAL_PROVIDER"]`
	edits := []struct{ name, old, new, unread string }{
		{"shipped", "", "", ""},
		{"provider literal", providerEnv, `provider_name="NoSuchProvider"`, ""},
		{"provider environ.get", providerEnv, `provider_name=os.environ.get("CREDENTIAL_PROVIDER")`, ""},
		{"provider getenv default", providerEnv, `provider_name=os.getenv("MY_PROVIDER", "FallbackProvider")`, ""},
		{"provider unset variable", providerEnv, `provider_name=os.environ["NOT_SET_ANYWHERE"]`, ""},
		{"provider module constant", providerEnv, `provider_name=MODEL_ID`, ""},
		{"scopes", `scopes=["openid"]`, `scopes=["openid", 'profile']`, ""},
		{"callback literal", `callback_url=os.environ.get("OAUTH2_RETURN_URL")`, `callback_url="http://localhost:8081/oauth2/callback"`, ""},
		{"callback unset", `callback_url=os.environ.get("OAUTH2_RETURN_URL")`, `callback_url=os.getenv("NO_RETURN_URL")`, ""},
		{"M2M", `auth_flow="USER_FEDERATION"`, `auth_flow="M2M"`, ""},
		{"model", `MODEL_ID = "us.`, `MODEL_ID = "eu.`, ""},
		{"tools", `tools=[calculator, weather, check_external_service]`, `tools=[weather, check_external_service]`, ""},
		// Expressions the reader does not evaluate.
		{"provider concatenated", providerEnv, `provider_name="Prov" + "ider"`, "provider"},
		{"provider from the environment, suffixed", providerEnv, `provider_name=os.environ["CREDENTIAL_PROVIDER"] + "-v2"`, "provider"},
		{"provider f-string", providerEnv, `provider_name=f"{MODEL_ID}"`, "provider"},
		{"scopes concatenated", `scopes=["openid"]`, `scopes=["openid"] + ["email"]`, "scopes"},
		{"tools concatenated", `tools=[calculator, weather, check_external_service]`, `tools=[weather] + [check_external_service]`, "tools"},
	}
	dir := t.TempDir()
	var paths []string
	sources := map[string][]byte{}
	for i, e := range edits {
		src := shipped
		if e.old != "" {
			if !strings.Contains(src, e.old) {
				t.Fatalf("%s: agent.py has no %s", e.name, e.old)
			}
			src = strings.Replace(src, e.old, e.new, 1)
		}
		path := filepath.Join(dir, fmt.Sprintf("agent%d.py", i))
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		paths, sources[path] = append(paths, path), []byte(src)
	}
	var got []struct {
		ImportError string `json:"import_error"`
		Decorators  []struct {
			ProviderName string   `json:"provider_name"`
			Scopes       []string `json:"scopes"`
			AuthFlow     string   `json:"auth_flow"`
			CallbackURL  *string  `json:"callback_url"`
		} `json:"decorators"`
		Model string   `json:"model"`
		Tools []string `json:"tools"`
	}
	py.run(t, nil, &got, append([]string{"spec"}, paths...)...)
	if len(got) != len(edits) {
		t.Fatalf("python read %d agent.py files, want %d", len(got), len(edits))
	}
	for i, e := range edits {
		spec, py := agentpy.Parse(sources[paths[i]]), got[i]
		if e.unread != "" {
			// The reader must leave such a value unread (the stand-in then
			// says it cannot tell), never take a part of it as the whole.
			unread := map[string]bool{"provider": spec.ProviderName == "" && spec.ProviderEnv == "",
				"scopes": spec.Scopes == nil, "tools": spec.Tools == nil}[e.unread]
			if !unread || py.ImportError != "" {
				t.Errorf("%s: the reader took %+v; python: %+v", e.name, spec, py)
			}
			continue
		}
		provider, ok := spec.ProviderFrom(env)
		if (py.ImportError != "") != !ok {
			t.Errorf("%s: python: %q; the reader resolves the provider to %q, ok %v", e.name, py.ImportError, provider, ok)
			continue
		}
		if !ok {
			continue
		}
		if len(py.Decorators) == 0 || !spec.Decorated {
			t.Errorf("%s: python saw %d requires_access_token calls; the reader found one: %v", e.name, len(py.Decorators), spec.Decorated)
		}
		for _, d := range py.Decorators {
			callback := ""
			if d.CallbackURL != nil {
				callback = *d.CallbackURL
			}
			if d.ProviderName != provider || !slices.Equal(d.Scopes, spec.Scopes) || d.AuthFlow != spec.AuthFlow || callback != spec.CallbackURLFrom(env) {
				t.Errorf("%s: python passes %+v (callback %q); the reader: provider %q, scopes %q, flow %q, callback %q",
					e.name, d, callback, provider, spec.Scopes, spec.AuthFlow, spec.CallbackURLFrom(env))
			}
		}
		if py.Model != spec.ModelID || !slices.Equal(py.Tools, spec.Tools) {
			t.Errorf("%s: python's Agent has model %q, tools %q; the reader: %q, %q", e.name, py.Model, py.Tools, spec.ModelID, spec.Tools)
		}
	}
}
