package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPageLang(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		name string
		flag string
		env  func(string) string
		want string
	}{
		{"flag ko", "ko", env("LANG", "en_US.UTF-8"), "ko"},
		{"flag en beats a Korean locale", "en", env("LANG", "ko_KR.UTF-8"), "en"},
		{"flag is case-insensitive", "KO", env(), "ko"},
		{"no flag, no locale", "", env(), "en"},
		{"LANG Korean", "", env("LANG", "ko_KR.UTF-8"), "ko"},
		{"bare ko", "", env("LANG", "ko"), "ko"},
		{"LANG other", "", env("LANG", "de_DE.UTF-8"), "en"},
		{"C locale", "", env("LANG", "C.UTF-8"), "en"},
		{"LC_ALL overrides LANG", "", env("LC_ALL", "en_US.UTF-8", "LANG", "ko_KR.UTF-8"), "en"},
		{"LC_ALL Korean", "", env("LC_ALL", "ko_KR.eucKR", "LANG", "en_US.UTF-8"), "ko"},
		{"LC_MESSAGES between", "", env("LC_MESSAGES", "ko_KR.UTF-8", "LANG", "en_US.UTF-8"), "ko"},
		{"Konkani is not Korean", "", env("LANG", "kok_IN"), "en"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := pageLang(c.flag, c.env)
			if err != nil || got != c.want {
				t.Errorf("pageLang(%q) = %q, %v; want %q", c.flag, got, err, c.want)
			}
		})
	}
}

func TestPageLangRejectsUnknown(t *testing.T) {
	for _, bad := range []string{"fr", "ko_KR", "english", " "} {
		got, err := pageLang(bad, func(string) string { return "ko_KR.UTF-8" })
		if err == nil {
			t.Errorf("pageLang(%q) = %q, nil; want an error", bad, got)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "en, ko") || !strings.Contains(msg, "--lang") {
			t.Errorf("pageLang(%q) error %q does not name --lang and list en, ko", bad, msg)
		}
	}
}

// An unknown --lang stops `run` before anything happens: exit 2, the
// choices on stderr, no workspace created, no sandbox started.
func TestRunRejectsUnknownLang(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	var out, errb bytes.Buffer
	code := realMain(context.Background(), []string{"run", "--headless", "--lang", "fr", "--workspace", ws, "--sandbox-addr", "127.0.0.1:0"}, &out, &errb)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if msg := errb.String(); !strings.Contains(msg, `unknown language "fr"`) || !strings.Contains(msg, "en, ko") {
		t.Errorf("stderr = %q; want the unknown language and the choices", msg)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q; want nothing", out.String())
	}
	if _, err := os.Stat(ws); !os.IsNotExist(err) {
		t.Errorf("workspace %s exists after a rejected --lang (stat: %v)", ws, err)
	}
}

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

// A terminal that cannot move the cursor, or no terminal at all, is told
// to use headless mode before anything is written: no workspace appears.
func TestTUIRefusesDumbAndMissingTerminalsBeforeTheWorkspace(t *testing.T) {
	for _, term := range []string{"dumb", "xterm-256color"} {
		t.Run(term, func(t *testing.T) {
			t.Setenv("TERM", term)
			ws := filepath.Join(t.TempDir(), "ws")
			var out, errb bytes.Buffer
			code := realMain(context.Background(), []string{"run", "--workspace", ws}, &out, &errb)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", code, errb.String())
			}
			if !strings.Contains(errb.String(), "--headless") {
				t.Errorf("the refusal does not point at --headless: %q", errb.String())
			}
			if term == "dumb" && !strings.Contains(errb.String(), "TERM=dumb") {
				t.Errorf("the refusal does not say why: %q", errb.String())
			}
			if _, err := os.Stat(ws); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the workspace was touched: %v", err)
			}
		})
	}
}
