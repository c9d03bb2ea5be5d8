package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"agentcore-workshop/internal/roomapi"
	"agentcore-workshop/internal/runflags"
	"agentcore-workshop/internal/sandbox"
	uiroom "agentcore-workshop/ui/room"
)

// printRoom tells the facilitator where the room is. It goes to stderr,
// beside the export lines, never among them: those are handed to learners,
// and the key is the facilitator's alone.
func printRoom(stderr io.Writer, sb *sandbox.Sandbox) {
	r := sb.Room()
	fmt.Fprintf(stderr, "room (facilitator only, keep the key to yourself): %s\n", r.URL())
	fmt.Fprintf(stderr, "  in a terminal: agentcore-workshop room --sandbox-url %s --key %s\n", sb.URL, r.Key())
}

// roomCmd runs `agentcore-workshop room`: the facilitator's live view of a
// shared sandbox's learners, in the terminal.
func roomCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := runflags.NewFlagSet("room", stderr)
	sandboxURL := fs.String("sandbox-url", "", "`URL` of the sandbox the room is on (what `sandbox serve` printed)")
	key := fs.String("key", "", "the facilitator `KEY` from the room URL `sandbox serve` printed")
	if !runflags.ParseArgs(fs, args, stderr) {
		return 2
	}
	if *sandboxURL == "" || *key == "" {
		fmt.Fprintln(stderr, "agentcore-workshop room: needs --sandbox-url and --key (both in the lines `sandbox serve` printed)")
		return 2
	}
	if os.Getenv("TERM") == "dumb" || !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		fmt.Fprintf(stderr, "agentcore-workshop room: needs a terminal that can draw a screen; open %s%s?%s=KEY in a browser instead\n",
			*sandboxURL, roomapi.PagePath, roomapi.KeyParam)
		return 2
	}
	ctx, stop := signalContext(ctx)
	defer stop()
	src := uiroom.HTTPSource(&http.Client{Timeout: 5 * time.Second}, *sandboxURL, *key)
	p := tea.NewProgram(uiroom.New(src, *sandboxURL), tea.WithContext(ctx))
	if _, err := p.Run(); err != nil && ctx.Err() == nil {
		fmt.Fprintf(stderr, "agentcore-workshop room: %v\n", err)
		return 1
	}
	return 0
}
