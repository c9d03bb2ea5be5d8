package cognito

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ExpiredTokenPath is the sandbox's one endpoint that Cognito does not
// have, under each pool's issuer path: POST it with a valid access token
// of the pool as the bearer, and it answers {"access_token": …} with a
// copy of that token whose lifetime ended ExpiredAgo ago, signed with the
// pool's real access key. The break-it stage uses it to show the
// authorizer refusing an expired token without waiting an hour; on AWS the
// stage uses a token saved from earlier instead. It grants nothing: the
// caller already holds a valid token with the same claims, and the copy is
// refused everywhere.
const ExpiredTokenPath = "/_sandbox/expired-access-token"

// ExpiredAgo is how long before the call the copy expired: well past the
// authorizer's clock leeway (5 s).
const ExpiredAgo = 10 * time.Minute

// serveExpiredCopy is ExpiredTokenPath.
func (s *Service) serveExpiredCopy(w http.ResponseWriter, r *http.Request) {
	invalid := func(desc string) { invalidToken(w, desc) }
	s.mu.RLock()
	p, ok := s.pools[r.PathValue("pool")]
	s.mu.RUnlock()
	raw, _, ok := s.bearer(w, r, p, ok)
	if !ok {
		return
	}
	// Verified above: the payload is this pool's JSON claim set.
	seg := strings.Split(raw, ".")[1]
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		invalid("Invalid access token")
		return
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var claims map[string]any
	if err := d.Decode(&claims); err != nil {
		invalid("Invalid access token")
		return
	}
	iatN, _ := claims["iat"].(json.Number)
	expN, _ := claims["exp"].(json.Number)
	iat, _ := iatN.Int64()
	exp, _ := expN.Int64()
	end := s.now().Add(-ExpiredAgo)
	start := end.Add(-time.Duration(exp-iat) * time.Second)
	claims["iat"], claims["auth_time"], claims["exp"] = start.Unix(), start.Unix(), end.Unix()
	claims["jti"] = uuid.NewString()
	tok, err := p.Keys.Access.Sign(claims)
	if err != nil {
		s.log.Error("cognito: sign an expired copy", "err", err)
		writePlainJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writePlainJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expired_at": end.Unix()})
}
