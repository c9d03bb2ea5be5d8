package iam_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"agentcore-workshop/internal/sandbox/codebuild/launchtest"
	"agentcore-workshop/internal/sandbox/edge"
)

// TestModelValidation sends awsQuery inputs IAM's model refuses and expects
// IAM's answer word for word: ValidationError with AWS's message, and no
// role left behind.
func TestModelValidation(t *testing.T) {
	env := launchtest.Start(t, "", edge.Delays{})
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	create := "Action=CreateRole&Version=2010-05-08&AssumeRolePolicyDocument=" + url.QueryEscape(trust)
	cases := []struct {
		name, body, msg string
	}{
		{"role name missing", create,
			"1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null"},
		{"role name pattern", create + "&RoleName=bad%20name!",
			`1 validation error detected: Value 'bad name!' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"role name too long", create + "&RoleName=" + strings.Repeat("r", 65),
			"1 validation error detected: Value '" + strings.Repeat("r", 65) + "' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"path pattern", create + "&RoleName=r&Path=no-slashes",
			`1 validation error detected: Value 'no-slashes' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`},
		{"session duration below range", create + "&RoleName=r&MaxSessionDuration=60",
			"1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"},
		{"tag key empty", create + "&RoleName=r&Tags.member.1.Key=&Tags.member.1.Value=v",
			"1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"two errors", "Action=PutRolePolicy&Version=2010-05-08&RoleName=r",
			"2 validation errors detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null; Value null at 'policyDocument' failed to satisfy constraint: Member must not be null"},
		{"max items above range", "Action=ListRoles&Version=2010-05-08&MaxItems=1001",
			"1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000"},
		{"max items not a number", "Action=ListRoles&Version=2010-05-08&MaxItems=lots",
			`Unexpected type for member "MaxItems": got "lots", expected integer.`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := env.Signed(t, http.MethodPost, "/", "iam", form, c.body)
			var e struct {
				Code    string `xml:"Error>Code"`
				Message string `xml:"Error>Message"`
			}
			if err := xml.Unmarshal([]byte(r.Body), &e); err != nil {
				t.Fatalf("%v: %s", err, r.Body)
			}
			if r.Status != 400 || e.Code != "ValidationError" || e.Message != c.msg {
				t.Errorf("got %d %s %q\nwant 400 ValidationError %q", r.Status, e.Code, e.Message, c.msg)
			}
		})
	}
	if roles, _, err := env.IAM.ListRoles("/", "", 0); err != nil || len(roles) != 0 {
		t.Errorf("refused input left roles %v (%v)", roles, err)
	}
}
