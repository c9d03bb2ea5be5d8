package steps

import (
	"strings"
	"testing"

	"agentcore-workshop/internal/doctor"
)

// What doctor says the tutorial will create names every kind of resource
// the stages can make: a kind added to the registry without a word in
// doctor.Creates fails here.
func TestDoctorNamesEveryKind(t *testing.T) {
	// The words of doctor.Creates that stand for each kind.
	says := map[ResourceKind]string{
		ResUserPool: "user pools", ResPoolClient: "app clients", ResPoolDomain: "sign-in domains", ResPoolUser: "test users",
		ResResourceServer: "resource server", ResWorkloadIdentity: "workload identity", ResCredentialProvider: "OAuth2 credential provider",
		ResRole: "roles", ResRolePolicy: "inline policies", ResRepository: "ECR: 1 repository", ResBucket: "S3: 1 bucket",
		ResObject: "source zip", ResProject: "CodeBuild: 1 project", ResRuntime: "Runtime: 1 runtime", ResLogGroup: "log groups",
		ResGateway: "MCP gateways", ResGatewayTarget: "Lambda target", ResFunction: "Lambda: 1 function", ResForeignTenant: "tenant",
		ResLocalFile: "", // the workspace's own files, not the target's
	}
	all := strings.Join(doctor.Creates, "\n")
	for _, k := range resourceKinds {
		word, ok := says[k.Kind()]
		if !ok {
			t.Errorf("kind %s: doctor.Creates does not say it will be made (add it, and its words here)", k.Kind())
			continue
		}
		if word != "" && !strings.Contains(all, word) {
			t.Errorf("kind %s: doctor.Creates lacks %q", k.Kind(), word)
		}
	}
}
