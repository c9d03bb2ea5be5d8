// Package agentpy reads, without running it, what the sandbox's stand-in
// agent needs from a learner's agent.py: the arguments of its
// @requires_access_token decorator, its model id and its tools.
//
// The sandbox runs no Python. It reads the source with regular expressions
// over a few well-known shapes (string literals, os.environ[...] and
// os.getenv(...)) and records what it found with the built image, so the
// stand-in behaves like the code the learner wrote: an edited provider name
// or model id fails where it would fail on AWS.
package agentpy

import (
	"regexp"
	"strings"

	"agentcore-workshop/internal/lazyregexp"
)

// Spec is what the stand-in takes from agent.py. Empty fields mean the
// source did not say (or said it in a shape this reader does not follow).
type Spec struct {
	// ProviderName is provider_name when it is a string literal.
	ProviderName string `json:"providerName,omitempty"`
	// ProviderEnv is the environment variable provider_name reads
	// (os.environ["X"], os.environ.get("X"), os.getenv("X")); the runtime's
	// environment resolves it when the agent starts.
	ProviderEnv string `json:"providerEnv,omitempty"`
	// ProviderEnvDefault is the fallback of os.getenv("X", "default").
	ProviderEnvDefault string `json:"providerEnvDefault,omitempty"`
	// ProviderEnvRequired is set for os.environ["X"], which raises KeyError
	// when X is unset.
	ProviderEnvRequired bool     `json:"providerEnvRequired,omitempty"`
	Scopes              []string `json:"scopes,omitempty"`
	AuthFlow            string   `json:"authFlow,omitempty"` // USER_FEDERATION or M2M
	ModelID             string   `json:"modelId,omitempty"`
	// Tools are the names in the Agent's tools=[...] list.
	Tools []string `json:"tools,omitempty"`
	// Decorated reports whether a @requires_access_token decorator was found.
	Decorated bool `json:"decorated,omitempty"`
	// CallbackURL is callback_url when it is a string literal;
	// CallbackURLEnv the environment variable it reads (with
	// CallbackURLEnvDefault as os.getenv's fallback). The SDK sends it as
	// resourceOauth2ReturnUrl, and without it falls back to the runtime's
	// OAuth2CallbackUrl header (bedrock-agentcore-sdk-python 1.22.0,
	// identity/auth.py _get_oauth2_callback_url).
	CallbackURL           string `json:"callbackUrl,omitempty"`
	CallbackURLEnv        string `json:"callbackUrlEnv,omitempty"`
	CallbackURLEnvDefault string `json:"callbackUrlEnvDefault,omitempty"`
	// ForceAuthentication is force_authentication, which the SDK sends as
	// GetResourceOauth2Token's forceAuthentication: ForceNever when it is
	// absent or the literal False, ForceAlways for the literal True, and
	// ForcePerCall for any other expression (a name agent.py binds per
	// invocation, as the workshop's vault_token does).
	ForceAuthentication string `json:"forceAuthentication,omitempty"`
	// ForceKey is the invocation payload key, besides "prompt", that the
	// entrypoint reads (payload.get("K") or payload["K"]): with a per-call
	// force_authentication, a true value there asks for a new consent.
	ForceKey string `json:"forceKey,omitempty"`
}

// Values of Spec.ForceAuthentication.
const (
	ForceNever   = ""
	ForceAlways  = "always"
	ForcePerCall = "per-call"
)

// FreshConsentKey is the payload key the workshop's agent.py reads to ask
// for a new consent ({"prompt": ..., "force_consent": true}); the consent
// stage sends it.
const FreshConsentKey = "force_consent"

// Shipped is the Spec of the workshop's agent.py as write-agent writes it,
// for a stand-in that was given none: what it takes from the source
// besides the provider, which comes from the runtime's configuration.
func Shipped() Spec {
	return Spec{ForceAuthentication: ForcePerCall, ForceKey: FreshConsentKey}
}

// Forces reports whether an invocation whose payload holds payload asks
// AgentCore Identity for a new consent (forceAuthentication): always, never
// or, per call, when the payload's ForceKey is true as Python's bool()
// reads it.
func (s Spec) Forces(payload map[string]any) bool {
	switch s.ForceAuthentication {
	case ForceAlways:
		return true
	case ForcePerCall:
		return s.ForceKey != "" && truthy(payload[s.ForceKey])
	}
	return false
}

// truthy is Python's bool() of a JSON value.
func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0
	case string:
		return v != ""
	case []any:
		return len(v) > 0
	case map[string]any:
		return len(v) > 0
	}
	return true
}

// CallbackURLFrom resolves callback_url against a runtime environment: ""
// means the source passes none (or reads an unset variable through
// os.environ.get, which is None), so the SDK uses the runtime's header.
func (s Spec) CallbackURLFrom(env map[string]string) string {
	if s.CallbackURLEnv == "" {
		return s.CallbackURL
	}
	if v, set := env[s.CallbackURLEnv]; set {
		return v
	}
	return s.CallbackURLEnvDefault
}

// ProviderFrom resolves the provider name against a runtime environment.
// ok is false when the source reads a required variable the environment
// does not set (Python's KeyError) or names no provider at all.
func (s Spec) ProviderFrom(env map[string]string) (name string, ok bool) {
	if s.ProviderEnv == "" {
		return s.ProviderName, s.ProviderName != ""
	}
	if v, set := env[s.ProviderEnv]; set {
		return v, true
	}
	if s.ProviderEnvRequired {
		return "", false
	}
	return s.ProviderEnvDefault, s.ProviderEnvDefault != ""
}

// maxSource bounds the text searched: an agent.py is a few kilobytes.
const maxSource = 1 << 20

var (
	// A Python string literal, single or double quoted, optional r/u/b
	// prefix (f-strings are not constants and are skipped).
	strLit = `(?:[rRuU]?"((?:[^"\\\n]|\\.)*)"|[rRuU]?'((?:[^'\\\n]|\\.)*)')`

	// wholeArg ends a keyword argument's value: what follows it must be
	// the next argument or the end of the call. "Prov" + "ider" or
	// ["openid"] + EXTRA is an expression the reader does not evaluate,
	// and reading its first literal would give the stand-in a value
	// Python never passes; unread, the stand-in says it cannot tell.
	wholeArg = `\s*(?:,|$)`

	decoratorRe = lazyregexp.New(`@\s*(?:[A-Za-z_][\w.]*\.)?requires_access_token\s*\(`)
	kwLiteral   = func(name string) *lazyregexp.Regexp {
		return lazyregexp.New(`(?:^|[\s,(])` + name + `\s*=\s*` + strLit + wholeArg)
	}
	authFlowLit = kwLiteral("auth_flow")
	// NAME=os.environ["X"] / os.environ.get("X"[, "d"]) / os.getenv("X"[, "d"])
	kwEnv = func(name string) *lazyregexp.Regexp {
		return lazyregexp.New(`(?:^|[\s,(])` + name + `\s*=\s*(?:os\.)?(environ\s*\[\s*` + strLit +
			`\s*\]|(?:environ\.get|getenv)\s*\(\s*` + strLit + `\s*(?:,\s*` + strLit + `\s*)?\))` + wholeArg)
	}
	// NAME=IDENT: a module-level name whose assignment is read instead.
	kwRef = func(name string) *lazyregexp.Regexp {
		return lazyregexp.New(`(?:^|[\s,(])` + name + `\s*=\s*([A-Za-z_]\w*)\s*(?:,|$)`)
	}
	provider = keyword{"provider_name", kwLiteral("provider_name"), kwEnv("provider_name"), kwRef("provider_name")}
	callback = keyword{"callback_url", kwLiteral("callback_url"), kwEnv("callback_url"), kwRef("callback_url")}
	scopesRe = lazyregexp.New(`(?:^|[\s,(])scopes\s*=\s*\[([^\]]*)\]` + wholeArg)
	strAny   = lazyregexp.New(strLit)
	// MODEL_ID = "..." (any upper-case name ending in MODEL or MODEL_ID).
	modelConstRe = lazyregexp.New(`(?m)^([A-Z_]*MODEL(?:_ID)?)\s*=\s*` + strLit + `[ \t]*$`)
	// Agent(model="..." | model=NAME, ...): the model argument of Agent(...).
	agentCallRe = lazyregexp.New(`\bAgent\s*\(`)
	modelArgLit = kwLiteral("model")
	modelArgRef = lazyregexp.New(`(?:^|[\s,(])model\s*=\s*([A-Za-z_]\w*)\s*(?:,|$)`)
	toolsRe     = lazyregexp.New(`(?:^|[\s,(])tools\s*=\s*\[([^\]]*)\]` + wholeArg)
	identRe     = lazyregexp.New(`[A-Za-z_][\w.]*`)
	forceArg    = lazyregexp.New(`(?:^|[\s,(])force_authentication\s*=\s*([^,)]+?)\s*(?:,|$)`)
	// The entrypoint's first parameter: the invocation payload.
	entrypointRe = lazyregexp.New(`@\s*[A-Za-z_][\w.]*\.entrypoint\s+(?:async\s+)?def\s+\w+\s*\(\s*([A-Za-z_]\w*)`)
	// environIndex tells os.environ["X"] (KeyError when unset) from the
	// lookups with a fallback.
	environIndex = lazyregexp.New(`^environ\s*\[`)
)

// Parse reads src, an agent.py. It never fails: what it cannot read stays
// empty in the Spec, and the stand-in then behaves as the SDK's defaults
// would (or says it cannot).
func Parse(src []byte) Spec {
	if len(src) > maxSource {
		src = src[:maxSource]
	}
	text := stripComments(string(src))
	var s Spec
	if loc := decoratorRe.FindStringIndex(text); loc != nil {
		s.Decorated = true
		args := callArgs(text[loc[1]:])
		p := provider.read(args, text)
		s.ProviderName, s.ProviderEnv, s.ProviderEnvDefault, s.ProviderEnvRequired = p.literal, p.env, p.envDefault, p.required
		c := callback.read(args, text)
		s.CallbackURL, s.CallbackURLEnv, s.CallbackURLEnvDefault = c.literal, c.env, c.envDefault
		if m := authFlowLit.FindStringSubmatch(args); m != nil {
			s.AuthFlow = unquote(first(m[1], m[2]))
		}
		if m := scopesRe.FindStringSubmatch(args); m != nil {
			for _, sm := range strAny.FindAllStringSubmatch(m[1], -1) {
				s.Scopes = append(s.Scopes, unquote(first(sm[1], sm[2])))
			}
		}
		if m := forceArg.FindStringSubmatch(args); m != nil {
			switch m[1] {
			case "False":
			case "True":
				s.ForceAuthentication = ForceAlways
			default:
				s.ForceAuthentication = ForcePerCall
			}
		}
	}
	s.ForceKey = payloadKey(text)
	consts := map[string]string{}
	for _, m := range modelConstRe.FindAllStringSubmatch(text, -1) {
		consts[m[1]] = unquote(first(m[2], m[3]))
	}
	if loc := agentCallRe.FindStringIndex(text); loc != nil {
		args := callArgs(text[loc[1]:])
		if m := modelArgLit.FindStringSubmatch(args); m != nil {
			s.ModelID = unquote(first(m[1], m[2]))
		} else if m := modelArgRef.FindStringSubmatch(args); m != nil {
			s.ModelID = consts[m[1]]
		}
		if m := toolsRe.FindStringSubmatch(args); m != nil {
			for _, id := range identRe.FindAllString(m[1], -1) {
				s.Tools = append(s.Tools, id[strings.LastIndex(id, ".")+1:])
			}
		}
	}
	if s.ModelID == "" && len(consts) == 1 {
		for _, v := range consts {
			s.ModelID = v
		}
	}
	return s
}

// payloadKey is the first key besides "prompt" that the entrypoint reads
// from its payload argument: payload.get("K") or payload["K"].
func payloadKey(text string) string {
	m := entrypointRe.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	read := regexp.MustCompile(`\b` + regexp.QuoteMeta(m[1]) + `\s*(?:\.get\s*\(\s*|\[\s*)` + strLit)
	for _, k := range read.FindAllStringSubmatch(text, -1) {
		if key := unquote(first(k[1], k[2])); key != "prompt" {
			return key
		}
	}
	return ""
}

// keyword is one decorator argument that may be a literal, an environment
// lookup, or a module-level name holding either.
type keyword struct {
	name              string
	literal, env, ref *lazyregexp.Regexp
}

// kwValue is what a keyword argument says.
type kwValue struct {
	literal, env, envDefault string
	required                 bool // os.environ["X"]: KeyError when unset
}

func (k keyword) read(args, text string) kwValue {
	// NAME=IDENT: read IDENT's module-level assignment instead.
	if m := k.ref.FindStringSubmatch(args); m != nil {
		if a := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(m[1]) + `\s*=\s*(.+)$`).FindStringSubmatch(text); a != nil {
			args = k.name + "=" + a[1]
		}
	}
	var v kwValue
	if m := k.env.FindStringSubmatch(args); m != nil {
		v.env = unquote(first(m[2], m[3], m[4], m[5]))
		v.envDefault = unquote(first(m[6], m[7]))
		v.required = environIndex.MatchString(m[1])
	} else if m := k.literal.FindStringSubmatch(args); m != nil {
		v.literal = unquote(first(m[1], m[2]))
	}
	return v
}

// callArgs returns the text of a call's arguments: from just after its
// opening parenthesis to the matching closing one (or the end of text).
// Brackets inside string literals are skipped.
func callArgs(text string) string {
	depth := 1
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote || c == '\n' {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
			if depth == 0 {
				return text[:i]
			}
		}
	}
	return text
}

// stripComments blanks Python comments (a # outside string literals, to
// the end of its line), so a commented-out argument is not read.
func stripComments(text string) string {
	b := []byte(text)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '"', '\'':
			if i+2 < len(b) && b[i+1] == c && b[i+2] == c { // triple-quoted
				end := strings.Index(text[i+3:], text[i:i+3])
				if end < 0 {
					return string(b)
				}
				i += 3 + end + 2
				continue
			}
			for i++; i < len(b) && b[i] != c && b[i] != '\n'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '#':
			for ; i < len(b) && b[i] != '\n'; i++ {
				b[i] = ' '
			}
		}
	}
	return string(b)
}

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// unquote undoes the simple escapes a name could contain.
func unquote(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\'`, `'`, `\n`, "\n", `\t`, "\t")
	return r.Replace(s)
}
