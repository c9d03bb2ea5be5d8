package steps

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/jwtx"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// Names of stage 1's results; they are also the variable names of the
// starter toolkit's .agentcore_identity_user.env, so the file is just them.
const (
	RuntimePoolID        = "RUNTIME_POOL_ID"
	RuntimeClientID      = "RUNTIME_CLIENT_ID"
	RuntimeDiscoveryURL  = "RUNTIME_DISCOVERY_URL"
	RuntimeUsername      = "RUNTIME_USERNAME"
	RuntimePassword      = "RUNTIME_PASSWORD"
	IdentityPoolID       = "IDENTITY_POOL_ID"
	IdentityClientID     = "IDENTITY_CLIENT_ID"
	IdentityClientSecret = "IDENTITY_CLIENT_SECRET"
	IdentityDiscoveryURL = "IDENTITY_DISCOVERY_URL"
	IdentityUsername     = "IDENTITY_USERNAME"
	IdentityPassword     = "IDENTITY_PASSWORD"
	IdentityDomain       = "IDENTITY_DOMAIN"
	AccessToken          = "ACCESS_TOKEN"
	AccessTokenClaims    = "ACCESS_TOKEN claims"
)

type provisionCognito struct{}

// ProvisionCognito is stage 1: the inbound pool that signs the learner in,
// the outbound pool that plays the external service's identity provider,
// their clients and users, and the learner's first access token.
func ProvisionCognito(env *Env) engine.Stage {
	return outlined(outline.ProvisionCognitoID, env, provisionCognito{}.Run)
}

func (provisionCognito) ID() string { return outline.ProvisionCognitoID }

// cognitoNames are the names stage 1 gives its resources: the starter
// toolkit's, with the workspace's suffix so a room sharing one account
// never collides.
type cognitoNames struct {
	inboundPool, inboundClient, inboundUser    string
	outboundPool, outboundClient, outboundUser string
	outboundDomain                             string
}

func namesFor(suffix string) cognitoNames {
	return cognitoNames{
		inboundPool:    "AgentCoreRuntimePool-" + suffix,
		inboundClient:  "RuntimeClient-" + suffix,
		inboundUser:    "testuser" + suffix,
		outboundPool:   "AgentCoreIdentityPool-" + suffix,
		outboundClient: "IdentityClient-" + suffix,
		outboundUser:   "externaluser" + suffix,
		outboundDomain: "agentcore-identity-" + suffix,
	}
}

func (s provisionCognito) Run(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	c := env.Cloud.Cognito
	n := namesFor(env.Session.Settings().Suffix)
	var res Result
	put := publisher(rep, &res)

	// Inbound: the pool whose access tokens the runtime will accept.
	rep.Progress("inbound user pool", 1, 6)
	inPool, err := userPools.ensure(ctx, env, rep, s.ID(), poolSpec{name: n.inboundPool})
	if err != nil {
		return res, err
	}
	put(Value{Name: RuntimePoolID, Value: inPool.ID})
	put(Value{Name: RuntimeDiscoveryURL, Value: env.Cloud.CognitoDiscoveryURL(inPool.ID), Kind: KindURL})

	inClient, err := poolClients.ensure(ctx, env, rep, s.ID(), clientSpec{&cip.CreateUserPoolClientInput{
		UserPoolId:        aws.String(inPool.ID),
		ClientName:        aws.String(n.inboundClient),
		GenerateSecret:    false, // a public client: the app signs users in with a password
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	}})
	if err != nil {
		return res, err
	}
	put(Value{Name: RuntimeClientID, Value: inClient.ID})

	rep.Progress("test user", 2, 6)
	inPassword, err := ensureUser(ctx, env, rep, s.ID(), inPool.ID, n.inboundUser, RuntimePassword)
	if err != nil {
		return res, err
	}
	put(Value{Name: RuntimeUsername, Value: n.inboundUser})
	put(Value{Name: RuntimePassword, Value: inPassword, Secret: true})

	// Outbound: a second pool standing in for the external service's
	// identity provider, with a hosted login page (the domain) and a
	// confidential client for the authorization-code flow.
	rep.Progress("outbound user pool and domain", 3, 6)
	outPool, err := userPools.ensure(ctx, env, rep, s.ID(), poolSpec{name: n.outboundPool})
	if err != nil {
		return res, err
	}
	put(Value{Name: IdentityPoolID, Value: outPool.ID})
	put(Value{Name: IdentityDiscoveryURL, Value: env.Cloud.CognitoDiscoveryURL(outPool.ID), Kind: KindURL})
	if _, err := poolDomains.ensure(ctx, env, rep, s.ID(), domainSpec{pool: outPool.ID, domain: n.outboundDomain}); err != nil {
		return res, err
	}
	put(Value{Name: IdentityDomain, Value: n.outboundDomain})

	rep.Progress("outbound app client", 4, 6)
	outClient, err := poolClients.ensure(ctx, env, rep, s.ID(), clientSpec{&cip.CreateUserPoolClientInput{
		UserPoolId:                      aws.String(outPool.ID),
		ClientName:                      aws.String(n.outboundClient),
		GenerateSecret:                  true, // AgentCore Identity holds the secret, never the agent
		CallbackURLs:                    []string{env.Cloud.Endpoint("bedrock-agentcore") + "/identities/oauth2/callback"},
		AllowedOAuthFlows:               []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes:              []string{"openid", "profile", "email"},
		AllowedOAuthFlowsUserPoolClient: true,
		SupportedIdentityProviders:      []string{"COGNITO"},
	}})
	if err != nil {
		return res, err
	}
	desc, err := env.Cloud.Cognito.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(outPool.ID), ClientId: aws.String(outClient.ID)})
	if err != nil {
		return res, fmt.Errorf("describe outbound client: %w", err)
	}
	put(Value{Name: IdentityClientID, Value: outClient.ID})
	put(Value{Name: IdentityClientSecret, Value: aws.ToString(desc.UserPoolClient.ClientSecret), Secret: true})

	outPassword, err := ensureUser(ctx, env, rep, s.ID(), outPool.ID, n.outboundUser, IdentityPassword)
	if err != nil {
		return res, err
	}
	put(Value{Name: IdentityUsername, Value: n.outboundUser})
	put(Value{Name: IdentityPassword, Value: outPassword, Secret: true})

	// The learner's first access token: what stage 7 will send as a bearer.
	rep.Progress("first sign-in", 5, 6)
	rep.Log("InitiateAuth USER_PASSWORD_AUTH as %s with client %s", n.inboundUser, inClient.ID)
	auth, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		ClientId:       aws.String(inClient.ID),
		AuthParameters: map[string]string{"USERNAME": n.inboundUser, "PASSWORD": inPassword},
	})
	if err != nil {
		return res, fmt.Errorf("sign in as %s: %w", n.inboundUser, err)
	}
	if auth.AuthenticationResult == nil {
		return res, fmt.Errorf("sign in as %s: Cognito asked for challenge %s instead of issuing tokens", n.inboundUser, auth.ChallengeName)
	}
	token := aws.ToString(auth.AuthenticationResult.AccessToken)
	put(Value{Name: AccessToken, Value: token, Secret: true, Kind: KindToken})
	tok, err := jwtx.Decode(token)
	if err != nil {
		return res, fmt.Errorf("decode the access token: %w", err)
	}
	put(Value{Name: AccessTokenClaims, Value: claimsTable(env.tr(), tok, env.clock().Now())})

	rep.Progress("credentials file", 6, 6)
	vals := envFileValues(res)
	vals[EnvToken] = token
	wrote, err := updateEnvFile(env, rep, vals)
	if err != nil {
		return res, err
	}
	if wrote {
		path := filepath.Join(env.Dir, EnvFileName)
		rep.Log("wrote %s (mode 0600)", path)
		put(Value{Name: "credentials file", Value: path, Kind: KindFile})
	}
	return res, nil
}

// claimsTable shows the claims the tutorial teaches, one per line.
func claimsTable(tr i18n.Printer, tok jwtx.Token, now time.Time) string {
	var b strings.Builder
	for _, c := range tok.Explain(tr, now) {
		fmt.Fprintf(&b, "%-10s %s\n", c.Name, c.Value)
	}
	for _, n := range tok.Notes(tr) {
		b.WriteString("(" + n + ")\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// ensureUser makes the user exist with a permanent password (kept in the
// secrets file under secretName, so a re-run keeps the same one).
func ensureUser(ctx context.Context, env *Env, rep Reporter, stepID, poolID, username, secretName string) (string, error) {
	password, ok := env.Session.Secret(stepID, secretName)
	if !ok || !safePassword(password) {
		// A new user, or one whose password an older version made with
		// symbols the credentials file cannot carry both ways: the
		// AdminSetUserPassword below replaces it.
		var err error
		if password, err = newPassword(); err != nil {
			return "", err
		}
	}
	if _, err := poolUsers.ensure(ctx, env, rep, stepID, userSpec{pool: poolID, username: username}); err != nil {
		return "", err
	}
	// Without a permanent password the first sign-in would answer with a
	// NEW_PASSWORD_REQUIRED challenge instead of tokens.
	rep.Log("AdminSetUserPassword %s (permanent)", username)
	if _, err := env.Cloud.Cognito.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(poolID), Username: aws.String(username), Password: aws.String(password), Permanent: true,
	}); err != nil {
		return "", fmt.Errorf("set password of %s: %w", username, err)
	}
	return password, nil
}

// passwordSets are the character classes of Cognito's default password
// policy (upper, lower, digit, symbol), each one needed at least once.
// The symbols are the part of Cognito's list that the credentials file
// can hold bare and both of its loading recipes (see envBare) keep
// intact: no blank, quote or backslash (xargs), no * ? [ (globbing after
// the $(…) split), no $ ` ; & | < > ( ) ! # { } (shell sourcing), no ~
// (expanded after = and : in an assignment), no ^ (a glob operator in
// zsh's extended globbing). Look-alike letters and digits are left out.
var passwordSets = []string{"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", passwordSymbols}

const passwordSymbols = "%+,-./:=@_"

// safePassword reports whether a stored password (an older version used
// other symbols) is made from passwordSets, so it loads both ways.
func safePassword(p string) bool {
	return strings.Trim(p, strings.Join(passwordSets, "")) == ""
}

// newPassword makes a 16-character password that meets Cognito's default
// policy: upper, lower, digit and symbol.
func newPassword() (string, error) {
	sets := passwordSets
	all := strings.Join(sets, "")
	b := make([]byte, 0, 16)
	pick := func(s string) error {
		i, err := rand.Int(rand.Reader, big.NewInt(int64(len(s))))
		if err != nil {
			return fmt.Errorf("generate password: %w", err)
		}
		b = append(b, s[i.Int64()])
		return nil
	}
	for _, s := range sets {
		if err := pick(s); err != nil {
			return "", err
		}
	}
	for len(b) < 16 {
		if err := pick(all); err != nil {
			return "", err
		}
	}
	// Shuffle so the classes are not always in the same places.
	mrand.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
	return string(b), nil
}
