package ui

import (
	"net/url"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/jwtx"
	"agentcore-workshop/internal/lazyregexp"
	"agentcore-workshop/steps/engine"
)

// What the output pane says, in one place for the message catalog.
const (
	cardRefused     = "refused, as it should be"
	cardWhatToDo    = "what to do: "
	cardWhy         = "why: "
	cardCancelled   = "you stopped it: press enter to run it again"
	cardSkipped     = "skipped, not failed"
	sectionResults  = "Results"
	sectionLog      = "Log"
	outputEmpty     = "Nothing yet. Press enter to run this stage; its output and results appear here."
	hintShow        = "(v to show)"
	hintShowInspect = "(v to show · t to inspect)"
	hintOpen        = "(o to open)"
	secretMask      = "••••••"
)

// cardBar marks the summary card's lines.
const cardBar = "▌ "

// The output pane of the selected stage reads like a notebook entry: a
// summary card first (why it failed and what to do, or why the refusal it
// got is the one it should get), then its results, then its log. A value
// is never split: it moves to a line of its own, or, when even that is
// too short, is shortened in the middle (copy and reveal give it whole).

// rebuildOutput refills the output pane for the selected stage. Code
// results are highlighted through glamour in a Cmd; until that lands they
// show as plain text. Everything is laid out here, once per change, so
// View only slices lines.
func (m *Model) rebuildOutput() tea.Cmd {
	s, ok := m.selected()
	m.countdown = false
	if !ok {
		m.outputLines = nil
		m.output.SetContentLines(nil)
		return nil
	}
	w := m.output.Width()
	if w <= 0 {
		w = 80 // not laid out yet: the lines are rebuilt on the first resize
	}
	var lines []string
	var cmds []tea.Cmd
	out := m.out[s.ID]
	var log []string
	if out != nil {
		log = out.lines
	}
	card := m.card(s, log, w)
	lines = append(lines, card...)
	if res := m.resultLines(s, w, &cmds); len(res) > 0 {
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, m.st.Title.Render(m.tr.T(sectionResults)))
		lines = append(lines, res...)
	}
	if len(log) > 0 {
		if len(lines) > 0 {
			lines = append(lines, "")
			lines = append(lines, m.st.Title.Render(m.tr.T(sectionLog)))
		}
		for _, l := range log {
			lines = append(lines, wrapKeep(l, w)...)
		}
	}
	if len(lines) == 0 {
		lines = wrapKeep(m.st.Dim.Render(m.tr.T(outputEmpty)), w)
	}
	atBottom := m.output.AtBottom()
	m.outputLines = lines
	m.output.SetContentLines(lines)
	if atBottom && s.Status == engine.Running {
		m.output.GotoBottom() // follow the tail only while at the bottom
	}
	return tea.Batch(cmds...)
}

// card is the summary that opens a finished stage's entry: the reason and
// what to do for a failure, the refusal and why for a stage that got the
// error it teaches; nothing for a plain success (the status row says it).
func (m *Model) card(s engine.StageState, log []string, w int) []string {
	var head, advice string
	style := m.st.Fail
	switch s.Status {
	case engine.Failed:
		head = "✗ " + plainError(s.Err)
		if h := hintFor(s.Err); h != "" {
			advice = m.tr.T(cardWhatToDo) + m.tr.T(h)
		}
	case engine.Cancelled:
		style = m.st.Warn
		head = "■ " + m.tr.T(cardCancelled)
	case engine.Skipped:
		style = m.st.Warn
		head = "– " + m.tr.T(cardSkipped) + ": " + s.Err
	case engine.Succeeded:
		refusal, ok := expectedRefusal(log, engine.ExpectedErrorNote, m.tr.T(engine.ExpectedErrorNote))
		if !ok {
			return nil
		}
		style = m.st.OK
		head = "✓ " + m.tr.T(cardRefused) + ": " + plainError(refusal)
		if h := hintFor(refusal); h != "" {
			advice = m.tr.T(cardWhy) + m.tr.T(h)
		}
	default:
		return nil
	}
	bar := style.Render(cardBar)
	inner := max(w-ansi.StringWidth(cardBar), 10)
	var out []string
	for _, l := range wrapKeep(head, inner) {
		out = append(out, bar+style.Render(l))
	}
	if advice != "" {
		for _, l := range wrapKeep(advice, inner) {
			out = append(out, bar+l)
		}
	}
	return out
}

// sdkPrefix is what the AWS SDK puts before the service's own error:
// "operation error Bedrock AgentCore: InvokeAgentRuntime, https response
// error StatusCode: 403, RequestID: 5d2a…, ".
var sdkPrefix = lazyregexp.New(`operation error [^:]+: \w+, (?:https response error StatusCode: \d+, RequestID: [^,]*, )?`)

// plainError is an error as the card shows it: the service's words, without
// the SDK's plumbing (the log keeps the whole text).
func plainError(s string) string {
	return sdkPrefix.ReplaceAllString(s, "")
}

// expectedRefusal finds the engine's note that a stage got the error it
// teaches (notes: the note's prefix in each language the log may be in),
// and returns that error.
func expectedRefusal(log []string, notes ...string) (string, bool) {
	for i := len(log) - 1; i >= 0; i-- {
		for _, note := range notes {
			if rest, ok := strings.CutPrefix(log[i], note); ok {
				return rest, true
			}
		}
	}
	return "", false
}

// resultLines lays out a stage's results: one name column, then each value
// in a column of its own.
func (m *Model) resultLines(s engine.StageState, w int, cmds *[]tea.Cmd) []string {
	vals := s.Result.Values
	if len(vals) == 0 {
		return nil
	}
	nameW := 0
	for _, v := range vals {
		if v.Kind != engine.KindCode {
			nameW = max(nameW, ansi.StringWidth(m.tr.T(v.Name)))
		}
	}
	nameW = min(nameW, 24, max(w/3, 4))
	valW := max(w-nameW-2, 1)
	pad := strings.Repeat(" ", nameW+2)
	revealed := m.revealed[s.ID]
	now := m.cfg.now()
	urlHint := true
	var out []string
	for _, v := range vals {
		if v.Kind == engine.KindCode {
			out = append(out, m.st.Name.Render(v.Name))
			k := codeKey(s.ID, v, m.wrapWidth(w), m.st.glamour)
			if r, ok := m.md.get(k); ok {
				out = append(out, strings.Split(r, "\n")...)
				continue
			}
			for _, l := range strings.Split(strings.TrimRight(v.Value, "\n"), "\n") {
				out = append(out, wrapKeep("  "+l, w)...)
			}
			md, cache := codeMarkdown(v.Name, v.Value), m.md
			*cmds = append(*cmds, func() tea.Msg {
				_, err := cache.render(k, md)
				return codeMsg{err: err}
			})
			continue
		}
		name := m.tr.T(v.Name) // a lowercase name reads in the learner's language; .env keys stay
		if ansi.StringWidth(name) > nameW {
			name = ansi.Truncate(name, nameW, ellipsis)
		}
		lead := m.st.Name.Render(name+strings.Repeat(" ", nameW-ansi.StringWidth(name))) + "  "
		val, hint, whole := v.Value, "", false
		switch {
		case v.Secret:
			if r, ok := revealed[v.Name]; ok {
				val, whole = r, true // revealing shows the whole value
			} else {
				val, hint = m.tr.T(secretMask), m.tr.T(hintShow)
				if v.Kind == engine.KindToken {
					hint = m.tr.T(hintShowInspect)
				}
			}
		case v.Kind == engine.KindURL && urlActs(s, v) && urlHint:
			hint, urlHint = m.tr.T(hintOpen), false
		}
		if live, ok := liveCountdown(m.tr, val, now); ok {
			val = live
			m.countdown = true
		}
		out = append(out, m.valueLines(lead, pad, val, hint, valW, w, whole)...)
	}
	return out
}

// valueLines places one value after its name. A value of one word (an id,
// an ARN, a URL, a timestamp) is never split: it fits its column, or
// takes a line of its own under the name, or, longer than a whole line,
// is shortened in the middle, unless whole is set (a revealed secret):
// then it is broken at the pane's edge, every character shown. Text wraps
// within the column, each of its lines keeping its indentation.
func (m *Model) valueLines(lead, pad, val, hint string, valW, w int, whole bool) []string {
	if !strings.ContainsAny(val, " \n") {
		vw := ansi.StringWidth(val)
		switch {
		case vw <= valW:
			row := lead + val
			if hint != "" && w-valW+vw+2+ansi.StringWidth(hint) <= w {
				row += "  " + m.st.Dim.Render(hint)
			}
			return []string{row}
		default:
			name := strings.TrimRight(lead, " ")
			if hint != "" {
				name += "  " + m.st.Dim.Render(hint)
			}
			if whole {
				return append([]string{name}, indentLines(ansi.Hardwrap(val, max(w-2, 1), false), "  ")...)
			}
			return []string{name, "  " + middle(val, w-2)}
		}
	}
	var out []string
	for i, l := range wrapBlock(val, valW) {
		if i == 0 {
			out = append(out, lead+l)
		} else {
			out = append(out, pad+l)
		}
	}
	if hint != "" {
		last := out[len(out)-1]
		if ansi.StringWidth(last)+2+ansi.StringWidth(hint) <= w {
			out[len(out)-1] = last + "  " + m.st.Dim.Render(hint)
		}
	}
	return out
}

// urlActs reports whether opening v does anything: a URL carrying an OAuth
// request_uri (a pushed authorization request) is good for one sign-in
// only, while its stage waits for it.
func urlActs(s engine.StageState, v engine.Value) bool {
	if v.Kind != engine.KindURL || v.Value == "" {
		return false
	}
	if u, err := url.Parse(v.Value); err == nil && u.Query().Has("request_uri") {
		return s.Status == engine.Running
	}
	return true
}

// countdownPattern is a timestamp followed by the time left until it, as
// the stages write an expiry: "2026-11-25T21:24:48Z (59m 59s left)", or
// "(59분 59초 남음)" in Korean (i18n's Printer.Duration words the time; a
// result kept from before it still says "59m59s", and is matched too).
var countdownPattern = lazyregexp.New(`(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) \((?:[0-9hms시간분초. ]+ left|expired [0-9hms시간분초. ]+ ago|[0-9hms시간분초. ]+ 남음|[0-9hms시간분초. ]+ 전에 만료됨)\)`)

// liveCountdown recomputes every "time left" in val from its timestamp, so
// a result written an hour ago does not still say "59m59s left".
func liveCountdown(tr i18n.Printer, val string, now time.Time) (string, bool) {
	found := false
	out := countdownPattern.ReplaceAllStringFunc(val, func(s string) string {
		ts := countdownPattern.FindStringSubmatch(s)[1]
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			return s
		}
		found = true
		return ts + " (" + jwtx.Remaining(tr, t, now) + ")"
	})
	return out, found
}
