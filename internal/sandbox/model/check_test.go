package model

import (
	"net/http"
	"strings"
	"testing"
)

const goodRole = `<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateRoleResult><Role>` +
	`<Path>/</Path><RoleName>r</RoleName><RoleId>AROAABCDEFGHIJKLMNOPQ</RoleId><Arn>arn:aws:iam::123456789012:role/r</Arn>` +
	`<CreateDate>2026-01-01T00:00:00Z</CreateDate><MaxSessionDuration>3600</MaxSessionDuration>` +
	`<Tags><member><Key>k</Key><Value>v</Value></member></Tags></Role></CreateRoleResult>` +
	`<ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></CreateRoleResponse>`

// The checker must fail on each kind of drift it exists to catch, in both
// JSON and XML answers, and pass a faithful one.
func TestCheckerCatchesDrift(t *testing.T) {
	xmlCases := map[string]string{
		"faithful":             goodRole,
		"missing RoleId":       strings.Replace(goodRole, `<RoleId>AROAABCDEFGHIJKLMNOPQ</RoleId>`, ``, 1),
		"epoch date":           strings.Replace(goodRole, `2026-01-01T00:00:00Z`, `1767225600`, 1),
		"unknown element":      strings.Replace(goodRole, `<Path>/</Path>`, `<Path>/</Path><Color>red</Color>`, 1),
		"integer not a number": strings.Replace(goodRole, `>3600<`, `>lots<`, 1),
		"list without member":  strings.Replace(goodRole, `<member><Key>k</Key><Value>v</Value></member>`, `<Tag><Key>k</Key><Value>v</Value></Tag>`, 1),
		"wrong wrapper":        strings.Replace(goodRole, `CreateRoleResult>`, `GetRoleResult>`, 2),
	}
	for name, body := range xmlCases {
		c := &Checker{Model: IAM}
		c.XMLOutput("CreateRole", []byte(body))
		if got := len(c.Problems) > 0; got != (name != "faithful") {
			t.Errorf("xml %s: problems %v", name, c.Problems)
		}
	}
	jsonCases := map[string]string{
		"faithful":          `{"repository":{"repositoryName":"abc","createdAt":1.5,"imageTagMutability":"MUTABLE"}}`,
		"string timestamp":  `{"repository":{"repositoryName":"abc","createdAt":"2026-01-01T00:00:00Z"}}`,
		"enum":              `{"repository":{"repositoryName":"abc","imageTagMutability":"SOMETIMES"}}`,
		"pattern":           `{"repository":{"repositoryName":"Upper"}}`,
		"unknown member":    `{"repository":{"repositoryName":"abc","color":"red"}}`,
		"null member":       `{"repository":null}`,
		"number for string": `{"repository":{"repositoryName":7}}`,
	}
	for name, body := range jsonCases {
		c := &Checker{Model: ECR}
		c.JSONOutput("CreateRepository", []byte(body))
		if got := len(c.Problems) > 0; got != (name != "faithful") {
			t.Errorf("json %s: problems %v", name, c.Problems)
		}
	}
	// Headers: a required header missing, and a header of the wrong type.
	c := &Checker{Model: S3}
	c.Headers("HeadObject", "HeadObjectOutput", http.Header{"Content-Length": {"many"}, "Last-Modified": {"yesterday"}})
	if len(c.Problems) != 2 {
		t.Errorf("headers: %v", c.Problems)
	}
}
