package cognito

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// grant is everything needed to mint tokens, copied out of the state under
// the lock so signing (the slow part) runs without it.
type grant struct {
	poolID    string
	keys      *PoolKeys
	client    *Client
	user      *User // nil for client_credentials
	scope     string
	authTime  time.Time
	originJTI string
	nonce     string
	hosted    bool // minted by /oauth2/token: adds version and at_hash like Cognito
}

// TokenSet is the result of a successful sign-in.
type TokenSet struct {
	AccessToken  string
	IDToken      string
	RefreshToken string
	ExpiresIn    int32
}

// refreshClaims is what a sealed refresh token carries, so REFRESH_TOKEN_AUTH
// and the refresh_token grant need no server-side record.
type refreshClaims struct {
	Pool      string `json:"pool"`
	Client    string `json:"client"`
	Username  string `json:"username"`
	Sub       string `json:"sub"`
	Scope     string `json:"scope"`
	AuthTime  int64  `json:"auth_time"`
	OriginJTI string `json:"origin_jti"`
	Nonce     string `json:"nonce,omitempty"`
	Hosted    bool   `json:"hosted,omitempty"`
	Iat       int64  `json:"iat"`
	Exp       int64  `json:"exp"`
}

// mint signs the access token and, as asked, the ID token and a refresh token.
func (s *Service) mint(g grant, withID, withRefresh bool) (TokenSet, error) {
	now := s.now()
	iss := s.Issuer(g.poolID)
	if g.originJTI == "" {
		g.originJTI = uuid.NewString()
	}
	eventID := uuid.NewString()
	accessExp := now.Add(g.client.accessTTL())
	access := map[string]any{
		"iss": iss, "client_id": g.client.ID, "origin_jti": g.originJTI, "token_use": "access", "scope": g.scope,
		"auth_time": g.authTime.Unix(), "exp": accessExp.Unix(), "iat": now.Unix(), "jti": uuid.NewString(),
	}
	if g.user != nil {
		access["sub"], access["username"], access["event_id"] = g.user.Sub, g.user.Username, eventID
	} else {
		access["sub"] = g.client.ID
	}
	if g.hosted {
		access["version"] = 2
	}
	var out TokenSet
	var err error
	if out.AccessToken, err = g.keys.Access.Sign(access); err != nil {
		return out, fmt.Errorf("access token: %w", err)
	}
	out.ExpiresIn = int32(g.client.accessTTL() / time.Second)
	if withID && g.user != nil {
		id := map[string]any{
			"sub": g.user.Sub, "iss": iss, "cognito:username": g.user.Username, "origin_jti": g.originJTI,
			"aud": g.client.ID, "event_id": eventID, "token_use": "id", "auth_time": g.authTime.Unix(),
			"exp": now.Add(g.client.idTTL()).Unix(), "iat": now.Unix(), "jti": uuid.NewString(),
		}
		for _, a := range g.user.Attributes {
			switch a.Name {
			case "sub":
			case "email_verified", "phone_number_verified":
				id[a.Name] = a.Value == "true"
			default:
				id[a.Name] = a.Value
			}
		}
		if g.nonce != "" {
			id["nonce"] = g.nonce
		}
		if g.hosted {
			sum := sha256.Sum256([]byte(out.AccessToken))
			id["at_hash"] = base64.RawURLEncoding.EncodeToString(sum[:16])
		}
		if out.IDToken, err = g.keys.ID.Sign(id); err != nil {
			return out, fmt.Errorf("id token: %w", err)
		}
	}
	if withRefresh && g.user != nil {
		rc := refreshClaims{Pool: g.poolID, Client: g.client.ID, Username: g.user.Username, Sub: g.user.Sub, Scope: g.scope,
			AuthTime: g.authTime.Unix(), OriginJTI: g.originJTI, Nonce: g.nonce, Hosted: g.hosted,
			Iat: now.Unix(), Exp: now.Add(g.client.refreshTTL()).Unix()}
		if out.RefreshToken, err = g.keys.seal(rc); err != nil {
			return out, fmt.Errorf("refresh token: %w", err)
		}
	}
	return out, nil
}

// openRefresh validates a refresh token for client c of pool p and returns
// its claims, or the reason it is unusable as Cognito words it.
func (s *Service) openRefresh(p *Pool, c *Client, token string) (refreshClaims, *awsErr) {
	var rc refreshClaims
	if token == "" {
		return rc, errInvalidParameter("Missing required parameter REFRESH_TOKEN")
	}
	if len(token) > 8192 || p.Keys.open(token, &rc) != nil || rc.Pool != p.ID || rc.Client != c.ID {
		return rc, errNotAuthorized("Invalid Refresh Token")
	}
	if s.now().Unix() >= rc.Exp {
		return rc, errNotAuthorized("Refresh Token has expired")
	}
	return rc, nil
}
