package steps

import (
	"strings"
	"testing"
)

// The roles' policies name resources in the caller's partition only.
func TestPoliciesUseThePartition(t *testing.T) {
	for _, p := range []string{"aws-cn", "aws-us-gov"} {
		for name, doc := range map[string]string{
			"runtime": runtimePolicy(where{p, "r", "123456789012"}, runtimeRoleSpec{agent: "agent", repository: "repo", provider: "prov"}),
			"build":   buildPolicy(where{p, "r", "123456789012"}, buildRoleSpec{project: "p", repository: "repo", bucket: "b"}),
			"trust":   runtimeTrust(where{p, "r", "123456789012"}),
		} {
			if strings.Contains(doc, "arn:aws:") || !strings.Contains(doc, "arn:"+p+":") {
				t.Errorf("%s policy in %s:\n%s", name, p, doc)
			}
		}
	}
}
