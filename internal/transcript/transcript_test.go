package transcript_test

import (
	"bytes"
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"agentcore-workshop/content"
	"agentcore-workshop/internal/app/apptest"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/internal/transcript"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// Stages 1–6 run for real against the embedded sandbox; the transcript of
// the workspace, read back the way the command reads it, names every
// stage, keeps stage 6's refusal and the log line that explains it, and
// shows no secret the workspace holds, in either format.
func TestTranscriptOfStagesOneToSix(t *testing.T) {
	ws := apptest.RanUntil(t, "invoke-unauthenticated")

	// The secrets as the file holds them, read independently of session.
	raw, err := os.ReadFile(filepath.Join(ws, session.SecretsFile))
	if err != nil {
		t.Fatal(err)
	}
	var sf struct {
		Secrets map[string]string `json:"secrets"`
	}
	if err := json.Unmarshal(raw, &sf); err != nil {
		t.Fatal(err)
	}
	if len(sf.Secrets) == 0 {
		t.Fatal("stages 1–6 stored no secrets: the redaction check would prove nothing")
	}

	sess, err := session.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	r := engine.NewRunner(outline.Stages(), sess, engine.Options{ReadOnly: true})
	snap := r.Snapshot()
	for _, lang := range []string{"en", "ko"} {
		stages, err := transcript.Build(transcript.Source{
			Stages:  snap,
			Page:    func(id string) (string, bool) { return content.Page(lang, id) },
			Log:     sess.StageLog,
			Secrets: sess.SecretValues(),
		})
		if err != nil {
			t.Fatal(err)
		}
		var md, page bytes.Buffer
		if err := transcript.Markdown(&md, stages, lang); err != nil {
			t.Fatal(err)
		}
		if err := transcript.HTML(&page, stages, lang); err != nil {
			t.Fatal(err)
		}
		// Compare the HTML as a reader sees it, entities decoded.
		for format, out := range map[string]string{"md": md.String(), "html": html.UnescapeString(page.String())} {
			for i, s := range stages {
				if s.Title == "" || !strings.Contains(out, s.Title) {
					t.Errorf("%s/%s: stage %d's title %q is missing", lang, format, s.Index, s.Title)
				}
				if lang == "en" && !strings.Contains(out, snap[i].Title) {
					t.Errorf("en/%s: stage %d's title %q is missing", format, snap[i].Index, snap[i].Title)
				}
			}
			if lang == "en" && !strings.Contains(out, "A runtime accepts exactly one inbound method") {
				t.Errorf("en/%s: stage 6's takeaway is missing", format)
			}
			for _, want := range []string{
				"403 AccessDeniedException",
				"refused at the authorizer, before the agent ran",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("%s/%s: stage 6's %q is missing:\n%s", lang, format, want, out)
				}
			}
			for k, v := range sf.Secrets {
				if v != "" && strings.Contains(out, v) {
					t.Errorf("%s/%s: secret %s appears in the transcript", lang, format, k)
				}
			}
		}
		if lang == "ko" && !strings.Contains(md.String(), "토큰 없이 호출하기") {
			t.Errorf("ko: stage 6's Korean title is missing:\n%s", md.String())
		}
	}
}
