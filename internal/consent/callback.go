package consent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// The workshop's return URL: where AgentCore Identity sends the browser
// after the user consents at the provider, when the session was started
// with a resourceOauth2ReturnUrl (session binding). The browser arrives with
// ?session_id=<session URI>; the application checks that it started that
// session and calls CompleteResourceTokenAuth for its signed-in user. Only
// then does AgentCore Identity store the token (devguide
// "oauth2-authorization-url-session-binding"). This mirrors the starter
// toolkit's callback server (bedrock-agentcore-starter-toolkit 0.3.10,
// operations/identity/oauth2_callback_server.py): GET /oauth2/callback,
// 400 {"message":"missing session_id query parameter"} without the
// parameter, CompleteResourceTokenAuth otherwise.

// BindFunc completes a session for the workshop's user: the caller's
// CompleteResourceTokenAuth with the user identifier that started it.
type BindFunc func(ctx context.Context, sessionURI string) error

// bindTimeout bounds the CompleteResourceTokenAuth call a browser waits on.
const bindTimeout = 30 * time.Second

// Callback is a one-shot return-URL server on loopback: it completes the
// first session the workshop expects and then refuses every other visit.
type Callback struct {
	URL string // the return URL it serves

	path string
	bind BindFunc
	srvs []*http.Server

	mu     sync.Mutex
	armed  bool   // a consent is in progress: until then every visit is refused
	expect string // the session URI the workshop started; "" takes any
	used   bool
	done   chan struct{}
	got    string // the session URI bound (or tried)
	err    error  // the bind's error
}

// LoopbackURL reports whether u is an http URL on this machine, the only
// place the workshop listens.
func LoopbackURL(u *url.URL) bool {
	if u.Scheme != "http" {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Listen starts serving returnURL, which must be a loopback http URL with a
// port. A "localhost" URL is served on 127.0.0.1 and, when this machine
// has it, [::1] too: a browser may resolve localhost to either.
func Listen(ctx context.Context, returnURL string, bind BindFunc) (*Callback, error) {
	u, err := url.Parse(returnURL)
	if err != nil || !LoopbackURL(u) || u.Port() == "" {
		return nil, fmt.Errorf("return URL %q is not an http URL on loopback with a port", returnURL)
	}
	c := &Callback{URL: returnURL, path: u.EscapedPath(), bind: bind, done: make(chan struct{})}
	if c.path == "" {
		c.path = "/"
	}
	hosts := []string{u.Hostname()}
	if u.Hostname() == "localhost" {
		hosts = []string{"127.0.0.1", "::1"}
	}
	var lc net.ListenConfig
	for i, h := range hosts {
		ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(h, u.Port()))
		if err != nil {
			if i > 0 {
				continue // no IPv6 loopback here: 127.0.0.1 serves
			}
			return nil, fmt.Errorf("serve the return URL %s: %w (another program holds port %s)", returnURL, err, u.Port())
		}
		srv := &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second}
		c.srvs = append(c.srvs, srv)
		go srv.Serve(ln)
	}
	return c, nil
}

// Expect arms the server for the session the workshop started: only a
// browser bringing that session_id is completed. "" (the authorization URL
// named no session) takes any session; CompleteResourceTokenAuth still
// refuses one that another user started.
func (c *Callback) Expect(sessionURI string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armed, c.expect = true, sessionURI
}

// Done is closed once a browser brought the expected session and the bind
// ran; Result then says how it went.
func (c *Callback) Done() <-chan struct{} { return c.done }

// Result is the session bound and the bind's error, once Done is closed.
func (c *Callback) Result() (sessionURI string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.got, c.err
}

// Close stops serving.
func (c *Callback) Close() error {
	var errs []error
	for _, s := range c.srvs {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}

func (c *Callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.EscapedPath() != c.path {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	session := r.URL.Query().Get("session_id")
	if session == "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"message": "missing session_id query parameter"})
		return
	}
	c.mu.Lock()
	used := c.used
	ours := c.armed && (c.expect == "" || session == c.expect)
	if !used && ours {
		c.used = true
	}
	c.mu.Unlock()
	switch {
	case used:
		page(w, http.StatusGone, "Already used", "This return URL completed a consent already. Ask the agent again if you need a new one.", true)
		return
	case !ours:
		// Session binding's point: a session this workshop did not start
		// (a link someone else sent, an old tab) is never completed.
		page(w, http.StatusBadRequest, "Not this workshop's consent", "This session was not started by the consent the workshop is waiting for, so it was not completed.", true)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), bindTimeout)
	err := c.bind(ctx, session)
	cancel()
	c.mu.Lock()
	c.got, c.err = session, err
	c.mu.Unlock()
	close(c.done)
	if err != nil {
		page(w, http.StatusBadGateway, "Session binding failed", "CompleteResourceTokenAuth failed: "+err.Error(), true)
		return
	}
	page(w, http.StatusOK, "Consent complete",
		"Consent complete, you can close this window. The workshop bound the session to you (CompleteResourceTokenAuth): AgentCore Identity now keeps the token for the agent, for you alone.", false)
}

var callbackPage = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}
.error{color:#b00020}.note{color:#555;font-size:.8rem;margin-top:2rem}</style></head>
<body>
<h1>{{.Title}}</h1>
<p id="{{if .Failed}}error{{else}}message{{end}}" class="{{if .Failed}}error{{else}}message{{end}}">{{.Message}}</p>
<p class="note">agentcore-workshop · return URL</p>
</body>
</html>
`))

func page(w http.ResponseWriter, status int, title, msg string, failed bool) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	callbackPage.Execute(w, struct {
		Title, Message string
		Failed         bool
	}{title, msg, failed})
}

// SessionOf returns the session URI an AgentCore Identity authorization URL
// carries (its request_uri parameter), or "".
func SessionOf(authorizationURL string) string {
	u, err := url.Parse(authorizationURL)
	if err != nil {
		return ""
	}
	s := u.Query().Get("request_uri")
	if !strings.HasPrefix(s, "urn:ietf:params:oauth:request_uri:") {
		return ""
	}
	return s
}
