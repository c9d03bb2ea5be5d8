package ui

import "strings"

// facilitatorHeadings are the headings under which the pages keep notes
// for whoever runs the room (timings, what to watch for), one per page
// language. Content's tests require every page to have its language's
// heading, so this list and the pages cannot drift apart unnoticed (see
// TestEveryPageHidesItsFacilitatorNotes).
var facilitatorHeadings = []string{
	"## For facilitators",
	"## 진행자를 위한 메모",
}

// withoutFacilitatorNotes drops a page's facilitator section: from its
// heading to the next heading of the same or a higher level, or the end.
// Headings inside fenced code blocks are not headings.
func withoutFacilitatorNotes(md string) string {
	lines := strings.Split(md, "\n")
	out := make([]string, 0, len(lines))
	skipping, fenced := false, false
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fenced = !fenced
		}
		if !fenced {
			t := strings.TrimRight(l, " ")
			switch {
			case isFacilitatorHeading(t):
				skipping = true
				continue
			case skipping && (strings.HasPrefix(t, "## ") || strings.HasPrefix(t, "# ")):
				skipping = false
			}
		}
		if !skipping {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func isFacilitatorHeading(line string) bool {
	for _, h := range facilitatorHeadings {
		if line == h {
			return true
		}
	}
	return false
}
