package jwtverify

import "fmt"

// Reason says which check a token failed. Callers map it to their own
// answer (the authorizer to 401 texts, the resource API to RFC 6750).
type Reason int

// Reasons, in the order Verify checks them.
const (
	NotJWT          Reason = iota + 1 // not three dot-separated segments
	TooLarge                          // longer than Options.MaxTokenBytes
	Malformed                         // unparsable, or signed with an algorithm not accepted
	NoKeyID                           // header without kid
	KeysUnavailable                   // discovery or JWKS could not be fetched (fail closed)
	UnknownKey                        // no published signing key has the token's kid
	BadSignature                      // a published key has the kid but the signature does not verify
	BadClaims                         // the signed payload is not the expected claim set
	WrongIssuer                       // iss differs from the discovery document's issuer
	NoExpiry                          // exp absent
	Expired                           // exp (plus leeway) is past
	NotYetValid                       // nbf (minus leeway) is ahead
	IssuedInFuture                    // iat (minus leeway) is ahead
)

var reasonText = map[Reason]string{
	NotJWT:          "not a JWT (expected three dot-separated parts)",
	TooLarge:        "token too large",
	Malformed:       "malformed token or unsupported algorithm",
	NoKeyID:         "token header has no key id (kid)",
	KeysUnavailable: "the identity provider's keys could not be retrieved",
	UnknownKey:      "token is signed with an unknown key",
	BadSignature:    "token signature is invalid",
	BadClaims:       "token claims are malformed",
	WrongIssuer:     "token issuer does not match the discovery document's issuer",
	NoExpiry:        "token has no expiry (exp)",
	Expired:         "token has expired",
	NotYetValid:     "token is not valid yet (nbf)",
	IssuedInFuture:  "token was issued in the future (iat)",
}

func (r Reason) String() string {
	if s, ok := reasonText[r]; ok {
		return s
	}
	return fmt.Sprintf("jwtverify.Reason(%d)", int(r))
}

// Error is a refused token. Every error Verify returns is an *Error.
type Error struct {
	Reason Reason
	KeyID  string // the token's kid, when the header was readable
	Issuer string // the token's iss, for WrongIssuer
	Err    error  // the underlying cause, for logs; may be nil
}

func (e *Error) Error() string {
	s := e.Reason.String()
	switch {
	case e.Reason == UnknownKey:
		s += fmt.Sprintf(" (kid %q)", e.KeyID)
	case e.Reason == WrongIssuer:
		s += fmt.Sprintf(" (iss %q)", e.Issuer)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

func refuse(r Reason, cause error) *Error { return &Error{Reason: r, Err: cause} }
