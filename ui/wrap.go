package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"agentcore-workshop/internal/lazyregexp"
)

// ellipsis joins the two ends of a value shortened in the middle.
const ellipsis = "…"

// atomPattern matches the words that must never be split across lines:
// URLs, ARNs and JWTs. Shown whole, or shortened in the middle; copying
// (y) and revealing (v) always give the whole value.
var atomPattern = lazyregexp.New(`^\(?(?:[a-z][a-z0-9+.-]*://|arn:|eyJ[\w-]*\.[\w-]*\.)`)

// isAtom reports whether word is a value, not prose: it is shortened in
// the middle, never broken, when it is too long for its line.
func isAtom(word string) bool {
	return atomPattern.MatchString(ansi.Strip(word))
}

// middle shortens s to w columns by cutting out its middle, so both the
// scheme or prefix and the distinguishing tail stay readable:
// "https://…/authorize?request_uri=urn…f8c".
func middle(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw <= w {
		return s
	}
	if w <= 1 {
		return ansi.Truncate(s, max(w, 0), "")
	}
	head := w / 2
	tail := w - 1 - head
	return ansi.Truncate(s, head, "") + ellipsis + ansi.TruncateLeft(s, sw-tail, "")
}

// hangingMarks start a line whose continuation lines are indented past
// the mark: list items, and the log's call and outcome arrows.
var hangingMarks = []string{"- ", "• ", "→ ", "← ", "✓ ", "✗ ", "! "}

// wrapKeep lays one line of plain text out in w columns:
//   - it breaks only at spaces, never inside a word, so a timestamp or an
//     id stays whole;
//   - continuation lines keep the line's own indentation (plus two columns
//     after a mark such as "- " or "→ ");
//   - a word too long for a line is shortened in the middle when it is a
//     value (isAtom) and cut at the width otherwise (a JSON body).
//
// Runs of spaces inside the line (aligned columns) are kept.
func wrapKeep(line string, w int) []string {
	if w <= 0 {
		return []string{""}
	}
	if ansi.StringWidth(line) <= w {
		return []string{line}
	}
	body := strings.TrimLeft(line, " ")
	indent := len(line) - len(body)
	for _, mark := range hangingMarks {
		if strings.HasPrefix(body, mark) {
			indent += 2 // continuation lines line up under the text, not the mark
			break
		}
	}
	if indent > w/2 {
		indent = 0 // too deep to keep: the text needs the room
	}
	pad := strings.Repeat(" ", indent)
	first := line[:len(line)-len(body)]

	var out []string
	cur, curW := first, ansi.StringWidth(first)
	lead := curW // where text starts on the current line
	for _, tok := range splitKeepSpaces(body) {
		tw := ansi.StringWidth(tok)
		if strings.TrimSpace(tok) == "" { // a run of spaces
			if curW > lead {
				cur, curW = cur+tok, curW+tw
			}
			continue
		}
		// A word wider than any line that is not a value is cut where it
		// starts; anything else that does not fit starts a new line.
		long := tw > w-indent && !isAtom(tok)
		if curW+tw > w && curW > lead && !long {
			out = append(out, strings.TrimRight(cur, " "))
			cur, curW, lead = pad, indent, indent
		}
		if room := w - curW; tw > room {
			if isAtom(tok) {
				tok = middle(tok, room)
				cur, curW = cur+tok, curW+ansi.StringWidth(tok)
				continue
			}
			// Prose without spaces (a JSON body): cut it at the width.
			for ansi.StringWidth(tok) > w-curW {
				room := w - curW
				out = append(out, cur+ansi.Truncate(tok, room, ""))
				tok = ansi.TruncateLeft(tok, room, "")
				cur, curW, lead = pad, indent, indent
			}
			tw = ansi.StringWidth(tok)
		}
		cur, curW = cur+tok, curW+tw
	}
	if strings.TrimSpace(cur) != "" || len(out) == 0 {
		out = append(out, strings.TrimRight(cur, " "))
	}
	return out
}

// splitKeepSpaces splits s into words and the runs of spaces between them.
func splitKeepSpaces(s string) []string {
	var out []string
	start := 0
	for i := 1; i <= len(s); i++ {
		if i == len(s) || (s[i] == ' ') != (s[i-1] == ' ') {
			out = append(out, s[start:i])
			start = i
		}
	}
	return out
}

// wrapBlock lays out every line of s with wrapKeep.
func wrapBlock(s string, w int) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		out = append(out, wrapKeep(l, w)...)
	}
	return out
}
