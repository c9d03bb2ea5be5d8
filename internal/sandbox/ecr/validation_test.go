package ecr_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
)

// TestModelValidation sends inputs ECR's model refuses and expects ECR's
// answer word for word: ValidationException with AWS's message.
func TestModelValidation(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	cases := []struct {
		name, op, body, msg string
	}{
		{"name missing", "CreateRepository", `{}`,
			"1 validation error detected: Value null at 'repositoryName' failed to satisfy constraint: Member must not be null"},
		{"name too short", "CreateRepository", `{"repositoryName":"a"}`,
			"1 validation error detected: Value 'a' at 'repositoryName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"name upper case", "CreateRepository", `{"repositoryName":"Upper/Case"}`,
			"1 validation error detected: Value 'Upper/Case' at 'repositoryName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*"},
		{"mutability enum", "CreateRepository", `{"repositoryName":"ok","imageTagMutability":"SOMETIMES"}`,
			"1 validation error detected: Value 'SOMETIMES' at 'imageTagMutability' failed to satisfy constraint: Member must satisfy enum value set: [MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION]"},
		{"tag status enum", "ListImages", `{"repositoryName":"ok","filter":{"tagStatus":"MAYBE"}}`,
			"1 validation error detected: Value 'MAYBE' at 'filter.tagStatus' failed to satisfy constraint: Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]"},
		{"no image ids", "BatchDeleteImage", `{"repositoryName":"ok","imageIds":[]}`,
			"1 validation error detected: Value at 'imageIds' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"too many names", "DescribeRepositories", `{"repositoryNames":[` + strings.Repeat(`"ab",`, 100) + `"ab"]}`,
			"1 validation error detected: Value at 'repositoryNames' failed to satisfy constraint: Member must have length less than or equal to 100"},
		{"image tag too long", "DescribeImages", `{"repositoryName":"ok","imageIds":[{"imageTag":"` + strings.Repeat("t", 301) + `"}]}`,
			"1 validation error detected: Value '" + strings.Repeat("t", 301)[:200] + "…' at 'imageIds.1.member.imageTag' failed to satisfy constraint: Member must have length less than or equal to 300"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"AmazonEC2ContainerRegistry_V20150921." + c.op}}
			r := env.Signed(t, http.MethodPost, "/", "ecr", h, c.body)
			var e struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal([]byte(r.Body), &e); err != nil {
				t.Fatalf("%v: %s", err, r.Body)
			}
			if r.Status != 400 || e.Type != "ValidationException" || e.Message != c.msg {
				t.Errorf("got %d %s %q\nwant 400 ValidationException %q", r.Status, e.Type, e.Message, c.msg)
			}
		})
	}
	if repos, _ := env.ECR.DescribeRepositories(nil); len(repos) != 0 {
		t.Errorf("refused input created %d repositories", len(repos))
	}
}
