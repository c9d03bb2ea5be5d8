package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"agentcore-workshop/internal/app"
	"agentcore-workshop/internal/runflags"
	"agentcore-workshop/steps"
)

// maxPastedToken bounds a token read from stdin; real ones are a few KB.
const maxPastedToken = 64 << 10

// tryTokenCmd is `try-token [flags] TOKEN|-`: break-it for a token the
// learner brings. It sends the token as a bearer to the runtime the
// workspace launched and prints `accepted: …` or `refused <code>: <why>`.
// The exit status is 0 when the runtime answered (either way), 1 when it
// could not be asked.
func tryTokenCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := runflags.NewFlagSet("try-token", stderr)
	var c runflags.Common
	c.Register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "agentcore-workshop try-token: give one TOKEN, or - to read it from stdin (see --help)")
		return 2
	}
	token := fs.Arg(0)
	if token == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, maxPastedToken+1))
		if err != nil {
			fmt.Fprintf(stderr, "agentcore-workshop try-token: read stdin: %v\n", err)
			return 1
		}
		if len(b) > maxPastedToken {
			fmt.Fprintf(stderr, "agentcore-workshop try-token: more than %d bytes on stdin: not a token\n", maxPastedToken)
			return 2
		}
		token = strings.TrimSpace(string(b))
	}
	// There is no runtime in a new workspace.
	if noWorkspace(c.Workspace) {
		fmt.Fprintf(stderr, "agentcore-workshop try-token: no workspace at %s: run the workshop up to stage 5 first\n", c.Workspace)
		return 1
	}
	ctx, stop := signalContext(ctx)
	defer stop()
	return withApp(ctx, commonOptions(c), stderr, func(a *app.App) int {
		_, why, err := steps.TryToken(ctx, a.Env, token)
		if err != nil {
			fmt.Fprintf(stderr, "agentcore-workshop try-token: %v\n", err)
			return 1
		}
		fmt.Fprintln(stdout, why)
		return 0
	})
}
