package steps

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cbtypes "github.com/aws/aws-sdk-go-v2/service/codebuild/types"
)

// A build phase shows how long it really ran, not CodeBuild's whole
// seconds (a quick phase read "0s", every one of them).
func TestBuildPhaseShowsItsRealDuration(t *testing.T) {
	start := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)
	end := start.Add(1500 * time.Millisecond)
	p := cbtypes.BuildPhase{StartTime: &start, EndTime: &end, DurationInSeconds: aws.Int64(1)}
	if got := phaseTook(p); got != 1500*time.Millisecond {
		t.Errorf("phase took %s, want 1.5s from its start and end", got)
	}
	// Without times, the whole seconds are all there is.
	if got := phaseTook(cbtypes.BuildPhase{DurationInSeconds: aws.Int64(3)}); got != 3*time.Second {
		t.Errorf("phase without times took %s, want 3s", got)
	}
}
