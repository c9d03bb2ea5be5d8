// Command agentcore-workshop walks a learner through the Amazon Bedrock
// AgentCore Identity inbound-auth tutorial, against real AWS or an embedded
// offline sandbox. main only parses flags and hands over.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"agentcore-workshop/internal/gcpause"
)

const usage = `agentcore-workshop: learn AgentCore Identity by doing it.

Usage:
  agentcore-workshop [run] [flags]          open the workshop (terminal UI)
  agentcore-workshop run --headless [--until STAGE]
  agentcore-workshop status [--json]
  agentcore-workshop transcript [--format md|html] [--lang en|ko] [-o FILE]
  agentcore-workshop reset [--to STAGE]
  agentcore-workshop cleanup                delete every resource the workshop made, in any state
  agentcore-workshop sandbox serve [--addr HOST:PORT] [--state DIR]

Run 'agentcore-workshop COMMAND --help' for a command's flags.
`

func main() {
	os.Exit(realMain(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "run"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	if cmd != "run" {
		gcpause.Resume() // only the terminal UI keeps it paused, until its first frame
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
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}
