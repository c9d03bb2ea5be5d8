// Package cloud builds the aws-sdk-go-v2 client set for a target: the
// embedded sandbox or real AWS. Stages only ever see Clients; the one place
// that knows which target is in use is New.
package cloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Target kinds.
const (
	Sandbox = "sandbox"
	AWS     = "aws"
)

// Target says where the workshop's AWS calls go.
type Target struct {
	Kind    string // Sandbox or AWS
	Region  string
	Profile string // AWS only: shared-config profile
	// Sandbox only: the edge URL and the sandbox's static key pair.
	Endpoint        string
	AccessKeyID     string
	SecretAccessKey string
}

// Clients is the set of AWS clients the stages use.
type Clients struct {
	Target  string
	Region  string
	Config  aws.Config
	Cognito *cognitoidentityprovider.Client
	Control *bedrockagentcorecontrol.Client
	Data    *bedrockagentcore.Client
	STS     *sts.Client
	IAM     *iam.Client
	S3      *s3.Client
	ECR     *ecr.Client
	Build   *codebuild.Client
	Lambda  *lambda.Client         // the gateway's Lambda target
	Logs    *cloudwatchlogs.Client // the log groups CodeBuild and the runtime make
	Bedrock *bedrock.Client        // model access, for doctor
	// HTTP makes the calls the SDK cannot: the bearer-token invoke and the
	// OIDC discovery fetches.
	HTTP *http.Client
	// Foreign manages tenants of the sandbox's Auth0-like IdP. Nil on AWS,
	// where the learner brings an identity provider of their own.
	Foreign *ForeignAdmin
	// Partition (aws, aws-cn, aws-us-gov, …) goes into every ARN the
	// stages build, and DNSSuffix into every AWS endpoint. Identify takes
	// them from the caller's ARN; until then they are the region's.
	Partition string
	DNSSuffix string
	// RolePropagation is how long a new IAM role needs before other
	// services can use it: on AWS the starter toolkit's 10 s; the
	// sandbox's IAM is consistent at once.
	RolePropagation time.Duration

	cognitoBase string // issuer base: https://cognito-idp.{region}.{dnsSuffix} or the sandbox URL
	dataBase    string // data-plane base for bearer invokes
}

// New builds the clients for t.
func New(ctx context.Context, t Target) (*Clients, error) {
	var cfg aws.Config
	c := &Clients{Target: t.Kind, HTTP: &http.Client{Timeout: 15 * time.Minute}}
	switch t.Kind {
	case Sandbox:
		if t.Endpoint == "" {
			return nil, errors.New("sandbox target needs an endpoint URL")
		}
		if t.Region == "" {
			t.Region = "us-west-2"
		}
		// Built by hand, not with LoadDefaultConfig, so nothing in the
		// learner's environment (profiles, AWS_ENDPOINT_URL_S3, …) can send a
		// sandbox call to real AWS.
		cfg = aws.Config{
			Region:       t.Region,
			Credentials:  credentials.NewStaticCredentialsProvider(t.AccessKeyID, t.SecretAccessKey, ""),
			BaseEndpoint: aws.String(strings.TrimRight(t.Endpoint, "/")),
			HTTPClient:   c.HTTP,
		}
		c.cognitoBase = strings.TrimRight(t.Endpoint, "/")
		c.dataBase = c.cognitoBase
		c.Foreign = NewForeignAdmin(c.cognitoBase, t.Region, cfg.Credentials, c.HTTP)
	case AWS:
		opts := underTest()
		if t.Region != "" {
			opts = append(opts, config.WithRegion(t.Region))
		}
		if t.Profile != "" {
			opts = append(opts, config.WithSharedConfigProfile(t.Profile))
		}
		var err error
		cfg, err = config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("load AWS configuration: %w", err)
		}
		if cfg.Region == "" {
			return nil, errors.New("no AWS region: pass --region or set AWS_REGION")
		}
		c.RolePropagation = 10 * time.Second

	default:
		return nil, fmt.Errorf("unknown target %q (want %q or %q)", t.Kind, Sandbox, AWS)
	}
	// Plain, non-chunked uploads: valid on AWS and simplest on the wire.
	cfg.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	cfg.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	c.Config = cfg
	c.Region = cfg.Region
	c.setPartition(regionPartition(cfg.Region))
	c.Cognito = cognitoidentityprovider.NewFromConfig(cfg)
	c.Control = bedrockagentcorecontrol.NewFromConfig(cfg)
	c.Data = bedrockagentcore.NewFromConfig(cfg)
	c.STS = sts.NewFromConfig(cfg)
	c.IAM = iam.NewFromConfig(cfg)
	c.ECR = ecr.NewFromConfig(cfg)
	c.Build = codebuild.NewFromConfig(cfg)
	c.Lambda = lambda.NewFromConfig(cfg)
	c.Logs = cloudwatchlogs.NewFromConfig(cfg)
	c.Bedrock = bedrock.NewFromConfig(cfg)
	c.S3 = s3.NewFromConfig(cfg, func(o *s3.Options) {
		// The sandbox serves one host, so buckets go in the path there.
		o.UsePathStyle = t.Kind == Sandbox
	})
	return c, nil
}

// Identify asks STS who the credentials are (GetCallerIdentity; the
// sandbox serves it too) and takes the partition from the answer's ARN.
// Call it before the clients are shared: it sets Partition and DNSSuffix.
func (c *Clients) Identify(ctx context.Context) (account, arn string, err error) {
	who, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", "", fmt.Errorf("who am I (STS GetCallerIdentity): %w", err)
	}
	account, arn = aws.ToString(who.Account), aws.ToString(who.Arn)
	if p := arnPartition(arn); p != "" {
		c.setPartition(p)
	}
	return account, arn, nil
}

// setPartition sets the partition, its DNS suffix and, on AWS, the
// endpoints built from them.
func (c *Clients) setPartition(p string) {
	c.Partition = p
	switch p {
	case "aws-cn":
		c.DNSSuffix = "amazonaws.com.cn"
	case "aws-iso":
		c.DNSSuffix = "c2s.ic.gov"
	case "aws-iso-b":
		c.DNSSuffix = "sc2s.sgov.gov"
	default: // aws, aws-us-gov
		c.DNSSuffix = "amazonaws.com"
	}
	if c.Target == AWS {
		c.cognitoBase = c.Endpoint("cognito-idp")
		c.dataBase = c.Endpoint("bedrock-agentcore")
	}
}

// Endpoint is an AWS service's public HTTPS endpoint in the clients'
// region and partition (the real one, also on the sandbox target: the
// stages use it for URLs AWS itself would call or show).
func (c *Clients) Endpoint(service string) string {
	return "https://" + service + "." + c.Region + "." + c.DNSSuffix
}

// arnPartition is an ARN's partition, "" when s is not an ARN.
func arnPartition(s string) string {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" {
		return ""
	}
	return parts[1]
}

// regionPartition guesses the partition from a region's name, for the
// time before Identify.
func regionPartition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// CognitoIssuer is the issuer URL of a user pool's tokens.
func (c *Clients) CognitoIssuer(poolID string) string {
	return c.cognitoBase + "/" + poolID
}

// CognitoDiscoveryURL is the OIDC discovery document of a user pool: what
// the runtime's JWT authorizer is configured with.
func (c *Clients) CognitoDiscoveryURL(poolID string) string {
	return c.CognitoIssuer(poolID) + "/.well-known/openid-configuration"
}
