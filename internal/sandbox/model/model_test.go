package model

import (
	"strings"
	"testing"
)

var all = []*Model{AgentCoreControl, AgentCoreData, Cognito, IAM, STS, S3, ECR, CodeBuild, Lambda}

// uncompilable are model patterns RE2 cannot express, with why that is safe.
var uncompilable = map[string]string{
	// A look-behind ("does not end in a dot") on an output-only member of
	// DescribeUserPoolDomain; no input carries it.
	"cognito-idp.S3BucketType": "output only",
	// The same look-behind in a Lambda function's code location in S3;
	// the sandbox takes code only as ZipFile and refuses S3Bucket itself.
	"lambda.S3Bucket": "refused by package lambda before it matters",
}

// Every subset parses, every reference resolves and every pattern compiles
// under RE2, so no constraint is silently not enforced.
func TestSubsetsAreWhole(t *testing.T) {
	for _, m := range all {
		s, err := m.load()
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Operations) == 0 {
			t.Errorf("%s: no operations", m.Name())
		}
		resolve := func(where string, r *Ref) {
			if r != nil && s.Shapes[r.Shape] == nil {
				t.Errorf("%s: %s refers to missing shape %s", m.Name(), where, r.Shape)
			}
		}
		for name, op := range s.Operations {
			resolve(name+" input", op.Input)
			resolve(name+" output", op.Output)
			for _, e := range op.Errors {
				resolve(name+" error", &e)
			}
		}
		for name, sh := range s.Shapes {
			if _, known := uncompilable[m.Name()+"."+name]; sh.PatternError() != nil && !known {
				t.Errorf("%s: pattern of %s does not compile: %v", m.Name(), name, sh.PatternError())
			}
			resolve(name+".member", sh.Member)
			resolve(name+".key", sh.Key)
			resolve(name+".value", sh.Value)
			for _, mn := range sh.Members.Names {
				resolve(name+"."+mn, sh.Members.Refs[mn])
			}
		}
	}
}

func TestCheckInputMessages(t *testing.T) {
	cases := []struct {
		name string
		m    *Model
		op   string
		in   string
		want string // the error text; "" for valid input
	}{
		{"valid", Cognito, "CreateUserPool", `{"PoolName":"p"}`, ""},
		{"missing required", Cognito, "CreateUserPool", `{}`,
			"1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null"},
		{"too long, one-sided", Cognito, "CreateUserPool", `{"PoolName":"` + strings.Repeat("a", 129) + `"}`,
			"1 validation error detected: Value '" + strings.Repeat("a", 129) + "' at 'poolName' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"pattern", Cognito, "CreateUserPool", `{"PoolName":"a/b"}`,
			`1 validation error detected: Value 'a/b' at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w\s+=,.@-]+`},
		{"nested range", Cognito, "CreateUserPool", `{"PoolName":"p","Policies":{"PasswordPolicy":{"MinimumLength":5}}}`,
			"1 validation error detected: Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6"},
		{"two errors", Cognito, "ListUserPools", `{"MaxResults":61,"NextToken":""}`,
			"2 validation errors detected: Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60"},
		{"scalar list item", Cognito, "CreateUserPoolClient", `{"UserPoolId":"us-east-1_abc","ClientName":"c","AllowedOAuthFlows":["code","magic"]}`,
			"1 validation error detected: Value '[code, magic]' at 'allowedOAuthFlows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [code, implicit, client_credentials]]"},
		{"structure list item", Cognito, "AdminCreateUser", `{"UserPoolId":"us-east-1_abc","Username":"u","UserAttributes":[{"Name":"email","Value":"a"},{"Value":"b"}]}`,
			"1 validation error detected: Value null at 'userAttributes.2.member.name' failed to satisfy constraint: Member must not be null"},
		{"map key", Cognito, "CreateUserPool", `{"PoolName":"p","UserPoolTags":{"":"v"}}`,
			"1 validation error detected: Value at 'userPoolTags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length greater than or equal to 1]"},
		{"sensitive value hidden", Cognito, "AdminSetUserPassword", `{"UserPoolId":"us-east-1_abc","Username":"u","Password":""}`,
			`1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\S]+`},
		{"between, item paths", AgentCoreControl, "CreateWorkloadIdentity", `{"name":"ab","tags":{"bad!":"v"}}`,
			"2 validation errors detected: Value 'ab' at 'name' failed to satisfy constraint: Member must have length between 3 and 255, inclusive; Value 'bad!' at 'tags.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9\\s._:/=+@-]*"},
		{"union arity", AgentCoreControl, "CreateAgentRuntime", `{"agentRuntimeName":"a","roleArn":"arn:aws:iam::123456789012:role/r","agentRuntimeArtifact":{}}`,
			"1 validation error detected: Value at 'agentRuntimeArtifact' failed to satisfy constraint: Member must have exactly one of containerConfiguration, codeConfiguration set"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := DecodeJSON([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if err := c.m.CheckInput(c.op, in); err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestCheckInputTypeErrors(t *testing.T) {
	for body, path := range map[string]string{
		`{"AuthFlow":7,"ClientId":"x"}`: "AuthFlow",
		`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"x","AuthParameters":{"USERNAME":1}}`: "AuthParameters.USERNAME",
		`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":["x"]}`:                               "ClientId",
	} {
		in, err := DecodeJSON([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		err = Cognito.CheckInput("InitiateAuth", in)
		te, ok := err.(*TypeError)
		if !ok || te.Path != path {
			t.Errorf("%s: %v, want a type error at %s", body, err, path)
		}
	}
	if _, err := DecodeJSON([]byte(`[1]`)); err == nil {
		t.Error("a JSON array decoded as an input object")
	}
}

func TestCheckInputSkip(t *testing.T) {
	in, _ := DecodeJSON([]byte(`{}`))
	if err := CodeBuild.CheckInput("UpdateProject", in, "name"); err != nil {
		t.Errorf("skipped member still checked: %v", err)
	}
	if err := CodeBuild.CheckInput("UpdateProject", in); err == nil {
		t.Error("missing name not reported")
	}
}

// BenchmarkFirstUse is the one-off cost a service pays on its first
// request: parsing its subset and compiling its patterns.
func BenchmarkFirstUse(b *testing.B) {
	for b.Loop() {
		m := newModel("cognito-idp", Style{})
		if _, err := m.load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckInput(b *testing.B) {
	in, _ := DecodeJSON([]byte(`{"UserPoolId":"us-east-1_abc","ClientName":"c","AllowedOAuthFlows":["code"],"CallbackURLs":["https://example.com/cb"],"AllowedOAuthScopes":["openid"]}`))
	for b.Loop() {
		if err := Cognito.CheckInput("CreateUserPoolClient", in); err != nil {
			b.Fatal(err)
		}
	}
}

// A repetition over RE2's bound of 1000 is split, not dropped: the
// constraint still holds at its exact limit.
func TestBigRepeatsAreEnforced(t *testing.T) {
	sh := AgentCoreControl.Shape("S3BucketUri")
	if sh.PatternError() != nil {
		t.Fatal(sh.PatternError())
	}
	for n, want := range map[int]bool{0: false, 1: true, 1000: true, 1001: true, 2043: true, 2044: false} {
		if got := sh.regexp().MatchString("s3://" + strings.Repeat("a", n)); got != want {
			t.Errorf("s3:// + %d characters: match %v, want %v", n, got, want)
		}
	}
}
