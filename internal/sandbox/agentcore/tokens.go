package agentcore

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/jwtverify"
)

// Workload access tokens (WATs) are opaque to their holders. The sandbox
// makes them self-contained: a versioned prefix, the base64url JSON of
// {workload, user, expiry} and an HMAC-SHA256 over both with a key kept in
// the store, so they survive restarts and need no table.
const (
	watPrefix   = "wat1."
	watLifetime = time.Hour
)

type watBody struct {
	Workload string `json:"w"`
	User     string `json:"u,omitempty"`
	Expiry   int64  `json:"e"`
	Nonce    string `json:"n"`
}

// Users in workload access tokens and the token vault come from two
// sources that must never meet: verified JWTs (issuer and subject) and
// caller-chosen user ids (GetWorkloadAccessTokenForUserId, the runtime's
// user-id header, CompleteResourceTokenAuth's userId). Each gets its own
// prefix, and a JWT user's issuer and subject are JSON-quoted, so no user
// id string (whatever it holds, "<iss>|<sub>" included) can produce a JWT
// user's key, and equal subjects of different pools stay apart.
const (
	jwtUserPrefix = "jwt:"
	idUserPrefix  = "id:"
)

// JWTUser is the user a verified JWT stands for.
func JWTUser(iss, sub string) string {
	b, _ := json.Marshal([2]string{iss, sub})
	return jwtUserPrefix + string(b)
}

// IDUser is the user a caller-supplied user id stands for; "" (no user)
// stays "".
func IDUser(id string) string {
	if id == "" {
		return ""
	}
	return idUserPrefix + id
}

func (s *Service) mintWAT(workload, user string) string {
	s.mu.Lock()
	key := s.st.WATKey
	s.mu.Unlock()
	body, _ := json.Marshal(watBody{Workload: workload, User: user, Expiry: s.now().Add(watLifetime).Unix(), Nonce: randomAlnum(12)})
	payload := base64.RawURLEncoding.EncodeToString(body)
	return watPrefix + payload + "." + base64.RawURLEncoding.EncodeToString(watMAC(key, payload))
}

func watMAC(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(watPrefix + payload))
	return m.Sum(nil)
}

// ResolveWorkloadToken verifies a workload access token minted by this
// sandbox and returns the workload identity and user it was minted for
// (user is empty for GetWorkloadAccessToken's user-less tokens). It reports
// false for forged, altered or expired tokens.
func (s *Service) ResolveWorkloadToken(tok string) (workload, user string, ok bool) {
	rest, found := strings.CutPrefix(tok, watPrefix)
	if !found {
		return "", "", false
	}
	payload, mac, found := strings.Cut(rest, ".")
	if !found {
		return "", "", false
	}
	got, err := base64.RawURLEncoding.DecodeString(mac)
	if err != nil {
		return "", "", false
	}
	s.mu.Lock()
	key := s.st.WATKey
	s.mu.Unlock()
	if !hmac.Equal(got, watMAC(key, payload)) {
		return "", "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", "", false
	}
	var b watBody
	if json.Unmarshal(raw, &b) != nil || b.Workload == "" || s.now().Unix() > b.Expiry {
		return "", "", false
	}
	return b.Workload, b.User, true
}

// GetWorkloadAccessToken mints a workload access token for workload,
// acting for user ("" for the workload itself).
func (s *Service) GetWorkloadAccessToken(workload, user string) (string, error) {
	if _, ok := s.LookupWorkloadIdentity(workload); !ok {
		return "", workloadNotFound(workload)
	}
	return s.mintWAT(workload, user), nil
}

// GetWorkloadAccessTokenForJWT verifies userToken and mints a workload
// access token for the user it names. AWS validates the token before it
// mints anything (devguide "Get workload access token": "AgentCore Identity
// validates the token to ensure it is correctly signed and not expired, and
// uses its iss and sub"): so does the sandbox. A workload identity that
// belongs to a runtime with a customJWTAuthorizer takes that authorizer's
// rule (discovery URL, so the issuer; allowedClients, allowedAudience,
// allowedScopes), exactly as an invoke does. Any other workload identity
// takes a token signed by its own issuer (discovery at iss), which the
// outbound policy limits to the issuers the sandbox hosts.
//
// A token that fails is UnauthorizedException (401): the bedrock-agentcore
// model lists it for this operation and documents it as "thrown when the JWT
// bearer token is invalid or not found" (bedrock-agentcore.service-2.json).
// A well-signed token whose claims the rule refuses is the authorizer's 403
// AccessDeniedException, as for an invoke. Messages are the sandbox's.
func (s *Service) GetWorkloadAccessTokenForJWT(ctx context.Context, workload, userToken string) (string, error) {
	rule, ok := s.workloadRule(workload)
	if !ok {
		return "", workloadNotFound(workload)
	}
	var iss, sub string
	if rule != nil {
		c, err := s.authz.Check(ctx, *rule, userToken)
		if err != nil {
			var d *authorizer.Denial
			if errors.As(err, &d) {
				s.log.Info("agentcore: userToken refused", "workload", workload, "status", d.Status, "reason", d.Message)
				return "", awswire.Errorf(d.Status, d.Code, "The userToken was refused: %s", d.Message)
			}
			return "", internalErr(err)
		}
		iss, sub = c.Issuer, c.Subject
	} else {
		var err error
		if iss, sub, err = s.verifyUserToken(ctx, userToken); err != nil {
			s.log.Info("agentcore: userToken refused", "workload", workload, "err", err)
			return "", unauthorized("The userToken could not be verified: %s", refusalReason(err))
		}
	}
	return s.mintWAT(workload, JWTUser(iss, sub)), nil
}

// workloadRule returns the customJWTAuthorizer of the runtime whose
// workload identity name is (nil when it has none, or belongs to no
// runtime), and whether the workload identity exists.
func (s *Service) workloadRule(name string) (*authorizer.Rule, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wl := s.st.Workloads[name]
	if wl == nil {
		return nil, false
	}
	for _, rt := range s.st.Runtimes {
		if rt.Workload == name && rt.WorkloadARN == wl.ARN && rt.JWT != nil {
			r := *rt.JWT
			return &r, true
		}
	}
	return nil, true
}

// notAllowedError is a refusal of the egress policy, in the sandbox's own
// words.
type notAllowedError struct{ msg string }

func (e *notAllowedError) Error() string { return e.msg }

// refusalReason words why a userToken was refused, as a sentence, without
// the cause's text: a cause may carry what a remote server answered, and
// nothing fetched is ever echoed to the caller.
func refusalReason(err error) string {
	var ve *jwtverify.Error
	if errors.As(err, &ve) {
		return ve.Reason.String() + "."
	}
	var na *notAllowedError
	if errors.As(err, &na) {
		return na.msg
	}
	return "not a signed JWT with iss and sub claims."
}

var jwsAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512, jose.PS256, jose.PS384, jose.PS512}

// decodeUserToken reads iss and sub WITHOUT verifying anything: only to
// pick whose keys to fetch, or to look a session up before verifying.
func decodeUserToken(tok string) (iss, sub string, ok bool) {
	t, err := jwt.ParseSigned(tok, jwsAlgs)
	if err != nil {
		return "", "", false
	}
	var c jwt.Claims
	if err := t.UnsafeClaimsWithoutVerification(&c); err != nil || c.Issuer == "" || c.Subject == "" {
		return "", "", false
	}
	return c.Issuer, c.Subject, true
}
