package awswire

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"agentcore-workshop/internal/sandbox/model"
)

func TestRESTInput(t *testing.T) {
	r := httptest.NewRequest("POST", "/identities/CreateWorkloadIdentity", nil)
	e := RESTInput(model.AgentCoreControl, "CreateWorkloadIdentity", r, []byte(`{"name":"ab","allowedResourceOauth2ReturnUrls":["not a url"]}`))
	if e == nil || e.Status != 400 || e.Code != "ValidationException" || e.Fields["reason"] != "FieldValidationFailed" {
		t.Fatalf("got %+v", e)
	}
	b, _ := json.Marshal(e.Fields["fieldList"])
	want := `[{"name":"name","message":"Value 'ab' at 'name' failed to satisfy constraint: Member must have length between 3 and 255, inclusive"},` +
		`{"name":"allowedResourceOauth2ReturnUrls.member","message":"Value 'not a url' at 'allowedResourceOauth2ReturnUrls.member' failed to satisfy constraint: Member must satisfy regular expression pattern: \\w+:(\\/?\\/?)[^\\s]+"}]`
	if string(b) != want {
		t.Errorf("fieldList\n got %s\nwant %s", b, want)
	}
	if e.Message[:31] != "2 validation errors detected: V" {
		t.Errorf("message %q", e.Message)
	}
	if e := RESTInput(model.AgentCoreControl, "CreateWorkloadIdentity", r, []byte(`{"name":7}`)); e == nil || e.Fields["reason"] != "CannotParse" {
		t.Errorf("wrong type: %+v", e)
	}
	if e := RESTInput(model.AgentCoreControl, "CreateWorkloadIdentity", r, []byte(`{"name":"valid-name"}`)); e != nil {
		t.Errorf("valid input refused: %+v", e)
	}
}
