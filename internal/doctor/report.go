package doctor

import (
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/i18n"
)

// Creates is what a run of the tutorial makes on the target, one line per
// service; cleanup deletes all of it. steps' TestDoctorNamesEveryKind
// holds it to the resource registry.
var Creates = []string{
	i18n.M("Amazon Cognito: 2 user pools (who may call the agent, and the external service's users), 2 hosted sign-in domains, 5 app clients (one of them machine-to-machine), a resource server with 2 scopes, 2 test users"),
	i18n.M("AgentCore Identity: a workload identity and an OAuth2 credential provider (its client secret is kept in AWS Secrets Manager)"),
	i18n.M("IAM: 4 roles with inline policies (the runtime's execution role, CodeBuild's, the gateway's and its Lambda function's)"),
	i18n.M("Amazon S3: 1 bucket holding the agent's source zip"),
	i18n.M("AWS CodeBuild: 1 project, one ARM64 build per launch"),
	i18n.M("Amazon ECR: 1 repository holding the agent's image"),
	i18n.M("AgentCore Runtime: 1 runtime with its DEFAULT endpoint"),
	i18n.M("AgentCore Gateway: 2 MCP gateways (one per identity provider), each with a Lambda target"),
	i18n.M("AWS Lambda: 1 function, the gateways' tool"),
	i18n.M("CloudWatch Logs: the build's, the runtime's and the function's log groups"),
	i18n.M("Amazon Bedrock: the agent's model calls (a few per invocation)"),
	i18n.M("Your own OIDC provider (stage 11, with the --foreign-* flags): nothing is made in it; the sandbox makes a tenant of its own"),
}

// CostNote is what the tutorial costs on each target.
func CostNote(target string, tr i18n.Printer) string {
	if target == cloud.Sandbox {
		return tr.T("In the sandbox nothing leaves this machine and nothing is billed.")
	}
	return tr.T("On AWS these are billed at the usual rates. Most of a run's cost is the model's tokens and CodeBuild's minutes; Cognito, IAM and AgentCore Identity cost nothing at this scale, and the runtime bills only while it works on a request. A run typically costs cents, well under 1 USD. Nothing keeps billing once the cleanup stage has run; if you stop before it, run `agentcore-workshop cleanup`.")
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
		// Pad by columns, not runes: a Korean title is two columns a letter.
		fmt.Fprintf(w, "  %s %s %s\n", mark(c.Status), runewidth.FillRight(c.Title, 28), c.Detail)
		if c.Hint != "" && c.Status != OK {
			fmt.Fprintf(w, "      → %s\n", c.Hint)
		}
	}
	fmt.Fprintf(w, "\n%s\n", r.tr.T("What the tutorial will create (its cleanup stage deletes all of it):"))
	for _, l := range Creates {
		fmt.Fprintf(w, "  - %s\n", r.tr.T(l))
	}
	fmt.Fprintf(w, "\n%s\n\n", CostNote(r.Target, r.tr))
	switch {
	case r.Failed():
		fmt.Fprintln(w, r.tr.T("Not ready: fix what is marked ✗ above, then run doctor again."))
	case r.has(Warn):
		fmt.Fprintln(w, r.tr.T("Ready, with the warnings above."))
	default:
		fmt.Fprintln(w, r.tr.T("Ready."))
	}
}

// Markdown is the report as a section of a stage page: the checks, what
// the tutorial will create and its cost, for the terminal UI to show
// before stage 1 on AWS.
func Markdown(r Report) string {
	var b strings.Builder
	b.WriteString(r.tr.Sprintf("## Before you start: doctor (%s, %s)", r.Target, r.Region) + "\n\n")
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "- %s **%s**: %s\n", mark(c.Status), c.Title, c.Detail)
		if c.Hint != "" && c.Status != OK {
			fmt.Fprintf(&b, "  → %s\n", c.Hint)
		}
	}
	b.WriteString("\n" + r.tr.T("What the tutorial will create (its cleanup stage deletes all of it):") + "\n\n")
	for _, l := range Creates {
		fmt.Fprintf(&b, "- %s\n", r.tr.T(l))
	}
	fmt.Fprintf(&b, "\n%s\n\n", CostNote(r.Target, r.tr))
	if r.Failed() {
		b.WriteString(r.tr.T("**Not ready:** fix what is marked ✗, then restart the workshop (or run `agentcore-workshop doctor --target aws`).") + "\n\n")
	}
	b.WriteString("---\n\n")
	return b.String()
}
