package agentpy

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// template is the workshop's own agent.py, as write-agent writes it.
func template(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../../../steps/agentproject/agent.py")
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "{{MODEL_ID}}", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0")
}

func TestParseTemplate(t *testing.T) {
	s := Parse([]byte(template(t)))
	if !s.Decorated || s.ProviderEnv != "CREDENTIAL_PROVIDER" || !s.ProviderEnvRequired || s.ProviderName != "" {
		t.Errorf("provider: %+v", s)
	}
	if !slices.Equal(s.Scopes, []string{"openid"}) || s.AuthFlow != "USER_FEDERATION" {
		t.Errorf("scopes %q flow %q", s.Scopes, s.AuthFlow)
	}
	if s.ModelID != "eu.anthropic.claude-sonnet-4-5-20250929-v1:0" {
		t.Errorf("model %q", s.ModelID)
	}
	if !slices.Equal(s.Tools, []string{"calculator", "weather", "check_external_service"}) {
		t.Errorf("tools %q", s.Tools)
	}
	if name, ok := s.ProviderFrom(map[string]string{"CREDENTIAL_PROVIDER": "ExternalServiceProvider-ab12"}); !ok || name != "ExternalServiceProvider-ab12" {
		t.Errorf("resolved %q %v", name, ok)
	}
	if _, ok := s.ProviderFrom(map[string]string{}); ok {
		t.Error("os.environ[...] of an unset variable resolved")
	}
	if s.CallbackURLEnv != "OAUTH2_RETURN_URL" || s.CallbackURL != "" {
		t.Errorf("callback_url: %+v", s)
	}
	if got := s.CallbackURLFrom(map[string]string{"OAUTH2_RETURN_URL": "http://localhost:5/oauth2/callback"}); got != "http://localhost:5/oauth2/callback" {
		t.Errorf("callback_url resolved to %q", got)
	}
	if got := s.CallbackURLFrom(nil); got != "" {
		t.Errorf("os.environ.get of an unset variable resolved to %q, want None", got)
	}
	// force_authentication is a name vault_token binds per call, and the
	// entrypoint reads force_consent from the payload.
	if s.ForceAuthentication != ForcePerCall || s.ForceKey != FreshConsentKey {
		t.Errorf("force_authentication %q, payload key %q", s.ForceAuthentication, s.ForceKey)
	}
	if s.Forces(map[string]any{"prompt": "x"}) || !s.Forces(map[string]any{"prompt": "x", FreshConsentKey: true}) {
		t.Error("the template's agent forces consent regardless of force_consent")
	}
	if sh := Shipped(); sh.ForceAuthentication != s.ForceAuthentication || sh.ForceKey != s.ForceKey {
		t.Errorf("Shipped() = %+v, but the template parses to %+v", sh, s)
	}
	lit := Parse([]byte(`@requires_access_token(provider_name="p", scopes=[], auth_flow="USER_FEDERATION", callback_url="https://app.example/cb")`))
	if lit.CallbackURLFrom(nil) != "https://app.example/cb" {
		t.Errorf("literal callback_url: %+v", lit)
	}
}

func TestParseShapes(t *testing.T) {
	cases := []struct {
		name, src string
		want      Spec
	}{
		{"literal with comment", `
@requires_access_token(
    provider_name="ExternalServiceProvider",  # the provider's name, "quoted"
    scopes=['openid', "profile"], auth_flow='M2M')
async def f(*, access_token): pass
agent = Agent(model="us.anthropic.claude-sonnet-4-5-20250929-v1:0", tools=[strands_tools.calculator])
`, Spec{Decorated: true, ProviderName: "ExternalServiceProvider", Scopes: []string{"openid", "profile"}, AuthFlow: "M2M",
			ModelID: "us.anthropic.claude-sonnet-4-5-20250929-v1:0", Tools: []string{"calculator"}}},
		{"getenv with default", `@auth.requires_access_token(provider_name=os.getenv("PROV", "Fallback"), scopes=[])
def f(): pass`, Spec{Decorated: true, ProviderEnv: "PROV", ProviderEnvDefault: "Fallback"}},
		{"environ.get", `@requires_access_token(provider_name = os.environ.get('PROV'))`, Spec{Decorated: true, ProviderEnv: "PROV"}},
		{"model through a constant", `MY_MODEL = "apac.amazon.nova-pro-v1:0"
OTHER_MODEL = "x"
a = Agent(tools=[], model=MY_MODEL)`, Spec{ModelID: "apac.amazon.nova-pro-v1:0"}},
		{"commented-out decorator arguments are ignored", `@requires_access_token(
    # provider_name="Old",
    provider_name="New",
)`, Spec{Decorated: true, ProviderName: "New"}},
		{"provider through a constant", `PROVIDER = os.environ["CP"]
@requires_access_token(provider_name=PROVIDER, scopes=["openid"])`, Spec{Decorated: true, ProviderEnv: "CP", ProviderEnvRequired: true, Scopes: []string{"openid"}}},
		{"provider through a literal constant", `NAME = "Mine"
@requires_access_token(provider_name=NAME)`, Spec{Decorated: true, ProviderName: "Mine"}},
		{"escaped quote", `@requires_access_token(provider_name="a\"b")`, Spec{Decorated: true, ProviderName: `a"b`}},
		{"no decorator", `print("provider_name='x'")`, Spec{}},
		// An expression is left unread, never read in part.
		{"concatenations are not read", `BASE_MODEL = "us." + FAMILY
@requires_access_token(provider_name="Prov" + "ider", scopes=["openid"] + EXTRA, auth_flow="M2M")
a = Agent(model="m" + "x", tools=[weather] + MORE)`, Spec{Decorated: true, AuthFlow: "M2M"}},
		{"an environment lookup with a suffix is not read", `@requires_access_token(provider_name=os.environ["CP"] + "-v2")`, Spec{Decorated: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Parse([]byte(c.src))
			if got.ProviderName != c.want.ProviderName || got.ProviderEnv != c.want.ProviderEnv ||
				got.ProviderEnvDefault != c.want.ProviderEnvDefault || got.ProviderEnvRequired != c.want.ProviderEnvRequired ||
				got.AuthFlow != c.want.AuthFlow || got.ModelID != c.want.ModelID || got.Decorated != c.want.Decorated ||
				!slices.Equal(got.Scopes, c.want.Scopes) || !slices.Equal(got.Tools, c.want.Tools) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// force_authentication and the payload key that chooses it per call.
func TestParseForceAuthentication(t *testing.T) {
	entry := `
@app.entrypoint
async def invoke(body, context):
    prompt = body.get("prompt", "")
    again = body["again"]
`
	for _, c := range []struct {
		name, src, force, key string
	}{
		{"absent", `@requires_access_token(provider_name="p")`, ForceNever, ""},
		{"literal False", `@requires_access_token(provider_name="p", force_authentication=False)`, ForceNever, ""},
		{"literal True", `@requires_access_token(force_authentication=True, provider_name="p")`, ForceAlways, ""},
		{"commented out", "@requires_access_token(provider_name=\"p\",\n  # force_authentication=True,\n)", ForceNever, ""},
		{"a name, and the key the entrypoint reads", `@requires_access_token(provider_name="p", force_authentication=fresh)` + entry, ForcePerCall, "again"},
		{"a key read outside the entrypoint's payload", `@requires_access_token(force_authentication=fresh)
@app.entrypoint
def invoke(payload):
    other.get("again")
    return payload.get('prompt')`, ForcePerCall, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := Parse([]byte(c.src))
			if s.ForceAuthentication != c.force || s.ForceKey != c.key {
				t.Errorf("force %q key %q, want %q %q", s.ForceAuthentication, s.ForceKey, c.force, c.key)
			}
		})
	}
	perCall := Spec{ForceAuthentication: ForcePerCall, ForceKey: "k"}
	for v, want := range map[any]bool{true: true, false: false, nil: false, 0.0: false, 1.0: true, "": false, "yes": true} {
		if got := perCall.Forces(map[string]any{"k": v}); got != want {
			t.Errorf("payload k=%#v forces %v, want %v (Python's bool)", v, got, want)
		}
	}
	if (Spec{ForceAuthentication: ForcePerCall}).Forces(map[string]any{"k": true}) {
		t.Error("a per-call force with no payload key forced")
	}
	if !(Spec{ForceAuthentication: ForceAlways}).Forces(nil) || (Spec{}).Forces(map[string]any{"force_consent": true}) {
		t.Error("always/never not honoured")
	}
}

func TestProviderFromDefault(t *testing.T) {
	s := Spec{ProviderEnv: "P", ProviderEnvDefault: "D"}
	if n, ok := s.ProviderFrom(nil); !ok || n != "D" {
		t.Errorf("got %q %v", n, ok)
	}
	if n, ok := (Spec{}).ProviderFrom(nil); ok || n != "" {
		t.Errorf("empty spec resolved to %q", n)
	}
}

// FuzzParse: any input parses without panicking, and every name it reports
// was in the source (Parse only copies, it never invents).
func FuzzParse(f *testing.F) {
	f.Add(template(f))
	f.Add(`@requires_access_token(provider_name=os.getenv("A", "B"), scopes=["x"], auth_flow="M2M")`)
	f.Add(`@requires_access_token(provider_name="unterminated`)
	f.Add(`Agent(model=M, tools=[a.b, c]`)
	f.Fuzz(func(t *testing.T, src string) {
		s := Parse([]byte(src))
		for _, v := range append([]string{s.ProviderName, s.ProviderEnv, s.ProviderEnvDefault, s.AuthFlow, s.ModelID}, append(s.Scopes, s.Tools...)...) {
			if v != "" && !strings.Contains(src, v) && !strings.Contains(src, `\`) {
				t.Fatalf("reported %q, not in the source %q", v, src)
			}
		}
	})
}

func TestModelForRegion(t *testing.T) {
	for region, prefix := range map[string]string{"eu-central-1": "eu.", "us-west-2": "us.", "ap-northeast-2": "apac.", "sa-east-1": "global."} {
		m := ModelForRegion(region)
		if !strings.HasPrefix(m, prefix) {
			t.Errorf("%s: %s, want prefix %s", region, m, prefix)
		}
		if err := CheckModel(m, region); err != nil {
			t.Errorf("%s: its own default refused: %v", region, err)
		}
	}
}

func TestCheckModel(t *testing.T) {
	for _, c := range []struct {
		model, region, want string
	}{
		{"us.anthropic.claude-sonnet-4-5-20250929-v1:0", "eu-central-1", "The provided model identifier is invalid."},
		{"eu.anthropic.claude-sonnet-4-5-20250929-v1:0", "us-east-1", "The provided model identifier is invalid."},
		{"anthropic.claude-sonnet-4-5-20250929-v1:0", "us-east-1", "with on-demand throughput isn’t supported"},
		{"us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us-gov-west-1", "invalid"},
		{"us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us-east-1", ""},
		{"global.anthropic.claude-sonnet-4-5-20250929-v1:0", "eu-west-1", ""},
		{"amazon.nova-micro-v1:0", "us-east-1", ""},
	} {
		err := CheckModel(c.model, c.region)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s in %s: %v", c.model, c.region, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "ValidationException")):
			t.Errorf("%s in %s: %v, want %q", c.model, c.region, err, c.want)
		}
	}
}
