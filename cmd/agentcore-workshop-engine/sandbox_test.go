package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serveSandbox starts `sandbox serve` as a real process and reads the
// environment it prints.
func serveSandbox(t *testing.T, bin, addr, state string) (*exec.Cmd, map[string]string, io.Reader) {
	t.Helper()
	cmd := exec.Command(bin, "sandbox", "serve", "--addr", addr, "--state", state)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	env := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for len(env) < 4 && sc.Scan() {
		kv, ok := strings.CutPrefix(sc.Text(), "export ")
		if !ok {
			t.Fatalf("unexpected stdout line %q", sc.Text())
		}
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return cmd, env, stderr
}

func TestSandboxServePrintsEnvAndPersists(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs the built program as a sandbox server")
	}
	bin := workshopBinary(t)
	addr, state := freePort(t), filepath.Join(t.TempDir(), "state")
	cmd, env, stderr := serveSandbox(t, bin, addr, state)
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"} {
		if env[k] == "" {
			t.Fatalf("sandbox serve did not print %s: %v", k, env)
		}
	}
	if env["AWS_ENDPOINT_URL"] != "http://"+addr {
		t.Fatalf("AWS_ENDPOINT_URL = %s, want http://%s", env["AWS_ENDPOINT_URL"], addr)
	}
	client := func(env map[string]string) *cip.Client {
		return cip.New(cip.Options{
			Region:       env["AWS_REGION"],
			BaseEndpoint: aws.String(env["AWS_ENDPOINT_URL"]),
			Credentials:  credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], ""),
		})
	}
	ctx := context.Background()
	out, err := client(env).CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("served")})
	if err != nil {
		t.Fatalf("an SDK pointed at the printed environment: %v", err)
	}

	// SIGINT stops it cleanly; a restart on the same state keeps the pool
	// and the same keys.
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(stderr)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("sandbox serve exited with %v; stderr: %s", err, rest)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox serve did not stop on SIGINT")
	}
	if !strings.Contains(string(rest), "sandbox stopped") {
		t.Errorf("stderr lacks the clean-shutdown line: %s", rest)
	}
	_, env2, _ := serveSandbox(t, bin, addr, state)
	if env2["AWS_SECRET_ACCESS_KEY"] != env["AWS_SECRET_ACCESS_KEY"] {
		t.Error("the sandbox's keys changed across a restart")
	}
	if _, err := client(env2).DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: out.UserPool.Id}); err != nil {
		t.Fatalf("pool lost across a restart: %v", err)
	}
}
