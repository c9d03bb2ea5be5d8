package cognito_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"

	"agentcore-workshop/internal/sandbox/cognito"
)

// verifiers builds relying-party verifiers the way an authorizer would:
// discovery from the issuer, JWKS from discovery, the test's fake clock.
func (e *env) verifiers(t *testing.T, poolID, clientID string) (access, id *oidc.IDTokenVerifier) {
	t.Helper()
	iss := cognito.Issuer(e.sb.URL, poolID)
	prov, err := oidc.NewProvider(context.Background(), iss)
	if err != nil {
		t.Fatalf("discovery for %s: %v", iss, err)
	}
	access = prov.Verifier(&oidc.Config{SkipClientIDCheck: true, Now: e.clock.Now})
	id = prov.Verifier(&oidc.Config{ClientID: clientID, Now: e.clock.Now})
	return access, id
}

func claimsOf(t *testing.T, tok *oidc.IDToken) map[string]any {
	t.Helper()
	var m map[string]any
	if err := tok.Claims(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func header(t *testing.T, raw string) jose.Header {
	t.Helper()
	jws, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	return jws.Signatures[0].Header
}

func TestTokensVerifyLikeARelyingParty(t *testing.T) {
	e := start(t)
	f := e.fixture(t, nil)
	tok := e.signIn(t, f, nil)
	accessV, idV := e.verifiers(t, f.poolID, f.clientID)
	ctx := context.Background()

	at, err := accessV.Verify(ctx, *tok.AccessToken)
	if err != nil {
		t.Fatalf("verify access token: %v", err)
	}
	ac := claimsOf(t, at)
	for k, want := range map[string]any{"token_use": "access", "client_id": f.clientID, "scope": "aws.cognito.signin.user.admin", "username": f.username,
		"iss": cognito.Issuer(e.sb.URL, f.poolID)} {
		if ac[k] != want {
			t.Errorf("access %s = %v, want %v", k, ac[k], want)
		}
	}
	for _, k := range []string{"sub", "auth_time", "exp", "iat", "jti", "origin_jti", "event_id"} {
		if _, ok := ac[k]; !ok {
			t.Errorf("access token lacks %s", k)
		}
	}
	if _, ok := ac["aud"]; ok {
		t.Error("access token must not carry aud")
	}
	if ac["exp"].(float64)-ac["iat"].(float64) != 3600 || tok.ExpiresIn != 3600 {
		t.Errorf("default access lifetime: exp-iat=%v ExpiresIn=%d", ac["exp"].(float64)-ac["iat"].(float64), tok.ExpiresIn)
	}

	it, err := idV.Verify(ctx, *tok.IdToken)
	if err != nil {
		t.Fatalf("verify id token: %v", err)
	}
	ic := claimsOf(t, it)
	if ic["token_use"] != "id" || ic["cognito:username"] != f.username || ic["email"] != "testuser@example.com" || ic["email_verified"] != true || ic["sub"] != ac["sub"] || ic["origin_jti"] != ac["origin_jti"] {
		t.Errorf("id claims: %v", ic)
	}
	if _, err := accessV.Verify(ctx, *tok.IdToken); err != nil {
		t.Errorf("id token should verify against the pool JWKS too: %v", err)
	}
	ah, ih := header(t, *tok.AccessToken), header(t, *tok.IdToken)
	if ah.KeyID == "" || ih.KeyID == "" || ah.KeyID == ih.KeyID || ah.Algorithm != "RS256" {
		t.Errorf("kids: access %q id %q alg %q", ah.KeyID, ih.KeyID, ah.Algorithm)
	}
	if n := strings.Count(*tok.RefreshToken, "."); n != 4 {
		t.Errorf("refresh token has %d dots, want a 5-segment JWE", n)
	}

	// A second pool signs with different keys: its tokens fail here.
	g := e.fixture(t, nil)
	other := e.signIn(t, g, nil)
	if _, err := accessV.Verify(ctx, *other.AccessToken); err == nil {
		t.Error("a token from another pool verified")
	}

	// JWKS serves both keys with the fields relying parties read.
	resp, err := http.Get(cognito.Issuer(e.sb.URL, f.poolID) + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	var set struct{ Keys []map[string]string }
	json.NewDecoder(resp.Body).Decode(&set)
	resp.Body.Close()
	if len(set.Keys) != 2 || set.Keys[0]["alg"] != "RS256" || set.Keys[0]["use"] != "sig" || set.Keys[0]["e"] != "AQAB" || set.Keys[0]["kty"] != "RSA" {
		t.Errorf("jwks: %v", set.Keys)
	}

	// Refresh keeps origin_jti and auth_time; the alias REFRESH_TOKEN works too.
	r := must(e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshToken, ClientId: &f.clientID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *tok.RefreshToken}}))
	rt, err := accessV.Verify(ctx, *r.AuthenticationResult.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if rc := claimsOf(t, rt); rc["origin_jti"] != ac["origin_jti"] || rc["jti"] == ac["jti"] {
		t.Errorf("refreshed claims: %v", rc)
	}

	// Expiry: past exp, verification fails.
	e.clock.Advance(time.Hour + time.Second)
	if _, err := accessV.Verify(ctx, *tok.AccessToken); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired access token: %v", err)
	}
	if _, err := idV.Verify(ctx, *tok.IdToken); err == nil {
		t.Error("expired id token verified")
	}
	// Refresh tokens last 30 days by default.
	e.clock.Advance(30 * 24 * time.Hour)
	_, err = e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *tok.RefreshToken}})
	wantAPIError[*types.NotAuthorizedException](t, err, "Refresh Token has expired")
}

func TestTokenValidityHonoured(t *testing.T) {
	e := start(t)
	f := e.fixture(t, &cip.CreateUserPoolClientInput{AccessTokenValidity: aws.Int32(5), IdTokenValidity: aws.Int32(10), RefreshTokenValidity: 60,
		TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes, IdToken: types.TimeUnitsTypeMinutes, RefreshToken: types.TimeUnitsTypeMinutes}})
	tok := e.signIn(t, f, nil)
	if tok.ExpiresIn != 300 {
		t.Fatalf("ExpiresIn = %d, want 300", tok.ExpiresIn)
	}
	accessV, idV := e.verifiers(t, f.poolID, f.clientID)
	ctx := context.Background()
	e.clock.Advance(5*time.Minute + time.Second)
	if _, err := accessV.Verify(ctx, *tok.AccessToken); err == nil {
		t.Error("access token outlived its 5-minute validity")
	}
	if _, err := idV.Verify(ctx, *tok.IdToken); err != nil {
		t.Errorf("id token (10 minutes) should still verify: %v", err)
	}
	e.clock.Advance(55 * time.Minute)
	_, err := e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: &f.clientID,
		AuthParameters: map[string]string{"REFRESH_TOKEN": *tok.RefreshToken}})
	wantAPIError[*types.NotAuthorizedException](t, err, "Refresh Token has expired")

	_, err = e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: &f.poolID, ClientName: aws.String("bad"), AccessTokenValidity: aws.Int32(2),
		TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeDays}})
	wantAPIError[*types.InvalidParameterException](t, err, "")
}
