// Package jwtx decodes a JWT for display and explains its claims in words a
// learner understands. It never verifies anything: verification is the
// runtime authorizer's job, and the workshop only shows what a token says.
package jwtx

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Token is a decoded, unverified JWT.
type Token struct {
	Header map[string]any
	Claims map[string]any
}

// Decode splits and decodes a compact JWS without verifying it.
func Decode(raw string) (Token, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return Token{}, fmt.Errorf("not a signed JWT: %d segments, want 3", len(parts))
	}
	var t Token
	var err error
	if t.Header, err = decodeSegment(parts[0]); err != nil {
		return Token{}, fmt.Errorf("decode JWT header: %w", err)
	}
	if t.Claims, err = decodeSegment(parts[1]); err != nil {
		return Token{}, fmt.Errorf("decode JWT claims: %w", err)
	}
	return t, nil
}

// decodeSegment decodes one base64url JSON object, keeping numbers as
// json.Number so NumericDates stay exact.
func decodeSegment(seg string) (map[string]any, error) {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil { // the JSON was null
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

// String returns a claim as text ("" when absent).
func (t Token) String(name string) string {
	switch v := t.Claims[name].(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// Time returns a NumericDate claim.
func (t Token) Time(name string) (time.Time, bool) {
	n, ok := t.Claims[name].(json.Number)
	if !ok {
		return time.Time{}, false
	}
	sec, err := n.Int64()
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(sec, 0), true
}

// Expiry returns the exp claim.
func (t Token) Expiry() (time.Time, bool) { return t.Time("exp") }

// Claim is one explained claim.
type Claim struct {
	Name, Value, Meaning string
}

var meanings = map[string]string{
	"sub":              "who: the user's stable id in the pool",
	"iss":              "issuer: the pool that signed the token (its keys are at the discovery URL)",
	"client_id":        "which app client asked for the token: what allowedClients checks",
	"aud":              "audience: what allowedAudience checks (ID tokens carry it, access tokens do not)",
	"token_use":        "access tokens go to APIs; ID tokens describe the user to the app",
	"scope":            "what the token may be used for",
	"auth_time":        "when the user signed in",
	"iat":              "when this token was issued",
	"exp":              "when it stops working; sign in again for a new one",
	"nbf":              "not valid before this time",
	"jti":              "this token's unique id",
	"origin_jti":       "the id of the sign-in this token came from",
	"event_id":         "the sign-in event",
	"username":         "the user's name in the pool",
	"cognito:username": "the user's name in the pool",
	"email":            "the user's email",
}

// Explain lists the token's claims with their meanings: the teaching claims
// first, the rest alphabetically. Times are shown in UTC with the time left.
func (t Token) Explain(now time.Time) []Claim {
	order := []string{"sub", "iss", "client_id", "aud", "token_use", "scope", "username", "cognito:username", "auth_time", "iat", "exp"}
	seen := map[string]bool{}
	var out []Claim
	add := func(name string) {
		if seen[name] {
			return
		}
		if _, ok := t.Claims[name]; !ok {
			return
		}
		seen[name] = true
		val := t.String(name)
		switch name {
		case "exp", "iat", "auth_time", "nbf":
			if tm, ok := t.Time(name); ok {
				val = tm.UTC().Format(time.RFC3339)
				if name == "exp" {
					val += " (" + Remaining(tm, now) + ")"
				}
			}
		}
		out = append(out, Claim{Name: name, Value: val, Meaning: meanings[name]})
	}
	for _, n := range order {
		add(n)
	}
	rest := make([]string, 0, len(t.Claims))
	for n := range t.Claims {
		rest = append(rest, n)
	}
	sort.Strings(rest)
	for _, n := range rest {
		add(n)
	}
	return out
}

// Remaining says how long until exp, or that it has passed.
func Remaining(exp, now time.Time) string {
	d := exp.Sub(now).Round(time.Second)
	if d <= 0 {
		return "expired " + (-d).String() + " ago"
	}
	return d.String() + " left"
}

// Redact shows the start of a secret and hides the rest.
func Redact(secret string) string {
	if len(secret) <= 8 {
		return "••••••"
	}
	return secret[:4] + "…(" + fmt.Sprint(len(secret)) + " chars, hidden)"
}
