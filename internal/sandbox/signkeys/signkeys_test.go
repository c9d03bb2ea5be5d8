package signkeys

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// verify checks tok under the JWKS entry and returns its typ header.
func verify(t *testing.T, kp KeyPair, tok string) (typ any) {
	t.Helper()
	jws, err := jose.ParseSigned(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	jwk := kp.JWK()
	payload, err := jws.Verify(&jwk)
	if err != nil {
		t.Fatalf("token does not verify under its JWK: %v", err)
	}
	var claims map[string]string
	if err := json.Unmarshal(payload, &claims); err != nil || claims["sub"] != "ana" {
		t.Fatalf("claims %v (%v)", claims, err)
	}
	h := jws.Signatures[0].Header
	if h.KeyID != kp.KID || h.Algorithm != "RS256" {
		t.Fatalf("header kid %q alg %q, want %q RS256", h.KeyID, h.Algorithm, kp.KID)
	}
	return h.ExtraHeaders["typ"]
}

// A key without a given kid is named by its public key's digest; a key
// that went through its persisted form signs as before, under the same kid.
func TestGenerateSignLoad(t *testing.T) {
	kp, err := Generate("", "")
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := x509.MarshalPKIXPublicKey(kp.Public())
	sum := sha256.Sum256(pub)
	if kp.KID != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Fatalf("kid %q is not the public key's digest", kp.KID)
	}
	tok, err := kp.Sign(map[string]string{"sub": "ana"})
	if err != nil {
		t.Fatal(err)
	}
	if typ := verify(t, kp, tok); typ != nil {
		t.Fatalf("typ %v without one asked", typ)
	}

	b, _ := json.Marshal(kp)
	var back KeyPair
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Load("JWT"); err != nil {
		t.Fatal(err)
	}
	tok, err = back.Sign(map[string]string{"sub": "ana"})
	if err != nil {
		t.Fatal(err)
	}
	if typ := verify(t, back, tok); typ != "JWT" || back.KID != kp.KID {
		t.Fatalf("loaded key: typ %v, kid %q (want JWT, %q)", typ, back.KID, kp.KID)
	}
}

func TestLoadRefusesBrokenKeys(t *testing.T) {
	kp, err := Generate("given-kid", "JWT")
	if err != nil {
		t.Fatal(err)
	}
	if kp.KID != "given-kid" {
		t.Fatalf("kid %q", kp.KID)
	}
	for name, bad := range map[string]KeyPair{
		"no kid":    {PKCS8: kp.PKCS8},
		"not DER":   {KID: "k", PKCS8: []byte("junk")},
		"truncated": {KID: "k", PKCS8: kp.PKCS8[:len(kp.PKCS8)/2]},
	} {
		if err := bad.Load(""); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}
