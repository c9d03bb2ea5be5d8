package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"agentcore-workshop/internal/sandbox"
)

// The report: a workspace made on a served sandbox was cleaned up
// without --sandbox-url; cleanup looked in the embedded sandbox, said
// "nothing is left" and exited 0 with the pools still on the served one.
// Now cleanup against another sandbox refuses, and cleanup without the flag
// goes back to where the pools are and removes them there.
func TestCleanupAgainstAnotherEndpointRefuses(t *testing.T) {
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close(ctx)
	t.Setenv("AWS_ACCESS_KEY_ID", sb.Credentials.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", sb.Credentials.SecretAccessKey)
	pools := func() int {
		t.Helper()
		c := cip.New(cip.Options{Region: sb.Region, BaseEndpoint: aws.String(sb.URL),
			Credentials: credentials.NewStaticCredentialsProvider(sb.Credentials.AccessKeyID, sb.Credentials.SecretAccessKey, "")})
		out, err := c.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(60)})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.UserPools)
	}

	ws := filepath.Join(t.TempDir(), "ws")
	var out, errb bytes.Buffer
	if code := realMain(ctx, []string{"run", "--headless", "--until", "provision-cognito", "--workspace", ws, "--sandbox-url", sb.URL}, &out, &errb); code != 0 {
		t.Fatalf("run exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if n := pools(); n != 2 {
		t.Fatalf("stage 1 left %d pools on the served sandbox, want 2", n)
	}

	out.Reset()
	errb.Reset()
	code := realMain(ctx, []string{"cleanup", "--workspace", ws, "--sandbox-url", "http://127.0.0.1:1"}, &out, &errb)
	if code == 0 || strings.Contains(out.String(), "nothing is left") || strings.Contains(out.String(), "removed:") {
		t.Fatalf("cleanup against another sandbox: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if !strings.Contains(errb.String(), sb.URL) || !strings.Contains(errb.String(), "http://127.0.0.1:1") {
		t.Errorf("the refusal does not name the recorded and the given sandbox: %s", errb.String())
	}
	if n := pools(); n != 2 {
		t.Fatalf("the refused cleanup touched the pools: %d left", n)
	}

	// Without the flag it goes back to the served sandbox (not the
	// embedded one) and really removes them there.
	out.Reset()
	errb.Reset()
	if code := realMain(ctx, []string{"cleanup", "--workspace", ws, "--sandbox-addr", "127.0.0.1:0"}, &out, &errb); code != 0 {
		t.Fatalf("cleanup exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if n := pools(); n != 0 {
		t.Fatalf("cleanup said %q but left %d pools on the served sandbox", out.String(), n)
	}
}
