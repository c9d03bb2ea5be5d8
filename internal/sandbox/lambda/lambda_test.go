package lambda_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	lam "github.com/aws/aws-sdk-go-v2/service/lambda"
	lamtypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/gateway"
	"agentcore-workshop/internal/sandbox/lambda"
	"agentcore-workshop/internal/sandbox/logs"
	"agentcore-workshop/internal/sandbox/sigv4"
	"agentcore-workshop/internal/sandbox/store"
)

const role = "arn:aws:iam::123456789012:role/AgentCoreTestLambdaRole"

func newLambda(t *testing.T) (*lam.Client, *lambda.Service) {
	c, svc, _ := newLambdaLogging(t)
	return c, svc
}

// newLambdaLogging is newLambda with the CloudWatch Logs service its
// functions make their log groups in.
func newLambdaLogging(t *testing.T) (*lam.Client, *lambda.Service, *logs.Service) {
	t.Helper()
	st, err := store.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	creds := sigv4.Credentials{AccessKeyID: "AKIASANDBOXTEST00001", SecretAccessKey: "secretsecretsecretsecretsecretsecret0000", AccountID: "123456789012"}
	e := edge.New(&sigv4.Verifier{Keys: map[string]sigv4.Credentials{creds.AccessKeyID: creds}}, nil)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	d := edge.Deps{URL: srv.URL, Region: "us-west-2", AccountID: "123456789012", Store: st, Clock: clock.System{}, Log: slog.New(slog.DiscardHandler)}
	groups, err := logs.New(d)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := lambda.New(d, lambda.Options{LogGroups: groups, AssumableRole: func(arn string) string {
		if arn != role {
			return "no such role"
		}
		return ""
	}})
	if err != nil {
		t.Fatal(err)
	}
	svc.Register(e)
	c := lam.New(lam.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, "")})
	return c, svc, groups
}

func zipOf(t *testing.T, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// The toolkit's create_test_lambda, through the real aws-sdk-go-v2 Lambda
// client, then a gateway's call of its tool.
func TestToolkitFunctionLifecycle(t *testing.T) {
	c, svc := newLambda(t)
	ctx := context.Background()
	in := &lam.CreateFunctionInput{FunctionName: aws.String("AgentCoreLambdaTestFunction"), Runtime: lamtypes.RuntimePython313, Role: aws.String(role),
		Handler: aws.String("lambda_function.lambda_handler"), Code: &lamtypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"lambda_function.py": "def lambda_handler(e, c): pass"})},
		Description: aws.String("Test Lambda for AgentCore Gateway")}
	out, err := c.CreateFunction(ctx, in)
	if err != nil || aws.ToString(out.FunctionArn) != "arn:aws:lambda:us-west-2:123456789012:function:AgentCoreLambdaTestFunction" || out.State != lamtypes.StateActive {
		t.Fatalf("CreateFunction: %v %+v", err, out)
	}
	if _, err := c.CreateFunction(ctx, in); code(err) != "ResourceConflictException" {
		t.Fatalf("a second CreateFunction: %v", err)
	}
	bad := *in
	bad.FunctionName, bad.Role = aws.String("other"), aws.String("arn:aws:iam::123456789012:role/Missing")
	if _, err := c.CreateFunction(ctx, &bad); code(err) != "InvalidParameterValueException" || !strings.Contains(err.Error(), "cannot be assumed by Lambda") {
		t.Fatalf("a role Lambda cannot assume: %v", err)
	}
	bad.FunctionName, bad.Role = aws.String("bad name!"), aws.String(role)
	if _, err := c.CreateFunction(ctx, &bad); code(err) != "ValidationException" {
		t.Fatalf("a name the model refuses: %v", err)
	}
	p, err := c.AddPermission(ctx, &lam.AddPermissionInput{FunctionName: aws.String("AgentCoreLambdaTestFunction"), StatementId: aws.String("AllowAgentCoreInvoke"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("arn:aws:iam::123456789012:role/Gateway")})
	if err != nil || !strings.Contains(aws.ToString(p.Statement), `"AWS":"arn:aws:iam::123456789012:role/Gateway"`) {
		t.Fatalf("AddPermission: %v %v", err, p)
	}
	if _, err := c.AddPermission(ctx, &lam.AddPermissionInput{FunctionName: aws.String("AgentCoreLambdaTestFunction"), StatementId: aws.String("AllowAgentCoreInvoke"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("bedrock-agentcore.amazonaws.com")}); code(err) != "ResourceConflictException" {
		t.Fatalf("a repeated statement id: %v", err)
	}
	g, err := c.GetFunction(ctx, &lam.GetFunctionInput{FunctionName: out.FunctionArn})
	if err != nil || aws.ToString(g.Configuration.Handler) != "lambda_function.lambda_handler" {
		t.Fatalf("GetFunction by ARN: %v", err)
	}
	res, err := svc.Invoke(ctx, gateway.FunctionCall{FunctionARN: *out.FunctionArn, Event: json.RawMessage(`{"timezone":"Asia/Seoul"}`),
		Custom: map[string]string{"bedrockAgentCoreToolName": "WeatherTools___get_time"}})
	if err != nil || !strings.Contains(string(res), `Asia/Seoul`) {
		t.Fatalf("invoke: %v %s", err, res)
	}
	l, err := c.ListFunctions(ctx, &lam.ListFunctionsInput{})
	if err != nil || len(l.Functions) != 1 {
		t.Fatalf("ListFunctions: %v %+v", err, l)
	}
	if _, err := c.DeleteFunction(ctx, &lam.DeleteFunctionInput{FunctionName: aws.String("AgentCoreLambdaTestFunction")}); err != nil {
		t.Fatalf("DeleteFunction: %v", err)
	}
	if _, err := c.GetFunction(ctx, &lam.GetFunctionInput{FunctionName: aws.String("AgentCoreLambdaTestFunction")}); code(err) != "ResourceNotFoundException" {
		t.Fatalf("GetFunction after delete: %v", err)
	}
	if _, err := svc.Invoke(ctx, gateway.FunctionCall{FunctionARN: *out.FunctionArn, Event: json.RawMessage(`{}`)}); err == nil {
		t.Fatal("a deleted function was invoked")
	}
}

// A handler whose module is not in the zip fails at invocation, as
// Lambda's Python runtime does.
func TestMissingHandlerModule(t *testing.T) {
	c, svc := newLambda(t)
	ctx := context.Background()
	out, err := c.CreateFunction(ctx, &lam.CreateFunctionInput{FunctionName: aws.String("f"), Runtime: lamtypes.RuntimePython313, Role: aws.String(role),
		Handler: aws.String("app.handler"), Code: &lamtypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"lambda_function.py": "x"})}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Invoke(ctx, gateway.FunctionCall{FunctionARN: *out.FunctionArn, Event: json.RawMessage(`{}`)}); err == nil || !strings.Contains(err.Error(), "Unable to import module 'app'") {
		t.Fatalf("invoke: %v", err)
	}
	if _, err := c.CreateFunction(ctx, &lam.CreateFunctionInput{FunctionName: aws.String("g"), Runtime: lamtypes.RuntimePython313, Role: aws.String(role),
		Handler: aws.String("a.b"), Code: &lamtypes.FunctionCode{ZipFile: []byte("not a zip")}}); code(err) != "InvalidParameterValueException" {
		t.Fatalf("not a zip: %v", err)
	}
}

// A function's first run makes /aws/lambda/<name>, as Lambda does; a
// function that fails to start makes none.
func TestInvokeMakesTheFunctionsLogGroup(t *testing.T) {
	c, svc, groups := newLambdaLogging(t)
	ctx := context.Background()
	names := func() []string {
		t.Helper()
		gs, _, err := groups.DescribeLogGroups(logs.Query{Prefix: "/aws/lambda/"})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, g := range gs {
			out = append(out, g.Name)
		}
		return out
	}
	for _, f := range []struct{ name, handler string }{{"runs", "lambda_function.lambda_handler"}, {"cannot-start", "app.handler"}} {
		if _, err := c.CreateFunction(ctx, &lam.CreateFunctionInput{FunctionName: aws.String(f.name), Runtime: lamtypes.RuntimePython313, Role: aws.String(role),
			Handler: aws.String(f.handler), Code: &lamtypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"lambda_function.py": "x"})}}); err != nil {
			t.Fatal(err)
		}
	}
	if got := names(); len(got) != 0 {
		t.Fatalf("log groups before any run: %v", got)
	}
	if _, err := svc.Invoke(ctx, gateway.FunctionCall{FunctionARN: "runs", Event: json.RawMessage(`{}`),
		Custom: map[string]string{"bedrockAgentCoreToolName": "WeatherTools___get_time"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Invoke(ctx, gateway.FunctionCall{FunctionARN: "cannot-start", Event: json.RawMessage(`{}`)}); err == nil {
		t.Fatal("a handler with no module ran")
	}
	if got := names(); len(got) != 1 || got[0] != lambda.LogGroup("runs") || got[0] != "/aws/lambda/runs" {
		t.Fatalf("log groups after the runs: %v, want [/aws/lambda/runs]", got)
	}
}
