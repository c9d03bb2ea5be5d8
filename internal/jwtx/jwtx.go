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

	"agentcore-workshop/internal/i18n"
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
	"sub":              i18n.M("who: the user's stable id in the pool"),
	"iss":              i18n.M("issuer: the pool that signed the token (its keys are at the discovery URL)"),
	"client_id":        i18n.M("which app client asked for the token: what allowedClients checks"),
	"aud":              i18n.M("audience: what allowedAudience checks (Cognito puts it in ID tokens only; Auth0-style IdPs put the API in access tokens)"),
	"azp":              i18n.M("which application asked for the token (Auth0's name for it; there is no client_id)"),
	"gty":              i18n.M("how the token was granted: client-credentials means a program, no user"),
	"token_use":        i18n.M("access tokens go to APIs; ID tokens describe the user to the app"),
	"scope":            i18n.M("what the token may be used for"),
	"auth_time":        i18n.M("when the user signed in"),
	"iat":              i18n.M("when this token was issued"),
	"exp":              i18n.M("when it stops working; sign in again for a new one"),
	"nbf":              i18n.M("not valid before this time"),
	"jti":              i18n.M("this token's unique id"),
	"origin_jti":       i18n.M("the id of the sign-in this token came from"),
	"event_id":         i18n.M("the sign-in event"),
	"username":         i18n.M("the user's name in the pool"),
	"cognito:username": i18n.M("the user's name in the pool"),
	"email":            i18n.M("the user's email"),
}

// Explain lists the token's claims with their meanings: the teaching claims
// first, the rest alphabetically. Times are shown in UTC with the time left.
func (t Token) Explain(tr i18n.Printer, now time.Time) []Claim {
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
					val += " (" + Remaining(tr, tm, now) + ")"
				}
			}
		}
		out = append(out, Claim{Name: name, Value: val, Meaning: tr.T(t.meaning(name))})
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

// machineMeanings replace meanings for a machine-to-machine token, whose
// claims describe a program rather than a person.
var machineMeanings = map[string]string{
	"sub":       i18n.M("who: the app client itself (client_credentials); no person signed in"),
	"client_id": i18n.M("the client that asked for the token, which is also its subject"),
	"scope":     i18n.M("what the client may do: scopes a resource server defines (identifier/name), granted to the client"),
	"auth_time": i18n.M("when the client authenticated with its secret"),
}

// meaning explains one claim of this token: a machine token's subject and
// scopes mean something else than a user's.
func (t Token) meaning(name string) string {
	if t.Machine() {
		if m, ok := machineMeanings[name]; ok {
			return m
		}
	}
	return meanings[name]
}

// Machine reports whether the token was issued to a program rather than a
// person: an access token whose subject is its own client, with no user
// name, which is what Cognito's client_credentials grant issues.
func (t Token) Machine() bool {
	sub := t.String("sub")
	return t.String("token_use") == "access" && sub != "" && sub == t.String("client_id") &&
		t.String("username") == "" && t.String("cognito:username") == ""
}

// Notes are what the token as a whole says, beyond its claims one by one:
// the things a learner should notice. Each is one sentence.
func (t Token) Notes(tr i18n.Printer) []string {
	var out []string
	if alg, _ := t.Header["alg"].(string); strings.EqualFold(alg, "none") {
		out = append(out, tr.T("alg none: the token is not signed at all, so it proves nothing and no authorizer accepts it"))
	}
	if t.Machine() {
		out = append(out, tr.T("a machine token: its subject is the client itself (sub = client_id) and it has no username, so no person is behind it"))
	}
	if t.String("token_use") == "id" {
		out = append(out, tr.T("an ID token: it describes the user to the app; it has aud (the client) and no client_id, so an authorizer checking allowedClients refuses it"))
	}
	if _, ok := t.Claims["aud"]; !ok {
		out = append(out, tr.T("no aud claim: access tokens name their client in client_id instead"))
	}
	return out
}

// Remaining says how long until exp, or that it has passed, in the
// Printer's words: "59m left", "expired 3m ago"; "59분 남음", "3분 전에 만료됨".
func Remaining(tr i18n.Printer, exp, now time.Time) string {
	d := exp.Sub(now).Round(time.Second)
	if d <= 0 {
		return tr.Sprintf("expired %s ago", tr.Duration(-d))
	}
	return tr.Sprintf("%s left", tr.Duration(d))
}

// Redact shows the start of a secret and hides the rest.
func Redact(secret string) string {
	if len(secret) <= 8 {
		return "••••••"
	}
	return secret[:4] + "…(" + fmt.Sprint(len(secret)) + " chars, hidden)"
}
