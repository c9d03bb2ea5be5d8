package steps_test

import (
	"context"
	"strings"
	"testing"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/steps"
	"agentcore-workshop/steps/engine"
)

// Under --lang ko break-it explains itself in Korean: the experiments'
// titles and the rules each refusal broke, in its log and its results,
// and why the runtime answered a token the learner tries.
// AWS's own codes and messages stay as AWS wrote them.
func TestBreakItTranslatedIntoKorean(t *testing.T) {
	a := openWith(t, app.Options{Lang: "ko"})
	if err := a.Runner.RunUntil(context.Background(), "break-it"); err != nil {
		t.Fatal(err)
	}
	st := stageState(t, a, "break-it")
	if st.Status != engine.Succeeded {
		t.Fatalf("break-it %s: %s", st.Status, st.Err)
	}
	lines, err := a.Runner.LastLog("break-it")
	if err != nil {
		t.Fatal(err)
	}
	shown := lines
	for _, v := range st.Result.Values {
		shown = append(shown, v.Name, v.Value)
	}
	text := strings.Join(shown, "\n")
	ko := i18n.For("ko")
	for _, en := range steps.BreakItMessages() {
		if ko.T(en) == en {
			continue // the same in both ("alg=none")
		}
		if strings.Contains(text, en) {
			t.Errorf("English left in the Korean output: %q", en)
		}
	}
	for name, want := range map[string][]string{
		"1. 토큰 없음":  {"거부됨 · 401 UnauthorizedException · Missing bearer token", "\n규칙: JWT 런타임은 모든 호출에 `Authorization: Bearer <액세스 토큰>` 헤더가 있어야 합니다"},
		"3. ID 토큰":  {"거부됨 · 403 AccessDeniedException", "\n규칙: 런타임에는 액세스 토큰이 필요합니다."},
		"9. 올바른 토큰": {"허용됨 · 200 · "},
	} {
		got := resultValue(t, st, name)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s = %q, want it to hold %q", name, got, w)
			}
		}
	}
	if got := resultValue(t, st, steps.BreakItRefusals); got != "요청 8개 중 8개가 예상대로 거부되었습니다" {
		t.Errorf("refusals = %q", got)
	}
	if !strings.Contains(text, "refused UnauthorizedException: 토큰 없음: JWT 런타임은") {
		t.Errorf("the log's refusal line is not in Korean:\n%s", strings.Join(lines, "\n"))
	}

	// The learner's own tokens (try-token, the p key) are explained in
	// Korean too; the refused/accepted prefixes stay for scripts.
	for _, c := range []struct{ token, want string }{
		{"", "refused UnauthorizedException: 토큰 없음: JWT 런타임에는 Authorization: Bearer <액세스 토큰> 헤더가 필요합니다"},
		{secretOf(t, a.Session, "break-it", "3. ID 토큰 · 토큰"), "refused AccessDeniedException: ID 토큰: 런타임에는 액세스 토큰이 필요합니다."},
		{secretOf(t, a.Session, "break-it", "9. 올바른 토큰 · 토큰"), "accepted: 서명, 발급자, 만료 시각, 클라이언트 확인을 모두 통과했습니다"},
	} {
		if _, why, err := steps.TryToken(context.Background(), a.Env, c.token); err != nil || !strings.HasPrefix(why, c.want) {
			t.Errorf("TryToken = %q, %v; want %q", why, err, c.want)
		}
	}
}
