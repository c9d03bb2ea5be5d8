// Package sigv4 verifies AWS Signature Version 4 on incoming requests, the
// way AWS front ends do: it rebuilds the canonical request from what arrived
// on the wire and compares signatures in constant time.
package sigv4

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"agentcore-workshop/internal/sandbox/awswire"
)

// Algorithm is the only signing algorithm the sandbox accepts.
const Algorithm = "AWS4-HMAC-SHA256"

// MaxSkew is how far a request's X-Amz-Date may be from the server's clock.
const MaxSkew = 15 * time.Minute

// Credentials are one access key pair the sandbox recognises.
type Credentials struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	AccountID       string `json:"accountId"`
}

// Scope is the credential scope of a signed request.
type Scope struct {
	AccessKeyID string
	Date        string // yyyymmdd
	Region      string
	Service     string
}

// Identity is what a verified request proves: who signed it, for what.
type Identity struct {
	AccessKeyID string
	AccountID   string
	Region      string
	Service     string
}

// Kind classifies a verification failure, so each protocol can answer with
// its own error code.
type Kind int

const (
	Missing       Kind = iota // no SigV4 Authorization header
	Malformed                 // header present but unparsable
	UnknownKey                // access key id not recognised
	BadSignature              // signature does not match
	Expired                   // X-Amz-Date too far from now
	BadPayload                // x-amz-content-sha256 does not match the body
	HostNotSigned             // "host" is not among the signed headers
	WrongRegion               // the credential scope names another region
	TooLarge                  // the body is larger than the verifier will buffer to hash it
)

// MaxHashedBody is the most the verifier buffers of a body whose hash it must
// compute itself (no x-amz-content-sha256 header). Every service but S3 has
// a smaller body limit than this at the edge; S3 clients always send the
// header, so a large S3 body is never buffered before its signature is
// checked.
const MaxHashedBody = 2 << 20

// GlobalServiceRegion is the region global services (IAM) are signed for,
// whatever region the client is in (AWS General Reference, "Signature
// Version 4 elements": a service with a globally unique endpoint uses
// us-east-1 in the credential scope).
const GlobalServiceRegion = "us-east-1"

// Error texts AWS answers, and where each was taken from:
//   - hostNotSignedText: the message AWS's JSON front ends return when host
//     is not signed, as quoted verbatim in aws/aws-sdk-php#2469 (issue title).
//   - s3HeadersNotSignedText: S3's AccessDenied for an unsigned host, as
//     captured in coda/packs-sdk#3093 (<HeadersNotSigned>host</...>).
//   - wrongRegionFormat: the SignatureDoesNotMatch / InvalidSignatureException
//     message quoted in aws/aws-sdk-ruby#508, JuliaCloud/AWS.jl#565 (IAM,
//     awsQuery) and joona/aws-es-curl#15 (restJson), trailing space included.
//   - s3WrongRegionFormat: S3's AuthorizationHeaderMalformed, quoted in
//     aws/aws-cli#2954 and aws/aws-sdk-cpp#1339.
//   - s3TooLargeText: S3's EntityTooLarge (S3 API reference, error codes).
const (
	hostNotSignedText      = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
	s3HeadersNotSignedText = "There were headers present in the request which were not signed"
	wrongRegionFormat      = "Credential should be scoped to a valid region, not '%s'. "
	s3WrongRegionFormat    = "The authorization header is malformed; the region '%s' is wrong; expecting '%s'"
	s3TooLargeText         = "Your proposed upload exceeds the maximum allowed size"
)

// Failure is a verification failure.
type Failure struct {
	Kind   Kind
	Detail string
	// Region is the region the sandbox expected (WrongRegion) and Scoped the
	// one the request named.
	Region, Scoped string
}

func (f *Failure) Error() string { return "sigv4: " + f.Detail }

const badSigText = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

// AWSError maps the failure to the error each protocol's services return.
func (f *Failure) AWSError(p awswire.Protocol) *awswire.Error {
	if f.Kind == TooLarge {
		return TooLargeError(p, f.Detail)
	}
	switch p {
	case awswire.Query: // IAM, STS
		switch f.Kind {
		case HostNotSigned:
			return awswire.Errorf(400, "IncompleteSignature", "%s", hostNotSignedText)
		case WrongRegion:
			return awswire.Errorf(403, "SignatureDoesNotMatch", wrongRegionFormat, f.Scoped)
		case Missing:
			return awswire.Errorf(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
		case UnknownKey:
			return awswire.Errorf(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		case Malformed:
			return awswire.Errorf(400, "IncompleteSignature", "%s", f.Detail)
		default:
			return awswire.Errorf(403, "SignatureDoesNotMatch", "%s", f.message())
		}
	case awswire.RestXML: // S3
		switch f.Kind {
		case Missing:
			return awswire.Errorf(403, "AccessDenied", "Access Denied")
		case UnknownKey:
			return awswire.Errorf(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
		case HostNotSigned:
			return awswire.Errorf(403, "AccessDenied", "%s", s3HeadersNotSignedText)
		case WrongRegion:
			return awswire.Errorf(400, "AuthorizationHeaderMalformed", s3WrongRegionFormat, f.Scoped, f.Region)
		case BadPayload:
			return awswire.Errorf(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")
		case Malformed:
			return awswire.Errorf(400, "AuthorizationHeaderMalformed", "%s", f.Detail)
		case Expired:
			return awswire.Errorf(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
		default:
			return awswire.Errorf(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
		}
	default: // awsJson1.1 answers 400, restJson1 answers 403
		status := 400
		if p == awswire.RestJSON {
			status = 403
		}
		switch f.Kind {
		case Missing:
			return awswire.Errorf(status, "MissingAuthenticationTokenException", "Missing Authentication Token")
		case UnknownKey:
			return awswire.Errorf(status, "UnrecognizedClientException", "The security token included in the request is invalid.")
		case HostNotSigned:
			return awswire.Errorf(status, "IncompleteSignatureException", "%s", hostNotSignedText)
		case WrongRegion:
			return awswire.Errorf(status, "InvalidSignatureException", wrongRegionFormat, f.Scoped)
		case Malformed:
			return awswire.Errorf(status, "IncompleteSignatureException", "%s", f.Detail)
		default:
			return awswire.Errorf(status, "InvalidSignatureException", "%s", f.message())
		}
	}
}

// TooLargeError is the answer to a body over a service's limit. S3 answers
// EntityTooLarge; for the other protocols AWS's front ends answer 413, and
// the code name here is the sandbox's own (no AWS source names one).
func TooLargeError(p awswire.Protocol, detail string) *awswire.Error {
	if p == awswire.RestXML {
		return awswire.Errorf(400, "EntityTooLarge", "%s", s3TooLargeText)
	}
	return awswire.Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body too large: %s", detail)
}

func (f *Failure) message() string {
	if f.Kind == Expired {
		return "Signature expired: " + f.Detail
	}
	return badSigText
}

// IsSigned reports whether r carries a SigV4 Authorization header.
func IsSigned(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Authorization"), Algorithm+" ")
}

type parsedAuth struct {
	scope         Scope
	signedHeaders []string
	signature     string
}

// ParseScope reads the credential scope from r's Authorization header
// without verifying anything; the edge uses it to route by service.
func ParseScope(r *http.Request) (Scope, error) {
	a, err := parseAuth(r.Header.Get("Authorization"))
	if err != nil {
		return Scope{}, err
	}
	return a.scope, nil
}

func parseAuth(h string) (parsedAuth, error) {
	var a parsedAuth
	rest, ok := strings.CutPrefix(h, Algorithm+" ")
	if !ok {
		return a, &Failure{Kind: Missing, Detail: "no AWS4-HMAC-SHA256 authorization"}
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, &Failure{Kind: Malformed, Detail: fmt.Sprintf("Authorization header requires existence of 'Credential', 'SignedHeaders' and 'Signature' parameters; found %q", part)}
		}
		fields[k] = v
	}
	cred, sh, sig := fields["Credential"], fields["SignedHeaders"], fields["Signature"]
	if cred == "" || sh == "" || sig == "" {
		return a, &Failure{Kind: Malformed, Detail: "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters."}
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return a, &Failure{Kind: Malformed, Detail: "Credential should be scoped to a valid region, service and aws4_request."}
	}
	a.scope = Scope{AccessKeyID: parts[0], Date: parts[1], Region: parts[2], Service: parts[3]}
	a.signedHeaders = strings.Split(sh, ";")
	a.signature = sig
	return a, nil
}

// Verifier checks signatures against a fixed set of credentials.
type Verifier struct {
	Keys map[string]Credentials // by access key id
	// Now is the clock for the X-Amz-Date skew check. It is the wall clock
	// of the signer's world, not the sandbox's token clock, so tests can move
	// token time without breaking signed calls. Nil means time.Now.
	Now func() time.Time
	// Region is the sandbox's region: a credential scope naming another
	// region is refused, as AWS refuses it (IAM, a global service, is signed
	// for us-east-1 and accepted for it too). Empty accepts any region.
	Region string
}

// Verify checks r's signature. When the client sent the payload's hash
// (x-amz-content-sha256, which S3 clients always send) the signature is
// checked before any of the body is read, and the body is then hashed as
// the service reads it: reading past its end returns a BadPayload Failure
// if it does not match. Otherwise Verify reads and restores r.Body, at most
// MaxHashedBody of it. On success it returns the caller's identity.
func (v *Verifier) Verify(r *http.Request) (Identity, error) {
	a, err := parseAuth(r.Header.Get("Authorization"))
	if err != nil {
		return Identity{}, err
	}
	if !slices.ContainsFunc(a.signedHeaders, func(h string) bool { return strings.EqualFold(h, "host") }) {
		return Identity{}, &Failure{Kind: HostNotSigned, Detail: "host is not a signed header"}
	}
	if v.Region != "" && a.scope.Region != v.Region && (a.scope.Service != "iam" || a.scope.Region != GlobalServiceRegion) {
		return Identity{}, &Failure{Kind: WrongRegion, Detail: "credential scope region " + a.scope.Region, Region: v.Region, Scoped: a.scope.Region}
	}
	creds, ok := v.Keys[a.scope.AccessKeyID]
	if !ok {
		return Identity{}, &Failure{Kind: UnknownKey, Detail: "unknown access key " + a.scope.AccessKeyID}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil {
		return Identity{}, &Failure{Kind: Malformed, Detail: "missing or malformed X-Amz-Date"}
	}
	if amzDate[:8] != a.scope.Date {
		return Identity{}, &Failure{Kind: BadSignature, Detail: "credential scope date does not match X-Amz-Date"}
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	if d := now().Sub(t); d > MaxSkew || d < -MaxSkew {
		return Identity{}, &Failure{Kind: Expired, Detail: fmt.Sprintf("%s is outside the %s window of the server time", amzDate, MaxSkew)}
	}

	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	var streamHash string // the declared hash the body is checked against as it is read
	switch {
	case payloadHash == "":
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxHashedBody+1))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return Identity{}, &Failure{Kind: TooLarge, Detail: fmt.Sprintf("the limit is %d bytes", tooBig.Limit)}
			}
			return Identity{}, &Failure{Kind: Malformed, Detail: "read body: " + err.Error()}
		}
		if len(body) > MaxHashedBody {
			return Identity{}, &Failure{Kind: TooLarge, Detail: fmt.Sprintf("a body without x-amz-content-sha256 is limited to %d bytes", MaxHashedBody)}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	case isHexSHA256(payloadHash):
		streamHash = payloadHash
	}
	// Anything else (UNSIGNED-PAYLOAD, STREAMING-*) is signed as declared.

	canonical, err := canonicalRequest(r, a.signedHeaders, payloadHash, a.scope.Service == "s3")
	if err != nil {
		return Identity{}, err
	}
	scope := strings.Join([]string{a.scope.Date, a.scope.Region, a.scope.Service, "aws4_request"}, "/")
	ch := sha256.Sum256([]byte(canonical))
	stringToSign := Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(ch[:])
	key := SigningKey(creds.SecretAccessKey, a.scope.Date, a.scope.Region, a.scope.Service)
	want := hex.EncodeToString(hmacSHA256(key, []byte(stringToSign)))
	if !hmac.Equal([]byte(want), []byte(a.signature)) {
		return Identity{}, &Failure{Kind: BadSignature, Detail: "signature mismatch"}
	}
	if streamHash != "" {
		r.Body = &hashingBody{body: r.Body, want: streamHash, h: sha256.New()}
	}
	return Identity{AccessKeyID: creds.AccessKeyID, AccountID: creds.AccountID, Region: a.scope.Region, Service: a.scope.Service}, nil
}

func isHexSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// hashingBody hashes a body as it is read and, at its end, reports a
// BadPayload Failure instead of io.EOF when the hash is not the one the
// client signed.
type hashingBody struct {
	body io.ReadCloser
	want string
	h    hash.Hash
}

func (b *hashingBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	b.h.Write(p[:n])
	if err == io.EOF && hex.EncodeToString(b.h.Sum(nil)) != b.want {
		return n, &Failure{Kind: BadPayload, Detail: "payload hash mismatch"}
	}
	return n, err
}

func (b *hashingBody) Close() error { return b.body.Close() }

// SigningKey derives the SigV4 signing key.
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte("aws4_request"))
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

// canonicalRequest rebuilds the canonical request from the raw request URI,
// so percent-encoded ARNs in paths are signed as the client sent them.
func canonicalRequest(r *http.Request, signed []string, payloadHash string, s3 bool) (string, error) {
	rawPath := r.URL.EscapedPath()
	if ru := r.RequestURI; ru != "" && !strings.HasPrefix(ru, "http") {
		rawPath, _, _ = strings.Cut(ru, "?")
	}
	if rawPath == "" {
		rawPath = "/"
	}
	uri := rawPath
	if !s3 {
		// Every service but S3 signs the path escaped once more.
		uri = escapePath(rawPath, false)
	}

	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", &Failure{Kind: Malformed, Detail: "malformed query string"}
	}
	for k := range q {
		sort.Strings(q[k])
	}
	query := strings.ReplaceAll(q.Encode(), "+", "%20")

	var hb strings.Builder
	sort.Strings(signed)
	for _, name := range signed {
		name = strings.ToLower(name)
		var val string
		switch name {
		case "host":
			val = r.Host
		case "content-length":
			val = strconv.FormatInt(r.ContentLength, 10)
		default:
			vals := r.Header.Values(name)
			for i := range vals {
				vals[i] = strings.Join(strings.Fields(vals[i]), " ")
			}
			val = strings.Join(vals, ",")
		}
		hb.WriteString(name + ":" + val + "\n")
	}
	return strings.Join([]string{r.Method, uri, query, hb.String(), strings.Join(signed, ";"), payloadHash}, "\n"), nil
}

func escapePath(p string, encodeSep bool) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') ||
			c == '-' || c == '.' || c == '_' || c == '~' || (c == '/' && !encodeSep) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

type ctxKey struct{}

// WithIdentity returns ctx carrying a verified identity.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// FromContext returns the verified identity of the request, if it was signed.
func FromContext(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(ctxKey{}).(Identity)
	return id, ok
}
