package sandbox_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"agentcore-workshop/internal/boundedlog"
	"agentcore-workshop/internal/memwatch"
	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
)

// Attacks a learner holding only the room's shared keys (or nothing) could
// make on a shared sandbox, each held to the bounds, alone and all
// at once. Every loop is bounded and every connection goes to loopback.

const memoryBound = 400 << 20

func startServed(t *testing.T, cfg sandbox.Config) *sandbox.Sandbox {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	if cfg.StateDir == "" {
		cfg.StateDir = t.TempDir()
	}
	sb, err := sandbox.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeSandbox(t, sb) })
	return sb
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// badUploads sends the 24 concurrent 63 MiB S3 PUTs with a bad
// signature and returns what went wrong ("" when every one was refused as
// it should be). Half declare a payload hash and send Expect:
// 100-continue, as the SDKs do for large uploads: their signature is
// refused before the body is sent. Half declare nothing and send the body
// regardless: the verifier hashes at most 2 MiB of each and refuses, and
// the client may see the connection reset while it is still writing,
// before it reads the answer, which is the refusal too. The bodies are
// streamed zeros, so the test's own memory is not the attack's.
func badUploads(sb *sandbox.Sandbox, from string) []string {
	const size = 63 << 20
	hc := localClient(from)
	hc.Timeout = 60 * time.Second
	hc.Transport.(*http.Transport).ExpectContinueTimeout = 5 * time.Second
	var wg sync.WaitGroup
	problems := make(chan string, 24)
	for i := range 24 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/bucket/key-%d", sb.URL, i), io.LimitReader(zeroReader{}, size))
			req.ContentLength = size
			date := time.Now().UTC().Format("20060102T150405Z")
			req.Header.Set("X-Amz-Date", date)
			signed := "host;x-amz-date"
			declared := i%2 == 0
			if declared {
				req.Header.Set("X-Amz-Content-Sha256", strings.Repeat("ab", 32))
				req.Header.Set("Expect", "100-continue")
				signed += ";x-amz-content-sha256"
			}
			req.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/%s/%s/s3/aws4_request, SignedHeaders=%s, Signature=%s",
				sb.Credentials.AccessKeyID, date[:8], sb.Region, signed, strings.Repeat("0", 64)))
			resp, err := hc.Do(req)
			if err != nil {
				if !declared && (errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)) {
					return
				}
				problems <- fmt.Sprintf("upload %d: %v", i, err)
				return
			}
			defer resp.Body.Close()
			var e struct{ Code string }
			b, _ := io.ReadAll(resp.Body)
			xml.Unmarshal(b, &e)
			want := map[bool]string{true: "403 SignatureDoesNotMatch", false: "400 EntityTooLarge"}[declared]
			if got := fmt.Sprintf("%d %s", resp.StatusCode, e.Code); got != want {
				problems <- fmt.Sprintf("upload %d: %s, want %s", i, got, want)
			}
		})
	}
	wg.Wait()
	close(problems)
	var out []string
	for p := range problems {
		out = append(out, p)
	}
	return out
}

func TestBadSignatureUploadsStayBounded(t *testing.T) {
	sb := startServed(t, sandbox.Config{})
	watch := memwatch.Watch()
	problems := badUploads(sb, "127.0.0.1")
	peak := watch()
	for _, p := range problems {
		t.Error(p)
	}
	// And the sandbox still answers.
	if _, err := cognitoClient(sb, http.DefaultClient).ListUserPools(context.Background(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(1)}); err != nil {
		t.Fatalf("after the uploads: %v", err)
	}
	t.Logf("24 bad-signature 63 MiB uploads: %v", peak)
	if err := peak.Check(memoryBound); err != nil {
		t.Fatal(err)
	}
}

// slowFlood opens n connections from the loopback address from and sends
// half a request on each. It returns the connections, how many dials the sandbox did not
// even accept (its accept queue full: a refusal too) and a func that
// closes them all.
func slowFlood(t *testing.T, sb *sandbox.Sandbox, from string, n int) (conns []net.Conn, unaccepted int, stop func()) {
	t.Helper()
	addr := strings.TrimPrefix(sb.URL, "http://")
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 500 * time.Millisecond}
	conns = make([]net.Conn, 0, n)
	stop = func() {
		for _, c := range conns {
			c.Close()
		}
	}
	for range n {
		c, err := d.Dial("tcp", addr)
		if err != nil {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				stop()
				t.Fatalf("dial %d: %v", len(conns)+unaccepted, err)
			}
			if unaccepted++; unaccepted >= 20 {
				break // the queue stays full: the flood has done all it can
			}
			continue
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: %s\r\nX-Slow: ", addr) // and never finish
	}
	return conns, unaccepted, stop
}

// stillOpen counts the connections the sandbox keeps open: a closed one
// reads EOF, a kept one times out. The count settles only once the server
// has accepted every connection the client thinks is open: under load some
// still sit in the kernel's queues (a dial can complete before the server's
// accept), and read as "kept" until the server gets to them and closes
// those over the share. So count again, over the ones that looked kept,
// until the count is at most share or 4 s have passed.
func stillOpen(conns []net.Conn, share int) (kept int) {
	open := conns
	settle := time.Now().Add(4 * time.Second)
	for {
		var still []net.Conn
		for _, c := range open {
			c.SetReadDeadline(time.Now().Add(time.Millisecond))
			if _, err := bufio.NewReader(c).ReadByte(); err != nil {
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					still = append(still, c)
				}
			}
		}
		open = still
		if len(open) <= share || time.Now().After(settle) {
			return len(open)
		}
	}
}

// localClient makes its connections from a given loopback address: another
// learner's machine, for the sandbox.
func localClient(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 2 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// legitCall is another learner's signed call, from 127.0.0.2, which must
// answer within 2 s. It returns how long it took.
func legitCall(api *cip.Client) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := api.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})
	return time.Since(start), err
}

// The 1100 slow connections (legitimate calls timed out for 70 s
// before): one machine opens them and sends half a request on each. That
// machine gets its share of the connections (DefaultMaxConnsPerHost) and
// the rest are closed; another learner's signed call still answers within
// 2 s, while the flood's connections are all open.
func TestSlowConnectionFloodLeavesRoomForOthers(t *testing.T) {
	const flood = 1100
	sb := startServed(t, sandbox.Config{})
	floodStart := time.Now()
	conns, unaccepted, stop := slowFlood(t, sb, "127.0.0.1", flood)
	defer stop()
	took, err := legitCall(cognitoClient(sb, localClient("127.0.0.2")))
	if err != nil {
		t.Fatalf("another learner's call during the flood: %v", err)
	}
	kept := stillOpen(conns, sandbox.DefaultMaxConnsPerHost)
	if kept != sandbox.DefaultMaxConnsPerHost {
		t.Errorf("the flooding host kept %d connections, want its share of %d", kept, sandbox.DefaultMaxConnsPerHost)
	}
	t.Logf("%d slow connections (%d kept, %d not accepted): another learner's call answered in %v", flood, kept, unaccepted, took)
	// The sandbox drops a connection that has not sent its headers in 10 s:
	// past that, the flood would be gone and the call would show nothing.
	if d := time.Since(floodStart); d > 9*time.Second {
		t.Fatalf("the test took %v, so the flood may have timed out before the call", d)
	}
}

// logFlood sends calls unauthenticated requests with an 11 KB access key
// id (the 11 KB kid grew the log by 22 MB) and returns what went
// wrong.
func logFlood(sb *sandbox.Sandbox, from string, calls int) error {
	hc := localClient(from)
	hc.Timeout = 5 * time.Second
	huge := strings.Repeat("K", 11<<10)
	for i := range calls {
		req, _ := http.NewRequest(http.MethodPost, sb.URL+"/", strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z"))
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+huge+"/"+time.Now().UTC().Format("20060102")+
			"/"+sb.Region+"/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
		resp, err := hc.Do(req)
		if err != nil {
			return fmt.Errorf("call %d: %w", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			return fmt.Errorf("call %d: HTTP %d", i, resp.StatusCode)
		}
	}
	return nil
}

// boundedLogSandbox serves a sandbox logging to a small rotating log in a
// directory of its own, and returns a func measuring the log's files.
func boundedLogSandbox(t *testing.T, fileCap int64, keep int) (*sandbox.Sandbox, func() (int64, int)) {
	t.Helper()
	dir := t.TempDir()
	f, err := boundedlog.Open(filepath.Join(dir, "sandbox.log"), fileCap, keep)
	if err != nil {
		t.Fatal(err)
	}
	sb := startServed(t, sandbox.Config{Log: slog.New(slog.NewTextHandler(f, nil))})
	t.Cleanup(func() { f.Close() }) // after the sandbox closed (cleanups run last-in first-out)
	return sb, func() (total int64, files int) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if fi, err := e.Info(); err == nil && strings.HasPrefix(e.Name(), "sandbox.log") {
				total += fi.Size()
				files++
			}
		}
		return total, files
	}
}

// The log cannot be grown by unauthenticated calls beyond its cap: 2000
// requests with an 11 KB access key id are each logged in under 1 KB, and
// the files stay within (keep+1) × their size.
func TestUnauthenticatedCallsCannotGrowTheLog(t *testing.T) {
	const fileCap, keep, calls = 256 << 10, 2, 2000
	sb, logSize := boundedLogSandbox(t, fileCap, keep)
	before, _ := logSize()
	if err := logFlood(sb, "127.0.0.1", calls); err != nil {
		t.Fatal(err)
	}
	after, files := logSize()
	t.Logf("%d unauthenticated calls with an 11 KB key id: log %d → %d bytes in %d files", calls, before, after, files)
	if after > (keep+1)*fileCap {
		t.Fatalf("the log holds %d bytes, over its cap of %d", after, (keep+1)*fileCap)
	}
	if files != keep+1 {
		t.Fatalf("%d log files: the calls logged too little to rotate, so the test shows nothing", files)
	}
}

// bombBuilds uploads the zip bomb with the room's keys and starts builds
// of it, returning a func that waits for them and reports what went wrong.
func bombBuilds(t *testing.T, sb *sandbox.Sandbox, from string, builds int) func() []string {
	t.Helper()
	ctx := context.Background()
	cfg := aws.Config{Region: sb.Region, BaseEndpoint: aws.String(sb.URL), RetryMaxAttempts: 1, HTTPClient: localClient(from),
		Credentials: credentials.NewStaticCredentialsProvider(sb.Credentials.AccessKeyID, sb.Credentials.SecretAccessKey, "")}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bombs"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(sb.Region)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bombs"), Key: aws.String("bomb.zip"), Body: bytes.NewReader(launchtest.ZipBomb(t, 150, 8<<20))}); err != nil {
		t.Fatal(err)
	}
	cb := codebuild.NewFromConfig(cfg)
	if _, err := cb.CreateProject(ctx, &codebuild.CreateProjectInput{Name: aws.String("bomb"),
		Source:    &cbtypes.ProjectSource{Type: cbtypes.SourceTypeS3, Location: aws.String("bombs/bomb.zip")},
		Artifacts: &cbtypes.ProjectArtifacts{Type: cbtypes.ArtifactsTypeNoArtifacts},
		Environment: &cbtypes.ProjectEnvironment{Type: cbtypes.EnvironmentTypeArmContainer, Image: aws.String("aws/codebuild/amazonlinux2-aarch64-standard:3.0"),
			ComputeType: cbtypes.ComputeTypeBuildGeneral1Medium},
		ServiceRole: aws.String("arn:aws:iam::" + sb.Credentials.AccountID + ":role/bomb")}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for range builds {
		out, err := cb.StartBuild(ctx, &codebuild.StartBuildInput{ProjectName: aws.String("bomb")})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, aws.ToString(out.Build.Id))
	}
	return func() []string {
		var problems []string
		for _, id := range ids {
			for poll := 0; ; poll++ {
				out, err := cb.BatchGetBuilds(ctx, &codebuild.BatchGetBuildsInput{Ids: []string{id}})
				if err != nil || len(out.Builds) != 1 {
					problems = append(problems, fmt.Sprintf("build %s: %v", id, err))
					break
				}
				b := out.Builds[0]
				if b.BuildStatus == cbtypes.StatusTypeInProgress {
					if poll > 2000 {
						problems = append(problems, "build "+id+" never ended")
						break
					}
					time.Sleep(5 * time.Millisecond) // polling a build, as the launch stage does
					continue
				}
				failed := ""
				for _, p := range b.Phases {
					if p.PhaseStatus == cbtypes.StatusTypeFailed && len(p.Contexts) == 1 {
						failed = string(p.PhaseType) + ": " + aws.ToString(p.Contexts[0].Message)
					}
				}
				if !strings.HasPrefix(failed, "DOWNLOAD_SOURCE: source zip is too large to unpack") {
					problems = append(problems, fmt.Sprintf("build %s: %s %q", id, b.BuildStatus, failed))
				}
				break
			}
		}
		return problems
	}
}

// Every attack above at once, against one sandbox, while another learner
// keeps calling: three zip-bomb builds, 24 bad-signature 63 MiB uploads,
// 1100 slow connections and 2000 unauthenticated calls with 11 KB key ids,
// each from a machine of its own (one machine running them all would only
// crowd itself out: the slow flood takes its whole connection share).
// Every legitimate call answers within 2 s, the process stays under 400 MB
// and the log within its cap.
func TestSoakAllAttacksAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("short: every attack at once for about 10 s (30 s with -race)")
	}
	const fileCap, keep = 256 << 10, 2
	sb, logSize := boundedLogSandbox(t, fileCap, keep)
	api := cognitoClient(sb, localClient("127.0.0.2"))
	bombDone := bombBuilds(t, sb, "127.0.0.5", 3)

	watch := memwatch.Watch()
	conns, unaccepted, stopFlood := slowFlood(t, sb, "127.0.0.1", 1100)
	defer stopFlood()
	kept := stillOpen(conns, sandbox.DefaultMaxConnsPerHost)
	var wg sync.WaitGroup
	var uploadProblems []string
	var logErr error
	wg.Go(func() { uploadProblems = badUploads(sb, "127.0.0.3") })
	wg.Go(func() { logErr = logFlood(sb, "127.0.0.4", 2000) })
	attacking := make(chan struct{})
	go func() { wg.Wait(); close(attacking) }()

	var calls int
	var slowest time.Duration
	for done := false; !done && calls < 10000; calls++ {
		select {
		case <-attacking:
			done = true
		default:
		}
		took, err := legitCall(api)
		if err != nil {
			t.Fatalf("legitimate call %d during the attacks: %v", calls, err)
		}
		slowest = max(slowest, took)
	}
	<-attacking
	bombProblems := bombDone()
	peak := watch()
	for _, p := range append(uploadProblems, bombProblems...) {
		t.Error(p)
	}
	if logErr != nil {
		t.Error(logErr)
	}
	size, files := logSize()
	t.Logf("all attacks at once: %d legitimate calls, slowest %v; flood kept %d connections (%d not accepted); log %d bytes in %d files; %v",
		calls, slowest, kept, unaccepted, size, files, peak)
	if size > (keep+1)*fileCap {
		t.Errorf("the log holds %d bytes, over its cap of %d", size, (keep+1)*fileCap)
	}
	if err := peak.Check(memoryBound); err != nil {
		t.Fatal(err)
	}
}
