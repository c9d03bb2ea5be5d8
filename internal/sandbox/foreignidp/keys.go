package foreignidp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// KeyPair is a tenant's RS256 signing key, persisted as PKCS#8 DER. Each
// tenant has its own: a token of one tenant never verifies under another's
// keys, nor under a Cognito pool's.
type KeyPair struct {
	KID   string `json:"kid"`
	PKCS8 []byte `json:"pkcs8"`

	priv   *rsa.PrivateKey
	signer jose.Signer
}

func newKeyPair() (KeyPair, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return KeyPair{}, fmt.Errorf("generate RSA key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return KeyPair{}, fmt.Errorf("encode RSA key: %w", err)
	}
	// Auth0's kids are opaque random strings.
	kp := KeyPair{PKCS8: der, KID: randomString(22, alnum+"-_")}
	return kp, kp.init(priv)
}

func (kp *KeyPair) init(priv *rsa.PrivateKey) error {
	kp.priv = priv
	var err error
	kp.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: kp.KID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return fmt.Errorf("build signer: %w", err)
	}
	return nil
}

// load rebuilds the key from its persisted form.
func (kp *KeyPair) load() error {
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
	return kp.init(priv)
}

// sign returns a compact RS256 JWS of claims.
func (kp *KeyPair) sign(claims any) (string, error) {
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

// jwk is the public half as a JWKS entry.
func (kp *KeyPair) jwk() jose.JSONWebKey {
	return jose.JSONWebKey{Key: &kp.priv.PublicKey, KeyID: kp.KID, Algorithm: string(jose.RS256), Use: "sig"}
}
