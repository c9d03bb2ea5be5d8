package runflags

import (
	"bytes"
	"strings"
	"testing"

	"agentcore-workshop/internal/session"
)

// env is a getenv over the given NAME, value pairs.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestParseReadsEveryFlag(t *testing.T) {
	var errb bytes.Buffer
	r, code := Parse([]string{
		"--workspace", "/tmp/ws", "--target", "aws", "--region", "eu-west-1", "--profile", "p",
		"--sandbox-url", "http://127.0.0.1:9", "--sandbox-addr", "127.0.0.1:0",
		"--headless", "--pace", "lifelike", "--until", "launch", "--learner", "ann",
		"--return-port", "8123", "--model", "m", "--facilitator", "--lang", "KO",
		"--foreign-discovery-url", "https://idp/.well-known/openid-configuration",
		"--foreign-client-id", "cid", "--foreign-client-secret", "flag-secret", "--foreign-audience", "aud",
	}, &errb, env("FOREIGN_CLIENT_SECRET", "env-secret"))
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	want := Run{
		Common: Common{Workspace: "/tmp/ws", Target: "aws", Region: "eu-west-1", Profile: "p",
			SandboxURL: "http://127.0.0.1:9", SandboxAddr: "127.0.0.1:0"},
		Headless: true, Pace: PaceLifelike, Until: "launch", Learner: "ann", ReturnPort: 8123,
		Model: "m", Facilitator: true, Lang: "ko",
		Foreign: ForeignIdP{DiscoveryURL: "https://idp/.well-known/openid-configuration",
			ClientID: "cid", ClientSecret: "flag-secret", Audience: "aud"},
	}
	if r != want {
		t.Errorf("Parse =\n%+v\nwant\n%+v", r, want)
	}
	if errb.Len() != 0 {
		t.Errorf("stderr %q, want nothing", errb.String())
	}
}

func TestParseDefaults(t *testing.T) {
	for _, tc := range []struct {
		args []string
		pace string
	}{
		{nil, PaceLifelike}, // the UI: there is something to watch
		{[]string{"--headless"}, PaceInstant},
		{[]string{"--headless", "--pace", "lifelike"}, PaceLifelike},
		{[]string{"--pace", "instant"}, PaceInstant},
	} {
		var errb bytes.Buffer
		r, code := Parse(tc.args, &errb, env())
		if code != 0 {
			t.Fatalf("%q: exit %d, stderr %q", tc.args, code, errb.String())
		}
		if r.Pace != tc.pace {
			t.Errorf("%q: pace %q, want %q", tc.args, r.Pace, tc.pace)
		}
		if r.Workspace != "./"+session.DefaultDir || r.Lang != "en" || r.Foreign.Named() {
			t.Errorf("%q: workspace %q, lang %q, foreign %+v; want ./%s, en, none", tc.args, r.Workspace, r.Lang, r.Foreign, session.DefaultDir)
		}
	}
}

// FOREIGN_CLIENT_SECRET stands in for --foreign-client-secret, which
// would show in the process list; the flag wins when both are given. A
// secret alone names no provider.
func TestForeignClientSecretFromTheEnvironment(t *testing.T) {
	var errb bytes.Buffer
	r, code := Parse([]string{"--foreign-client-id", "cid"}, &errb, env("FOREIGN_CLIENT_SECRET", "env-secret"))
	if code != 0 || r.Foreign.ClientSecret != "env-secret" || !r.Foreign.Named() {
		t.Errorf("env only: exit %d, foreign %+v (named %v); want the env secret, named", code, r.Foreign, r.Foreign.Named())
	}
	r, _ = Parse([]string{"--foreign-client-secret", "flag-secret"}, &errb, env("FOREIGN_CLIENT_SECRET", "env-secret"))
	if r.Foreign.ClientSecret != "flag-secret" {
		t.Errorf("flag and env: secret %q, want the flag's", r.Foreign.ClientSecret)
	}
	if r.Foreign.Named() {
		t.Errorf("a secret alone names a provider: %+v", r.Foreign)
	}
	for _, f := range []ForeignIdP{{DiscoveryURL: "u"}, {ClientID: "c"}, {Audience: "a"}} {
		if !f.Named() {
			t.Errorf("%+v is not named", f)
		}
	}
}

// Each refusal exits 2 with the program's words, the first one found in
// the order the checks run.
func TestParseRefusals(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		getenv func(string) string
		stderr string // exactly, or "" to match prefix below
		prefix string
	}{
		{args: []string{"--until", "launch"},
			stderr: "agentcore-workshop: --until works only with --headless (in the terminal UI, select the stage and press enter)\n"},
		{args: []string{"--until", "launch", "--force-consent", "--lang", "fr"},
			stderr: "agentcore-workshop: --until works only with --headless (in the terminal UI, select the stage and press enter)\n"},
		{args: []string{"--force-consent"},
			stderr: "agentcore-workshop: --force-consent works only with --headless and without --until (in the terminal UI, select the OAuth consent stage and press n)\n"},
		{args: []string{"--headless", "--force-consent", "--until", "write-agent"},
			stderr: "agentcore-workshop: --force-consent works only with --headless and without --until (in the terminal UI, select the OAuth consent stage and press n)\n"},
		{args: []string{"--headless", "--lang", "fr", "--pace", "slow"},
			stderr: "agentcore-workshop: unknown language \"fr\" for --lang: choose one of en, ko\n"},
		{args: []string{"--headless", "--pace", "slow"},
			stderr: "agentcore-workshop: unknown pace \"slow\" (want \"instant\" or \"lifelike\")\n"},
		{args: []string{"--headless", "launch"},
			stderr: "agentcore-workshop run: unexpected argument \"launch\" (flags start with --; see --help)\n"},
		{args: []string{"--return-port", "x"}, prefix: "invalid value \"x\" for flag -return-port: parse error\n" + Usage},
		{args: []string{"--no-such-flag"}, prefix: "flag provided but not defined: -no-such-flag\n" + Usage},
	} {
		var errb bytes.Buffer
		getenv := tc.getenv
		if getenv == nil {
			getenv = env()
		}
		r, code := Parse(tc.args, &errb, getenv)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2", tc.args, code)
		}
		if r != (Run{}) {
			t.Errorf("%q: a refused command line gave %+v", tc.args, r)
		}
		if tc.stderr != "" && errb.String() != tc.stderr {
			t.Errorf("%q: stderr\n%q\nwant\n%q", tc.args, errb.String(), tc.stderr)
		}
		if tc.prefix != "" && !strings.HasPrefix(errb.String(), tc.prefix) {
			t.Errorf("%q: stderr\n%q\nwant it to start\n%q", tc.args, errb.String(), tc.prefix)
		}
	}
}

// -h prints the program's commands, then run's flags with their value
// names, and is not a command line to run (the caller makes it exit 0).
func TestParseHelp(t *testing.T) {
	var errb bytes.Buffer
	_, code := Parse([]string{"--headless", "-h"}, &errb, env())
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	help := errb.String()
	if !strings.HasPrefix(help, Usage+"\nFlags of 'agentcore-workshop run':\n") {
		t.Errorf("help does not start with the usage and the flags' heading:\n%s", help)
	}
	for _, line := range []string{
		"-workspace DIR\n", "-target TARGET\n", "-region REGION\n", "-profile PROFILE\n",
		"-sandbox-url URL\n", "-sandbox-addr HOST:PORT\n", "-headless\n", "-pace PACE\n",
		"-until STAGE\n", "-force-consent\n", "-learner NAME\n", "-return-port PORT\n",
		"-model MODEL\n", "-facilitator\n", "-lang LANG\n", "-foreign-discovery-url URL\n",
		"-foreign-client-id ID\n", "-foreign-client-secret SECRET\n", "-foreign-audience AUDIENCE\n",
	} {
		if !strings.Contains(help, "  "+line) {
			t.Errorf("help lacks the flag line %q:\n%s", line, help)
		}
	}
	if !strings.Contains(help, "LANG: en or ko (default: from LC_ALL / LANG") {
		t.Errorf("--lang's help does not list the languages:\n%s", help)
	}
}

// The locale decides the language when --lang does not.
func TestParseTakesTheLanguageFromTheLocale(t *testing.T) {
	var errb bytes.Buffer
	r, code := Parse(nil, &errb, env("LANG", "ko_KR.UTF-8"))
	if code != 0 || r.Lang != "ko" {
		t.Errorf("LANG=ko_KR.UTF-8: exit %d, lang %q; want ko", code, r.Lang)
	}
	r, _ = Parse([]string{"--lang", "en"}, &errb, env("LANG", "ko_KR.UTF-8"))
	if r.Lang != "en" {
		t.Errorf("--lang en under a Korean locale: lang %q, want en", r.Lang)
	}
}

// ParseArgs refuses a positional argument for every command, naming it.
func TestParseArgsRefusesPositionalArguments(t *testing.T) {
	var errb bytes.Buffer
	fs := NewFlagSet("reset", &errb)
	to := fs.String("to", "", "")
	if ParseArgs(fs, []string{"launch"}, &errb) {
		t.Error("reset launch was accepted")
	}
	if want := "agentcore-workshop reset: unexpected argument \"launch\" (flags start with --; see --help)\n"; errb.String() != want {
		t.Errorf("stderr %q, want %q", errb.String(), want)
	}
	errb.Reset()
	if !ParseArgs(fs, []string{"--to", "launch"}, &errb) || *to != "launch" || errb.Len() != 0 {
		t.Errorf("reset --to launch: to %q, stderr %q", *to, errb.String())
	}
}
