// Package egress is the sandbox's outbound HTTP policy. The sandbox fetches
// things on a caller's say-so: OIDC discovery and JWKS at a token's or a
// runtime's issuer, a credential provider's token endpoint. On a sandbox a
// room shares, "any URL a learner names" would let one learner make the
// facilitator's machine call its loopback-only services (and post client
// secrets to them). So outbound requests go only to the sandbox's own
// address (the issuers it hosts), plus hosts the facilitator allows with
// `sandbox serve --allow-outbound`.
//
// The check sits in the client's transport, so it holds for every hop of a
// redirect too, and every answer's body is capped: nothing read from
// outside is larger than MaxBodyBytes.
package egress

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxBodyBytes caps every body read from outside (discovery documents,
// key sets, token responses are all a few KiB).
const MaxBodyBytes = 1 << 20

// ErrNotAllowed is what a refused request fails with.
var ErrNotAllowed = errors.New("outbound host not allowed")

// ErrBodyTooLarge is what reading past MaxBodyBytes fails with.
var ErrBodyTooLarge = fmt.Errorf("response body exceeds %d bytes", MaxBodyBytes)

// Policy says which hosts the sandbox may call. Build it with New; a nil
// *Policy places no limit (what a package's own unit tests get when they
// build a client without one).
type Policy struct {
	self  string          // the sandbox's own host:port
	hosts map[string]bool // allowed host:port
	names map[string]bool // allowed host names, any port
}

// New returns the policy of a sandbox reached at selfURL (its edge or
// public URL) that also allows extra: "host" (any port) or "host:port"
// entries, as given to --allow-outbound; a URL stands for its host and
// (default) port.
func New(selfURL string, extra []string) *Policy {
	p := &Policy{hosts: map[string]bool{}, names: map[string]bool{}}
	if u, err := url.Parse(selfURL); err == nil && u.Host != "" {
		p.self = hostPort(u)
		p.hosts[p.self] = true
	}
	for _, h := range extra {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		if u, err := url.Parse(h); err == nil && u.Host != "" { // a URL: its host and port
			p.hosts[hostPort(u)] = true
			continue
		}
		if _, _, err := net.SplitHostPort(h); err == nil {
			p.hosts[h] = true
		} else {
			p.names[strings.Trim(h, "[]")] = true
		}
	}
	return p
}

// ParseList splits a comma-separated --allow-outbound value.
func ParseList(s string) []string {
	var out []string
	for _, h := range strings.Split(s, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}

func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return strings.ToLower(net.JoinHostPort(u.Hostname(), port))
}

// Allows reports whether a request to raw may go out: an http or https URL
// whose host is the sandbox's own or one the facilitator allowed. A nil
// policy allows everything (no policy configured).
func (p *Policy) Allows(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return p.allowsURL(u)
}

func (p *Policy) allowsURL(u *url.URL) bool {
	if p == nil {
		return true
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return false
	}
	return p.hosts[hostPort(u)] || p.names[strings.ToLower(u.Hostname())]
}

// Refusal explains, for an AWS error message, why url may not be called.
func (p *Policy) Refusal(what, raw string) string {
	host := raw
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		host = u.Host
	}
	return fmt.Sprintf("The %s is on %s, which is not this sandbox (%s); the sandbox calls only the issuers it hosts. A facilitator can allow other hosts with `agentcore-workshop sandbox serve --allow-outbound HOST[,HOST]`.", what, trunc(host, 100), p.self)
}

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Client returns an HTTP client that enforces p and caps every body.
func (p *Policy) Client(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &transport{p: p, next: http.DefaultTransport}}
}

type transport struct {
	p    *Policy
	next http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.p.allowsURL(req.URL) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("%w: %s", ErrNotAllowed, trunc(req.URL.Host, 100))
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &capped{r: resp.Body, left: MaxBodyBytes}
	return resp, nil
}

// capped fails a read past its limit rather than truncating silently: a
// truncated document would fail to parse anyway, with a worse reason.
type capped struct {
	r    io.ReadCloser
	left int64
}

func (c *capped) Read(b []byte) (int, error) {
	if c.left <= 0 {
		// One byte more tells a body of exactly the limit from a longer one.
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			return 0, ErrBodyTooLarge
		}
		if err == nil {
			err = io.EOF
		}
		return 0, err
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.r.Read(b)
	c.left -= int64(n)
	return n, err
}

func (c *capped) Close() error { return c.r.Close() }
