package cognito

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

// PoolKeys are one pool's secrets: separate RSA keys for access and ID
// tokens (as Cognito has, and unlike emulators that share one key), and a
// symmetric key that seals refresh tokens and auth-challenge sessions so
// that signing in never has to write state.
type PoolKeys struct {
	Access KeyPair `json:"access"`
	ID     KeyPair `json:"id"`
	Seal   []byte  `json:"seal"` // AES-256 key-wrapping key for JWE
}

// KeyPair is one RS256 signing key, persisted as PKCS#8 DER.
type KeyPair struct {
	KID   string `json:"kid"`
	PKCS8 []byte `json:"pkcs8"`

	priv   *rsa.PrivateKey
	signer jose.Signer
}

func newPoolKeys() (PoolKeys, error) {
	var k PoolKeys
	var err error
	if k.Access, err = newKeyPair(); err != nil {
		return k, err
	}
	if k.ID, err = newKeyPair(); err != nil {
		return k, err
	}
	k.Seal = make([]byte, 32)
	if _, err := rand.Read(k.Seal); err != nil {
		return k, fmt.Errorf("generate seal key: %w", err)
	}
	return k, nil
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
	kp := KeyPair{PKCS8: der}
	return kp, kp.init(priv)
}

// init derives the kid (like Cognito's, a base64 SHA-256 digest) and the
// reusable signer.
func (kp *KeyPair) init(priv *rsa.PrivateKey) error {
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return fmt.Errorf("encode public key: %w", err)
	}
	sum := sha256.Sum256(pub)
	kp.KID = base64.StdEncoding.EncodeToString(sum[:])
	kp.priv = priv
	kp.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: kp.KID}}, nil)
	if err != nil {
		return fmt.Errorf("build signer: %w", err)
	}
	return nil
}

func (k *PoolKeys) load() error {
	for _, kp := range []*KeyPair{&k.Access, &k.ID} {
		key, err := x509.ParsePKCS8PrivateKey(kp.PKCS8)
		if err != nil {
			return fmt.Errorf("parse RSA key: %w", err)
		}
		priv, ok := key.(*rsa.PrivateKey)
		if !ok {
			return errors.New("stored key is not RSA")
		}
		if err := kp.init(priv); err != nil {
			return err
		}
	}
	if len(k.Seal) != 32 {
		return errors.New("seal key must be 32 bytes")
	}
	return nil
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

// seal encrypts v into a compact five-segment JWE only this pool can open.
func (k *PoolKeys) seal(v any) (string, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode sealed payload: %w", err)
	}
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.A256KW, Key: k.Seal}, (&jose.EncrypterOptions{}).WithContentType("JWT"))
	if err != nil {
		return "", fmt.Errorf("build encrypter: %w", err)
	}
	obj, err := enc.Encrypt(payload)
	if err != nil {
		return "", fmt.Errorf("encrypt: %w", err)
	}
	return obj.CompactSerialize()
}

// open decrypts a token made by seal into v.
func (k *PoolKeys) open(token string, v any) error {
	obj, err := jose.ParseEncryptedCompact(token, []jose.KeyAlgorithm{jose.A256KW}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		return err
	}
	payload, err := obj.Decrypt(k.Seal)
	if err != nil {
		return err
	}
	return json.Unmarshal(payload, v)
}
