// Package signkeys holds the sandbox's RS256 token-signing keys: a 2048-bit
// RSA key persisted as PKCS#8 DER beside its kid, with a signer built once
// and reused for every token. Cognito's user pools and the foreign IdP's
// tenants each keep their own keys of this kind.
package signkeys

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// KeyPair is one RS256 signing key. Its exported fields are its persisted
// form; Generate or Load fills in the rest.
type KeyPair struct {
	KID   string `json:"kid"`
	PKCS8 []byte `json:"pkcs8"`

	priv   *rsa.PrivateKey
	signer jose.Signer
}

// Generate makes a new key named kid; an empty kid names it by the base64
// SHA-256 digest of its public key, as Cognito's kids are. typ is the
// tokens' "typ" header ("" for none).
func Generate(kid, typ string) (KeyPair, error) {
	priv, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return KeyPair{}, fmt.Errorf("generate RSA key: %w", err)
	}
	return fromKey(priv, kid, typ)
}

// keyBits is Cognito's key size (its JWKS's moduli are 2048 bits).
const keyBits = 2048

// fromKey makes a KeyPair of a generated key; kid and typ are as for
// Generate.
func fromKey(priv *rsa.PrivateKey, kid, typ string) (KeyPair, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return KeyPair{}, fmt.Errorf("encode RSA key: %w", err)
	}
	if kid == "" {
		pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
		if err != nil {
			return KeyPair{}, fmt.Errorf("encode public key: %w", err)
		}
		sum := sha256.Sum256(pub)
		kid = base64.StdEncoding.EncodeToString(sum[:])
	}
	kp := KeyPair{KID: kid, PKCS8: der}
	return kp, kp.init(priv, typ)
}

// Load rebuilds a persisted key; typ is as for Generate.
func (kp *KeyPair) Load(typ string) error {
	if kp.KID == "" {
		return errors.New("stored key has no kid")
	}
	key, err := x509.ParsePKCS8PrivateKey(kp.PKCS8)
	if err != nil {
		return fmt.Errorf("parse RSA key: %w", err)
	}
	priv, ok := key.(*rsa.PrivateKey)
	if !ok {
		return errors.New("stored key is not RSA")
	}
	return kp.init(priv, typ)
}

func (kp *KeyPair) init(priv *rsa.PrivateKey, typ string) error {
	opts := &jose.SignerOptions{}
	if typ != "" {
		opts = opts.WithType(jose.ContentType(typ))
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: kp.KID}}, opts)
	if err != nil {
		return fmt.Errorf("build signer: %w", err)
	}
	kp.priv, kp.signer = priv, signer
	return nil
}

// Sign returns a compact RS256 JWS of claims.
func (kp *KeyPair) Sign(claims any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	obj, err := kp.signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return obj.CompactSerialize()
}

// JWK is the public half as a JWKS entry.
func (kp *KeyPair) JWK() jose.JSONWebKey {
	return jose.JSONWebKey{Key: kp.Public(), KeyID: kp.KID, Algorithm: string(jose.RS256), Use: "sig"}
}

// Public is the public key, to verify what Sign made.
func (kp *KeyPair) Public() *rsa.PublicKey { return &kp.priv.PublicKey }
