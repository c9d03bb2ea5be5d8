package cognito

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-jose/go-jose/v4"

	"agentcore-workshop/internal/sandbox/signkeys"
)

// PoolKeys are one pool's secrets: separate RSA keys for access and ID
// tokens (as Cognito has, and unlike emulators that share one key), and a
// symmetric key that seals refresh tokens and auth-challenge sessions so
// that signing in never has to write state.
type PoolKeys struct {
	Access signkeys.KeyPair `json:"access"`
	ID     signkeys.KeyPair `json:"id"`
	Seal   []byte           `json:"seal"` // AES-256 key-wrapping key for JWE
}

// newPoolKeys makes a pool's keys, from spare's ready ones when it has any.
func newPoolKeys(spare *signkeys.Spare) (PoolKeys, error) {
	var k PoolKeys
	var err error
	// Cognito's kids are the digest of the public key; its tokens carry no typ.
	if k.Access, err = spare.Generate("", ""); err != nil {
		return k, err
	}
	if k.ID, err = spare.Generate("", ""); err != nil {
		return k, err
	}
	k.Seal = make([]byte, 32)
	if _, err := rand.Read(k.Seal); err != nil {
		return k, fmt.Errorf("generate seal key: %w", err)
	}
	return k, nil
}

func (k *PoolKeys) load() error {
	for _, kp := range []*signkeys.KeyPair{&k.Access, &k.ID} {
		if err := kp.Load(""); err != nil {
			return err
		}
	}
	if len(k.Seal) != 32 {
		return errors.New("seal key must be 32 bytes")
	}
	return nil
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
