package steps

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"agentcore-workshop/internal/atomicfile"
	"agentcore-workshop/internal/nofollow"
)

// EnvFileName is the starter toolkit's credentials file for the user flow.
const EnvFileName = ".agentcore_identity_user.env"

// Variables of EnvFileName that are not a stage result of the same name:
// the names the pages' CLI snippets use.
const (
	EnvToken        = "TOKEN"         // an inbound access token (stage 1, refreshed by stage 7)
	EnvWorkloadName = "WORKLOAD_NAME" // the agent's workload identity (stage 3)
	EnvRole         = "ROLE"          // the runtime's execution role and its inline policy (stage 4)
	EnvPolicy       = "POLICY"
	EnvRoleARN      = "ROLE_ARN"
	EnvRepo         = "REPO"    // the ECR repository (stage 4)
	EnvProject      = "PROJECT" // the CodeBuild project (stage 4)
	EnvAgentID      = "AGENT_ID"
	EnvAgentARN     = "AGENT_ARN"
)

// envFileKeys are the variables of EnvFileName, in the order the file
// lists them: stage 1's (the toolkit's own file), then what later stages
// add as they learn it.
var envFileKeys = []string{RuntimePoolID, RuntimeClientID, RuntimeDiscoveryURL, RuntimeUsername, RuntimePassword,
	IdentityPoolID, IdentityClientID, IdentityClientSecret, IdentityDiscoveryURL, IdentityUsername, IdentityPassword,
	IdentityDomain, EnvToken,
	EnvWorkloadName, CredentialProvider,
	EnvRole, EnvPolicy, EnvRoleARN, EnvRepo, EnvProject, ImageURI, EnvAgentID, EnvAgentARN,
	SessionID,
	M2MClientID, M2MClientSecret, M2MTokenURL, M2MScope,
	ForeignDiscoveryURL, ForeignClientID, ForeignClientSecret, ForeignTokenURL, ForeignAudience}

// envFileHeader starts the credentials file. Cleanup removes EnvFileName
// only when it starts with this, so a file of the same name the learner
// wrote themselves (with the real starter toolkit, say) survives; for the
// same reason updateEnvFile never rewrites such a file.
const envFileHeader = "# Written by agentcore-workshop"

const envFileIntro = envFileHeader + ". Keep it private: it holds passwords and a token.\n" +
	"# Load it with either of:\n" +
	"#   export $(grep -v '^#' " + EnvFileName + " | xargs)\n" +
	"#   set -a; . ./" + EnvFileName + "; set +a\n"

// envBare are the characters a value may hold unquoted: both recipes in
// the header load it intact. xargs treats only blanks, quotes and the
// backslash specially; the $(…) it feeds is split on blanks and globbed
// on * ? [; sourcing also acts on $ ` ; & | < > ( ) ! # and on ~ after
// = or :. None of those is here.
const envBare = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%+,-./:=@_"

// envQuote writes a value so that both recipes load it intact: bare when
// it can be, else in single quotes, which xargs and the shell both strip
// (a quote inside closes them, is escaped with a backslash and reopens
// them). Values with blanks or * ? [ cannot survive the xargs recipe
// whatever the quoting; the workshop's values (AWS IDs, ARNs, URLs,
// tokens, the passwords newPassword makes) have none.
func envQuote(v string) string {
	if strings.Trim(v, envBare) == "" {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// envUnquote reverses envQuote.
func envUnquote(v string) string {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return strings.ReplaceAll(v[1:len(v)-1], `'\''`, "'")
	}
	return v
}

// updateEnvFile sets vals in EnvFileName (creating it), keeping what is
// there, and rewrites the whole file atomically: the header, then every
// known variable in envFileKeys order, then any the learner added. Empty
// values are skipped. A file of that name the workshop did not write is
// left alone (wrote is false).
func updateEnvFile(env *Env, rep Reporter, vals map[string]string) (wrote bool, err error) {
	path := filepath.Join(env.Dir, EnvFileName)
	cur, extra, err := readEnvFile(path)
	if errors.Is(err, errForeignEnvFile) {
		rep.Log("left %s alone: the workshop did not write it", path)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for k, v := range vals {
		if v != "" {
			cur[k] = v
		}
	}
	var b strings.Builder
	b.WriteString(envFileIntro)
	for _, k := range append(slices.Clone(envFileKeys), extra...) {
		if v, ok := cur[k]; ok {
			b.WriteString(k + "=" + envQuote(v) + "\n")
		}
	}
	if err := atomicfile.Write(path, []byte(b.String()), 0o600); err != nil {
		return false, fmt.Errorf("write %s: %w", EnvFileName, err)
	}
	return true, nil
}

// envFileValues picks, from a stage's result, the values that are
// variables of the credentials file.
func envFileValues(res Result) map[string]string {
	vals := map[string]string{}
	for _, v := range res.Values {
		if slices.Contains(envFileKeys, v.Name) {
			vals[v.Name] = v.Value
		}
	}
	return vals
}

var errForeignEnvFile = errors.New("not written by agentcore-workshop")

// readEnvFile reads the variables of a credentials file the workshop
// wrote; extra lists, in file order, those not in envFileKeys. A missing
// file reads as empty.
func readEnvFile(path string) (vals map[string]string, extra []string, err error) {
	vals = map[string]string{}
	f, err := nofollow.OpenFile(path, os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return vals, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	if !strings.HasPrefix(string(b), envFileHeader) {
		return nil, nil, errForeignEnvFile
	}
	for line := range strings.Lines(string(b)) {
		line = strings.TrimRight(line, "\r\n")
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		if _, seen := vals[k]; !seen && !slices.Contains(envFileKeys, k) {
			extra = append(extra, k)
		}
		vals[k] = envUnquote(v)
	}
	return vals, extra, nil
}
