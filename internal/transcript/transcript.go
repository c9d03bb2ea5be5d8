// Package transcript turns a workspace into a handout: for each stage, its
// page's takeaway, its status and timing, the kept log of its last run and
// the values it returned, as Markdown or HTML. It only reads; every text
// that reaches the output passes through the workspace's secret redaction.
package transcript

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
	"time"

	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/engine"
)

// Stage is one stage as the handout shows it, already redacted.
type Stage struct {
	Index    int
	ID       string
	Title    string
	Takeaway string
	Status   string
	Started  string // RFC 3339, empty when the stage never ran
	Elapsed  string
	Err      string
	Log      []string
	Values   []Value
}

// Value is one result value; Value is session.Redacted for a secret.
type Value struct{ Name, Value string }

// Multiline reports whether the value (decoded claims, a JSON body) needs
// a block of its own rather than inline code.
func (v Value) Multiline() bool { return strings.Contains(v.Value, "\n") }

// Source is what a transcript is built from: the stages' saved state, the
// pages in the chosen language, the kept logs and the secret values.
type Source struct {
	Stages  []engine.StageState
	Page    func(id string) (string, bool)
	Log     func(id string) ([]session.LogLine, error)
	Secrets []string
}

// Build gathers every stage of src in order.
func Build(src Source) ([]Stage, error) {
	red := func(s string) string { return session.RedactValues(s, src.Secrets) }
	out := make([]Stage, 0, len(src.Stages))
	for _, st := range src.Stages {
		s := Stage{Index: st.Index, ID: st.ID, Title: st.Title, Status: string(st.Status), Err: red(st.Err)}
		if md, ok := src.Page(st.ID); ok {
			if t := pageTitle(md); t != "" {
				s.Title = t
			}
			s.Takeaway = red(takeaway(md))
		}
		if !st.StartedAt.IsZero() {
			s.Started = st.StartedAt.UTC().Format(time.RFC3339)
			s.Elapsed = st.Elapsed.Round(100 * time.Millisecond).String()
		}
		lines, err := src.Log(st.ID)
		if err != nil {
			return nil, fmt.Errorf("transcript of stage %s: %w", st.ID, err)
		}
		for _, l := range lastRun(lines) {
			s.Log = append(s.Log, red(l.Line))
		}
		for _, v := range st.Result.Values {
			val := red(v.Value)
			if v.Secret {
				val = session.Redacted
			}
			s.Values = append(s.Values, Value{Name: v.Name, Value: val})
		}
		out = append(out, s)
	}
	return out, nil
}

// lastRun keeps the lines of the latest run in a kept log: earlier runs
// (before a reset or a retry) are history, not what the stage did.
func lastRun(lines []session.LogLine) []session.LogLine {
	if len(lines) == 0 {
		return nil
	}
	last := lines[0].Run
	for _, l := range lines {
		if l.Run.After(last) {
			last = l.Run
		}
	}
	var out []session.LogLine
	for _, l := range lines {
		if l.Run.Equal(last) {
			out = append(out, l)
		}
	}
	return out
}

// pageTitle reads "# N · Title", the page heading the UI's list also uses.
func pageTitle(md string) string {
	first, _, _ := strings.Cut(strings.TrimLeft(md, "\n"), "\n")
	h, ok := strings.CutPrefix(first, "# ")
	if !ok {
		return ""
	}
	if _, t, ok := strings.Cut(h, " · "); ok {
		return strings.TrimSpace(t)
	}
	return strings.TrimSpace(h)
}

// takeawayHeadings are the closing sections the content test requires of
// every page, one per language.
var takeawayHeadings = []string{"## Takeaway", "## 핵심 정리"}

// takeaway is the page's takeaway section, or its first paragraph when it
// has none.
func takeaway(md string) string {
	for _, h := range takeawayHeadings {
		if i := strings.Index(md, "\n"+h+"\n"); i >= 0 {
			body := md[i+len(h)+2:]
			if j := strings.Index(body, "\n## "); j >= 0 {
				body = body[:j]
			}
			return strings.TrimSpace(body)
		}
	}
	for _, para := range strings.Split(md, "\n\n") {
		if p := strings.TrimSpace(para); p != "" && !strings.HasPrefix(p, "#") {
			return p
		}
	}
	return ""
}

// labels are the handout's few words of its own, per language.
var labels = map[string]map[string]string{
	"en": {"heading": "Workshop transcript", "status": "Status", "started": "started", "took": "took",
		"ran": "What ran", "came": "What came back", "error": "Error", "none": "(nothing)"},
	"ko": {"heading": "워크숍 기록", "status": "상태", "started": "시작", "took": "소요",
		"ran": "실행한 내용", "came": "돌아온 결과", "error": "오류", "none": "(없음)"},
}

func labelsFor(lang string) map[string]string {
	if l, ok := labels[lang]; ok {
		return l
	}
	return labels["en"]
}

// Markdown writes stages as a Markdown handout. Log lines go in fenced
// blocks, so nothing in them is read as Markdown.
func Markdown(w io.Writer, stages []Stage, lang string) error {
	l := labelsFor(lang)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", l["heading"])
	for _, s := range stages {
		fmt.Fprintf(&b, "\n## %d · %s\n\n", s.Index, s.Title)
		if s.Takeaway != "" {
			fmt.Fprintf(&b, "> %s\n\n", strings.ReplaceAll(s.Takeaway, "\n", "\n> "))
		}
		fmt.Fprintf(&b, "**%s:** %s", l["status"], s.Status)
		if s.Started != "" {
			fmt.Fprintf(&b, " · %s %s · %s %s", l["started"], s.Started, l["took"], s.Elapsed)
		}
		b.WriteString("\n")
		if s.Err != "" {
			fmt.Fprintf(&b, "\n**%s:** `%s`\n", l["error"], strings.ReplaceAll(s.Err, "`", "'"))
		}
		fmt.Fprintf(&b, "\n### %s\n\n", l["ran"])
		if len(s.Log) == 0 {
			fmt.Fprintf(&b, "%s\n", l["none"])
		} else {
			fence := fenceFor(strings.Join(s.Log, "\n"))
			fmt.Fprintf(&b, "%s\n%s\n%s\n", fence, strings.Join(s.Log, "\n"), fence)
		}
		fmt.Fprintf(&b, "\n### %s\n\n", l["came"])
		if len(s.Values) == 0 {
			fmt.Fprintf(&b, "%s\n", l["none"])
		}
		for _, v := range s.Values {
			if v.Multiline() {
				fence := fenceFor(v.Value)
				indented := strings.ReplaceAll(v.Value, "\n", "\n  ")
				fmt.Fprintf(&b, "- %s:\n\n  %s\n  %s\n  %s\n\n", v.Name, fence, indented, fence)
				continue
			}
			fmt.Fprintf(&b, "- %s: `%s`\n", v.Name, strings.ReplaceAll(v.Value, "`", "'"))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fenceFor returns a code fence longer than any run of backticks in text,
// so the text cannot close it.
func fenceFor(text string) string {
	fence := "```"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	return fence
}

// page is parsed on first use, not at package init: the binary links the
// transcript for its export command, and a launch that does not export
// should not parse it before its first frame.
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("transcript").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.L.heading}}</title>
<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;padding:0 1em;line-height:1.4}
pre{background:#f4f4f4;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
blockquote{border-left:3px solid #999;margin:0;padding-left:1em;color:#333}
code{background:#f4f4f4}</style></head><body>
<h1>{{.L.heading}}</h1>
{{range .Stages}}<section id="{{.ID}}">
<h2>{{.Index}} · {{.Title}}</h2>
{{if .Takeaway}}<blockquote>{{.Takeaway}}</blockquote>{{end}}
<p><strong>{{$.L.status}}:</strong> {{.Status}}{{if .Started}} · {{$.L.started}} {{.Started}} · {{$.L.took}} {{.Elapsed}}{{end}}</p>
{{if .Err}}<p><strong>{{$.L.error}}:</strong> <code>{{.Err}}</code></p>{{end}}
<h3>{{$.L.ran}}</h3>
{{if .Log}}<pre>{{range .Log}}{{.}}
{{end}}</pre>{{else}}<p>{{$.L.none}}</p>{{end}}
<h3>{{$.L.came}}</h3>
{{if .Values}}<ul>{{range .Values}}<li>{{.Name}}: {{if .Multiline}}<pre>{{.Value}}</pre>{{else}}<code>{{.Value}}</code>{{end}}</li>{{end}}</ul>{{else}}<p>{{$.L.none}}</p>{{end}}
</section>
{{end}}</body></html>
`))
})

// HTML writes stages as one self-contained HTML page; html/template
// escapes every value.
func HTML(w io.Writer, stages []Stage, lang string) error {
	return page().Execute(w, struct {
		Lang   string
		L      map[string]string
		Stages []Stage
	}{lang, labelsFor(lang), stages})
}
