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
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/aws/aws-sdk-go-v2/service/codebuild"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
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
	// HTTP makes the calls the SDK cannot: the bearer-token invoke and the
	// OIDC discovery fetches.
	HTTP *http.Client

	cognitoBase string // issuer base: https://cognito-idp.{region}.amazonaws.com or the sandbox URL
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
	case AWS:
		opts := []func(*config.LoadOptions) error{}
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
		c.cognitoBase = "https://cognito-idp." + cfg.Region + ".amazonaws.com"
		c.dataBase = "https://bedrock-agentcore." + cfg.Region + ".amazonaws.com"
	default:
		return nil, fmt.Errorf("unknown target %q (want %q or %q)", t.Kind, Sandbox, AWS)
	}
	// Plain, non-chunked uploads: valid on AWS and simplest on the wire.
	cfg.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	cfg.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	c.Config = cfg
	c.Region = cfg.Region
	c.Cognito = cognitoidentityprovider.NewFromConfig(cfg)
	c.Control = bedrockagentcorecontrol.NewFromConfig(cfg)
	c.Data = bedrockagentcore.NewFromConfig(cfg)
	c.STS = sts.NewFromConfig(cfg)
	c.IAM = iam.NewFromConfig(cfg)
	c.ECR = ecr.NewFromConfig(cfg)
	c.Build = codebuild.NewFromConfig(cfg)
	c.S3 = s3.NewFromConfig(cfg, func(o *s3.Options) {
		// The sandbox serves one host, so buckets go in the path there.
		o.UsePathStyle = t.Kind == Sandbox
	})
	return c, nil
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
