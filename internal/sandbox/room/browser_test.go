package room_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/e2etest"
	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/sandboxtest"
)

// learner opens a workshop against the shared sandbox, as a learner who
// pasted its export lines would.
func learner(t *testing.T, sb *sandbox.Sandbox, name string) *app.App {
	t.Helper()
	a, err := app.Open(context.Background(), app.Options{Workspace: filepath.Join(t.TempDir(), name), SandboxURL: sb.URL, Learner: name})
	if err != nil {
		t.Fatalf("%s's workshop: %v", name, err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	return a
}

// stageOf is the JavaScript that reads a learner's stage id off the page.
func stageOf(name string) string {
	return fmt.Sprintf(`(document.querySelector('tr[data-learner=%q] td.stage') || {dataset: {}}).dataset.stage || ""`, name)
}

// countAt is the JavaScript that reads how many learners the page counts
// at a stage; "" while the event stream is re-rendering the counts, so a
// poll sees "not yet" rather than a TypeError that ends it.
func countAt(stage string) string {
	return fmt.Sprintf(`(document.querySelector('#counts li[data-stage=%q] .n') || {}).textContent || ""`, stage)
}

// The "done when": the room page, opened with the key, lists two
// learners with their stages while they work, and follows them as they
// move on without being reloaded.
func TestRoomPageInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("short: drives a real Chromium and two workshops")
	}
	sb := sandboxtest.Start(t, sandbox.Config{})
	t.Setenv("AWS_ACCESS_KEY_ID", sb.Credentials.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", sb.Credentials.SecretAccessKey)
	t.Setenv("AWS_REGION", sb.Region)
	alice, bob := learner(t, sb, "alice"), learner(t, sb, "bob")
	ctx := e2etest.Chromium(t, 90*time.Second)

	wait := func(what, js string) {
		t.Helper()
		if err := chromedp.Run(ctx, chromedp.Poll(js, nil, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			var html string
			chromedp.Run(ctx, chromedp.OuterHTML("#board", &html, chromedp.ByQuery))
			t.Fatalf("the page never showed %s: %v\n%s", what, err, html)
		}
	}
	// Both learners are on the page, at stage 1, rendered by the server.
	if err := chromedp.Run(ctx, chromedp.Navigate(sb.Room().URL()),
		chromedp.WaitVisible(`#learners`, chromedp.ByQuery),
		chromedp.Evaluate(`window.notReloaded = true`, nil)); err != nil {
		t.Fatal(err)
	}
	wait("both learners at stage 1", stageOf("alice")+` === "provision-cognito" && `+stageOf("bob")+` === "provision-cognito"`)

	// They work: alice gets to stage 3, bob to stage 2. The page follows
	// over its event stream.
	if err := alice.Runner.RunUntil(context.Background(), "write-agent"); err != nil {
		t.Fatal(err)
	}
	if err := bob.Runner.RunUntil(context.Background(), "provision-cognito"); err != nil {
		t.Fatal(err)
	}
	wait("alice at configure and bob at write-agent", stageOf("alice")+` === "configure" && `+stageOf("bob")+` === "write-agent"`)
	wait("one learner counted at each stage", countAt("configure")+` === "1" && `+countAt("write-agent")+` === "1"`)
	var still bool
	if err := chromedp.Run(ctx, chromedp.Evaluate(`window.notReloaded === true`, &still)); err != nil || !still {
		t.Fatalf("the page was reloaded rather than updated (%v)", err)
	}
	// A reload shows the same rows, rendered by the server.
	var html string
	if err := chromedp.Run(ctx, chromedp.Reload(), chromedp.OuterHTML("#board", &html, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`data-learner="alice"`, `data-learner="bob"`, `data-stage="configure"`, `data-stage="write-agent"`} {
		if !strings.Contains(html, want) {
			t.Fatalf("reloaded page lacks %s:\n%s", want, html)
		}
	}
}
