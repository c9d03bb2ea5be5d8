package cognito

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"
)

// InitiateAuthInput is InitiateAuth's request.
type InitiateAuthInput struct {
	AuthFlow       string            `json:"AuthFlow"`
	ClientId       string            `json:"ClientId"`
	AuthParameters map[string]string `json:"AuthParameters"`
	ClientMetadata map[string]string `json:"ClientMetadata"`
	Session        string            `json:"Session"`
}

// RespondToAuthChallengeInput is RespondToAuthChallenge's request.
type RespondToAuthChallengeInput struct {
	ChallengeName      string            `json:"ChallengeName"`
	ClientId           string            `json:"ClientId"`
	Session            string            `json:"Session"`
	ChallengeResponses map[string]string `json:"ChallengeResponses"`
	ClientMetadata     map[string]string `json:"ClientMetadata"`
}

// AuthResult is either tokens or a challenge.
type AuthResult struct {
	Tokens              *TokenSet
	ChallengeName       string
	ChallengeParameters map[string]string
	Session             string
}

// passwordScope is the scope Cognito puts in tokens from the API sign-in flows.
const passwordScope = "aws.cognito.signin.user.admin"

// SecretHash computes Cognito's SECRET_HASH: Base64(HMAC-SHA256(key =
// client secret, message = username + client id)).
func SecretHash(clientSecret, username, clientID string) string {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// checkSecretHash enforces SECRET_HASH for clients that have a secret.
// Any of names may be the message's username part (refresh accepts the
// username or the sub).
func checkSecretHash(c *Client, given string, names ...string) *awsErr {
	if c.Secret == "" {
		return nil
	}
	if given == "" {
		return errNotAuthorized("Client %s is configured with secret but SECRET_HASH was not received", c.ID)
	}
	for _, n := range names {
		if hmac.Equal([]byte(given), []byte(SecretHash(c.Secret, n, c.ID))) {
			return nil
		}
	}
	return errNotAuthorized("Unable to verify secret hash for client %s", c.ID)
}

// challengeSession is the sealed Session of a NEW_PASSWORD_REQUIRED challenge.
type challengeSession struct {
	Challenge string `json:"challenge"`
	Pool      string `json:"pool"`
	Client    string `json:"client"`
	Username  string `json:"username"`
	Exp       int64  `json:"exp"`
}

// InitiateAuth signs a user in with USER_PASSWORD_AUTH or renews tokens
// with REFRESH_TOKEN_AUTH. It never writes state.
func (s *Service) InitiateAuth(in *InitiateAuthInput) (AuthResult, *awsErr) {
	for k, v := range in.AuthParameters {
		if len(k) > 256 || len(v) > 8192 {
			return AuthResult{}, errInvalidParameter("AuthParameters entries are too long.")
		}
	}
	switch in.AuthFlow {
	case "ADMIN_NO_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH":
		return AuthResult{}, errInvalidParameter("Initiate Auth method not supported.")
	case "USER_PASSWORD_AUTH":
		return s.passwordAuth(in)
	case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
		return s.refreshAuth(in)
	}
	s.mu.RLock()
	_, c, err := s.clientByID(in.ClientId)
	s.mu.RUnlock()
	if err != nil {
		return AuthResult{}, err
	}
	if !c.allowsFlow(in.AuthFlow) {
		return AuthResult{}, errInvalidParameter("%s flow not enabled for this client", in.AuthFlow)
	}
	return AuthResult{}, errInvalidParameter("The sandbox does not implement the %s flow; use USER_PASSWORD_AUTH.", in.AuthFlow)
}

func (s *Service) passwordAuth(in *InitiateAuthInput) (AuthResult, *awsErr) {
	s.mu.RLock()
	p, c, err := s.clientByID(in.ClientId)
	if err != nil {
		s.mu.RUnlock()
		return AuthResult{}, err
	}
	if !c.allowsFlow("USER_PASSWORD_AUTH") {
		s.mu.RUnlock()
		return AuthResult{}, errInvalidParameter("USER_PASSWORD_AUTH flow not enabled for this client")
	}
	username, password := in.AuthParameters["USERNAME"], in.AuthParameters["PASSWORD"]
	if username == "" {
		s.mu.RUnlock()
		return AuthResult{}, errInvalidParameter("Missing required parameter USERNAME")
	}
	if password == "" {
		s.mu.RUnlock()
		return AuthResult{}, errInvalidParameter("Missing required parameter PASSWORD")
	}
	if err := checkSecretHash(c, in.AuthParameters["SECRET_HASH"], username); err != nil {
		s.mu.RUnlock()
		return AuthResult{}, err
	}
	user, ok := userCopy(p, username)
	poolID, keys, policy := p.ID, &p.Keys, p.Policy
	s.mu.RUnlock()

	// The same per-user lockout as the hosted login (hosted_guard.go):
	// Cognito counts failed password attempts per user whatever the entry
	// point, so a script cannot brute-force through the API instead.
	attempt := attemptKey(poolID, username)
	if s.attempts.locked(attempt, s.now()) {
		return AuthResult{}, errNotAuthorized(attemptsExceeded)
	}
	if !ok {
		if c.PreventUserExistenceErrors == "ENABLED" {
			// Counted like a wrong password, so the lockout does not tell
			// real users from made-up ones.
			s.attempts.failed(attempt, s.now())
			return AuthResult{}, errBadCredentials()
		}
		return AuthResult{}, errUserNotFound()
	}
	if !user.passwordMatches(password) {
		s.attempts.failed(attempt, s.now())
		return AuthResult{}, errBadCredentials()
	}
	s.attempts.succeeded(attempt)
	if !user.Enabled {
		return AuthResult{}, errNotAuthorized("User is disabled.")
	}
	switch user.Status {
	case "CONFIRMED":
	case "FORCE_CHANGE_PASSWORD":
		days := time.Duration(policy.TemporaryPasswordValidityDays) * 24 * time.Hour
		if days > 0 && s.now().After(user.PasswordSet.Add(days)) {
			return AuthResult{}, errNotAuthorized("Temporary password has expired and must be reset by an administrator.")
		}
		return s.newPasswordChallenge(poolID, keys, c, &user)
	default:
		return AuthResult{}, apiErr("UserNotConfirmedException", "User is not confirmed.")
	}
	ts, merr := s.mint(grant{poolID: poolID, keys: keys, client: c, user: &user, scope: passwordScope, authTime: s.now()}, true, true)
	if merr != nil {
		return AuthResult{}, errInternal("issue tokens: %v", merr)
	}
	return AuthResult{Tokens: &ts}, nil
}

func (s *Service) newPasswordChallenge(poolID string, keys *PoolKeys, c *Client, u *User) (AuthResult, *awsErr) {
	ttl := time.Duration(c.AuthSessionValidity) * time.Minute
	sess, err := keys.seal(challengeSession{Challenge: "NEW_PASSWORD_REQUIRED", Pool: poolID, Client: c.ID, Username: u.Username, Exp: s.now().Add(ttl).Unix()})
	if err != nil {
		return AuthResult{}, errInternal("seal session: %v", err)
	}
	attrs := map[string]string{}
	for _, a := range u.Attributes {
		if a.Name != "sub" {
			attrs[a.Name] = a.Value
		}
	}
	ab, _ := json.Marshal(attrs)
	return AuthResult{ChallengeName: "NEW_PASSWORD_REQUIRED", Session: sess, ChallengeParameters: map[string]string{
		"USER_ID_FOR_SRP": u.Username, "requiredAttributes": "[]", "userAttributes": string(ab),
	}}, nil
}

func (s *Service) refreshAuth(in *InitiateAuthInput) (AuthResult, *awsErr) {
	s.mu.RLock()
	p, c, err := s.clientByID(in.ClientId)
	if err != nil {
		s.mu.RUnlock()
		return AuthResult{}, err
	}
	if !c.allowsFlow("REFRESH_TOKEN_AUTH") {
		s.mu.RUnlock()
		return AuthResult{}, errInvalidParameter("REFRESH_TOKEN_AUTH flow not enabled for this client")
	}
	rc, err := s.openRefresh(p, c, in.AuthParameters["REFRESH_TOKEN"])
	if err != nil {
		s.mu.RUnlock()
		return AuthResult{}, err
	}
	if err := checkSecretHash(c, in.AuthParameters["SECRET_HASH"], rc.Username, rc.Sub, in.AuthParameters["USERNAME"]); err != nil {
		s.mu.RUnlock()
		return AuthResult{}, err
	}
	user, ok := userCopy(p, rc.Username)
	poolID, keys := p.ID, &p.Keys
	s.mu.RUnlock()
	if !ok || user.Sub != rc.Sub {
		return AuthResult{}, errNotAuthorized("Refresh Token has been revoked")
	}
	if !user.Enabled {
		return AuthResult{}, errNotAuthorized("User is disabled.")
	}
	g := grant{poolID: poolID, keys: keys, client: c, user: &user, scope: rc.Scope, authTime: time.Unix(rc.AuthTime, 0),
		originJTI: rc.OriginJTI, nonce: rc.Nonce, hosted: rc.Hosted}
	ts, merr := s.mint(g, true, false)
	if merr != nil {
		return AuthResult{}, errInternal("issue tokens: %v", merr)
	}
	return AuthResult{Tokens: &ts}, nil
}

// RespondToAuthChallenge answers NEW_PASSWORD_REQUIRED: it sets the new
// password, confirms the user and returns tokens.
func (s *Service) RespondToAuthChallenge(in *RespondToAuthChallengeInput) (AuthResult, *awsErr) {
	s.mu.RLock()
	p, c, err := s.clientByID(in.ClientId)
	var keys *PoolKeys
	if err == nil {
		keys = &p.Keys
	}
	s.mu.RUnlock()
	if err != nil {
		return AuthResult{}, err
	}
	if in.ChallengeName != "NEW_PASSWORD_REQUIRED" {
		return AuthResult{}, errInvalidParameter("The sandbox answers only the NEW_PASSWORD_REQUIRED challenge, not %s.", in.ChallengeName)
	}
	username, newPassword := in.ChallengeResponses["USERNAME"], in.ChallengeResponses["NEW_PASSWORD"]
	if username == "" {
		return AuthResult{}, errInvalidParameter("Missing required parameter USERNAME")
	}
	if newPassword == "" {
		return AuthResult{}, errInvalidParameter("Missing required parameter NEW_PASSWORD")
	}
	if in.Session == "" {
		return AuthResult{}, errInvalidParameter("Missing required parameter Session")
	}
	var sess challengeSession
	if keys.open(in.Session, &sess) != nil || sess.Challenge != in.ChallengeName || sess.Client != c.ID || sess.Username != username {
		return AuthResult{}, errNotAuthorized("Invalid session for the user.")
	}
	if s.now().Unix() >= sess.Exp {
		return AuthResult{}, errNotAuthorized("Invalid session for the user, session is expired.")
	}
	if err := checkSecretHash(c, in.ChallengeResponses["SECRET_HASH"], username); err != nil {
		return AuthResult{}, err
	}

	var user User
	now := s.now()
	if err := s.write(func() (*Pool, *awsErr) {
		p, ok := s.pools[sess.Pool]
		if !ok {
			return nil, errPoolNotFound(sess.Pool)
		}
		u, ok := p.Users[username]
		if !ok {
			return nil, errUserNotFound()
		}
		if u.Status != "FORCE_CHANGE_PASSWORD" {
			return nil, errNotAuthorized("Invalid session for the user.")
		}
		if err := checkPassword(p.Policy, newPassword); err != nil {
			return nil, err
		}
		u.setPassword(newPassword, now)
		u.Status, u.Modified = "CONFIRMED", now
		user = *u
		return p, nil
	}); err != nil {
		return AuthResult{}, err
	}

	ts, merr := s.mint(grant{poolID: sess.Pool, keys: keys, client: c, user: &user, scope: passwordScope, authTime: now}, true, true)
	if merr != nil {
		return AuthResult{}, errInternal("issue tokens: %v", merr)
	}
	return AuthResult{Tokens: &ts}, nil
}
