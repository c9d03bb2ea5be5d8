// Package doctor checks, before the tutorial starts, that it can succeed
// where it is pointed: the credentials and their account (STS), that the
// region offers AgentCore (a cheap control-plane list call), and that the
// account may call the model agent.py will name (Bedrock's
// GetInferenceProfile and GetFoundationModelAvailability). Every call is
// read-only and free. It also says what the tutorial will create and what
// that costs.
//
// The same checks run on both targets through the same clients: the
// sandbox answers them at the wire level, with its own model rules.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	br "github.com/aws/aws-sdk-go-v2/service/bedrock"
	brtypes "github.com/aws/aws-sdk-go-v2/service/bedrock/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"agentcore-workshop/internal/agent/agentpy"
	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/i18n"
)

// Status is a check's outcome.
type Status string

// The outcomes. Only Fail means the tutorial cannot succeed as it is.
const (
	OK      Status = "ok"
	Warn    Status = "warn"    // it may work; the detail says what to watch
	Fail    Status = "fail"    // the tutorial would fail at some stage
	Skipped Status = "skipped" // an earlier check failed, so this one says nothing
)

// Check is one check's answer.
type Check struct {
	ID     string // credentials, agentcore, model
	Title  string
	Status Status
	Detail string // what was seen
	Hint   string // what to do, when not OK
}

// Report is every check's answer and what they found out.
type Report struct {
	Target, Region, Account, Caller, Partition, Model string
	Checks                                            []Check
	// tr is the language the checks were written in; Write and Markdown
	// write the rest of the report in it.
	tr i18n.Printer
}

// Failed reports whether any check failed.
func (r Report) Failed() bool { return r.has(Fail) }

func (r Report) has(s Status) bool {
	for _, c := range r.Checks {
		if c.Status == s {
			return true
		}
	}
	return false
}

// callTimeout bounds each check's calls: a region without an endpoint
// fails fast (DNS), a slow network must not hang the start of a workshop.
const callTimeout = 20 * time.Second

// Run runs the checks with c. model is the Bedrock model id agent.py will
// name; empty means the region's default (agentpy.ModelForRegion).
// Its words are in tr's language; AWS's own error text stays as AWS gave it.
func Run(ctx context.Context, c *cloud.Clients, model string, tr i18n.Printer) Report {
	if model == "" {
		model = agentpy.ModelForRegion(c.Region)
	}
	r := Report{Target: c.Target, Region: c.Region, Model: model, tr: tr}
	who := credentials(ctx, c, &r, tr)
	r.Checks = append(r.Checks, who)
	if who.Status == Fail {
		for _, id := range []string{"agentcore", "model"} {
			r.Checks = append(r.Checks, Check{ID: id, Title: tr.T(titles[id]), Status: Skipped, Detail: tr.T("the credentials did not work")})
		}
		return r
	}
	r.Checks = append(r.Checks, agentCore(ctx, c, tr), modelAccess(ctx, c, model, tr))
	return r
}

var titles = map[string]string{
	"credentials": i18n.M("Credentials and account"),
	"agentcore":   i18n.M("AgentCore in the region"),
	"model":       i18n.M("Access to the agent's model"),
}

func credentials(ctx context.Context, c *cloud.Clients, r *Report, tr i18n.Printer) Check {
	ch := Check{ID: "credentials", Title: tr.T(titles["credentials"])}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	// Not c.Identify: the clients may be shared with a running stage
	// already, and Identify sets their partition.
	who, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		ch.Status, ch.Detail = Fail, tr.Sprintf("who am I (STS GetCallerIdentity): %v", err)
		ch.Hint = tr.T("configure credentials (aws configure, aws sso login, AWS_PROFILE or --profile) and try again")
		return ch
	}
	account, arn := aws.ToString(who.Account), aws.ToString(who.Arn)
	partition := c.Partition
	if parts := strings.SplitN(arn, ":", 3); len(parts) == 3 && parts[0] == "arn" {
		partition = parts[1]
	}
	r.Account, r.Caller, r.Partition = account, arn, partition
	ch.Status, ch.Detail = OK, tr.Sprintf("account %s as %s (partition %s)", account, arn, partition)
	return ch
}

func agentCore(ctx context.Context, c *cloud.Clients, tr i18n.Printer) Check {
	ch := Check{ID: "agentcore", Title: tr.T(titles["agentcore"])}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	_, err := c.Control.ListAgentRuntimes(ctx, &ctl.ListAgentRuntimesInput{MaxResults: aws.Int32(1)})
	var dns *net.DNSError
	switch {
	case err == nil:
		ch.Status, ch.Detail = OK, tr.Sprintf("the AgentCore control plane answers in %s", c.Region)
	case errors.As(err, &dns):
		ch.Status, ch.Detail = Fail, tr.Sprintf("AgentCore is not offered in %s: its endpoint %s does not exist", c.Region, dns.Name)
		ch.Hint = tr.T("pick a region that offers AgentCore (for example us-west-2, us-east-1, eu-central-1) with --region")
	case errorCode(err) == "AccessDeniedException":
		ch.Status, ch.Detail = Fail, tr.Sprintf("your credentials may not call AgentCore: %v", err)
		ch.Hint = tr.T("the tutorial's stages need bedrock-agentcore:* (and IAM, S3, ECR, CodeBuild, Cognito, CloudWatch Logs) permissions")
	default:
		ch.Status, ch.Detail = Fail, err.Error()
	}
	return ch
}

// modelAccess asks Bedrock whether model can be called here: a
// cross-region profile must be served by the region, and the account must
// be allowed its foundation model.
func modelAccess(ctx context.Context, c *cloud.Clients, model string, tr i18n.Printer) Check {
	ch := Check{ID: "model", Title: tr.T(titles["model"])}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	foundation := model
	if isProfile(model) {
		p, err := c.Bedrock.GetInferenceProfile(ctx, &br.GetInferenceProfileInput{InferenceProfileIdentifier: aws.String(model)})
		if err != nil {
			ch.Status, ch.Detail = Fail, tr.Sprintf("inference profile %s: %v", model, err)
			if isNotFound(err) {
				ch.Detail = tr.Sprintf("%s does not serve the inference profile %s", c.Region, model)
				ch.Hint = tr.T("leave --model out (the workshop picks the region's profile) or name a profile of this region's geography")
			}
			return ch
		}
		if len(p.Models) == 0 {
			ch.Status, ch.Detail = Fail, tr.Sprintf("inference profile %s routes to no model", model)
			return ch
		}
		arn := aws.ToString(p.Models[0].ModelArn)
		foundation = arn[strings.LastIndex(arn, "/")+1:]
	} else if err := agentpy.CheckModel(model, c.Region); err != nil {
		ch.Status, ch.Detail = Fail, err.Error()
		ch.Hint = tr.T("name a cross-region inference profile (us., eu., apac., global.) or leave --model out")
		return ch
	}
	a, err := c.Bedrock.GetFoundationModelAvailability(ctx, &br.GetFoundationModelAvailabilityInput{ModelId: aws.String(foundation)})
	if err != nil {
		ch.Status, ch.Detail = Fail, tr.Sprintf("availability of %s: %v", foundation, err)
		return ch
	}
	return availability(ch, model, foundation, a, tr)
}

// availability reads GetFoundationModelAvailability's answer.
func availability(ch Check, model, foundation string, a *br.GetFoundationModelAvailabilityOutput, tr i18n.Printer) Check {
	var problems []string
	if a.RegionAvailability != brtypes.RegionAvailabilityAvailable {
		problems = append(problems, tr.T("it is not available in this region"))
	}
	if a.AuthorizationStatus != brtypes.AuthorizationStatusAuthorized {
		problems = append(problems, tr.T("this account is not authorized to use it"))
	}
	if a.EntitlementAvailability != brtypes.EntitlementAvailabilityAvailable {
		problems = append(problems, tr.T("this account is not entitled to it"))
	}
	agreement := brtypes.AgreementStatus("")
	if a.AgreementAvailability != nil {
		agreement = a.AgreementAvailability.Status
		if agreement == brtypes.AgreementStatusError {
			problems = append(problems, tr.Sprintf("its Marketplace agreement is in error: %s", aws.ToString(a.AgreementAvailability.ErrorMessage)))
		}
	}
	if len(problems) > 0 {
		ch.Status = Fail
		ch.Detail = fmt.Sprintf("%s (%s): %s", model, foundation, strings.Join(problems, "; "))
		ch.Hint = tr.T("open the Bedrock console's model catalog in this region and request access to the model (Anthropic models ask first-time users for their use case once)")
		return ch
	}
	ch.Status, ch.Detail = OK, tr.Sprintf("%s (%s) may be called here", model, foundation)
	if agreement != brtypes.AgreementStatusAvailable {
		ch.Status = Warn
		ch.Detail += tr.Sprintf("; its Marketplace agreement is %s", agreement)
		ch.Hint = tr.T("the agent subscribes on its first model call (its role allows aws-marketplace:Subscribe through Bedrock); the first answer may take longer")
	}
	return ch
}

// isProfile reports a cross-region inference profile id or ARN.
func isProfile(model string) bool {
	if strings.HasPrefix(model, "arn:") {
		return strings.Contains(model, ":inference-profile/") || strings.Contains(model, ":application-inference-profile/")
	}
	return agentpy.IsInferenceProfile(model)
}

func errorCode(err error) string {
	var ae interface{ ErrorCode() string }
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func isNotFound(err error) bool { return errorCode(err) == "ResourceNotFoundException" }
