package jwtx

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
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
	claims := tok.Explain(time.Unix(400, 0))
	var names []string
	for _, c := range claims {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "sub,client_id,token_use,exp,zzz" {
		t.Fatalf("order = %s", got)
	}
	if exp := claims[3].Value; !strings.Contains(exp, "10m0s left") {
		t.Fatalf("exp = %q", exp)
	}
	if c := tok.Explain(time.Unix(1060, 0))[3].Value; !strings.Contains(c, "expired 1m0s ago") {
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
