package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// doctor in a sandbox of its own: ready for the region's model (exit 0),
// not ready for a profile the region does not serve (exit 1), and a usage
// error for what it cannot check (exit 2).
func TestDoctorExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"doctor"}, 0, "Ready."},
		{[]string{"doctor", "--region", "eu-central-1"}, 0, "eu.anthropic.claude-sonnet-4-5"},
		{[]string{"doctor", "--region", "eu-central-1", "--model", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"}, 1, "Not ready"},
		{[]string{"doctor", "--target", "gcp"}, 2, "unknown --target"},
		{[]string{"doctor", "--profile", "dev"}, 2, "--profile is for --target aws"},
		{[]string{"doctor", "--target", "aws", "--sandbox-url", "http://127.0.0.1:1"}, 2, "--sandbox-url is for --target sandbox"},
		{[]string{"doctor", "stray"}, 2, "unexpected argument"},
	} {
		var out, errb bytes.Buffer
		code := realMain(context.Background(), tc.args, &out, &errb)
		if code != tc.code || !strings.Contains(out.String()+errb.String(), tc.want) {
			t.Errorf("%q: exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.code, tc.want, out.String(), errb.String())
		}
	}
}
