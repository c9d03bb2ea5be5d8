package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The UI's page source follows the chosen language.
func TestPageFuncFollowsLang(t *testing.T) {
	for lang, want := range map[string]string{
		"en": "# 1 · Provision Cognito\n",
		"ko": "# 1 · Cognito 프로비저닝\n",
	} {
		p, ok := pageFunc(lang)("provision-cognito")
		if !ok || !strings.HasPrefix(p, want) {
			t.Errorf("pageFunc(%s) = %q…, %v; want it to start %q", lang, strings.SplitN(p, "\n", 2)[0], ok, want)
		}
	}
}

// Only run (named or not) is this binary's; every other command line goes
// to the engine whole.
func TestRunArgsPicksTheRunCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string // nil: another command
	}{
		{nil, []string{}},
		{[]string{"run"}, []string{}},
		{[]string{"--workspace", "w"}, []string{"--workspace", "w"}},
		{[]string{"run", "--lang", "ko"}, []string{"--lang", "ko"}},
		{[]string{"status"}, nil},
		{[]string{"sandbox", "serve"}, nil},
		{[]string{"help", "run"}, nil},
		{[]string{"serve-ui"}, nil},
	} {
		got := runArgs(tc.args)
		if (got == nil) != (tc.want == nil) || !slices.Equal(got, tc.want) {
			t.Errorf("runArgs(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}

// The learner's command links no AWS SDK, no sandbox and no stages: their
// package initialisation would all run before its first frame.
func TestTheLearnersCommandLinksNoAWS(t *testing.T) {
	if testing.Short() {
		t.Skip("go list -deps: not in -short")
	}
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list -deps listed %d packages: %q", len(deps), out)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/aws/") || d == "agentcore-workshop/steps" ||
			strings.HasPrefix(d, "agentcore-workshop/internal/sandbox") ||
			d == "agentcore-workshop/internal/cloud" || d == "agentcore-workshop/internal/app" {
			t.Errorf("agentcore-workshop links %s", d)
		}
	}
}
