package codebuild_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
)

// TestModelValidation sends inputs CodeBuild's model refuses and expects
// CodeBuild's answer word for word: InvalidInputException (CodeBuild
// models no ValidationException) with AWS's message.
func TestModelValidation(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	plumbing := `"source":{"type":"S3","location":"b/k"},"artifacts":{"type":"NO_ARTIFACTS"},"serviceRole":"` + role + `",`
	valid := plumbing + `"environment":{"type":"ARM_CONTAINER","image":"i","computeType":"BUILD_GENERAL1_MEDIUM"}`
	cases := []struct {
		name, op, body, msg string
	}{
		{"name too short", "CreateProject", `{"name":"p",` + valid + `}`,
			"1 validation error detected: Value 'p' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"name pattern", "CreateProject", `{"name":"-bad",` + valid + `}`,
			`1 validation error detected: Value '-bad' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9\-_]{1,149}`},
		{"source missing", "CreateProject", `{"name":"pj","artifacts":{"type":"NO_ARTIFACTS"},"environment":{"type":"ARM_CONTAINER","image":"i","computeType":"BUILD_GENERAL1_MEDIUM"}}`,
			"2 validation errors detected: Value null at 'source' failed to satisfy constraint: Member must not be null; Value null at 'serviceRole' failed to satisfy constraint: Member must not be null"},
		{"environment type enum", "CreateProject", `{"name":"pj",` + plumbing + `"environment":{"type":"MAINFRAME","image":"i","computeType":"BUILD_GENERAL1_MEDIUM"}}`,
			"1 validation error detected: Value 'MAINFRAME' at 'environment.type' failed to satisfy constraint: Member must satisfy enum value set: [WINDOWS_CONTAINER, LINUX_CONTAINER, LINUX_GPU_CONTAINER, ARM_CONTAINER, WINDOWS_SERVER_2019_CONTAINER, WINDOWS_SERVER_2022_CONTAINER, LINUX_LAMBDA_CONTAINER, ARM_LAMBDA_CONTAINER, LINUX_EC2, ARM_EC2, WINDOWS_EC2, MAC_ARM]"},
		{"timeout below range", "CreateProject", `{"name":"pj",` + valid + `,"timeoutInMinutes":1}`,
			"1 validation error detected: Value '1' at 'timeoutInMinutes' failed to satisfy constraint: Member must have value greater than or equal to 5"},
		{"env var name missing", "StartBuild", `{"projectName":"p","environmentVariablesOverride":[{"value":"v"}]}`,
			"1 validation error detected: Value null at 'environmentVariablesOverride.1.member.name' failed to satisfy constraint: Member must not be null"},
		{"no build ids", "BatchGetBuilds", `{"ids":[]}`,
			"1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"sort by enum", "ListProjects", `{"sortBy":"SIZE"}`,
			"1 validation error detected: Value 'SIZE' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [NAME, CREATED_TIME, LAST_MODIFIED_TIME]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"CodeBuild_20161006." + c.op}}
			r := env.Signed(t, http.MethodPost, "/", "codebuild", h, c.body)
			var e struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal([]byte(r.Body), &e); err != nil {
				t.Fatalf("%v: %s", err, r.Body)
			}
			if r.Status != 400 || e.Type != "InvalidInputException" || e.Message != c.msg {
				t.Errorf("got %d %s %q\nwant 400 InvalidInputException %q", r.Status, e.Type, e.Message, c.msg)
			}
		})
	}
	if names, _ := env.CodeBuild.ListProjects("", ""); len(names) != 0 {
		t.Errorf("refused input created projects %v", names)
	}
}
