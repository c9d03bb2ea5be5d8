package doctor

import (
	"fmt"
	"io"
	"strings"

	"agentcore-workshop/internal/cloud"
)

// Creates is what a run of the tutorial makes on the target, one line per
// service; cleanup deletes all of it. steps' TestDoctorNamesEveryKind
// holds it to the resource registry.
var Creates = []string{
	"Amazon Cognito: 2 user pools (who may call the agent, and the external service's users), 2 hosted sign-in domains, " +
		"5 app clients (one of them machine-to-machine), a resource server with 2 scopes, 2 test users",
	"AgentCore Identity: a workload identity and an OAuth2 credential provider (its client secret is kept in AWS Secrets Manager)",
	"IAM: 4 roles with inline policies (the runtime's execution role, CodeBuild's, the gateway's and its Lambda function's)",
	"Amazon S3: 1 bucket holding the agent's source zip",
	"AWS CodeBuild: 1 project, one ARM64 build per launch",
	"Amazon ECR: 1 repository holding the agent's image",
	"AgentCore Runtime: 1 runtime with its DEFAULT endpoint",
	"AgentCore Gateway: 2 MCP gateways (one per identity provider), each with a Lambda target",
	"AWS Lambda: 1 function, the gateways' tool",
	"CloudWatch Logs: the build's, the runtime's and the function's log groups",
	"Amazon Bedrock: the agent's model calls (a few per invocation)",
	"Your own OIDC provider (stage 11, with the --foreign-* flags): nothing is made in it; the sandbox makes a tenant of its own",
}

// CostNote is what the tutorial costs on each target.
func CostNote(target string) string {
	if target == cloud.Sandbox {
		return "In the sandbox nothing leaves this machine and nothing is billed."
	}
	return "On AWS these are billed at the usual rates. Most of a run's cost is the model's tokens and CodeBuild's minutes; " +
		"Cognito, IAM and AgentCore Identity cost nothing at this scale, and the runtime bills only while it works on a request. " +
		"A run typically costs cents, well under 1 USD. Nothing keeps billing once the cleanup stage has run; " +
		"if you stop before it, run `agentcore-workshop cleanup`."
}

// mark is a check's one-character status.
func mark(s Status) string {
	switch s {
	case OK:
		return "✓"
	case Warn:
		return "!"
	case Fail:
		return "✗"
	}
	return "·"
}

// Write prints the report, what the tutorial will create and its cost.
func Write(w io.Writer, r Report) {
	fmt.Fprintf(w, "agentcore-workshop doctor · %s · %s\n\n", r.Target, r.Region)
	for _, c := range r.Checks {
		fmt.Fprintf(w, "  %s %-28s %s\n", mark(c.Status), c.Title, c.Detail)
		if c.Hint != "" && c.Status != OK {
			fmt.Fprintf(w, "      → %s\n", c.Hint)
		}
	}
	fmt.Fprintf(w, "\nWhat the tutorial will create (its cleanup stage deletes all of it):\n")
	for _, l := range Creates {
		fmt.Fprintf(w, "  - %s\n", l)
	}
	fmt.Fprintf(w, "\n%s\n\n", CostNote(r.Target))
	switch {
	case r.Failed():
		fmt.Fprintln(w, "Not ready: fix what is marked ✗ above, then run doctor again.")
	case r.has(Warn):
		fmt.Fprintln(w, "Ready, with the warnings above.")
	default:
		fmt.Fprintln(w, "Ready.")
	}
}

// Markdown is the report as a section of a stage page: the checks, what
// the tutorial will create and its cost, for the terminal UI to show
// before stage 1 on AWS.
func Markdown(r Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Before you start: doctor (%s, %s)\n\n", r.Target, r.Region)
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "- %s **%s**: %s\n", mark(c.Status), c.Title, c.Detail)
		if c.Hint != "" && c.Status != OK {
			fmt.Fprintf(&b, "  → %s\n", c.Hint)
		}
	}
	b.WriteString("\nWhat the tutorial will create (its cleanup stage deletes all of it):\n\n")
	for _, l := range Creates {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	fmt.Fprintf(&b, "\n%s\n\n", CostNote(r.Target))
	if r.Failed() {
		b.WriteString("**Not ready:** fix what is marked ✗, then restart the workshop (or run `agentcore-workshop doctor --target aws`).\n\n")
	}
	b.WriteString("---\n\n")
	return b.String()
}
