package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"agentcore-workshop/content"
	"agentcore-workshop/internal/runflags"
	"agentcore-workshop/internal/session"
	"agentcore-workshop/internal/transcript"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

// transcriptCmd prints a workspace as a handout. Like status it starts no
// sandbox and takes no lock: it only reads, so it works while a workshop
// runs in the same workspace.
func transcriptCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := runflags.NewFlagSet("transcript", stderr)
	workspace := fs.String("workspace", "./"+session.DefaultDir, "workspace `DIR`")
	format := fs.String("format", "md", "`FORMAT`: md (Markdown) or html")
	langFlag := fs.String("lang", "", "language of the stage pages, `LANG`: "+strings.Join(content.Languages(), " or ")+" (default: from LC_ALL / LANG)")
	outPath := fs.String("o", "", "write to `FILE` instead of stdout")
	if !runflags.ParseArgs(fs, args, stderr) {
		return 2
	}
	if *format != "md" && *format != "html" {
		fmt.Fprintf(stderr, "agentcore-workshop: unknown --format %q: choose md or html\n", *format)
		return 2
	}
	lang, err := runflags.PageLang(*langFlag, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 2
	}
	sess := openExisting(*workspace, stderr)
	if sess == nil {
		return 1
	}
	// ReadOnly: the runner never records anything, not even a stage saved
	// as running, which another process may really be running.
	r := engine.NewRunner(outline.Stages(), sess, engine.Options{ReadOnly: true})
	stages, err := transcript.Build(transcript.Source{
		Stages:  r.Snapshot(),
		Page:    func(id string) (string, bool) { return content.Page(lang, id) },
		Log:     sess.StageLog,
		Secrets: sess.SecretValues(),
	})
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return 1
	}
	w := stdout
	if *outPath != "" {
		f, err := os.OpenFile(*outPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			fmt.Fprintf(stderr, "agentcore-workshop: create transcript: %v\n", err)
			return 1
		}
		defer f.Close() // after a failed write; the success path checks Close below
		w = f
	}
	if *format == "html" {
		err = transcript.HTML(w, stages, lang)
	} else {
		err = transcript.Markdown(w, stages, lang)
	}
	if f, ok := w.(*os.File); ok && err == nil && *outPath != "" {
		err = f.Close()
	}
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: write transcript: %v\n", err)
		return 1
	}
	return 0
}
