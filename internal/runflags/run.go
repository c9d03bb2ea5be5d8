package runflags

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"agentcore-workshop/content"
)

// The embedded sandbox's paces, as --pace names them. They are the
// sandbox's own names (internal/sandbox's PaceInstant and PaceLifelike; a
// test in the command checks they agree), written here so that choosing
// one needs no sandbox.
const (
	PaceInstant  = "instant"
	PaceLifelike = "lifelike"
)

// Run is run's command line, read and checked by Parse.
type Run struct {
	Common
	Headless bool
	// Pace is the embedded sandbox's pace: what --pace says, else
	// lifelike for the terminal UI (there is something to watch) and
	// instant headless (scripts and CI want it over).
	Pace  string
	Until string // a stage id; only headless
	// ForceConsent has the consent stage ask for a fresh consent; only
	// headless, without Until.
	ForceConsent bool
	Learner      string
	ReturnPort   int
	Model        string
	Facilitator  bool
	// Lang is the pages' language, one of content.Languages(): after
	// Parse the choice PageLang made from --lang and the locale.
	Lang    string
	Foreign ForeignIdP
}

// ForeignIdP is the learner's own OIDC provider for the foreign-idp stage
// (--foreign-*), in the shape of steps.ForeignIdP so the engine converts
// it as it is.
type ForeignIdP struct {
	DiscoveryURL, ClientID, ClientSecret, Audience string
}

// Named reports whether the learner named a provider at all. A secret
// alone does not count: FOREIGN_CLIENT_SECRET may be set in the shell for
// another reason.
func (f ForeignIdP) Named() bool {
	return f.DiscoveryURL != "" || f.ClientID != "" || f.Audience != ""
}

// Register adds run's flags to fs, writing into r. The values are as
// given: Parse fills in the defaults and checks them.
func (r *Run) Register(fs *flag.FlagSet) {
	r.Common.Register(fs)
	fs.BoolVar(&r.Headless, "headless", false, "no terminal UI: print events as plain lines, never prompt")
	fs.StringVar(&r.Pace, "pace", "", "the embedded sandbox's `PACE`: lifelike (builds and runtimes take seconds; the UI's default) or instant (headless default)")
	fs.StringVar(&r.Until, "until", "", "with --headless: stop after this `STAGE` (id, e.g. write-agent)")
	fs.BoolVar(&r.ForceConsent, "force-consent", false, "with --headless: run the oauth-consent stage again and have the agent ask AgentCore Identity for a fresh consent (forceAuthentication), although the vault holds your token")
	fs.StringVar(&r.Learner, "learner", "", "your `NAME` in the room of a shared sandbox, as the facilitator sees it (default: user@host)")
	fs.IntVar(&r.ReturnPort, "return-port", 0, "`PORT` on localhost of the OAuth2 return URL the consent stage serves (default: a free port, chosen once by configure)")
	fs.StringVar(&r.Model, "model", "", "`MODEL`: the Bedrock model id written into agent.py (default: the region's cross-region inference profile of Claude Sonnet 4.5)")
	fs.BoolVar(&r.Facilitator, "facilitator", false, "show the stage pages' notes for facilitators (the f key toggles them in the terminal UI)")
	fs.StringVar(&r.Lang, "lang", "", "language of the stage pages, `LANG`: "+strings.Join(content.Languages(), " or ")+" (default: from LC_ALL / LANG, Korean for ko_*, else English)")
	fs.StringVar(&r.Foreign.DiscoveryURL, "foreign-discovery-url", "", "stage 11 on AWS: your own OIDC provider's discovery `URL` (an Auth0 tenant's, say)")
	fs.StringVar(&r.Foreign.ClientID, "foreign-client-id", "", "stage 11: a machine-to-machine client `ID` of that provider")
	fs.StringVar(&r.Foreign.ClientSecret, "foreign-client-secret", "", "stage 11: that client's `SECRET` (or set FOREIGN_CLIENT_SECRET, which keeps it out of the process list)")
	fs.StringVar(&r.Foreign.Audience, "foreign-audience", "", "stage 11: the `AUDIENCE` (API identifier) to ask tokens for")
}

// Parse reads run's command line args; getenv supplies the locale and
// FOREIGN_CLIENT_SECRET. It returns the exit status the command ends
// with when it is not 0: 2 after saying on stderr what is wrong, or after
// printing the help that -h asked for (the caller decides that status).
func Parse(args []string, stderr io.Writer, getenv func(string) string) (Run, int) {
	var r Run
	fs := NewFlagSet("run", stderr)
	r.Register(fs)
	if !ParseArgs(fs, args, stderr) {
		return Run{}, 2
	}
	if err := r.settle(getenv); err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop: %v\n", err)
		return Run{}, 2
	}
	return r, 0
}

// settle checks the flags against each other, in the order the program
// always has (so the first complaint is the same), and fills in what the
// environment and the mode decide.
func (r *Run) settle(getenv func(string) string) error {
	if r.Foreign.ClientSecret == "" {
		r.Foreign.ClientSecret = getenv("FOREIGN_CLIENT_SECRET")
	}
	if r.Until != "" && !r.Headless {
		// The UI has no such option: say so rather than open it and
		// quietly ignore what was asked.
		return errors.New("--until works only with --headless (in the terminal UI, select the stage and press enter)")
	}
	if r.ForceConsent && (!r.Headless || r.Until != "") {
		return errors.New("--force-consent works only with --headless and without --until (in the terminal UI, select the OAuth consent stage and press n)")
	}
	lang, err := PageLang(r.Lang, getenv)
	if err != nil {
		return err
	}
	r.Lang = lang
	switch r.Pace {
	case "":
		r.Pace = PaceLifelike
		if r.Headless {
			r.Pace = PaceInstant
		}
	case PaceInstant, PaceLifelike:
	default:
		// The sandbox's own words (sandbox.Delays), so the front end
		// refuses a pace before drawing just as the engine would.
		return fmt.Errorf("unknown pace %q (want %q or %q)", r.Pace, PaceInstant, PaceLifelike)
	}
	return nil
}
