package codebuild

import (
	"os"
	"regexp"
	"strings"
)

// buildspecCommands reads the commands of each phase from a buildspec
// (version 0.2 YAML). It understands the shape CodeBuild documents —
// phases: <phase>: commands: - <cmd> — without a YAML library, since the
// sandbox only needs the command lines to log them and to find the push.
func buildspecCommands(spec string) map[string][]string {
	out := map[string][]string{}
	inPhases, phase, collecting := false, "", false
	phaseIndent := -1
	for _, raw := range strings.Split(spec, "\n") {
		line := strings.TrimRight(raw, " \t\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		isItem := strings.HasPrefix(trimmed, "- ")
		switch {
		case indent == 0:
			inPhases, phase, collecting, phaseIndent = trimmed == "phases:", "", false, -1
		case !inPhases:
		case !isItem && (phaseIndent < 0 || indent <= phaseIndent):
			// a phase name: install, pre_build, build, post_build
			phaseIndent = indent
			collecting = false
			phase = strings.ToUpper(strings.TrimSuffix(trimmed, ":"))
		case !isItem:
			// a key inside a phase: only commands lists commands
			collecting = trimmed == "commands:"
		case collecting:
			out[phase] = append(out[phase], unquote(strings.TrimSpace(strings.TrimPrefix(trimmed, "- "))))
		}
	}
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

var pushRe = regexp.MustCompile(`(?:^|&&|;)\s*docker\s+push\s+(\S+)`)

// pushTarget finds the image reference of the last `docker push` in the
// buildspec, with $VAR and ${VAR} expanded from env.
func pushTarget(cmds map[string][]string, env map[string]string) string {
	var ref string
	for _, phase := range []string{"INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD"} {
		for _, c := range cmds[phase] {
			for _, m := range pushRe.FindAllStringSubmatch(c, -1) {
				ref = m[1]
			}
		}
	}
	if ref == "" {
		return ""
	}
	return os.Expand(unquote(ref), func(k string) string { return env[k] })
}
