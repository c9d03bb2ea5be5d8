package main

import (
	"bytes"
	"fmt"
	"testing"

	"agentcore-workshop/internal/runflags"
	"agentcore-workshop/internal/sandbox"
)

// runflags names the sandbox's paces without importing the sandbox, and
// refuses an unknown one in the sandbox's words: both must stay the
// sandbox's.
func TestRunflagsPacesAreTheSandboxs(t *testing.T) {
	if runflags.PaceInstant != sandbox.PaceInstant || runflags.PaceLifelike != sandbox.PaceLifelike {
		t.Errorf("runflags paces %q, %q; the sandbox's %q, %q",
			runflags.PaceInstant, runflags.PaceLifelike, sandbox.PaceInstant, sandbox.PaceLifelike)
	}
	for _, pace := range []string{runflags.PaceInstant, runflags.PaceLifelike} {
		if _, err := sandbox.Delays(pace); err != nil {
			t.Errorf("sandbox.Delays(%q): %v", pace, err)
		}
	}
	_, sandboxErr := sandbox.Delays("slow")
	var errb bytes.Buffer
	_, code := runflags.Parse([]string{"--pace", "slow"}, &errb, func(string) string { return "" })
	if want := fmt.Sprintf("agentcore-workshop: %v\n", sandboxErr); code != 2 || errb.String() != want {
		t.Errorf("--pace slow: exit %d, stderr %q; want 2, %q", code, errb.String(), want)
	}
}

// run's command line becomes the app's options field by field; the
// foreign provider only when one is named, and a headless run consents
// by itself.
func TestRunOptions(t *testing.T) {
	r := runflags.Run{
		Common: runflags.Common{Workspace: "ws", Target: "aws", Region: "eu-west-1", Profile: "p",
			SandboxURL: "http://127.0.0.1:9", SandboxAddr: "127.0.0.1:0"},
		Headless: true, Pace: runflags.PaceLifelike, Learner: "ann", ReturnPort: 8123, Model: "m", Lang: "ko",
		Foreign: runflags.ForeignIdP{DiscoveryURL: "u", ClientID: "c", ClientSecret: "s", Audience: "a"},
	}
	o, err := runOptions(r)
	if err != nil {
		t.Fatal(err)
	}
	lifelike, _ := sandbox.Delays(sandbox.PaceLifelike)
	if o.Workspace != "ws" || o.Target != "aws" || o.Region != "eu-west-1" || o.Profile != "p" ||
		o.SandboxURL != "http://127.0.0.1:9" || o.SandboxAddr != "127.0.0.1:0" || !o.AutoConsent ||
		o.Learner != "ann" || o.ReturnPort != 8123 || o.Model != "m" || o.Lang != "ko" || o.Delays != lifelike {
		t.Errorf("runOptions = %+v", o)
	}
	if f := o.ForeignIdP; f == nil || f.DiscoveryURL != "u" || f.ClientID != "c" || f.ClientSecret != "s" || f.Audience != "a" {
		t.Errorf("foreign provider %+v", f)
	}
	r.Headless, r.Foreign = false, runflags.ForeignIdP{ClientSecret: "s"}
	if o, err = runOptions(r); err != nil || o.AutoConsent || o.ForeignIdP != nil {
		t.Errorf("UI run with a secret only: auto-consent %v, foreign %+v, err %v", o.AutoConsent, o.ForeignIdP, err)
	}
}
