package sandbox

import (
	"github.com/aws/aws-sdk-go-v2/credentials"

	"agentcore-workshop/internal/sandbox/agentcore"
	"agentcore-workshop/internal/sandbox/bedrock"
	"agentcore-workshop/internal/sandbox/codebuild"
	"agentcore-workshop/internal/sandbox/cognito"
	"agentcore-workshop/internal/sandbox/ecr"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/egress"
	"agentcore-workshop/internal/sandbox/foreignidp"
	"agentcore-workshop/internal/sandbox/gateway"
	"agentcore-workshop/internal/sandbox/iam"
	"agentcore-workshop/internal/sandbox/jwtverify"
	"agentcore-workshop/internal/sandbox/lambda"
	"agentcore-workshop/internal/sandbox/logs"
	"agentcore-workshop/internal/sandbox/resourceapi"
	"agentcore-workshop/internal/sandbox/room"
	"agentcore-workshop/internal/sandbox/s3"
	"agentcore-workshop/internal/sandbox/sigv4"
	"agentcore-workshop/internal/sandbox/sts"
)

// newServices builds every emulated service. Each service package adds its
// constructor here, one line each.
func newServices(d edge.Deps, creds sigv4.Credentials, outbound *egress.Policy) ([]Service, error) {
	var out []Service
	// Launch services that others are built with: CodeBuild reads sources
	// from S3 and pushes images to ECR; the runtime checks images in ECR;
	// both make their log groups in CloudWatch Logs.
	var objects *s3.Service
	var images *ecr.Service
	var core *agentcore.Service
	var pools *cognito.Service
	var roles *iam.Service
	var functions *lambda.Service
	var logGroups *logs.Service
	for _, build := range []func(edge.Deps) (Service, error){
		// one entry per service, e.g. func(d edge.Deps) (Service, error) { return cognito.New(d) },
		keep(&pools, cognito.New),
		func(d edge.Deps) (Service, error) { return foreignidp.New(d) },
		func(d edge.Deps) (Service, error) { return sts.New(d) },
		keep(&roles, iam.New),
		keep(&logGroups, logs.New),
		func(d edge.Deps) (Service, error) { return bedrock.New(d), nil },
		keep(&objects, s3.New),
		keep(&images, ecr.New),
		func(d edge.Deps) (Service, error) { return codebuild.New(d, objects, images, logGroups) },
		keep(&core, func(d edge.Deps) (*agentcore.Service, error) {
			// The stand-in agents sign their identity calls with the
			// sandbox's own key pair.
			return agentcore.New(d, agentcore.Options{ImageChecker: images.ImageExists, ImageConfig: images.ImageConfig, Egress: outbound, LogGroups: logGroups,
				Credentials: credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, "")})
		}),
		// A gateway's Lambda targets run the sandbox's functions.
		keep(&functions, func(d edge.Deps) (*lambda.Service, error) {
			return lambda.New(d, lambda.Options{AssumableRole: lambda.AssumableIn(roles.GetRole), LogGroups: logGroups})
		}),
		func(d edge.Deps) (Service, error) {
			return gateway.New(d, gateway.Options{Egress: outbound, Invoker: functions})
		},
		// The external service trusts the outbound pools: the issuers of
		// the OAuth2 credential providers.
		func(d edge.Deps) (Service, error) {
			return resourceapi.New(d, resourceapi.Options{TrustedIssuer: core.TrustsResourceIssuer,
				HTTPClient: outbound.Client(jwtverify.DefaultHTTPTimeout)}), nil
		},
		func(d edge.Deps) (Service, error) { return room.New(d, room.Options{}) },
	} {
		s, err := build(d)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	// A deleted user's (or pool's) vault tokens go with it.
	pools.OnUsersDeleted(core.ForgetJWTUsers)
	return out, nil
}

// keep adapts a constructor for the list above and remembers what it built
// in *dst, for the services constructed after it.
func keep[T Service](dst *T, build func(edge.Deps) (T, error)) func(edge.Deps) (Service, error) {
	return func(d edge.Deps) (Service, error) {
		s, err := build(d)
		if err != nil {
			return nil, err
		}
		*dst = s
		return s, nil
	}
}
