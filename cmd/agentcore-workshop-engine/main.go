// Command agentcore-workshop-engine is the workshop's engine: it runs the
// stages against real AWS or the embedded offline sandbox, and has every
// command but the terminal UI (run --headless, status, cleanup, sandbox
// serve, ...). The learner types agentcore-workshop, which draws the UI
// and starts this binary beside it (serve-ui), or hands it any other
// command whole. main only parses flags and hands over.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"agentcore-workshop/internal/runflags"
)

func main() {
	os.Exit(realMain(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	cmd := "run"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	if helpArgs, ok := helpRequest(cmd, args); ok {
		// A command asked to -h prints the usage and its own flags (see
		// runflags.NewFlagSet) and stops before it opens anything; the help
		// that was asked for goes to stdout and is a success.
		cmd, args, stderr = helpArgs[0], helpArgs[1:], stdout
		defer func() { code = 0 }()
	}
	switch cmd {
	case "run":
		return runCmd(ctx, args, stdout, stderr)
	case "status":
		return statusCmd(ctx, args, stdout, stderr)
	case "transcript":
		return transcriptCmd(ctx, args, stdout, stderr)
	case "reset":
		return resetCmd(ctx, args, stdout, stderr)
	case "cleanup":
		return cleanupCmd(ctx, args, stdout, stderr)
	case "sandbox":
		return sandboxCmd(ctx, args, stdout, stderr)
	case "try-token":
		return tryTokenCmd(ctx, args, os.Stdin, stdout, stderr)
	case "room":
		return roomCmd(ctx, args, stdout, stderr)
	case "doctor":
		return doctorCmd(ctx, args, stdout, stderr)
	case "serve-ui": // not for people: agentcore-workshop's terminal UI starts it
		return serveUICmd(ctx, args, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, runflags.Usage)
		return 0
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, runflags.Usage)
		return 2
	}
}

// helpRequest says whether the command line asks for help about a command
// (`help run`, `run --help`, `sandbox serve -h`), and if so returns the
// command line that makes that command print its flags: the command with
// the lone flag -h. Flags after "--" are not flags, so are not asked.
// `help` alone and a bare --help are handled by realMain's switch.
func helpRequest(cmd string, args []string) ([]string, bool) {
	if cmd == "help" {
		if len(args) == 0 {
			return nil, false
		}
		cmd, args = args[0], []string{"-h"}
	}
	asked := false
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			asked = true
			break
		}
	}
	if !asked {
		return nil, false
	}
	if cmd == "sandbox" {
		return []string{"sandbox", "serve", "-h"}, true
	}
	return []string{cmd, "-h"}, true
}
