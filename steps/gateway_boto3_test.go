package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"agentcore-workshop/internal/e2etest"
	"agentcore-workshop/steps/outline"
)

// boto3Gateways asks the sandbox, through Python's boto3, for every
// gateway with its authorizer and targets. botocore reads our copy of the
// service model (AWS_DATA_PATH), so the check does not depend on how new
// the installed botocore is; nothing of the host's AWS configuration is
// read.
const boto3Gateways = `
import boto3, json
c = boto3.client("bedrock-agentcore-control")
out = []
for g in c.list_gateways(maxResults=100)["items"]:
    d = c.get_gateway(gatewayIdentifier=g["gatewayId"])
    jwt = d.get("authorizerConfiguration", {}).get("customJWTAuthorizer", {})
    ts = c.list_gateway_targets(gatewayIdentifier=g["gatewayId"])["items"]
    out.append({"name": d["name"], "status": d["status"], "authorizerType": d["authorizerType"],
                "protocolType": d.get("protocolType"), "discoveryUrl": jwt.get("discoveryUrl"),
                "allowedClients": jwt.get("allowedClients"), "allowedAudience": jwt.get("allowedAudience"),
                "targets": [t["name"] + ":" + t["status"] for t in ts]})
print(json.dumps(out))
`

// Issue 11's "done when": from outside, with another language's AWS SDK,
// both gateways are READY with their authorizers. The gateway stage runs
// against a sandbox; then boto3, a separate SDK with its own serializer
// and parser, reads what it made.
func TestGatewaysSeenFromBoto3(t *testing.T) {
	python := e2etest.Tool(t, "python3", "python3-boto3")
	if err := exec.Command(python, "-c", "import boto3").Run(); err != nil {
		e2etest.Missing(t, "the Python module boto3", "python3-boto3")
	}
	env := gatewayEnv(t)
	if _, err := runGateway(context.Background(), env, &recorder{}); err != nil {
		t.Fatalf("gateway stage: %v", err)
	}
	m2m, _ := inputs(env, outline.MachineToMachineID, M2MClientID)
	foreign, _ := inputs(env, outline.ForeignIdPID, ForeignDiscoveryURL, ForeignAudience)

	data := t.TempDir()
	model, err := os.ReadFile(filepath.Join("..", "..", "shared", "reference", "aws-models", "bedrock-agentcore-control.service-2.json"))
	if err != nil {
		t.Fatalf("the service model (../shared beside the repository): %v", err)
	}
	dir := filepath.Join(data, "bedrock-agentcore-control", "2023-06-05")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "service-2.json"), model, 0o644); err != nil {
		t.Fatal(err)
	}
	creds, err := env.Cloud.Config.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", boto3Gateways)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "AWS_DATA_PATH=" + data,
		"AWS_ENDPOINT_URL=" + aws.ToString(env.Cloud.Config.BaseEndpoint), "AWS_ACCESS_KEY_ID=" + creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + creds.SecretAccessKey,
		"AWS_DEFAULT_REGION=" + env.Cloud.Region, "AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, stderr.String())
	}
	var gws []struct {
		Name, Status, AuthorizerType, ProtocolType, DiscoveryURL string
		AllowedClients, AllowedAudience                          []string
		Targets                                                  []string
	}
	if err := json.Unmarshal(out, &gws); err != nil {
		t.Fatalf("boto3 printed %q: %v", out, err)
	}
	if len(gws) != 2 {
		t.Fatalf("boto3 sees %d gateways, want 2: %s", len(gws), out)
	}
	seen := map[string]bool{}
	for _, g := range gws {
		if g.Status != "READY" || g.AuthorizerType != "CUSTOM_JWT" || g.ProtocolType != "MCP" || len(g.Targets) != 1 || g.Targets[0] != gatewayTarget+":READY" {
			t.Errorf("%s as boto3 sees it: %+v", g.Name, g)
		}
		switch {
		case strings.HasPrefix(g.Name, "WorkshopM2M-"):
			seen["m2m"] = len(g.AllowedClients) == 1 && g.AllowedClients[0] == m2m[M2MClientID] && g.AllowedAudience == nil &&
				strings.HasSuffix(g.DiscoveryURL, "/.well-known/openid-configuration")
		case strings.HasPrefix(g.Name, "WorkshopForeign-"):
			seen["foreign"] = len(g.AllowedAudience) == 1 && g.AllowedAudience[0] == foreign[ForeignAudience] && g.AllowedClients == nil &&
				g.DiscoveryURL == foreign[ForeignDiscoveryURL]
		}
	}
	if !seen["m2m"] || !seen["foreign"] {
		t.Errorf("authorizers as boto3 sees them (allowedClients on the M2M gateway, allowedAudience on the foreign one): %s", out)
	}
}
