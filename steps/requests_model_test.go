package steps_test

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/doctor"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/sandbox/model"
)

// sentRequest is one SDK request as it went on the wire.
type sentRequest struct {
	service, op string
	req         *http.Request
	body        []byte
}

// requestRecorder sits under the clients' HTTP client and keeps every
// request an SDK operation sends.
type requestRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	sent []sentRequest
}

func (r *requestRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if op := awsmiddleware.GetOperationName(req.Context()); op != "" {
		var body []byte
		if req.Body != nil {
			b, err := io.ReadAll(req.Body)
			req.Body.Close()
			if err != nil {
				return nil, err
			}
			body = b
			req.Body = io.NopCloser(bytes.NewReader(b))
		}
		r.mu.Lock()
		r.sent = append(r.sent, sentRequest{awsmiddleware.GetServiceID(req.Context()), op, req.Clone(context.Background()), body})
		r.mu.Unlock()
	}
	return r.next.RoundTrip(req)
}

// serviceModels maps an SDK client's service id to the sandbox's model of
// it, whose subset lists every operation the sandbox serves.
var serviceModels = map[string]*model.Model{
	"Cognito Identity Provider": model.Cognito,
	"Bedrock AgentCore Control": model.AgentCoreControl,
	"Bedrock AgentCore":         model.AgentCoreData,
	"IAM":                       model.IAM,
	"STS":                       model.STS,
	"S3":                        model.S3,
	"ECR":                       model.ECR,
	"CodeBuild":                 model.CodeBuild,
	"CloudWatch Logs":           model.Logs,
	"Bedrock":                   model.Bedrock,
	"Lambda":                    model.Lambda, // the gateway's target
}

// checkRequest holds one request to its operation's input shape, read the
// way its protocol puts it on the wire. S3's XML payloads are not read
// (its URI, query and header members are).
func checkRequest(m *model.Model, s sentRequest) error {
	var in map[string]any
	var err error
	var skip []string
	switch m.Metadata().Protocol {
	case "json":
		in, err = model.DecodeJSON(s.body)
	case "query":
		var form url.Values
		if form, err = url.ParseQuery(string(s.body)); err == nil {
			in, err = m.DecodeQuery(s.op, form)
		}
	case "rest-xml":
		in, err = m.DecodeREST(s.op, s.req, nil)
		if op := m.Op(s.op); op != nil && op.Input != nil {
			if p := m.Shape(op.Input.Shape).Payload; p != "" {
				skip = append(skip, p)
			}
		}
	default:
		in, err = m.DecodeREST(s.op, s.req, s.body)
	}
	if err != nil {
		return err
	}
	return m.CheckInput(s.op, in, skip...)
}

// calledOps lists, from the source of the stages and of doctor, every SDK
// operation they can call: client.Op(…) on one of cloud.Clients' clients,
// and pkg.NewOpPaginator(client, …).
func calledOps(t *testing.T, dirs ...string) map[string][]string {
	t.Helper()
	clients := map[string]string{"Cognito": "Cognito Identity Provider", "Control": "Bedrock AgentCore Control", "Data": "Bedrock AgentCore",
		"IAM": "IAM", "STS": "STS", "S3": "S3", "ECR": "ECR", "Build": "CodeBuild", "Logs": "CloudWatch Logs", "Bedrock": "Bedrock",
		"Lambda": "Lambda"}
	clientOf := func(e ast.Expr) string {
		if sel, ok := e.(*ast.SelectorExpr); ok {
			return clients[sel.Sel.Name]
		}
		return ""
	}
	out := map[string][]string{}
	add := func(svc, op, where string) {
		key := svc + " " + op
		if !slices.Contains(out[key], where) {
			out[key] = append(out[key], where)
		}
	}
	fset := token.NewFileSet()
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				fn, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if svc := clientOf(fn.X); svc != "" {
					add(svc, fn.Sel.Name, fset.Position(call.Pos()).String())
				} else if op, ok := strings.CutPrefix(fn.Sel.Name, "New"); ok && strings.HasSuffix(op, "Paginator") && len(call.Args) > 0 {
					if svc := clientOf(call.Args[0]); svc != "" {
						add(svc, strings.TrimSuffix(op, "Paginator"), fset.Position(call.Pos()).String())
					}
				}
				return true
			})
		}
	}
	return out
}

// The request shapes of the AWS path, checked against the service models:
// every request the stages, cleanup, the leftover lister and doctor send
// in a whole tutorial (every stage run twice, so the reuse paths run too)
// fits
// its operation's input shape, and every operation their source can call
// is among them, or named below with the reason it is not reached.
func TestEveryRequestFitsItsModel(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs the whole tutorial against a sandbox (make test runs it)")
	}
	// AutoConsent: the consent stage signs in and consents as a headless
	// run does.
	a, err := app.Open(context.Background(), app.Options{Workspace: filepath.Join(t.TempDir(), "ws"), SandboxAddr: "127.0.0.1:0", AutoConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	rec := &requestRecorder{next: http.DefaultTransport}
	if a.Env.Cloud.HTTP.Transport != nil {
		rec.next = a.Env.Cloud.HTTP.Transport
	}
	a.Env.Cloud.HTTP.Transport = rec
	ctx := context.Background()
	if err := a.Runner.RunAll(ctx); err != nil {
		t.Fatal(err)
	}
	// Every stage again, so the ledger's reuse paths (look up, reuse,
	// update) run too.
	for _, st := range a.Runner.Snapshot() {
		if st.ID == "cleanup" {
			continue
		}
		if err := a.Runner.Run(ctx, st.ID); err != nil {
			t.Fatalf("%s again: %v", st.ID, err)
		}
	}
	ledger := a.Session.Resources()
	if len(leftovers(t, a.Cloud, ledger)) == 0 {
		t.Fatal("the leftover lister finds nothing before cleanup")
	}
	if r := doctor.Run(ctx, a.Env.Cloud, "", i18n.Printer{}); r.Failed() {
		t.Fatalf("doctor: %+v", r.Checks)
	}
	if err := a.Runner.Run(ctx, "cleanup"); err != nil {
		t.Fatal(err)
	}
	if left := leftovers(t, a.Cloud, ledger); len(left) > 0 {
		t.Errorf("left after cleanup: %v", left)
	}

	seen := map[string]bool{}
	for _, s := range rec.sent {
		m := serviceModels[s.service]
		if m == nil {
			t.Errorf("%s %s: no model for the service", s.service, s.op)
			continue
		}
		if m.Op(s.op) == nil {
			t.Errorf("%s %s: not in the %s model subset, so the sandbox does not serve it", s.service, s.op, m.Name())
			continue
		}
		if err := checkRequest(m, s); err != nil {
			t.Errorf("%s %s %s: the request does not fit the model: %v", s.service, s.op, s.req.URL.Path, err)
		}
		seen[s.service+" "+s.op] = true
	}

	// Calls the tutorial makes only when AWS or a learner does something
	// this run does not: each is still served and model-checked by the
	// sandbox's own conformance tests.
	notReached := map[string]string{
		"IAM GetRolePolicy": "a role policy is looked up only when a crash left its ledger entry planned; launch puts it every time",
	}
	called := calledOps(t, ".", filepath.Join("..", "internal", "doctor"))
	var missing []string
	for op, where := range called {
		_, excused := notReached[op]
		switch {
		case seen[op] && excused:
			t.Errorf("%s is excused as not reached, but this run sent it", op)
		case !seen[op] && !excused:
			missing = append(missing, op+" (called at "+strings.Join(where, ", ")+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("never sent in a whole tutorial, so its request shape is unchecked: %s", m)
	}
	t.Logf("%d requests, %d operations, all within their models", len(rec.sent), len(seen))
}
