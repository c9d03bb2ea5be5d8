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
