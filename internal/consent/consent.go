// Package consent plays the learner's browser through the sandbox's 3LO
// consent: it opens an AgentCore Identity authorization URL, signs in on
// the sandbox Cognito's hosted login form and follows the redirects back
// through the AgentCore callback.
//
// It works against the offline sandbox only. Amazon Cognito's real hosted
// UI (and any other real identity provider) renders its sign-in page with
// scripts and sometimes MFA, which a form-filling HTTP client must not try
// to imitate (the sandbox's form carries a CSRF token, which Run returns as
// a browser does: the hidden _csrf field with the XSRF-TOKEN cookie); on real AWS the learner uses a real browser. As
// a guard, the password is only ever posted to the host that served the
// authorization URL (the sandbox serves AgentCore and Cognito on one edge).
package consent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// maxHops bounds the redirects followed in each leg of the flow.
const maxHops = 10

// Result is where the browser ended up.
type Result struct {
	// FinalURL is the last URL visited: the AgentCore callback when the
	// session has no return URL, else the application's return URL (whose
	// session_id parameter goes to CompleteResourceTokenAuth).
	FinalURL *url.URL
	Status   int
	Page     string // text of the final page, without markup
}

// Complete opens authorizationURL, signs in as username with password on the
// sandbox's hosted login form and follows the redirects to the end. It
// returns nil when the final page is a success (2xx), else an error naming
// the step that failed and the page's message (for example the login form's
// "Incorrect username or password.").
//
// client supplies the transport and cookie jar; its redirect policy is not
// used (Complete follows redirects itself, to see each hop).
func Complete(ctx context.Context, client *http.Client, authorizationURL, username, password string) error {
	_, err := Run(ctx, client, authorizationURL, username, password)
	return err
}

// Run is Complete, also reporting where the browser ended up, which a flow
// with a resourceOauth2ReturnUrl needs (the session_id it carries). When
// the return URL is not served (nothing listens there), Run stops in front
// of it and reports it as FinalURL with Status 0 rather than failing.
func Run(ctx context.Context, client *http.Client, authorizationURL, username, password string) (*Result, error) {
	if client == nil {
		client = http.DefaultClient
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if c.Jar == nil {
		// A browser keeps cookies: the login form's CSRF token comes back
		// as the XSRF-TOKEN cookie beside the form's _csrf field.
		jar, err := cookiejar.New(nil)
		if err != nil {
			return nil, fmt.Errorf("consent: cookie jar: %w", err)
		}
		c.Jar = jar
	}
	start, err := url.Parse(authorizationURL)
	if err != nil || (start.Scheme != "http" && start.Scheme != "https") || start.Host == "" {
		return nil, fmt.Errorf("consent: %q is not an http(s) authorization URL", authorizationURL)
	}

	// Leg 1: authorization URL → AgentCore authorize → Cognito login form.
	page, err := follow(ctx, &c, http.MethodGet, start, nil, start.Host)
	if err != nil {
		return nil, fmt.Errorf("consent: open authorization URL: %w", err)
	}
	if page.status != http.StatusOK {
		return nil, fmt.Errorf("consent: authorization URL answered HTTP %d: %s", page.status, page.message())
	}
	form, err := loginForm(page.doc)
	if err != nil {
		return nil, fmt.Errorf("consent: at %s: %w", page.url.Redacted(), err)
	}
	action, err := page.url.Parse(form.action)
	if err != nil {
		return nil, fmt.Errorf("consent: login form action %q: %w", form.action, err)
	}
	if action.Host != start.Host {
		return nil, fmt.Errorf("consent: refusing to send the password to %s: the login form is not on the sandbox (%s)", action.Host, start.Host)
	}
	form.values.Set("username", username)
	form.values.Set("password", password)

	// Leg 2: POST the form → code redirect → AgentCore callback → (return URL).
	page, err = follow(ctx, &c, http.MethodPost, action, form.values, start.Host)
	if err != nil {
		return nil, fmt.Errorf("consent: after signing in: %w", err)
	}
	res := &Result{FinalURL: page.url, Status: page.status, Page: page.text()}
	switch {
	case page.unreached:
		return res, nil
	case page.status >= 200 && page.status < 300:
		if page.isLogin() {
			return res, fmt.Errorf("consent: sign-in refused: %s", page.message())
		}
		return res, nil
	case page.isLogin():
		return res, fmt.Errorf("consent: sign-in refused (HTTP %d): %s", page.status, page.message())
	default:
		return res, fmt.Errorf("consent: %s answered HTTP %d: %s", page.url.Redacted(), page.status, page.message())
	}
}

// visited is one page the browser landed on.
type visited struct {
	url       *url.URL
	status    int
	doc       *html.Node // nil when the body is not HTML
	body      string
	unreached bool // a redirect pointed off the sandbox and nothing answered there
}

// follow sends one request and follows redirects (as GETs, like a browser
// after a 302) until a page answers.
func follow(ctx context.Context, c *http.Client, method string, u *url.URL, form url.Values, sandboxHost string) (*visited, error) {
	for hop := 0; hop <= maxHops; hop++ {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
		if err != nil {
			return nil, fmt.Errorf("build request for %s: %w", u.Redacted(), err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("Accept", "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8")
		resp, err := c.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if u.Host != sandboxHost && hop > 0 {
				// The application's return URL is not served: a real
				// browser would show an error there; the consent itself
				// went through, and the URL carries the session id.
				return &visited{url: u, unreached: true}, nil
			}
			return nil, fmt.Errorf("%s %s: %w", method, u.Redacted(), err)
		}
		raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", u.Redacted(), err)
		}
		if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
			next, err := u.Parse(loc)
			if err != nil {
				return nil, fmt.Errorf("redirect from %s to %q: %w", u.Redacted(), loc, err)
			}
			u, method, form = next, http.MethodGet, nil
			continue
		}
		v := &visited{url: u, status: resp.StatusCode, body: string(raw)}
		if strings.Contains(resp.Header.Get("Content-Type"), "html") {
			if doc, err := html.Parse(strings.NewReader(v.body)); err == nil {
				v.doc = doc
			}
		}
		return v, nil
	}
	return nil, fmt.Errorf("more than %d redirects from %s", maxHops, u.Redacted())
}

// form is the hosted login form.
type form struct {
	action string
	values url.Values
}

// loginForm finds the form with a password field and collects its fields.
func loginForm(doc *html.Node) (*form, error) {
	if doc == nil {
		return nil, errors.New("the page is not HTML, so there is no login form")
	}
	var found *form
	walk(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode || n.Data != "form" {
			return true
		}
		f := &form{action: attr(n, "action"), values: url.Values{}}
		hasPassword := false
		walk(n, func(in *html.Node) bool {
			if in.Type == html.ElementNode && in.Data == "input" {
				name := attr(in, "name")
				switch strings.ToLower(attr(in, "type")) {
				case "password":
					hasPassword = true
				case "hidden", "text", "":
					if name != "" {
						f.values.Set(name, attr(in, "value"))
					}
				}
			}
			return true
		})
		if hasPassword && found == nil {
			found = f
		}
		return false
	})
	if found == nil {
		return nil, errors.New("no login form (a form with a password field) on the page")
	}
	return found, nil
}

// isLogin reports whether the page is the login form again (a refusal).
func (v *visited) isLogin() bool {
	_, err := loginForm(v.doc)
	return err == nil
}

// message is the page's error text: the element with id "error" when there
// is one (the sandbox's login and error pages mark it so), else the page
// text, shortened.
func (v *visited) message() string {
	if v.doc != nil {
		var msg string
		walk(v.doc, func(n *html.Node) bool {
			if msg == "" && n.Type == html.ElementNode && attr(n, "id") == "error" {
				msg = strings.TrimSpace(textOf(n))
				return false
			}
			return msg == ""
		})
		if msg != "" {
			return msg
		}
	}
	t := v.text()
	if len(t) > 300 {
		t = t[:300] + "…"
	}
	if t == "" {
		return "(empty page)"
	}
	return t
}

// text is the page's visible text, whitespace collapsed.
func (v *visited) text() string {
	if v.doc == nil {
		return strings.Join(strings.Fields(v.body), " ")
	}
	var body *html.Node
	walk(v.doc, func(n *html.Node) bool {
		if body == nil && n.Type == html.ElementNode && n.Data == "body" {
			body = n
		}
		return body == nil
	})
	if body == nil {
		body = v.doc
	}
	return strings.Join(strings.Fields(textOf(body)), " ")
}

func textOf(n *html.Node) string {
	var sb strings.Builder
	walk(n, func(c *html.Node) bool {
		if c.Type == html.ElementNode && (c.Data == "script" || c.Data == "style") {
			return false
		}
		if c.Type == html.TextNode {
			sb.WriteString(c.Data)
			sb.WriteByte(' ')
		}
		return true
	})
	return sb.String()
}

// walk visits n and its descendants depth first; visit returns false to
// skip a node's children.
func walk(n *html.Node, visit func(*html.Node) bool) {
	if !visit(n) {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, visit)
	}
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}
