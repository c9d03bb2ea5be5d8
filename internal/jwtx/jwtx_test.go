package jwtx

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"agentcore-workshop/internal/i18n"
)

func seg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestDecodeAndExplain(t *testing.T) {
	raw := seg(`{"alg":"RS256","kid":"k1"}`) + "." + seg(`{"sub":"u1","client_id":"c1","token_use":"access","exp":1000,"zzz":true}`) + ".sig"
	tok, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Header["kid"] != "k1" || tok.String("client_id") != "c1" {
		t.Fatalf("decoded %+v", tok)
	}
	claims := tok.Explain(i18n.Printer{}, time.Unix(400, 0))
	var names []string
	for _, c := range claims {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "sub,client_id,token_use,exp,zzz" {
		t.Fatalf("order = %s", got)
	}
	if exp := claims[3].Value; !strings.Contains(exp, "(10m left)") {
		t.Fatalf("exp = %q", exp)
	}
	if c := tok.Explain(i18n.Printer{}, time.Unix(1060, 0))[3].Value; !strings.Contains(c, "(expired 1m ago)") {
		t.Fatalf("expired exp = %q", c)
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, raw := range []string{"", "a.b", "a.b.c.d.e", "!!!." + seg("{}") + ".x", seg("{}") + ".%%%.x", seg("[1]") + "." + seg("{}") + ".x",
		seg("null") + "." + seg("{}") + ".x", seg("{}") + "." + seg("null") + ".x"} {
		if _, err := Decode(raw); err == nil {
			t.Errorf("Decode(%q) accepted", raw)
		}
	}
}

func TestRedact(t *testing.T) {
	if r := Redact("abcdefghijkl"); strings.Contains(r, "efgh") || !strings.HasPrefix(r, "abcd") {
		t.Fatalf("Redact leaked: %q", r)
	}
	if Redact("short") != "••••••" {
		t.Fatal("short secret not fully hidden")
	}
}

// A client_credentials token from Cognito: the subject is the client,
// the scopes come from a resource server, and there is no username.
func TestMachineTokenIsExplainedAsAProgram(t *testing.T) {
	raw := seg(`{"alg":"RS256","kid":"k1"}`) + "." + seg(`{"sub":"m2mclient","client_id":"m2mclient","token_use":"access",`+
		`"scope":"agentcore-m2m-abc/read agentcore-m2m-abc/write","auth_time":1,"iat":1,"exp":3601,"version":2}`) + ".sig"
	tok, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !tok.Machine() {
		t.Fatal("a client_credentials token is not seen as a machine token")
	}
	byName := map[string]Claim{}
	for _, c := range tok.Explain(i18n.Printer{}, time.Unix(0, 0)) {
		byName[c.Name] = c
	}
	if m := byName["sub"].Meaning; !strings.Contains(m, "app client itself") || strings.Contains(m, "user") {
		t.Errorf("sub meaning = %q", m)
	}
	if m := byName["scope"].Meaning; !strings.Contains(m, "resource server") {
		t.Errorf("scope meaning = %q", m)
	}
	notes := strings.Join(tok.Notes(i18n.Printer{}), "\n")
	for _, want := range []string{"sub = client_id", "no username", "no aud claim"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}

	// A user's access token is not a machine token, and keeps the user meanings.
	user, err := Decode(seg(`{"alg":"RS256"}`) + "." + seg(`{"sub":"u1","client_id":"c1","username":"testuser","token_use":"access","exp":1}`) + ".sig")
	if err != nil {
		t.Fatal(err)
	}
	if user.Machine() || !strings.Contains(user.Explain(i18n.Printer{}, time.Unix(0, 0))[0].Meaning, "user") {
		t.Errorf("a user's token explained as a machine's: %+v", user.Explain(i18n.Printer{}, time.Unix(0, 0))[0])
	}
	// Nor is an ID token, and an unsigned one says so.
	id, err := Decode(seg(`{"alg":"none"}`) + "." + seg(`{"sub":"u1","aud":"c1","token_use":"id","cognito:username":"t","exp":1}`) + ".")
	if err != nil {
		t.Fatal(err)
	}
	notes = strings.Join(id.Notes(i18n.Printer{}), "\n")
	if id.Machine() || !strings.Contains(notes, "an ID token") || !strings.Contains(notes, "not signed") || strings.Contains(notes, "no aud") {
		t.Errorf("ID token notes:\n%s", notes)
	}
}

// The time left or past reads in the learner's words, Go's "59m0s" in
// neither language (KOREAN.md: "expired 3m ago" → "3분 전에 만료됨").
func TestRemainingReadsInEachLanguage(t *testing.T) {
	exp := time.Unix(10_000, 0)
	en, ko := i18n.For("en"), i18n.For("ko")
	for _, c := range []struct {
		now    time.Time
		en, ko string
	}{
		{exp.Add(-59 * time.Minute), "59m left", "59분 남음"},
		{exp.Add(-(3*time.Minute + 5*time.Second)), "3m 05s left", "3분 5초 남음"},
		{exp.Add(-(time.Hour + 2*time.Minute)), "1h 02m left", "1시간 2분 남음"},
		{exp.Add(-45 * time.Second), "45s left", "45초 남음"},
		{exp.Add(-400 * time.Millisecond), "expired 0s ago", "0초 전에 만료됨"}, // under half a second: as good as expired
		{exp, "expired 0s ago", "0초 전에 만료됨"},
		{exp.Add(3 * time.Minute), "expired 3m ago", "3분 전에 만료됨"},
		{exp.Add(90 * time.Second), "expired 1m 30s ago", "1분 30초 전에 만료됨"},
		{exp.Add(2 * time.Hour), "expired 2h ago", "2시간 전에 만료됨"},
	} {
		if got := Remaining(en, exp, c.now); got != c.en {
			t.Errorf("en at exp%+v: %q, want %q", c.now.Sub(exp), got, c.en)
		}
		if got := Remaining(ko, exp, c.now); got != c.ko {
			t.Errorf("ko at exp%+v: %q, want %q", c.now.Sub(exp), got, c.ko)
		}
	}
}
