package cognito_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// loginForm opens the login page for q and returns its CSRF field, its
// cookies and its headers.
func (h hosted) loginForm(t *testing.T, q url.Values) (string, []*http.Cookie, http.Header) {
	t.Helper()
	resp, err := noRedirect.Get(h.iss + "/oauth2/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authorize page %d: %s", resp.StatusCode, page)
	}
	return csrfOf(t, string(page)), resp.Cookies(), resp.Header
}

// post submits the login form and returns the status, the redirect and
// the page.
func (h hosted) post(t *testing.T, q url.Values, password, csrf string, cookies []*http.Cookie) (int, string, string) {
	t.Helper()
	form := url.Values{"username": {h.username}, "password": {password}}
	if csrf != "" {
		form.Set("_csrf", csrf)
	}
	for k, v := range q {
		form[k] = v
	}
	req, _ := http.NewRequest(http.MethodPost, h.iss+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(page)
}

func authorizeQuery(h hosted) url.Values {
	return url.Values{"client_id": {h.clientID}, "response_type": {"code"}, "redirect_uri": {callback}, "scope": {"openid"}, "state": {"s"}}
}

// A login POST is refused unless it carries the _csrf field and the
// XSRF-TOKEN cookie of a page this sandbox served, equal to each other.
func TestHostedLoginNeedsCSRFToken(t *testing.T) {
	e := start(t)
	h := e.hostedFixture(t)
	q := authorizeQuery(h)
	csrf, cookies, hdr := h.loginForm(t, q)
	if len(cookies) != 1 || cookies[0].Name != "XSRF-TOKEN" || cookies[0].Value != csrf || !cookies[0].HttpOnly {
		t.Fatalf("login page cookies %+v, want XSRF-TOKEN = the _csrf field", cookies)
	}
	if hdr.Get("X-Frame-Options") != "DENY" {
		t.Errorf("login page X-Frame-Options %q, want DENY", hdr.Get("X-Frame-Options"))
	}

	forged := []*http.Cookie{{Name: "XSRF-TOKEN", Value: "forged-token-forged-token"}}
	other, otherCookies, _ := h.loginForm(t, q)
	for name, tc := range map[string]struct {
		csrf    string
		cookies []*http.Cookie
	}{
		"no field, no cookie":           {"", nil},
		"cookie but no field":           {"", cookies},
		"field but no cookie":           {csrf, nil},
		"field and cookie differ":       {csrf, otherCookies},
		"a pair the sandbox never made": {"forged-token-forged-token", forged},
	} {
		status, loc, page := h.post(t, q, h.password, tc.csrf, tc.cookies)
		if status != http.StatusForbidden || loc != "" || !strings.Contains(page, `name="_csrf"`) {
			t.Errorf("%s: HTTP %d, Location %q", name, status, loc)
		}
	}
	if status, loc, _ := h.post(t, q, h.password, other, otherCookies); status != http.StatusFound || !strings.Contains(loc, "code=") {
		t.Fatalf("with the token: HTTP %d, Location %q", status, loc)
	}
}

// The brute force: 300 wrong passwords, then the right one. After
// five failures the user is locked out and even the right password gets
// "Password attempts exceeded"; the lockout doubles per failure after it.
func TestHostedLoginThrottlesFailures(t *testing.T) {
	e := start(t)
	h := e.hostedFixture(t)
	q := authorizeQuery(h)
	csrf, cookies, _ := h.loginForm(t, q)

	exceeded := 0
	for i := range 300 {
		status, loc, page := h.post(t, q, "Wrong-password-1!", csrf, cookies)
		if status != http.StatusBadRequest || loc != "" {
			t.Fatalf("attempt %d: HTTP %d, Location %q", i, status, loc)
		}
		switch {
		case strings.Contains(page, "Password attempts exceeded"):
			exceeded++
		case !strings.Contains(page, "Incorrect username or password."):
			t.Fatalf("attempt %d: page %s", i, page)
		}
	}
	if exceeded != 295 {
		t.Errorf("%d of 300 attempts were refused as exceeded, want all after the first 5", exceeded)
	}
	status, loc, page := h.post(t, q, h.password, csrf, cookies)
	if status != http.StatusBadRequest || loc != "" || !strings.Contains(page, "Password attempts exceeded") {
		t.Fatalf("right password during the lockout: HTTP %d, Location %q", status, loc)
	}

	// The lockout (1 s after 5 failures; attempts during it do not count)
	// passes; one more failure locks for 2 s.
	e.clock.Advance(1100 * time.Millisecond)
	if _, _, page := h.post(t, q, "Wrong-password-1!", csrf, cookies); !strings.Contains(page, "Incorrect username or password.") {
		t.Fatalf("after the lockout: %s", page)
	}
	e.clock.Advance(1500 * time.Millisecond)
	if _, _, page := h.post(t, q, h.password, csrf, cookies); !strings.Contains(page, "Password attempts exceeded") {
		t.Fatal("the sixth failure did not lock for 2 s")
	}
	e.clock.Advance(600 * time.Millisecond)
	if status, loc, _ := h.post(t, q, h.password, csrf, cookies); status != http.StatusFound || !strings.Contains(loc, "code=") {
		t.Fatalf("right password after the lockout: HTTP %d, Location %q", status, loc)
	}
	// A success resets the count: the next failure is not locked out.
	if _, _, page := h.post(t, q, "Wrong-password-1!", csrf, cookies); !strings.Contains(page, "Incorrect username or password.") {
		t.Fatal("the count did not reset after a successful sign-in")
	}
}

// PKCE as Cognito has it: S256 only.
func TestHostedAuthorizeRefusesPlainPKCE(t *testing.T) {
	e := start(t)
	h := e.hostedFixture(t)
	for name, extra := range map[string]url.Values{
		"plain":                {"code_challenge": {"a-verifier-that-is-long-enough-for-pkce-0123456789"}, "code_challenge_method": {"plain"}},
		"no method":            {"code_challenge": {"a-verifier-that-is-long-enough-for-pkce-0123456789"}},
		"method, no challenge": {"code_challenge_method": {"S256"}},
	} {
		q := authorizeQuery(h)
		for k, v := range extra {
			q[k] = v
		}
		resp, err := noRedirect.Get(h.iss + "/oauth2/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || loc == nil || loc.Query().Get("error") != "invalid_request" || loc.Query().Get("state") != "s" {
			t.Errorf("%s: HTTP %d, Location %q", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}
