// Package runflags is the command line of `agentcore-workshop run`: its
// flags, the checks between them and the choice of the pages' language.
// It imports nothing of AWS, the sandbox or the engine, so a front end
// that draws before any of those is loaded can refuse a bad command line
// first, and the engine reads the same flags with the same code.
//
// It also holds the flag plumbing every command shares (the usage text,
// a flag set whose help prints it, the refusal of positional arguments
// and the workspace flags), because run's help is made of them.
package runflags

import (
	"flag"
	"fmt"
	"io"

	"agentcore-workshop/internal/session"
)

// Usage lists the program's commands. Every command's help starts with it.
const Usage = `agentcore-workshop: learn AgentCore Identity by doing it.

Usage: agentcore-workshop [COMMAND] [flags]

Commands:
  run            open the workshop in the terminal UI (the default; --headless for scripts and CI)
  status         show each stage's state (--json for machines)
  transcript     turn a workspace into a handout: each stage's takeaway, log, results, timings (secrets redacted)
  reset          mark stages pending again (--to STAGE: that stage and what depends on it)
  cleanup        delete every resource the workshop made, in any state
  sandbox serve  run the offline AWS sandbox on its own, for a room of learners
  try-token      send a token of your own (TOKEN, or - for stdin) to the workshop's runtime and say why it is refused
  room           the facilitator's live view of a room's learners (--sandbox-url URL --key KEY)
  doctor         check credentials, AgentCore in the region and model access; say what the tutorial makes and costs

Run 'agentcore-workshop COMMAND --help' (or 'agentcore-workshop help COMMAND') for a command's flags.
`

// NewFlagSet makes the flag set of the command name ("run", "sandbox
// serve"). Its errors and help go to stderr; it does not exit.
func NewFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	// The flag package's own usage is a bare "Usage of run:": give the
	// commands as well, then this command's flags.
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\nFlags of 'agentcore-workshop %s':\n", Usage, name)
		fs.PrintDefaults()
	}
	return fs
}

// ParseArgs parses args and refuses positional arguments, saying why on
// stderr; false means the command should exit with status 2. The flag
// package stops at the first positional argument and leaves the rest
// unread, so without this check `reset launch` (meaning --to launch) would
// reset every stage, and `run --headless launch` would run the whole
// tutorial, cleanup included.
func ParseArgs(fs *flag.FlagSet, args []string, stderr io.Writer) bool {
	if err := fs.Parse(args); err != nil {
		return false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "agentcore-workshop %s: unexpected argument %q (flags start with --; see --help)\n", fs.Name(), fs.Arg(0))
		return false
	}
	return true
}

// Common are the flags every command that opens a workspace and reaches
// AWS (or the sandbox) takes.
type Common struct {
	Workspace   string
	Target      string // "sandbox", "aws", or "" for the workspace's
	Region      string
	Profile     string
	SandboxURL  string
	SandboxAddr string
}

// Register adds the common flags to fs, writing into c.
func (c *Common) Register(fs *flag.FlagSet) {
	fs.StringVar(&c.Workspace, "workspace", "./"+session.DefaultDir, "workspace `DIR` (state, secrets, agent project, log)")
	fs.StringVar(&c.Target, "target", "", "where AWS calls go, `TARGET`: sandbox (offline, the default) or aws")
	fs.StringVar(&c.Region, "region", "", "AWS `REGION` (default: the workspace's, else the profile's, or us-west-2 in the sandbox)")
	fs.StringVar(&c.Profile, "profile", "", "AWS shared-config `PROFILE` (target aws; default: the workspace's)")
	fs.StringVar(&c.SandboxURL, "sandbox-url", "", "use a sandbox already running at this `URL` (started with 'agentcore-workshop sandbox serve'; default: the workspace's)")
	fs.StringVar(&c.SandboxAddr, "sandbox-addr", "", "listen address `HOST:PORT` of the embedded sandbox (default: the workspace's port, first 127.0.0.1:4747)")
}
