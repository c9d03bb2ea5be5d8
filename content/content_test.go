package content

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"charm.land/glamour/v2"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// stages is the workshop's stage list as the pages must mirror it:
// number, step id, title. It is spelled out here, not read from steps/,
// so a renamed stage breaks this test until its page follows.
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
	{8, "oauth-consent", "OAuth consent"},
	{9, "cleanup", "Clean up"},
}

// requiredSections must appear as level-2 headings, in this order. Other
// headings may sit between them.
var requiredSections = []string{
	"## What this stage does",
	"## What to look at",
	"## The same with the CLI",
	"## For facilitators",
	"## Takeaway",
}

const maxProseLine = 100

func mustPage(t *testing.T, id string) string {
	t.Helper()
	p, ok := Page("en", id)
	if !ok {
		t.Fatalf("no en page for stage %q", id)
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

func TestEveryStageHasAnEnglishPage(t *testing.T) {
	for _, s := range stages {
		p := mustPage(t, s.id)
		if len(strings.TrimSpace(p)) == 0 {
			t.Errorf("%s: page is empty", s.id)
		}
	}
	if got := len(index()["en"]); got != len(stages) {
		t.Errorf("en has %d pages, want %d (a stray or missing file?)", got, len(stages))
	}
}

func TestPageStructure(t *testing.T) {
	for _, s := range stages {
		t.Run(s.id, func(t *testing.T) {
			p := mustPage(t, s.id)
			first, _, _ := strings.Cut(p, "\n")
			if want := fmt.Sprintf("# %d · %s", s.n, s.title); first != want {
				t.Errorf("first line = %q, want %q", first, want)
			}

			// Required sections, in order, counted only outside code.
			prose := proseLines(p)
			pos := map[string]int{}
			for n, line := range prose {
				for _, sec := range requiredSections {
					if strings.TrimRight(line, " ") == sec {
						if _, dup := pos[sec]; dup {
							t.Errorf("section %q appears twice", sec)
						}
						pos[sec] = n
					}
				}
			}
			last := 0
			for _, sec := range requiredSections {
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
			if !strings.Contains(p, "\n> In the sandbox: ") {
				t.Error(`no "> In the sandbox: …" note`)
			}
			for n, line := range prose {
				if w := len([]rune(line)); w > maxProseLine {
					t.Errorf("line %d is %d characters (max %d outside code): %q",
						n, w, maxProseLine, line)
				}
				if strings.HasPrefix(line, "# ") && n != 1 {
					t.Errorf("line %d: a second level-1 heading", n)
				}
			}

			// The takeaway section must say something.
			_, take, _ := strings.Cut(p, "## Takeaway")
			if len(strings.Fields(take)) < 10 {
				t.Errorf("takeaway is too short: %q", strings.TrimSpace(take))
			}

			lines := strings.Count(p, "\n")
			if lines < 60 || lines > 130 {
				t.Errorf("page has %d lines; aim for about 60–120", lines)
			}
		})
	}
}

// TestNoRawHTML parses each page with goldmark (the parser glamour uses)
// and fails on any HTML block, inline HTML or image: glamour drops HTML
// silently, so text written as <placeholder> would vanish from the
// screen, and a terminal cannot show an image.
func TestNoRawHTML(t *testing.T) {
	md := goldmark.New()
	for _, s := range stages {
		src := []byte(mustPage(t, s.id))
		doc := md.Parser().Parse(text.NewReader(src))
		err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n.Kind() {
			case ast.KindImage:
				t.Errorf("%s: an image; images do not show in a terminal", s.id)
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
				t.Errorf("%s: raw HTML %q", s.id, raw)
			}
			return ast.WalkContinue, nil
		})
		if err != nil {
			t.Fatalf("%s: walk: %v", s.id, err)
		}
	}
}

// TestListItemsAreOneLine keeps every list item on one source line.
// Glamour reflows paragraphs to the pane's width but keeps the line
// breaks inside list items, so a hand-wrapped item would break twice in
// a narrow pane.
func TestListItemsAreOneLine(t *testing.T) {
	md := goldmark.New()
	for _, s := range stages {
		src := []byte(mustPage(t, s.id))
		doc := md.Parser().Parse(text.NewReader(src))
		err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering || n.Kind() != ast.KindListItem {
				return ast.WalkContinue, nil
			}
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if c.Type() == ast.TypeBlock && c.Lines().Len() > 1 {
					first := c.Lines().At(0)
					t.Errorf("%s: list item wraps over %d lines: %q…",
						s.id, c.Lines().Len(), first.Value(src))
				}
			}
			return ast.WalkContinue, nil
		})
		if err != nil {
			t.Fatalf("%s: walk: %v", s.id, err)
		}
	}
}

// TestCodeBlocksFitThePane keeps code narrow. Glamour wraps code blocks
// like prose, so a diagram wider than the pane breaks into a mess. The
// content pane can be as narrow as about 64 columns, so pictures and
// quoted text stay within 60; shell commands, which survive a wrap
// better, stay within 76 (an 80-column render minus glamour's margins).
func TestCodeBlocksFitThePane(t *testing.T) {
	const maxPicture, maxShell = 60, 76
	for _, s := range stages {
		lang, inFence := "", false
		for i, line := range strings.Split(mustPage(t, s.id), "\n") {
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
			if w := len([]rune(line)); w > limit {
				t.Errorf("%s line %d: %d columns in a %q block (max %d): %q",
					s.id, i+1, w, lang, limit, line)
			}
		}
	}
}

// TestMisconceptionsAreMet checks that each page names the facts it is
// meant to teach, so an edit cannot quietly drop one.
func TestMisconceptionsAreMet(t *testing.T) {
	want := map[string][]string{
		"provision-cognito": {"ID token", "access token", "`aud`", "`client_id`",
			"`sub`", "`iss`", "`token_use`", "`scope`", "`exp`", "password"},
		"write-agent":            {"POST /invocations", "no token", "runtime"},
		"configure":              {"allowedClients", "allowedAudience", "`aud`", "`client_id`", "workload identity", "credential provider"},
		"launch":                 {"ARM64", "execution role", "Is this where auth is decided?"},
		"wait-ready":             {"READY", "failureReason", "Polling is how"},
		"invoke-unauthenticated": {"AccessDeniedException", "Authorization method mismatch.", "exactly **one**"},
		"invoke-with-token":      {"JWKS", "`exp`", "Is the token a session?", "session id"},
		"oauth-consent":          {"never forwards the inbound token", "per user and per agent", "vault"},
		"cleanup":                {"Deleting the runtime removes the runtime and nothing else", "ledger"},
	}
	for id, phrases := range want {
		p := mustPage(t, id)
		for _, ph := range phrases {
			if !strings.Contains(p, ph) {
				t.Errorf("%s: page does not mention %q", id, ph)
			}
		}
	}
}

// TestMismatchMessageIsExact joins the wrapped lines of stage 6's quoted
// error and compares them with AWS's message, byte for byte.
func TestMismatchMessageIsExact(t *testing.T) {
	const awsMessage = "Authorization method mismatch. The agent is configured for a " +
		"different authorization method than what was used in your request. Check the " +
		"agent's authorization configuration and ensure your request uses the matching " +
		"method (OAuth or SigV4)"
	p := mustPage(t, "invoke-unauthenticated")
	re := regexp.MustCompile("(?s)```text\n(Authorization method mismatch.*?)\n```")
	m := re.FindStringSubmatch(p)
	if m == nil {
		t.Fatal("no ```text block quoting the mismatch message")
	}
	if got := strings.Join(strings.Fields(m[1]), " "); got != awsMessage {
		t.Errorf("quoted message differs from AWS's:\n got %q\nwant %q", got, awsMessage)
	}
}

func TestPagesRenderWithGlamour(t *testing.T) {
	r, err := glamour.NewTermRenderer(
		glamour.WithStandardStyle("notty"),
		glamour.WithWordWrap(80),
	)
	if err != nil {
		t.Fatalf("new renderer: %v", err)
	}
	for _, s := range stages {
		out, err := r.Render(mustPage(t, s.id))
		if err != nil {
			t.Errorf("%s: render: %v", s.id, err)
			continue
		}
		if !strings.Contains(out, s.title) {
			t.Errorf("%s: rendered page lost its title %q", s.id, s.title)
		}
		if !strings.Contains(out, "What to look at") {
			t.Errorf("%s: rendered page lost a section heading", s.id)
		}
	}
}

func TestPageFallsBackToEnglish(t *testing.T) {
	for _, s := range stages {
		en := mustPage(t, s.id)
		ko, ok := Page("ko", s.id)
		if !ok {
			t.Errorf("%s: Page(ko) found nothing; want the en fallback", s.id)
		}
		if ko != en {
			t.Errorf("%s: Page(ko) is not the en page", s.id)
		}
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
	if len(langs) == 0 || langs[0] != "en" {
		t.Fatalf("Languages() = %v; want en first", langs)
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
