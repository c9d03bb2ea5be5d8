package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"agentcore-workshop/content"
	"agentcore-workshop/steps/outline"
)

// Every real page marks its facilitator notes with its language's heading,
// and the learner's view drops that section and nothing else.
func TestEveryPageHidesItsFacilitatorNotes(t *testing.T) {
	pages := 0
	defer func() {
		if pages < 2*9 {
			t.Errorf("checked %d pages; the pages of both languages were not found", pages)
		}
	}()
	for _, lang := range content.Languages() {
		for _, st := range outline.Stages() {
			md, ok := content.Page(lang, st.ID)
			if !ok {
				continue
			}
			pages++
			heading := ""
			for _, h := range facilitatorHeadings {
				if strings.Contains(md, "\n"+h+"\n") {
					heading = h
				}
			}
			if heading == "" {
				t.Errorf("%s/%s: no facilitator heading the UI knows (%q): its notes would show to every learner", lang, st.ID, facilitatorHeadings)
				continue
			}
			_, notes, _ := strings.Cut(md, heading+"\n")
			next := strings.Index(notes, "\n## ")
			if next < 0 {
				t.Errorf("%s/%s: the facilitator notes are the page's last section", lang, st.ID)
				continue
			}
			section, after := notes[:next], notes[next+1:]
			got := withoutFacilitatorNotes(md)
			if strings.Contains(got, heading) || strings.Contains(got, strings.TrimSpace(section)) {
				t.Errorf("%s/%s: the learner's page still has the facilitator notes", lang, st.ID)
			}
			if !strings.Contains(got, after) || len(got) != len(md)-len(heading)-1-len(section)-1 {
				t.Errorf("%s/%s: more than the facilitator section went", lang, st.ID)
			}
		}
	}
}

// f shows and hides the notes; WithFacilitatorNotes starts with them shown.
func TestFacilitatorNotesToggle(t *testing.T) {
	samplePages["notes"] = "# Notes\n\nFor everyone.\n\n## For facilitators\n\n- Only for the room's lead.\n\n## Takeaway\n\nThe end.\n"
	defer delete(samplePages, "notes")
	eng := newFakeEngine()
	eng.stages = eng.stages[:1]
	eng.stages[0].ID = "notes"
	h := newHarness(t, eng, 120, 34)
	v := ansi.Strip(h.view())
	if strings.Contains(v, "Only for the room's lead") || !strings.Contains(v, "Takeaway") {
		t.Fatalf("notes shown by default, or the rest lost:\n%s", v)
	}
	h.press(keyRune('f'))
	if v := ansi.Strip(h.view()); !strings.Contains(v, "Only for the room's lead") || !strings.Contains(v, "facilitator notes shown") {
		t.Errorf("f did not show the notes:\n%s", v)
	}
	h.press(keyRune('f'))
	if v := ansi.Strip(h.view()); strings.Contains(v, "Only for the room's lead") {
		t.Errorf("f did not hide the notes again:\n%s", v)
	}
	h2 := newHarness(t, eng, 120, 34, WithFacilitatorNotes(true))
	if v := ansi.Strip(h2.view()); !strings.Contains(v, "Only for the room's lead") {
		t.Errorf("--facilitator did not show the notes:\n%s", v)
	}
}
