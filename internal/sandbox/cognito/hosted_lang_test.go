package cognito_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"agentcore-workshop/internal/i18n/i18ntest"
)

// The hosted pages speak the browser's language (Accept-Language) or the
// one the lang parameter names, as Cognito's managed login does, and fall
// back to English; a wrong password is answered in the same language.
func TestHostedPagesSpeakTheLearnersLanguage(t *testing.T) {
	h := start(t).hostedFixture(t)
	q := url.Values{"client_id": {h.clientID}, "response_type": {"code"}, "redirect_uri": {callback}, "scope": {"openid"}, "state": {"s1"}}
	get := func(q url.Values, acceptLang string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, h.iss+"/oauth2/authorize?"+q.Encode(), nil)
		if acceptLang != "" {
			req.Header.Set("Accept-Language", acceptLang)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	withLang := url.Values{"lang": {"ko"}}
	for k, v := range q {
		withLang[k] = v
	}
	for _, c := range []struct {
		name, accept string
		q            url.Values
		want, not    []string
	}{
		{"default", "", q, []string{`<html lang="en">`, ">Sign in<", ">Username<"}, []string{"로그인"}},
		{"accept-language", "ko-KR,ko;q=0.9,en;q=0.5", q, []string{`<html lang="ko">`, ">로그인<", ">사용자 이름<", ">비밀번호<"}, []string{">Sign in<"}},
		{"english preferred", "en-US,ko;q=0.3", q, []string{`<html lang="en">`}, []string{"로그인"}},
		{"lang parameter", "en-US", withLang, []string{`<html lang="ko">`, ">로그인<", `name="lang" value="ko"`}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			page := get(c.q, c.accept)
			for _, w := range c.want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q:\n%s", w, page)
				}
			}
			for _, n := range c.not {
				if strings.Contains(page, n) {
					t.Errorf("page has %q:\n%s", n, page)
				}
			}
		})
	}
	// A wrong password, posted from the Korean page, is refused in Korean.
	resp := h.login(t, withLang, "wrong-password")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "사용자 이름 또는 비밀번호가 올바르지 않습니다.") {
		t.Errorf("wrong password in Korean: %d %s", resp.StatusCode, body)
	}
	// So is an error page.
	bad := url.Values{"client_id": {"nope"}, "response_type": {"code"}}
	if page := get(bad, "ko"); !strings.Contains(page, "client_id가 없거나") || !strings.Contains(page, `<html lang="ko">`) {
		t.Errorf("Korean error page:\n%s", page)
	}
}

// Every message the hosted pages show has its Korean.
func TestHostedMessagesAreTranslated(t *testing.T) { i18ntest.AssertTranslated(t, ".", 12) }
