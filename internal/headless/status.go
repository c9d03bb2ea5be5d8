package headless

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/steps/engine"
)

// StatusTable writes the stages as a plain table, then each stage's
// result values (secrets masked), for `agentcore-workshop status`.
func StatusTable(states []engine.StageState, w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tSTAGE\tTITLE\tSTATUS\tTIME\tNOTE")
	for _, s := range states {
		status := string(s.Status)
		if s.Stale {
			status += " (stale)"
		}
		elapsed := ""
		if s.Elapsed > 0 {
			elapsed = engine.FormatElapsed(s.Elapsed)
		}
		note := oneLine(s.Err)
		if note == "" && s.Stale {
			note = "an earlier stage was run again after this one"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", s.Index, s.ID, oneLine(s.Title), status, elapsed, note)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write status: %w", err)
	}
	for _, s := range states {
		if len(s.Result.Values) == 0 {
			continue
		}
		if _, err := fmt.Fprintf(w, "\n%d %s\n", s.Index, s.ID); err != nil {
			return fmt.Errorf("write status: %w", err)
		}
		for _, v := range s.Result.Values {
			fmt.Fprintf(w, "  %s\n", valueText(i18n.For(i18n.DefaultLang), v)) // the table is English
		}
	}
	return nil
}

// StatusDoc is the JSON form of `agentcore-workshop status --json`.
type StatusDoc struct {
	Version int                 `json:"version"`
	Stages  []engine.StageState `json:"stages"`
}

// StatusJSON writes the stages as JSON. Secret values are empty, as in
// every snapshot.
func StatusJSON(states []engine.StageState, w io.Writer) error {
	// A copy, so redacting below never changes the caller's states.
	doc := StatusDoc{Version: 1, Stages: append([]engine.StageState{}, states...)}
	for i := range doc.Stages {
		for j, v := range doc.Stages[i].Result.Values {
			if v.Secret && v.Value != "" {
				// Defensive copy-on-write: never print a secret even if a
				// caller hands in an unredacted state.
				vals := append([]engine.Value(nil), doc.Stages[i].Result.Values...)
				vals[j].Value = ""
				doc.Stages[i].Result.Values = vals
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write status: %w", err)
	}
	return nil
}
