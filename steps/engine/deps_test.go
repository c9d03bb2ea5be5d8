package engine

import (
	"os/exec"
	"strings"
	"testing"
)

// The engine and the UI must build without any AWS service client: front
// ends depend on the engine alone, and the stages bind the cloud in.
func TestFrontEndsNeedNoCloud(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "agentcore-workshop/steps/engine", "agentcore-workshop/ui").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list: %v\n%s", err, stderr)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/aws/aws-sdk-go-v2/service/") || p == "agentcore-workshop/steps" {
			t.Errorf("the engine or the UI depends on %s", p)
		}
	}
}
