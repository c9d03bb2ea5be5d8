package ui

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/steps/engine"
)

const (
	testPoolIss  = "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_AbCdEf123"
	testClientID = "7abc123def456ghi789jkl0mno"
)

// makeJWT builds a compact JWT with the given header and claims. The
// signature segment is a placeholder: the inspector decodes, it never
// verifies.
func makeJWT(t *testing.T, header, claims map[string]any) string {
	t.Helper()
	enc := func(v map[string]any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(header) + "." + enc(claims) + "." + base64.RawURLEncoding.EncodeToString([]byte("not-a-real-signature"))
}

// accessToken is shaped like a Cognito access token issued a minute before
// t0 and valid for an hour.
func accessToken(t *testing.T) string {
	return makeJWT(t, map[string]any{"kid": "sandbox-key-1", "alg": "RS256"}, map[string]any{
		"sub":        "3f6c1d2e-5a7b-4c8d-9e0f-112233445566",
		"iss":        testPoolIss,
		"client_id":  testClientID,
		"token_use":  "access",
		"scope":      "aws.cognito.signin.user.admin",
		"auth_time":  t0.Add(-time.Minute).Unix(),
		"iat":        t0.Add(-time.Minute).Unix(),
		"exp":        t0.Add(59 * time.Minute).Unix(),
		"jti":        "a1b2c3d4-0000-4000-8000-000000000001",
		"origin_jti": "a1b2c3d4-0000-4000-8000-000000000002",
		"event_id":   "e0e0e0e0-0000-4000-8000-000000000003",
		"username":   "learner",
	})
}

func idToken(t *testing.T) string {
	return makeJWT(t, map[string]any{"kid": "sandbox-key-1", "alg": "RS256"}, map[string]any{
		"sub":              "3f6c1d2e-5a7b-4c8d-9e0f-112233445566",
		"iss":              testPoolIss,
		"aud":              testClientID,
		"token_use":        "id",
		"cognito:username": "learner",
		"email":            "learner@example.com",
		"iat":              t0.Add(-time.Minute).Unix(),
		"exp":              t0.Add(59 * time.Minute).Unix(),
	})
}

// tokenEngine has stage 1 finished with a secret token result, and the
// stage ids numbered as in the workshop (invoke-with-token is stage 7).
func tokenEngine(raw string) *fakeEngine {
	eng := newFakeEngine()
	eng.set("invoke-with-token", func(s *engine.StageState) { s.Index = 7 })
	eng.set("provision-cognito", func(s *engine.StageState) {
		s.Status, s.Elapsed = engine.Succeeded, 3*time.Second
		s.Result.Values = []engine.Value{
			{Name: "RUNTIME_POOL_ID", Value: "us-west-2_AbCdEf123"},
			{Name: "ACCESS_TOKEN", Secret: true, Kind: engine.KindToken},
		}
	})
	if raw != "" {
		eng.secrets["provision-cognito/ACCESS_TOKEN"] = raw
	}
	return eng
}

func keyEsc() tea.KeyPressMsg { return tea.KeyPressMsg{Code: tea.KeyEscape} }

func TestInspectorReadsTokenInACmdAndExplainsIt(t *testing.T) {
	raw := accessToken(t)
	eng := tokenEngine(raw)
	h := onFirst(newHarness(t, eng, 120, 34))

	if v := plain(h); !strings.Contains(v, "t token") || !strings.Contains(v, "(v to show · t to inspect)") {
		t.Errorf("a stage with a token does not offer t:\n%s", v)
	}

	nm, cmd := h.m.Update(keyRune('t'))
	h.m = nm.(Model)
	if !h.m.insp.open || !h.m.insp.loading {
		t.Fatalf("t did not open the inspector in its loading state: %+v", h.m.insp)
	}
	if eng.reads != 0 {
		t.Fatal("the secret was read inside Update")
	}
	if !strings.Contains(plain(h), "reading the token…") {
		t.Errorf("loading overlay missing:\n%s", plain(h))
	}
	h.exec(cmd)
	if eng.reads != 1 {
		t.Fatalf("Secret calls = %d, want 1", eng.reads)
	}

	v := plain(h)
	for _, want := range []string{
		"ACCESS_TOKEN · stage 1 Provision Cognito",
		"access token · no aud: the runtime's allowedClients checks client_id",
		"expiry  59m left",
		"alg", "RS256", "kid", "sandbox-key-1",
		"client_id", testClientID, "which app client asked for the token",
		"iss", testPoolIss,
		"Raw token  ••••••  hidden: press v to show it",
		"esc/t/q close",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("inspector lacks %q:\n%s", want, v)
		}
	}
	claims := strings.Split(raw, ".")[1]
	if strings.Contains(v, claims[:20]) {
		t.Fatal("the raw token is on screen before v")
	}

	// v reveals the raw token, wrapped; v again hides it.
	h.press(keyRune('v'))
	v = plain(h)
	if !strings.Contains(v, "Raw token  (v hides it)") || !strings.Contains(v, raw[:40]) {
		t.Fatalf("v did not show the raw token:\n%s", v)
	}
	if got := rawFromView(h, v, raw[:10]); got != raw {
		t.Errorf("the wrapped raw token reads back as\n%s\nwant\n%s", got, raw)
	}
	h.press(keyRune('v'))
	if v := plain(h); strings.Contains(v, raw[:40]) {
		t.Fatal("second v did not hide the raw token")
	}

	// esc closes and forgets the token.
	h.press(keyEsc())
	if h.m.insp.open || h.m.insp.raw != "" || h.m.insp.tok.Claims != nil {
		t.Fatalf("esc left the inspector open or the token in memory: %+v", h.m.insp)
	}
	if strings.Contains(plain(h), "allowedClients checks") {
		t.Error("overlay still drawn after esc")
	}

	// t and q close it too, and q does not quit while it is open.
	for _, k := range []tea.KeyPressMsg{keyRune('t'), keyRune('q')} {
		h.press(keyRune('t'))
		if !h.m.insp.open {
			t.Fatal("t did not reopen the inspector")
		}
		h.press(k)
		if h.m.insp.open || h.quit {
			t.Errorf("%s: open=%v quit=%v, want closed and not quit", k, h.m.insp.open, h.quit)
		}
	}
}

// rawFromView joins the rows of the raw-token section back together,
// reading the overlay's text columns only.
func rawFromView(h *harness, v, start string) string {
	ig := h.m.inspGeom()
	var b strings.Builder
	in := false
	for _, row := range strings.Split(v, "\n") {
		l := strings.TrimSpace(ansi.Cut(row, ig.x+2, ig.x+ig.w-2))
		switch {
		case strings.HasPrefix(l, start):
			in = true
		case in && (l == "" || strings.Contains(l, " ")):
			in = false
		}
		if in {
			b.WriteString(l)
		}
	}
	return b.String()
}

func TestInspectorKeysStayInsideTheOverlay(t *testing.T) {
	eng := tokenEngine(accessToken(t))
	h := onFirst(newHarness(t, eng, 120, 34))
	h.press(keyRune('t'), keyDown, keyEnter, keyRune('a'), keyTab)
	if h.m.sel != 0 || len(eng.startCalls()) != 0 || eng.startAlls != 0 || h.m.focus != paneContent {
		t.Errorf("keys leaked through the overlay: sel=%d starts=%v startAll=%d focus=%v", h.m.sel, eng.startCalls(), eng.startAlls, h.m.focus)
	}
	// ctrl+c still quits from inside.
	h.press(keyCtrlC)
	if !h.quit || h.m.insp.open {
		t.Errorf("ctrl+c: quit=%v open=%v", h.quit, h.m.insp.open)
	}
}

func TestInspectorTimeLeftRefreshesEachTick(t *testing.T) {
	now := t0
	eng := tokenEngine(accessToken(t))
	h := onFirst(newHarness(t, eng, 120, 34, WithClock(func() time.Time { return now })))
	h.press(keyRune('t'))
	if !h.m.ticking {
		t.Fatal("opening the inspector did not start the second ticker")
	}
	if !strings.Contains(plain(h), "expiry  59m left") {
		t.Fatalf("want 59m left:\n%s", plain(h))
	}
	isTick := func(msg tea.Msg) bool { _, ok := msg.(tickMsg); return ok }
	now = now.Add(time.Second)
	h.fire(isTick)
	if v := plain(h); !strings.Contains(v, "expiry  58m 59s left") {
		t.Fatalf("after a tick, want 58m 59s left:\n%s", v)
	}
	// Past exp the inspector says so.
	now = t0.Add(time.Hour)
	h.fire(isTick)
	if v := plain(h); !strings.Contains(v, "expired 1m ago: the runtime refuses it") {
		t.Fatalf("want the expiry explained:\n%s", v)
	}
	// Closed, the ticker stops at its next beat.
	h.press(keyEsc())
	h.fire(isTick)
	if h.m.ticking {
		t.Error("ticker still armed after the inspector closed with nothing running")
	}
}

func TestInspectorIDTokenVerdict(t *testing.T) {
	eng := tokenEngine(idToken(t))
	h := onFirst(newHarness(t, eng, 120, 34))
	h.press(keyRune('t'))
	v := plain(h)
	for _, want := range []string{"ID token · has aud: a runtime with allowedClients would refuse it", "aud", "what allowedAudience checks", "cognito:username"} {
		if !strings.Contains(v, want) {
			t.Errorf("ID token view lacks %q:\n%s", want, v)
		}
	}
}

func TestInspectorWhyNot(t *testing.T) {
	// Another stage: say which stages hold one.
	h := onFirst(newHarness(t, tokenEngine(accessToken(t)), 120, 34))
	h.press(keyDown, keyRune('t'))
	if want := "this stage has no token: stage 1 has one"; h.m.status != want || h.m.insp.open {
		t.Errorf("status = %q open=%v, want %q", h.m.status, h.m.insp.open, want)
	}
	if !strings.Contains(plain(h), "this stage has no token: stage 1 has one") {
		t.Errorf("status line not shown:\n%s", plain(h))
	}
	if v := plain(h); strings.Contains(v, "t token") {
		t.Errorf("help offers t on a stage without a token:\n%s", v)
	}

	// Nothing has run yet: no stage holds a token.
	eng := newFakeEngine()
	h2 := onFirst(newHarness(t, eng, 120, 34))
	h2.press(keyRune('t'))
	if want := "no stage holds a token yet: the first stage signs you in and gets one"; h2.m.status != want {
		t.Errorf("status = %q, want %q", h2.m.status, want)
	}
}

func TestInspectorReadAndDecodeErrors(t *testing.T) {
	// The secrets file does not hold the token.
	eng := tokenEngine("")
	h := onFirst(newHarness(t, eng, 120, 34))
	h.press(keyRune('t'))
	if want := "could not inspect the token: read ACCESS_TOKEN: no secret ACCESS_TOKEN for provision-cognito"; h.m.status != want {
		t.Errorf("status = %q, want %q", h.m.status, want)
	}
	if h.m.insp.open {
		t.Error("inspector left open after a read error")
	}

	// The value is not a JWT.
	eng2 := tokenEngine("opaque-token-value")
	h2 := onFirst(newHarness(t, eng2, 120, 34))
	h2.press(keyRune('t'))
	if !strings.HasPrefix(h2.m.status, "could not inspect the token: decode ACCESS_TOKEN: not a signed JWT") || h2.m.insp.open {
		t.Errorf("status = %q open=%v", h2.m.status, h2.m.insp.open)
	}
}

func TestInspectorDropsStaleReplies(t *testing.T) {
	eng := tokenEngine(accessToken(t))
	h := onFirst(newHarness(t, eng, 120, 34))
	nm, cmd := h.m.Update(keyRune('t'))
	h.m = nm.(Model)
	h.press(keyEsc())
	h.exec(cmd) // the read finishes after the learner closed the overlay
	if h.m.insp.open || h.m.insp.raw != "" {
		t.Fatalf("a late reply reopened the inspector or kept the token: %+v", h.m.insp)
	}
}

func TestInspectorClosesWhenItsStageRestarts(t *testing.T) {
	eng := tokenEngine(accessToken(t))
	h := onFirst(newHarness(t, eng, 120, 34))
	h.press(keyRune('t'))
	eng.emit(engine.Event{Kind: engine.EventStarted, StepID: "provision-cognito", RunID: 9, Time: t0})
	h.pump()
	if h.m.insp.open || h.m.insp.raw != "" {
		t.Fatal("the inspector still shows a token its stage is replacing")
	}
	if h.m.status != "closed the token inspector: its stage is running again" {
		t.Errorf("status = %q", h.m.status)
	}
}

func TestInspectorScrolls(t *testing.T) {
	eng := tokenEngine(accessToken(t))
	h := onFirst(newHarness(t, eng, 100, 20))
	h.press(keyRune('t'))
	n := len(h.m.insp.lines)
	body := h.m.inspBodyH()
	if n <= body {
		t.Fatalf("test needs a body taller than the box: %d lines, %d rows", n, body)
	}
	v := plain(h)
	checkFrame(t, v, 100, 20)
	if want := fmt.Sprintf("1–%d of %d", body, n); !strings.Contains(v, want) {
		t.Errorf("footer lacks %q:\n%s", want, v)
	}
	h.press(keyDown)
	if h.m.insp.scroll != 1 {
		t.Errorf("down: scroll = %d, want 1", h.m.insp.scroll)
	}
	h.press(tea.KeyPressMsg{Code: tea.KeyPgDown}, tea.KeyPressMsg{Code: tea.KeyPgDown}, tea.KeyPressMsg{Code: tea.KeyPgDown})
	if h.m.insp.scroll != n-body {
		t.Errorf("pgdown past the end: scroll = %d, want %d", h.m.insp.scroll, n-body)
	}
	if v := plain(h); !strings.Contains(v, fmt.Sprintf("%d–%d of %d", n-body+1, n, n)) || !strings.Contains(v, "hidden: press v") {
		t.Errorf("bottom of the inspector not shown:\n%s", v)
	}
	h.send(tea.MouseWheelMsg{X: 50, Y: 10, Button: tea.MouseWheelUp})
	if h.m.insp.scroll != n-body-3 {
		t.Errorf("wheel up: scroll = %d, want %d", h.m.insp.scroll, n-body-3)
	}
	h.press(tea.KeyPressMsg{Code: tea.KeyHome})
	if h.m.insp.scroll != 0 {
		t.Errorf("home: scroll = %d", h.m.insp.scroll)
	}
	// v brings the raw token into view.
	h.press(keyRune('v'))
	if v := plain(h); !strings.Contains(v, "Raw token  (v hides it)") {
		t.Errorf("v did not scroll to the raw token:\n%s", v)
	}
	// Growing the window shows everything without a footer.
	h.send(tea.WindowSizeMsg{Width: 140, Height: 60})
	if n, body := len(h.m.insp.lines), h.m.inspBodyH(); n > body {
		t.Fatalf("test needs a window the body fits: %d lines, %d rows", n, body)
	}
	if h.m.insp.scroll != 0 || regexp.MustCompile(`\d+–\d+ of \d+`).MatchString(plain(h)) {
		t.Errorf("scroll = %d after the body fits, or a footer is left:\n%s", h.m.insp.scroll, plain(h))
	}
}

func TestGoldenInspector(t *testing.T) {
	eng := tokenEngine(accessToken(t))
	h := onFirst(newHarness(t, eng, 120, 34))
	h.press(keyRune('t'))
	v := ansi.Strip(h.view())
	checkFrame(t, v, 120, 34)
	golden.RequireEqual(t, v)
}

func TestInspectorTinySizesNeverPanic(t *testing.T) {
	raw := accessToken(t)
	h := onFirst(newHarness(t, tokenEngine(raw), 120, 34))
	h.press(keyRune('t'), keyRune('v'))
	eachTinySize(t, h, func(w, ht int) {
		h.press(keyDown, tea.KeyPressMsg{Code: tea.KeyPgDown})
		if !h.m.insp.open {
			t.Fatalf("%dx%d: the inspector closed itself", w, ht)
		}
	})
	// At a small but usable size the overlay takes the whole window.
	h.send(tea.WindowSizeMsg{Width: 30, Height: 12})
	h.press(tea.KeyPressMsg{Code: tea.KeyHome})
	v := plain(h)
	if !strings.HasPrefix(v, "ACCESS_TOKEN") || !strings.Contains(v, "esc close") {
		t.Errorf("full-window inspector at 30x12:\n%s", v)
	}
}

func TestInspectorInFullHelpAndWithoutColour(t *testing.T) {
	h := onFirst(newHarness(t, tokenEngine(accessToken(t)), 120, 34, WithNoColor(true)))
	h.press(keyRune('?'))
	if v := plain(h); !strings.Contains(v, "inspect token") {
		t.Errorf("full help lacks t:\n%s", v)
	}
	h.press(keyRune('t'))
	v := h.view()
	if strings.Contains(v, "\x1b") {
		t.Errorf("NO_COLOR frame with the inspector has escape codes: %q", v)
	}
	checkFrame(t, v, 120, 34)
	if !strings.Contains(v, "no aud: the runtime's allowedClients checks client_id") {
		t.Errorf("inspector missing with full help shown:\n%s", v)
	}
}

// The inspector is a layer over the panes: every row it covers shows the
// box alone from its left edge to its right, even where wide characters
// of the panes straddle its edges, and the row keeps the window's width.
func TestInspectorIsALayerNothingShowsThrough(t *testing.T) {
	eng := tokenEngine(accessToken(t))
	wide := func(id string) (string, bool) {
		return "# 1 · 토큰 검사기 아래의 넓은 글자들 " + id + "\n\n" + strings.Repeat("넓은 글자가 상자의 가장자리에 걸칩니다. ", 40) + "\n", true
	}
	for _, w := range []int{120, 121} { // both parities put the edge mid-character somewhere
		hs := &harness{t: t, eng: eng}
		hs.m = New(eng, wide, testInfo, testOptions(hs)...)
		hs.exec(hs.m.Init())
		hs.send(tea.WindowSizeMsg{Width: w, Height: 34})
		hs.exec(hs.m.move(-hs.m.sel))
		hs.press(keyRune('t'))
		ig := hs.m.inspGeom()
		rows := strings.Split(ansi.Strip(hs.view()), "\n")
		for i := ig.y; i < ig.y+ig.h; i++ {
			row := rows[i]
			if sw := ansi.StringWidth(row); sw != w {
				t.Errorf("%d: row %d is %d wide, want %d: %q", w, i, sw, w, row)
			}
			box := ansi.Cut(row, ig.x, ig.x+ig.w)
			edge := []rune(box)
			if len(edge) == 0 || !strings.ContainsRune("┏┃┗", edge[0]) || !strings.ContainsRune("┓┃┛", edge[len(edge)-1]) {
				t.Errorf("%d: row %d: the box's edges are not at columns %d and %d: %q", w, i, ig.x, ig.x+ig.w-1, box)
			}
			if i > ig.y && i < ig.y+ig.h-1 && strings.ContainsAny(box, "넓글") {
				t.Errorf("%d: row %d: the page shows through the box: %q", w, i, box)
			}
		}
	}
}

// In Korean the inspector explains every claim and header field, the time
// left and the token's notes in Korean: only claim names and values stay.
func TestInspectorInKorean(t *testing.T) {
	now := t0
	eng := tokenEngine(accessToken(t))
	h := onFirst(newHarness(t, eng, 160, 48, WithLang("ko"), WithClock(func() time.Time { return now })))
	h.press(keyRune('t'))
	v := plain(h)
	for _, want := range []string{"59분 남음", "누구인지: 풀 안에서 바뀌지 않는 사용자 ID", "토큰을 요청한 앱 클라이언트", "서명 방식입니다"} {
		if !strings.Contains(v, want) {
			t.Errorf("Korean inspector lacks %q:\n%s", want, v)
		}
	}
	for _, english := range []string{" left", "who: the user's stable id", "which app client asked", "how it was signed"} {
		if strings.Contains(v, english) {
			t.Errorf("Korean inspector still says %q:\n%s", english, v)
		}
	}
}

// A countdown stored in either language (the stage wrote it in the
// learner's language then) is recomputed in the language shown now.
func TestLiveCountdownReadsBothLanguages(t *testing.T) {
	exp := t0.Add(10 * time.Minute)
	ts := exp.UTC().Format(time.RFC3339)
	for _, stored := range []string{
		ts + " (59m0s left)", ts + " (59m0s 남음)", ts + " (expired 3s ago)", ts + " (3s 전에 만료됨)", // kept from before durations were worded
		ts + " (1h 02m left)", ts + " (1시간 2분 남음)", ts + " (expired 3m 05s ago)", ts + " (3분 5초 전에 만료됨)", ts + " (expired 0.5s ago)",
	} {
		got, ok := liveCountdown(i18n.For("ko"), stored, t0)
		if !ok || got != ts+" (10분 남음)" {
			t.Errorf("ko, stored %q: got %q, %v", stored, got, ok)
		}
		got, ok = liveCountdown(i18n.Printer{}, stored, t0.Add(11*time.Minute))
		if !ok || got != ts+" (expired 1m ago)" {
			t.Errorf("en, stored %q: got %q, %v", stored, got, ok)
		}
	}
}
