package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"agentcore-workshop/content"

	"agentcore-workshop/internal/cloud"
	"agentcore-workshop/internal/doctor"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/runflags"
	"agentcore-workshop/internal/sandbox"
)

// doctorCmd checks that the tutorial can succeed where it is pointed:
// credentials and account, AgentCore in the region, access to the model.
// It reads nothing from and writes nothing to a workspace. Exit codes: 0
// ready (warnings allowed), 1 a check failed, 2 a usage error.
func doctorCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := runflags.NewFlagSet("doctor", stderr)
	target := fs.String("target", cloud.Sandbox, "where to check, `TARGET`: sandbox or aws")
	region := fs.String("region", "", "AWS `REGION` (default: the profile's, or us-west-2 in the sandbox)")
	profile := fs.String("profile", "", "AWS shared-config `PROFILE` (target aws)")
	sandboxURL := fs.String("sandbox-url", "", "check a sandbox already running at this `URL` (its keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
	model := fs.String("model", "", "the Bedrock `MODEL` id agent.py will name (default: the region's cross-region inference profile of Claude Sonnet 4.5)")
	langFlag := fs.String("lang", "", "language of the report, `LANG`: "+strings.Join(content.Languages(), " or ")+" (default: from LC_ALL / LANG, Korean for ko_*, else English)")
	if !runflags.ParseArgs(fs, args, stderr) {
		return 2
	}
	lang, err := runflags.PageLang(*langFlag, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop doctor: %v\n", err)
		return 2
	}
	t := cloud.Target{Kind: *target, Region: *region, Profile: *profile}
	switch {
	case *target == cloud.AWS:
		if *sandboxURL != "" {
			fmt.Fprintln(stderr, "agentcore-workshop doctor: --sandbox-url is for --target sandbox")
			return 2
		}
	case *target != cloud.Sandbox:
		fmt.Fprintf(stderr, "agentcore-workshop doctor: unknown --target %q: choose sandbox or aws\n", *target)
		return 2
	case *profile != "":
		fmt.Fprintln(stderr, "agentcore-workshop doctor: --profile is for --target aws")
		return 2
	case *sandboxURL != "":
		t.Endpoint, t.AccessKeyID, t.SecretAccessKey = *sandboxURL, os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
		if t.AccessKeyID == "" || t.SecretAccessKey == "" {
			fmt.Fprintf(stderr, "agentcore-workshop doctor: the sandbox at %s needs its keys: paste the export lines `sandbox serve` printed\n", *sandboxURL)
			return 2
		}
	default:
		// A sandbox of its own, in memory, for as long as the check runs.
		sb, err := sandbox.Start(ctx, sandbox.Config{Addr: "127.0.0.1:0", Region: *region, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			fmt.Fprintf(stderr, "agentcore-workshop doctor: start the sandbox: %v\n", err)
			return 1
		}
		defer sb.Close(context.Background())
		t.Endpoint, t.Region = sb.URL, sb.Region
		t.AccessKeyID, t.SecretAccessKey = sb.Credentials.AccessKeyID, sb.Credentials.SecretAccessKey
	}
	ctx, stop := signalContext(ctx)
	defer stop()
	c, err := cloud.New(ctx, t)
	if err != nil {
		fmt.Fprintf(stderr, "agentcore-workshop doctor: %v\n", err)
		return 1
	}
	defer c.HTTP.CloseIdleConnections()
	r := doctor.Run(ctx, c, *model, i18n.For(lang))
	doctor.Write(stdout, r)
	if r.Failed() {
		return 1
	}
	return 0
}
