// Command gen cuts the sandbox's model subsets out of the full botocore
// service models: for each service, the operations the sandbox serves and
// every shape they reach (input, output, errors, and their members), with
// documentation dropped. Run it from the model package with `go generate`;
// the output is committed, so nothing reads the full models at run time.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// served lists, per service model, the operations the sandbox answers.
// Adding an operation to a handler means adding it here and re-running.
var served = map[string][]string{
	"bedrock-agentcore-control": {"CreateAgentRuntime", "CreateOauth2CredentialProvider", "CreateWorkloadIdentity", "DeleteAgentRuntime",
		"DeleteOauth2CredentialProvider", "DeleteWorkloadIdentity", "GetAgentRuntime", "GetAgentRuntimeEndpoint", "GetOauth2CredentialProvider",
		"GetTokenVault", "GetWorkloadIdentity", "ListAgentRuntimeEndpoints", "ListAgentRuntimes", "ListOauth2CredentialProviders",
		"ListWorkloadIdentities", "UpdateAgentRuntime", "UpdateWorkloadIdentity",
		// Gateways and their targets (package gateway).
		"CreateGateway", "CreateGatewayTarget", "DeleteGateway", "DeleteGatewayTarget", "GetGateway", "GetGatewayTarget",
		"ListGatewayTargets", "ListGateways", "UpdateGateway"},
	"bedrock-agentcore": {"CompleteResourceTokenAuth", "GetResourceOauth2Token", "GetWorkloadAccessToken", "GetWorkloadAccessTokenForJWT",
		"GetWorkloadAccessTokenForUserId", "InvokeAgentRuntime"},
	"cognito-idp": {"AdminCreateUser", "AdminDeleteUser", "AdminGetUser", "AdminSetUserPassword", "CreateResourceServer", "CreateUserPool",
		"CreateUserPoolClient", "CreateUserPoolDomain", "DeleteResourceServer", "DeleteUserPool", "DeleteUserPoolClient", "DeleteUserPoolDomain",
		"DescribeResourceServer", "DescribeUserPool", "DescribeUserPoolClient", "DescribeUserPoolDomain", "InitiateAuth", "ListResourceServers", "ListUserPoolClients",
		"ListUserPools", "RespondToAuthChallenge", "UpdateUserPoolClient"},
	"iam": {"CreateRole", "DeleteRole", "DeleteRolePolicy", "GetRole", "GetRolePolicy", "ListRolePolicies", "ListRoles", "PutRolePolicy",
		"UpdateAssumeRolePolicy"},
	"sts": {"GetCallerIdentity"},
	"s3": {"CreateBucket", "DeleteBucket", "DeleteBucketLifecycle", "DeleteObject", "GetBucketLifecycleConfiguration", "GetBucketLocation",
		"GetObject", "HeadBucket", "HeadObject", "ListBuckets", "ListObjectsV2", "PutBucketLifecycleConfiguration", "PutObject"},
	"ecr": {"BatchDeleteImage", "CreateRepository", "DeleteRepository", "DescribeImages", "DescribeRepositories", "ListImages"},
	// The gateway stage's Lambda target (package lambda).
	"lambda":    {"AddPermission", "CreateFunction", "DeleteFunction", "GetFunction", "ListFunctions"},
	"logs":      {"CreateLogGroup", "DeleteLogGroup", "DescribeLogGroups"},
	"bedrock":   {"GetFoundationModelAvailability", "GetInferenceProfile"},
	"codebuild": {"BatchGetBuilds", "BatchGetProjects", "CreateProject", "DeleteProject", "ListProjects", "StartBuild", "UpdateProject"},
}

func main() {
	src := flag.String("src", "../../../../shared/reference/aws-models", "directory of the full service-2.json models")
	// The shared reference lacks some models the sandbox serves; those
	// are kept here (botocore's, documentation stripped).
	extra := flag.String("extra", "gen/models", "directory of the models the shared reference lacks")
	dst := flag.String("dst", "subsets", "directory to write the subsets to")
	flag.Parse()
	names := make([]string, 0, len(served))
	for n := range served {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		from := filepath.Join(*src, n+".service-2.json")
		if _, err := os.Stat(from); err != nil {
			from = filepath.Join(*extra, n+".service-2.json")
		}
		if err := cut(from, filepath.Join(*dst, n+".json"), served[n]); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}

func cut(src, dst string, ops []string) error {
	raw, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("read model: %w", err)
	}
	var full struct {
		Version    string                     `json:"version"`
		Metadata   map[string]any             `json:"metadata"`
		Operations map[string]json.RawMessage `json:"operations"`
		Shapes     map[string]json.RawMessage `json:"shapes"`
	}
	if err := json.Unmarshal(raw, &full); err != nil {
		return fmt.Errorf("parse %s: %w", src, err)
	}
	out := map[string]any{"version": full.Version, "metadata": full.Metadata}
	opsOut := map[string]any{}
	shapes := map[string]any{}
	var reach func(name string)
	reach = func(name string) {
		if _, done := shapes[name]; done {
			return
		}
		raw, ok := full.Shapes[name]
		if !ok {
			panic("model has no shape " + name)
		}
		shapes[name] = strip(raw)
		var sh map[string]any
		if err := json.Unmarshal(raw, &sh); err != nil {
			panic(err)
		}
		for _, k := range []string{"member", "key", "value"} {
			if ref, ok := sh[k].(map[string]any); ok {
				reach(ref["shape"].(string))
			}
		}
		if ms, ok := sh["members"].(map[string]any); ok {
			for _, ref := range ms {
				reach(ref.(map[string]any)["shape"].(string))
			}
		}
	}
	for _, name := range ops {
		raw, ok := full.Operations[name]
		if !ok {
			return fmt.Errorf("%s has no operation %s", src, name)
		}
		opsOut[name] = strip(raw)
		var op map[string]any
		if err := json.Unmarshal(raw, &op); err != nil {
			return fmt.Errorf("operation %s: %w", name, err)
		}
		for _, k := range []string{"input", "output"} {
			if ref, ok := op[k].(map[string]any); ok {
				reach(ref["shape"].(string))
			}
		}
		if errs, ok := op["errors"].([]any); ok {
			for _, e := range errs {
				reach(e.(map[string]any)["shape"].(string))
			}
		}
	}
	out["operations"], out["shapes"] = opsOut, shapes
	b, err := json.MarshalIndent(out, "", "")
	if err != nil {
		return err
	}
	return os.WriteFile(dst, append(b, '\n'), 0o644)
}

// strip drops documentation (the bulk of a model) at every level and
// keeps the model's key order: AWS reports violations and union
// alternatives in member order.
func strip(v any) json.RawMessage {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out bytes.Buffer
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := copyValue(dec, &out); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// copyValue copies one JSON value from dec to out, leaving out
// documentation members.
func copyValue(dec *json.Decoder, out *bytes.Buffer) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	switch d := t.(type) {
	case json.Delim:
		switch d {
		case '{':
			out.WriteByte('{')
			first := true
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k := kt.(string)
				switch k {
				case "documentation", "documentationUrl", "deprecatedMessage", "deprecatedSince":
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return err
					}
					continue
				}
				if !first {
					out.WriteByte(',')
				}
				first = false
				kb, _ := json.Marshal(k)
				out.Write(kb)
				out.WriteByte(':')
				if err := copyValue(dec, out); err != nil {
					return err
				}
			}
			_, err := dec.Token()
			out.WriteByte('}')
			return err
		case '[':
			out.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					out.WriteByte(',')
				}
				if err := copyValue(dec, out); err != nil {
					return err
				}
			}
			_, err := dec.Token()
			out.WriteByte(']')
			return err
		}
	}
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	out.Write(b)
	return nil
}
