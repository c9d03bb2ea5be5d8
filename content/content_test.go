package content

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// stages is the workshop's stage list as the pages must mirror it:
// number, step id, English title. It is spelled out here, not read from
// steps/, so a renamed stage breaks this test until its page follows.
var stages = []struct {
	n     int
	id    string
	title string
}{
	{1, "provision-cognito", "Provision Cognito"},
	{2, "write-agent", "Write the agent"},
	{3, "configure", "Configure"},
	{4, "launch", "Launch"},
	{5, "wait-ready", "Wait until READY"},
	{6, "invoke-unauthenticated", "Invoke without a token"},
	{7, "invoke-with-token", "Invoke with a token"},
	{8, "break-it", "Break it"},
	{9, "oauth-consent", "OAuth consent"},
	{10, "machine-to-machine", "Machine to machine"},
	{11, "foreign-idp", "Foreign identity provider"},
	{12, "gateway", "Gateway"},
	{13, "cleanup", "Clean up"},
}

// edition is what one language's pages must hold: a title per stage, the
// required level-2 headings in order, the opening of the sandbox note,
// and the phrases each page must contain (see TestMisconceptionsAreMet).
type edition struct {
	lang        string
	titles      map[string]string // step id → title after "# N · "
	sections    []string          // required "## …" headings, in order
	sandboxNote string            // a line starting with this must exist
	phrases     map[string][]string
}

// title returns the page title this edition wants for a stage.
func (e edition) title(id string) string { return e.titles[id] }

// lookAt is the second required heading, without its "## "; the render
// test looks for it to make sure headings survive glamour.
func (e edition) lookAt() string { return strings.TrimPrefix(e.sections[1], "## ") }

// takeaway is the last required heading, the page's closing summary.
func (e edition) takeaway() string { return e.sections[len(e.sections)-1] }

func englishTitles() map[string]string {
	m := map[string]string{}
	for _, s := range stages {
		m[s.id] = s.title
	}
	return m
}

// editions lists every language the binary ships. The Korean phrases are
// the same facts as the English ones: AWS names stay as they are, the
// teaching lines are the Korean wording of the page.
var editions = []edition{
	{
		lang:   "en",
		titles: englishTitles(),
		sections: []string{
			"## What this stage does",
			"## What to look at",
			"## The same with the CLI",
			"## For facilitators",
			"## Takeaway",
		},
		sandboxNote: "> In the sandbox: ",
		phrases: map[string][]string{
			"provision-cognito": {"ID token", "access token", "`aud`", "`client_id`",
				"`sub`", "`iss`", "`token_use`", "`scope`", "`exp`", "password"},
			"write-agent":            {"POST /invocations", "no token", "runtime"},
			"configure":              {"allowedClients", "allowedAudience", "`aud`", "`client_id`", "workload identity", "credential provider"},
			"launch":                 {"ARM64", "execution role", "Is this where auth is decided?"},
			"wait-ready":             {"READY", "failureReason", "Polling is how"},
			"invoke-unauthenticated": {"AccessDeniedException", "Authorization method mismatch.", "exactly **one**"},
			"invoke-with-token":      {"JWKS", "`exp`", "Is the token a session?", "session id"},
			"break-it":               {"A token that decodes is not a valid token", "Doesn't the ID token work too?", "`alg=none`", "401", "403", "try-token"},
			"oauth-consent":          {"never forwards the inbound token", "per user and per agent", "vault"},
			"machine-to-machine":     {"client_credentials", "Is there always a user behind a token?", "resource server", "`sub` and `client_id` are the same", "M2M_TOKEN_URL"},
			"foreign-idp":            {"allowedAudience", "allowedClients", "`aud`", "`client_id`", "discovery URL", "Service not found", "not interchangeable"},
			"cleanup":                {"Deleting the runtime removes the runtime and nothing else", "ledger"},
			"gateway":                {"same kind as the runtime's", "`WWW-Authenticate`", "`<target>___<tool>`", "allowedAudience", "allowedClients"},
		},
	},
	{
		lang: "ko",
		titles: map[string]string{
			"provision-cognito":      "Cognito 프로비저닝",
			"write-agent":            "에이전트 작성",
			"configure":              "구성",
			"launch":                 "배포",
			"wait-ready":             "READY까지 기다리기",
			"invoke-unauthenticated": "토큰 없이 호출하기",
			"invoke-with-token":      "토큰으로 호출하기",
			"break-it":               "일부러 깨 보기",
			"oauth-consent":          "OAuth 동의",
			"machine-to-machine":     "머신 간 인증",
			"foreign-idp":            "외부 ID 공급자",
			"cleanup":                "정리",
			"gateway":                "게이트웨이",
		},
		sections: []string{
			"## 이 단계에서 하는 일",
			"## 살펴볼 내용",
			"## CLI로 같은 작업 하기",
			"## 진행자를 위한 메모",
			"## 핵심 정리",
		},
		sandboxNote: "> **샌드박스에서는** ", // KOREAN.md §1.13: a bold lead-in, no colon
		phrases: map[string][]string{
			"provision-cognito": {"ID 토큰", "액세스 토큰", "`aud`", "`client_id`",
				"`sub`", "`iss`", "`token_use`", "`scope`", "`exp`", "비밀번호", "사용자 풀"},
			"write-agent":            {"POST /invocations", "토큰 없이", "런타임"},
			"configure":              {"allowedClients", "allowedAudience", "`aud`", "`client_id`", "워크로드 아이덴티티", "자격 증명 공급자", "인바운드 인증"},
			"launch":                 {"ARM64", "실행 역할", "여기서 인증이 정해지나요?"},
			"wait-ready":             {"READY", "failureReason", "폴링은 비동기"},
			"invoke-unauthenticated": {"AccessDeniedException", "Authorization method mismatch.", "정확히 **하나**"},
			"invoke-with-token":      {"JWKS", "`exp`", "토큰이 세션인가요?", "세션 ID"},
			"break-it":               {"디코딩되는 토큰이면 유효한 토큰인가요?", "ID 토큰도 되지 않나요?", "`alg=none`", "401", "403", "try-token"},
			"oauth-consent":          {"인바운드 토큰을 절대 외부로 전달하지 않", "사용자별, 에이전트별", "볼트", "워크로드 액세스"},
			"machine-to-machine":     {"client_credentials", "토큰 뒤에는 언제나 사용자가 있나요?", "리소스 서버", "M2M_TOKEN_URL"},
			"foreign-idp":            {"allowedAudience", "allowedClients", "`aud`", "`client_id`", "디스커버리 URL", "Service not found", "바꿔 쓸 수 없습니다"},
			"cleanup":                {"런타임을 삭제하면 런타임만 삭제되고", "원장"},
			"gateway":                {"런타임과 같은 방식", "`WWW-Authenticate`", "`<target>___<tool>`", "allowedAudience", "allowedClients"},
		},
	},
}

// maxProseLine is in terminal columns, not characters: a Hangul syllable
// takes two columns, so a Korean line of 60 characters is 120 wide.
const maxProseLine = 100

func mustPage(t *testing.T, lang, id string) string {
	t.Helper()
	p, ok := index()[lang][id]
	if !ok {
		t.Fatalf("no %s page for stage %q", lang, id)
	}
	return p
}

// proseLines returns the page's lines outside fenced code blocks, with
// their 1-based line numbers.
func proseLines(page string) map[int]string {
	out := map[int]string{}
	inFence := false
	for i, line := range strings.Split(page, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		if !inFence {
			out[i+1] = line
		}
	}
	return out
}

// fencedBlocks returns each fenced code block's info string and body.
func fencedBlocks(page string) (infos []string, bodies []string) {
	var cur []string
	inFence := false
	for _, line := range strings.Split(page, "\n") {
		if strings.HasPrefix(line, "```") {
			if inFence {
				bodies = append(bodies, strings.Join(cur, "\n"))
			} else {
				infos, cur = append(infos, strings.TrimPrefix(line, "```")), nil
			}
			inFence = !inFence
			continue
		}
		if inFence {
			cur = append(cur, line)
		}
	}
	return infos, bodies
}

func TestEveryStageHasAPage(t *testing.T) {
	for _, e := range editions {
		for _, s := range stages {
			p := mustPage(t, e.lang, s.id)
			if len(strings.TrimSpace(p)) == 0 {
				t.Errorf("%s/%s: page is empty", e.lang, s.id)
			}
		}
		if got := len(index()[e.lang]); got != len(stages) {
			t.Errorf("%s has %d pages, want %d (a stray or missing file?)", e.lang, got, len(stages))
		}
	}
}

func TestPageStructure(t *testing.T) {
	for _, e := range editions {
		for _, s := range stages {
			t.Run(e.lang+"/"+s.id, func(t *testing.T) {
				checkStructure(t, e, s.n, s.id)
			})
		}
	}
}

func checkStructure(t *testing.T, e edition, n int, id string) {
	p := mustPage(t, e.lang, id)
	first, _, _ := strings.Cut(p, "\n")
	if want := fmt.Sprintf("# %d · %s", n, e.title(id)); first != want {
		t.Errorf("first line = %q, want %q", first, want)
	}

	// Required sections, in order, counted only outside code.
	prose := proseLines(p)
	pos := map[string]int{}
	for n, line := range prose {
		for _, sec := range e.sections {
			if strings.TrimRight(line, " ") == sec {
				if _, dup := pos[sec]; dup {
					t.Errorf("section %q appears twice", sec)
				}
				pos[sec] = n
			}
		}
	}
	last := 0
	for _, sec := range e.sections {
		n, ok := pos[sec]
		if !ok {
			t.Errorf("missing section %q", sec)
			continue
		}
		if n < last {
			t.Errorf("section %q is out of order", sec)
		}
		last = n
	}

	if !strings.Contains(p, "\n```sh\n") {
		t.Error("no ```sh code block")
	}
	if strings.Count(p, "```")%2 != 0 {
		t.Error("unbalanced code fences")
	}
	if !strings.Contains(p, "\n"+e.sandboxNote) {
		t.Errorf(`no "%s…" note`, e.sandboxNote)
	}
	for n, line := range prose {
		if w := ansi.StringWidth(line); w > maxProseLine {
			t.Errorf("line %d is %d columns wide (max %d outside code): %q",
				n, w, maxProseLine, line)
		}
		if strings.HasPrefix(line, "# ") && n != 1 {
			t.Errorf("line %d: a second level-1 heading", n)
		}
	}

	// The takeaway section must say something. Korean packs more into a
	// word than English, so the floor is in columns, not words.
	_, take, _ := strings.Cut(p, e.takeaway())
	if len(strings.Fields(take)) < 10 || ansi.StringWidth(strings.TrimSpace(take)) < 80 {
		t.Errorf("takeaway is too short: %q", strings.TrimSpace(take))
	}

	lines := strings.Count(p, "\n")
	if lines < 60 || lines > 130 {
		t.Errorf("page has %d lines; aim for about 60–120", lines)
	}
}

// eachNode parses every page with goldmark (the parser glamour uses) and
// calls visit for each node on the way in, with the page's name and source.
func eachNode(t *testing.T, visit func(name string, src []byte, n ast.Node)) {
	t.Helper()
	md := goldmark.New()
	for _, e := range editions {
		for _, s := range stages {
			name := e.lang + "/" + s.id
			src := []byte(mustPage(t, e.lang, s.id))
			doc := md.Parser().Parse(text.NewReader(src))
			err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
				if entering {
					visit(name, src, n)
				}
				return ast.WalkContinue, nil
			})
			if err != nil {
				t.Fatalf("%s: walk: %v", name, err)
			}
		}
	}
}

// TestNoRawHTML fails on any HTML block, inline HTML or image: glamour
// drops HTML silently, so text written as <placeholder> would vanish from
// the screen, and a terminal cannot show an image.
func TestNoRawHTML(t *testing.T) {
	eachNode(t, func(name string, src []byte, n ast.Node) {
		switch n.Kind() {
		case ast.KindImage:
			t.Errorf("%s: an image; images do not show in a terminal", name)
		case ast.KindHTMLBlock, ast.KindRawHTML:
			var raw string
			if n.Type() == ast.TypeBlock {
				lines := n.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					raw += string(seg.Value(src))
				}
			} else if r, ok := n.(*ast.RawHTML); ok {
				for i := 0; i < r.Segments.Len(); i++ {
					seg := r.Segments.At(i)
					raw += string(seg.Value(src))
				}
			}
			t.Errorf("%s: raw HTML %q", name, raw)
		}
	})
}

// TestNoStrayEmphasisMarkers fails when ** or __ reaches the screen as
// text. CommonMark will not close bold that ends in punctuation and is
// followed by a letter, which is easy to hit in Korean: **`aud`**가
// prints its asterisks instead of bold.
func TestNoStrayEmphasisMarkers(t *testing.T) {
	eachNode(t, func(name string, src []byte, n ast.Node) {
		if n.Kind() != ast.KindText {
			return
		}
		if _, inCode := n.Parent().(*ast.CodeSpan); inCode {
			return
		}
		txt := string(n.(*ast.Text).Segment.Value(src))
		if strings.Contains(txt, "**") || strings.Contains(txt, "__") {
			t.Errorf("%s: emphasis markers left as text in %q", name, txt)
		}
	})
}

// TestListItemsAreOneLine keeps every list item on one source line.
// Glamour reflows paragraphs to the pane's width but keeps the line
// breaks inside list items, so a hand-wrapped item would break twice in
// a narrow pane.
func TestListItemsAreOneLine(t *testing.T) {
	eachNode(t, func(name string, src []byte, n ast.Node) {
		if n.Kind() != ast.KindListItem {
			return
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if c.Type() == ast.TypeBlock && c.Lines().Len() > 1 {
				first := c.Lines().At(0)
				t.Errorf("%s: list item wraps over %d lines: %q…", name, c.Lines().Len(), first.Value(src))
			}
		}
	})
}

// TestCodeBlocksFitThePane keeps code narrow. Glamour wraps code blocks
// like prose, so a diagram wider than the pane breaks into a mess. The
// content pane can be as narrow as about 64 columns, so pictures and
// quoted text stay within 60; shell commands, which survive a wrap
// better, stay within 76 (an 80-column render minus glamour's margins).
// Widths are terminal columns, so Hangul in a diagram counts double.
func TestCodeBlocksFitThePane(t *testing.T) {
	const maxPicture, maxShell = 60, 76
	for _, e := range editions {
		for _, s := range stages {
			lang, inFence := "", false
			for i, line := range strings.Split(mustPage(t, e.lang, s.id), "\n") {
				if strings.HasPrefix(line, "```") {
					inFence, lang = !inFence, strings.TrimPrefix(line, "```")
					continue
				}
				if !inFence {
					continue
				}
				limit := maxPicture
				if lang == "sh" {
					limit = maxShell
				}
				if w := ansi.StringWidth(line); w > limit {
					t.Errorf("%s/%s line %d: %d columns in a %q block (max %d): %q",
						e.lang, s.id, i+1, w, lang, limit, line)
				}
			}
		}
	}
}

// TestTranslationsKeepTheCode checks that a translated page shows the
// same commands and JSON as the English one. Only shell comments may be
// translated; the ```text blocks are pictures and are translated whole
// (stage 6's error message is checked on its own below).
func TestTranslationsKeepTheCode(t *testing.T) {
	for _, e := range editions {
		if e.lang == DefaultLang {
			continue
		}
		for _, s := range stages {
			want := codeOnly(mustPage(t, DefaultLang, s.id))
			got := codeOnly(mustPage(t, e.lang, s.id))
			if i, differs := firstDifference(got, want); differs {
				t.Errorf("%s/%s: code line %d differs from the English page:\n got %q\nwant %q",
					e.lang, s.id, i+1, at(got, i), at(want, i))
			}
		}
	}
}

// codeOnly returns the lines of every non-text code block, with shell
// comments removed and blank lines dropped.
func codeOnly(page string) []string {
	var out []string
	infos, bodies := fencedBlocks(page)
	for i, body := range bodies {
		if infos[i] == "text" {
			continue
		}
		out = append(out, "```"+infos[i])
		for _, line := range strings.Split(body, "\n") {
			if infos[i] == "sh" {
				if strings.HasPrefix(strings.TrimSpace(line), "#") {
					continue
				}
				line, _, _ = strings.Cut(line, "  #")
			}
			if line = strings.TrimRight(line, " "); line != "" {
				out = append(out, line)
			}
		}
	}
	return out
}

// firstDifference returns the index of the first line where a and b
// differ, counting a missing line as a difference.
func firstDifference(a, b []string) (int, bool) {
	for i := range max(len(a), len(b)) {
		if at(a, i) != at(b, i) || i >= len(a) || i >= len(b) {
			return i, true
		}
	}
	return 0, false
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(nothing)"
}

func TestCodeOnlyStripsComments(t *testing.T) {
	page := "x\n```sh\n# a comment\nls -l   # list\n\necho '#x'\n```\n```text\npicture\n```\n"
	got := codeOnly(page)
	want := []string{"```sh", "ls -l", "echo '#x'"}
	if !slices.Equal(got, want) {
		t.Errorf("codeOnly = %q, want %q", got, want)
	}
}

// TestMisconceptionsAreMet checks that each page names the facts it is
// meant to teach, so an edit cannot quietly drop one.
func TestMisconceptionsAreMet(t *testing.T) {
	for _, e := range editions {
		if len(e.phrases) != len(stages) {
			t.Errorf("%s: phrases for %d stages, want %d", e.lang, len(e.phrases), len(stages))
		}
		for id, phrases := range e.phrases {
			p := mustPage(t, e.lang, id)
			for _, ph := range phrases {
				if !strings.Contains(p, ph) {
					t.Errorf("%s/%s: page does not mention %q", e.lang, id, ph)
				}
			}
		}
	}
}

// TestMismatchMessageIsExact joins the wrapped lines of stage 6's quoted
// error and compares them with AWS's message, byte for byte. The message
// stays in English in every edition: it is what the learner will see.
func TestMismatchMessageIsExact(t *testing.T) {
	const awsMessage = "Authorization method mismatch. The agent is configured for a " +
		"different authorization method than what was used in your request. Check the " +
		"agent's authorization configuration and ensure your request uses the matching " +
		"method (OAuth or SigV4)"
	re := regexp.MustCompile("(?s)```text\n(Authorization method mismatch.*?)\n```")
	for _, e := range editions {
		p := mustPage(t, e.lang, "invoke-unauthenticated")
		m := re.FindStringSubmatch(p)
		if m == nil {
			t.Errorf("%s: no ```text block quoting the mismatch message", e.lang)
			continue
		}
		if got := strings.Join(strings.Fields(m[1]), " "); got != awsMessage {
			t.Errorf("%s: quoted message differs from AWS's:\n got %q\nwant %q", e.lang, got, awsMessage)
		}
	}
}

func TestPagesRenderWithGlamour(t *testing.T) {
	const width = 80
	r, err := glamour.NewTermRenderer(
		glamour.WithStandardStyle("notty"),
		glamour.WithWordWrap(width),
	)
	if err != nil {
		t.Fatalf("new renderer: %v", err)
	}
	for _, e := range editions {
		for _, s := range stages {
			name := e.lang + "/" + s.id
			out, err := r.Render(mustPage(t, e.lang, s.id))
			if err != nil {
				t.Errorf("%s: render: %v", name, err)
				continue
			}
			if !strings.Contains(out, e.title(s.id)) {
				t.Errorf("%s: rendered page lost its title %q", name, e.title(s.id))
			}
			if !strings.Contains(out, e.lookAt()) {
				t.Errorf("%s: rendered page lost a section heading", name)
			}
			// Wrapping must count Hangul as two columns, or Korean
			// paragraphs would run past the pane's edge.
			for i, line := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(line); w > width {
					t.Errorf("%s: rendered line %d is %d columns (max %d): %q",
						name, i+1, w, width, line)
				}
			}
		}
	}
}

func TestPageReturnsTheLanguageAsked(t *testing.T) {
	for _, e := range editions {
		for _, s := range stages {
			p, ok := Page(e.lang, s.id)
			if !ok {
				t.Errorf("Page(%s, %s) found nothing", e.lang, s.id)
				continue
			}
			if want := fmt.Sprintf("# %d · %s\n", s.n, e.title(s.id)); !strings.HasPrefix(p, want) {
				t.Errorf("Page(%s, %s) starts %q, want %q", e.lang, s.id, firstLine(p), want)
			}
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func TestPageFallsBackToEnglish(t *testing.T) {
	// A language with no pages at all gets English for every stage.
	for _, s := range stages {
		en := mustPage(t, "en", s.id)
		fr, ok := Page("fr", s.id)
		if !ok || fr != en {
			t.Errorf("%s: Page(fr) = %q, %v; want the en page", s.id, firstLine(fr), ok)
		}
	}
	// A half-translated language gets its own pages and English for the rest.
	idx := buildIndex(fstest.MapFS{
		"en/01-provision-cognito.md": {Data: []byte("# 1 · en")},
		"en/02-write-agent.md":       {Data: []byte("# 2 · en")},
		"ko/01-provision-cognito.md": {Data: []byte("# 1 · ko")},
	})
	if p, ok := lookup(idx, "ko", "provision-cognito"); !ok || p != "# 1 · ko" {
		t.Errorf("lookup(ko, provision-cognito) = %q, %v; want the ko page", p, ok)
	}
	if p, ok := lookup(idx, "ko", "write-agent"); !ok || p != "# 2 · en" {
		t.Errorf("lookup(ko, write-agent) = %q, %v; want the en fallback", p, ok)
	}
	if p, ok := Page("en", "no-such-stage"); ok || p != "" {
		t.Errorf("Page(en, no-such-stage) = %q, %v; want \"\", false", p, ok)
	}
	if _, ok := Page("ko", "no-such-stage"); ok {
		t.Error("Page(ko, no-such-stage) reported a page")
	}
}

func TestLanguages(t *testing.T) {
	langs := Languages()
	want := make([]string, 0, len(editions))
	for _, e := range editions {
		want = append(want, e.lang)
	}
	if !slices.Equal(langs, want) {
		t.Fatalf("Languages() = %v; want %v (en first, then alphabetical)", langs, want)
	}
}

// TestIndexPicksUpANewLanguage shows that a second language directory is
// found and preferred, with English filling its gaps, without code
// changes beyond embedding it.
func TestIndexPicksUpANewLanguage(t *testing.T) {
	fsys := fstest.MapFS{
		"en/01-provision-cognito.md": {Data: []byte("# 1 · en")},
		"en/02-write-agent.md":       {Data: []byte("# 2 · en")},
		"ko/01-provision-cognito.md": {Data: []byte("# 1 · ko")},
		"ko/notes.txt":               {Data: []byte("ignored")},
		"ko/README.md":               {Data: []byte("ignored: no NN- prefix")},
		"README.md":                  {Data: []byte("ignored: not in a language dir")},
	}
	idx := buildIndex(fsys)
	if got := idx["ko"]["provision-cognito"]; got != "# 1 · ko" {
		t.Errorf("ko page = %q", got)
	}
	if len(idx["ko"]) != 1 {
		t.Errorf("ko has %d pages, want 1: %v", len(idx["ko"]), idx["ko"])
	}
	if _, ok := idx["ko"]["write-agent"]; ok {
		t.Error("ko should not have write-agent; the fallback is Page's job")
	}
	if len(idx) != 2 {
		t.Errorf("languages = %d, want 2", len(idx))
	}
}

func TestStepIDFromFile(t *testing.T) {
	cases := map[string]string{
		"01-provision-cognito.md":      "provision-cognito",
		"06-invoke-unauthenticated.md": "invoke-unauthenticated",
		"10-extra.md":                  "extra",
	}
	for name, want := range cases {
		if got, ok := stepIDFromFile(name); !ok || got != want {
			t.Errorf("stepIDFromFile(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	for _, bad := range []string{"README.md", "01-.md", "-x.md", "ab-x.md", "01-x.txt"} {
		if got, ok := stepIDFromFile(bad); ok {
			t.Errorf("stepIDFromFile(%q) = %q, true; want rejected", bad, got)
		}
	}
}
