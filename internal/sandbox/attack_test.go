package sandbox_test

import (
	"bufio"
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
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"agentcore-workshop/internal/boundedlog"
	"agentcore-workshop/internal/memwatch"
	"agentcore-workshop/internal/sandbox"
)

// Attacks a learner holding only the room's shared keys (or nothing) could
// make on a shared sandbox, each held to the bounds. Every loop is
// bounded and every connection goes to loopback.

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

// The 24 concurrent 63 MiB S3 PUTs with a bad signature (3.8 GB
// before). Half declare a payload hash, as S3 clients do: their signature
// is refused before the body is read. Half do not: the verifier hashes at
// most 2 MiB of each before refusing. The bodies are streamed zeros, so the
// test's own memory is not the attack's.
//
// The first half send Expect: 100-continue, as the SDKs do for large
// uploads, so they hear the refusal before sending the body. The second
// half send the body regardless; the sandbox stops reading it at 2 MiB and
// answers, but the client may see the connection reset while it is still
// writing, before it reads the answer: that is the refusal too.
func TestBadSignatureUploadsStayBounded(t *testing.T) {
	sb := startServed(t, sandbox.Config{})
	const size = 63 << 20
	hc := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Second}}
	watch := memwatch.Watch()
	var wg sync.WaitGroup
	results := make(chan string, 24)
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
					results <- fmt.Sprintf("%d: reset while sending", i)
					return
				}
				results <- fmt.Sprintf("%d: %v", i, err)
				return
			}
			defer resp.Body.Close()
			var e struct{ Code string }
			b, _ := io.ReadAll(resp.Body)
			xml.Unmarshal(b, &e)
			want := map[bool]string{true: "403 SignatureDoesNotMatch", false: "400 EntityTooLarge"}[declared]
			if got := fmt.Sprintf("%d %s", resp.StatusCode, e.Code); got != want {
				results <- fmt.Sprintf("%d: %s, want %s", i, got, want)
				return
			}
			results <- fmt.Sprintf("%d: refused", i)
		})
	}
	wg.Wait()
	close(results)
	peak := watch()
	for r := range results {
		// A declared hash: the signature is wrong. None: more than the
		// verifier will hash for an S3 request without the header.
		if !strings.HasSuffix(r, ": refused") && !strings.HasSuffix(r, ": reset while sending") {
			t.Errorf("upload %s", r)
		}
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

// localClient makes its connections from a given loopback address: another
// learner's machine, for the sandbox.
func localClient(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 2 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// The 1100 slow connections (legitimate calls timed out for 70 s
// before): one machine opens them and sends half a request on each. That
// machine gets its share of the connections (DefaultMaxConnsPerHost) and
// the rest are closed; another learner's signed call still answers within
// 2 s, while the flood's connections are all open.
func TestSlowConnectionFloodLeavesRoomForOthers(t *testing.T) {
	const flood = 1100
	sb := startServed(t, sandbox.Config{})
	addr := strings.TrimPrefix(sb.URL, "http://")

	floodStart := time.Now()
	conns := make([]net.Conn, 0, flood)
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for range flood {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			t.Fatalf("dial %d: %v", len(conns), err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: %s\r\nX-Slow: ", addr) // and never finish
	}
	// Count the connections the sandbox kept: a closed one reads EOF. The
	// count settles only once the server has accepted every connection the
	// client thinks is open: under load some still sit in the kernel's
	// queues (a dial can complete before the server's accept), and read as
	// "kept" until the server gets to them and closes those over the share.
	// So count again, over the ones that looked kept, until the count is the
	// share or 4 s have passed; the bound on what is kept stays exact.
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
		if len(open) <= sandbox.DefaultMaxConnsPerHost || time.Now().After(settle) {
			break
		}
	}
	if kept := len(open); kept != sandbox.DefaultMaxConnsPerHost {
		t.Errorf("the flooding host kept %d connections, want its share of %d", kept, sandbox.DefaultMaxConnsPerHost)
	}

	api := cognitoClient(sb, localClient("127.0.0.2"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := api.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)}); err != nil {
		t.Fatalf("another learner's call during the flood: %v", err)
	}
	t.Logf("%d slow connections (%d kept): another learner's call answered in %v", flood, len(open), time.Since(start))
	// The sandbox drops a connection that has not sent its headers in 10 s:
	// past that, the flood would be gone and the call would show nothing.
	if d := time.Since(floodStart); d > 9*time.Second {
		t.Fatalf("the test took %v, so the flood may have timed out before the call", d)
	}
}

// The log cannot be grown by unauthenticated calls beyond its cap: 2000
// requests with an 11 KB access key id (the 11 KB kid grew the log
// by 22 MB) are each logged in under 1 KB, and the files stay within
// (keep+1) × their size.
func TestUnauthenticatedCallsCannotGrowTheLog(t *testing.T) {
	dir := t.TempDir()
	const fileCap, keep = 256 << 10, 2
	f, err := boundedlog.Open(filepath.Join(dir, "sandbox.log"), fileCap, keep)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sb := startServed(t, sandbox.Config{Log: slog.New(slog.NewTextHandler(f, nil))})
	logSize := func() (total int64, files int) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if fi, err := e.Info(); err == nil && strings.HasPrefix(e.Name(), "sandbox.log") {
				total += fi.Size()
				files++
			}
		}
		return total, files
	}
	before, _ := logSize()

	hc := &http.Client{Timeout: 5 * time.Second}
	huge := strings.Repeat("K", 11<<10)
	const calls = 2000
	for i := range calls {
		req, _ := http.NewRequest(http.MethodPost, sb.URL+"/", strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z"))
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+huge+"/"+time.Now().UTC().Format("20060102")+
			"/"+sb.Region+"/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("call %d: HTTP %d", i, resp.StatusCode)
		}
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
