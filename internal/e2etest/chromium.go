package e2etest

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium starts Debian's headless Chromium, as a person's browser, and
// returns a chromedp context that ends after timeout or with the test.
// When chromium is not installed the test skips, or fails under
// RequireEnv, as Tool says.
func Chromium(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	path := Tool(t, "chromium", "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // tests run as root
		// No UserDataDir: the allocator makes a fresh profile directory and
		// removes it once the browser process has exited. A t.TempDir would
		// race Chromium's helper processes, which write into the profile
		// while shutting down.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancelTimeout)
	if err := chromedp.Run(ctx); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}
