package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"agentcore-workshop/internal/boundedlog"
	"agentcore-workshop/internal/nofollow"
	"agentcore-workshop/internal/runflags"
	"agentcore-workshop/internal/sandbox"
	"agentcore-workshop/internal/sandbox/egress"
)

// sandboxCmd runs `agentcore-workshop sandbox serve`.
func sandboxCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "serve" {
		fmt.Fprintln(stderr, "usage: agentcore-workshop sandbox serve [--addr HOST:PORT] [--state DIR]")
		return 2
	}
	fs := runflags.NewFlagSet("sandbox serve", stderr)
	addr := fs.String("addr", sandbox.DefaultAddr, "address to listen on, `HOST:PORT`")
	state := fs.String("state", "./sandbox-state", "`DIR` where the sandbox keeps its state")
	region := fs.String("region", sandbox.DefaultRegion, "`REGION` the sandbox pretends to be")
	pace := fs.String("pace", sandbox.PaceLifelike, "how long slow operations take, `PACE`: lifelike (seconds) or instant")
	publicURL := fs.String("public-url", "", "the `URL` learners' machines reach this sandbox at, e.g. http://10.0.0.5:4747 (required with --addr 0.0.0.0:PORT)")
	allowOutbound := fs.String("allow-outbound", "", "`HOSTS` (HOST or HOST:PORT, comma-separated) the sandbox may fetch discovery, keys and tokens from besides itself")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if err := os.MkdirAll(*state, 0o700); err != nil {
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		return 1
	}
	if err := nofollow.CheckDir(*state); err != nil {
		fmt.Fprintf(stderr, "sandbox: state directory %v\n", err)
		return 1
	}
	// Learners' calls end up in the log: it rotates by size, so a room
	// cannot fill the facilitator's disk.
	logFile, err := boundedlog.Open(filepath.Join(*state, "sandbox.log"), 0, 0)
	if err != nil {
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		return 1
	}
	defer logFile.Close()
	log := slog.New(slog.NewTextHandler(logFile, nil))

	delays, err := sandbox.Delays(*pace)
	if err != nil {
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	sb, err := sandbox.Start(ctx, sandbox.Config{Addr: *addr, StateDir: *state, Region: *region, Log: log, Delays: delays, PublicURL: *publicURL, SpareKeys: roomSpareKeys,
		AllowOutbound: egress.ParseList(*allowOutbound)})
	if err != nil {
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		return 1
	}
	for _, kv := range sb.Env() {
		fmt.Fprintf(stdout, "export %s\n", kv)
	}
	fmt.Fprintf(stderr, "sandbox serving on %s (state in %s); Ctrl-C stops it\n", sb.URL, *state)
	printRoom(stderr, sb)
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sb.Close(shutdown); err != nil {
		fmt.Fprintf(stderr, "sandbox: shutdown: %v\n", err)
		return 1
	}
	fmt.Fprintln(stderr, "sandbox stopped")
	return 0
}

// roomSpareKeys is how many signing keys a served sandbox keeps ready: a
// room's first minutes make two pools (four keys) per learner at once, and
// generating them ahead spreads that work over the idle time before.
const roomSpareKeys = 64
