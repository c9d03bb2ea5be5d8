package agentcore

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
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

// JWTUser is the user identity a verified (or decoded) JWT stands for in
// workload access tokens and the token vault: issuer and subject together,
// so equal subjects from different pools never collide.
func JWTUser(iss, sub string) string { return iss + "|" + sub }

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

// userOfJWT is the user a GetWorkloadAccessTokenForJWT userToken names.
// AWS validates the token against the workload's configured issuer; the
// sandbox only decodes it (loosely) for iss and sub.
func userOfJWT(tok string) (string, error) {
	iss, sub, ok := decodeUserToken(tok)
	if !ok {
		return "", unauthorized("The userToken is not a JWT with iss and sub claims.")
	}
	return JWTUser(iss, sub), nil
}

var jwsAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512, jose.PS256, jose.PS384, jose.PS512}

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
