package steps

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// loadEnvFile loads the credentials file in dir with a real bash, by one
// of the two recipes its header gives, and returns the values of keys.
func loadEnvFile(t *testing.T, dir, recipe string, keys []string) map[string]string {
	t.Helper()
	script := recipe + "\nfor k in " + strings.Join(keys, " ") + `; do printf '%s=%s\0' "$k" "${!k}"; done`
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", recipe, err)
	}
	got := map[string]string{}
	for _, kv := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		k, v, _ := strings.Cut(kv, "=")
		got[k] = v
	}
	return got
}

// Both recipes of the file's header, with passwords using every allowed
// symbol (and one of an older version's, quoted), give every value intact.
func TestEnvFileLoadsBothWays(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatalf("this test needs bash: %v", err)
	}
	dir := t.TempDir()
	// Files a glob in a value could match, were a value globbed.
	for _, name := range []string{"RUNTIME_PASSWORD=x", "a", "IDENTITY_PASSWORD=k"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{}
	for i, k := range envFileKeys {
		want[k] = "value-" + k + "-" + string(rune('a'+i))
	}
	want[RuntimePassword] = "Ab3" + passwordSymbols + passwordSymbols
	want[IdentityPassword] = `k+VF2ZGtK&Kc%L(&` // an older version's password: quoted
	want[RuntimeDiscoveryURL] = "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_AbC/.well-known/openid-configuration"
	want[EnvAgentARN] = "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/identity_demo-AbC12"
	want[EnvToken] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_"
	want[IdentityClientSecret] = "1abc+def/ghi="
	env := &Env{Dir: dir}
	if wrote, err := updateEnvFile(env, &recorder{}, want); err != nil || !wrote {
		t.Fatalf("updateEnvFile = %v, %v", wrote, err)
	}
	for _, recipe := range []string{
		"export $(grep -v '^#' " + EnvFileName + " | xargs)",
		"set -a; . ./" + EnvFileName + "; set +a",
	} {
		got := loadEnvFile(t, dir, recipe, envFileKeys)
		for _, k := range envFileKeys {
			if got[k] != want[k] {
				t.Errorf("%s: %s = %q, want %q", recipe, k, got[k], want[k])
			}
		}
	}
}

// Later stages add their values; the file keeps the header cleanup looks
// for, what was there, and the stable order.
func TestUpdateEnvFileMergesInOrder(t *testing.T) {
	dir := t.TempDir()
	env := &Env{Dir: dir}
	if _, err := updateEnvFile(env, &recorder{}, map[string]string{EnvAgentARN: "arn:a", RuntimePoolID: "pool"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, EnvFileName)
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append(b, "MINE=kept\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := updateEnvFile(env, &recorder{}, map[string]string{SessionID: "s1", EnvAgentARN: "arn:b", RuntimeClientID: ""}); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	text := string(b)
	if !strings.HasPrefix(text, envFileHeader) {
		t.Fatalf("header lost:\n%s", text)
	}
	var lines []string
	for l := range strings.Lines(text) {
		if !strings.HasPrefix(l, "#") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	if got := strings.Join(lines, " "); got != "RUNTIME_POOL_ID=pool AGENT_ARN=arn:b SESSION_ID=s1 MINE=kept" {
		t.Fatalf("variables = %s", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}

	// A file of that name the workshop did not write is never rewritten.
	foreign := "RUNTIME_POOL_ID=theirs\n"
	if err := os.WriteFile(path, []byte(foreign), 0o600); err != nil {
		t.Fatal(err)
	}
	if wrote, err := updateEnvFile(env, &recorder{}, map[string]string{SessionID: "s2"}); err != nil || wrote {
		t.Fatalf("foreign file: wrote %v, %v", wrote, err)
	}
	if b, _ := os.ReadFile(path); string(b) != foreign {
		t.Fatalf("foreign file changed:\n%s", b)
	}
}

// Every generated password meets Cognito's default policy (with the
// symbols Cognito counts) and is made of characters the file holds bare.
func TestNewPasswordMeetsPolicyAndLoadsBare(t *testing.T) {
	const cognitoSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "
	if strings.Trim(passwordSymbols, cognitoSymbols) != "" || strings.Trim(passwordSymbols, envBare) != "" {
		t.Fatalf("symbols %q: not all Cognito symbols, or not all bare in the file", passwordSymbols)
	}
	for range 500 {
		p, err := newPassword()
		if err != nil {
			t.Fatal(err)
		}
		var upper, lower, digit, symbol bool
		for _, r := range p {
			upper = upper || unicode.IsUpper(r)
			lower = lower || unicode.IsLower(r)
			digit = digit || unicode.IsDigit(r)
			symbol = symbol || strings.ContainsRune(cognitoSymbols, r)
		}
		if len(p) != 16 || !upper || !lower || !digit || !symbol || !safePassword(p) || envQuote(p) != p {
			t.Fatalf("password %q: len %d upper %v lower %v digit %v symbol %v", p, len(p), upper, lower, digit, symbol)
		}
	}
	if safePassword(`k+VF2ZGtK&Kc%L(&`) {
		t.Fatal("an older version's password with & and ( counts as safe")
	}
}
