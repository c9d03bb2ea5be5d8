package codebuild_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"

	"agentcore-workshop/internal/memwatch"
	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
)

// The zip bomb: 150 entries of 8 MiB of zeros, 1.2 MB zipped,
// 1.2 GiB unpacked. Built three times at once, it fails DOWNLOAD_SOURCE
// with a reason that names the limit, and the process stays under 400 MB.
func TestZipBombIsRefused(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	c := setup(t, env)
	if _, err := c.cb.CreateProject(ctx, projectInput(project, imageEnv("bomb")...)); err != nil {
		t.Fatal(err)
	}
	z := launchtest.ZipBomb(t, 150, 8<<20)
	t.Logf("bomb: %d bytes zipped", len(z))
	c.upload(t, "bomb.zip", z)
	c.upload(t, "many.zip", launchtest.ZipBomb(t, 5001, 0))

	watch := memwatch.Watch()
	var wg sync.WaitGroup
	fails := make(chan string, 4)
	for _, key := range []string{"bomb.zip", "bomb.zip", "bomb.zip", "many.zip"} {
		wg.Go(func() {
			b := c.build(t, &codebuild.StartBuildInput{ProjectName: aws.String(project), SourceLocationOverride: aws.String(bucket + "/" + key)})
			p := failedPhase(t, b)
			msg := ""
			if len(p.Contexts) == 1 {
				msg = aws.ToString(p.Contexts[0].Message)
			}
			fails <- fmt.Sprintf("%s|%s|%s", key, p.PhaseType, msg)
		})
	}
	wg.Wait()
	close(fails)
	peak := watch()
	for f := range fails {
		key, rest, _ := strings.Cut(f, "|")
		want := "too large to unpack"
		if key == "many.zip" {
			want = "5001 entries, more than the sandbox's limit of 5000"
		}
		if !strings.HasPrefix(rest, "DOWNLOAD_SOURCE|") || !strings.Contains(rest, want) {
			t.Errorf("%s: failed with %s, want DOWNLOAD_SOURCE %q", key, rest, want)
		}
	}
	t.Logf("three bomb builds at once: %v", peak)
	if err := peak.Check(400 << 20); err != nil {
		t.Fatal(err)
	}
}
