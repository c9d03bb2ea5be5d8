package agentcore

import (
	"encoding/json"
	"strings"
)

// ForgetJWTUsers purges the vault tokens, and the 3LO sessions in flight,
// of the users a JWT of issuer iss stands for: the one of subject sub, or
// all of them when sub is "" (their user pool is gone). Cognito calls it
// when it deletes a user or a pool, so that no token outlives the user it
// was granted to (issue 9: tokens must be gone after cleanup).
func (s *Service) ForgetJWTUsers(iss, sub string) error {
	match := func(user string) bool {
		rest, ok := strings.CutPrefix(user, jwtUserPrefix)
		if !ok {
			return false
		}
		var is [2]string // JWTUser's [iss, sub]
		if json.Unmarshal([]byte(rest), &is) != nil {
			return false
		}
		return is[0] == iss && (sub == "" || is[1] == sub)
	}
	n, err := s.oauth.vault.purge(func(t *vaultToken) bool { return match(t.User) })
	if err != nil {
		return err
	}
	s.oauth.dropSessions(func(ss *session3LO) bool { return match(ss.user) })
	if n > 0 {
		s.log.Info("agentcore: vault tokens purged with their users", "issuer", iss, "sub", sub, "tokens", n)
	}
	return nil
}
