package agentcore

import (
	"net/url"
	"regexp"
	"strings"
	"sync"

	"agentcore-workshop/internal/sandbox/model"
)

// opKind names the operation a request path selects.
type opKind int

const (
	opUnknown   opKind = iota
	opRuntimes         // /runtimes/            PUT create, POST list
	opRuntime          // /runtimes/{id}/       GET, PUT, DELETE
	opEndpoints        // /runtimes/{id}/runtime-endpoints/
	opEndpoint         // /runtimes/{id}/runtime-endpoints/{name}/
	opInvoke           // /runtimes/{arn}/invocations
	opIdentity         // /identities/{Op}
)

// route is a parsed request path. Values are unescaped.
type route struct {
	kind     opKind
	runtime  string // runtime id (control plane) or ARN / id (invoke)
	endpoint string
	op       string // identity operation name
}

// parsePath splits an escaped request path (r.URL.EscapedPath()) into a
// route. It works on the escaped form because an invoke path carries the
// runtime ARN as one segment with its '/' sent as %2F; the decoded path
// would split the ARN in two. Each segment is unescaped on its own.
// Trailing slashes are part of AWS's control-plane routes; the sandbox also
// accepts them missing, which no client relies on either way.
func parsePath(escaped string) (route, bool) {
	rest, ok := strings.CutPrefix(escaped, "/")
	if !ok {
		return route{}, false
	}
	raw := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	segs := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil || u == "" && i > 0 {
			return route{}, false
		}
		segs[i] = u
	}
	switch segs[0] {
	case "runtimes":
		switch len(segs) {
		case 1:
			return route{kind: opRuntimes}, true
		case 2:
			return route{kind: opRuntime, runtime: segs[1]}, true
		case 3:
			switch segs[2] {
			case "invocations":
				return route{kind: opInvoke, runtime: segs[1]}, true
			case "runtime-endpoints":
				return route{kind: opEndpoints, runtime: segs[1]}, true
			}
		case 4:
			if segs[2] == "runtime-endpoints" {
				return route{kind: opEndpoint, runtime: segs[1], endpoint: segs[3]}, true
			}
		}
	case "identities":
		if len(segs) == 2 {
			return route{kind: opIdentity, op: segs[1]}, true
		}
	}
	return route{}, false
}

// runtimeRef is the runtime an invoke path names.
type runtimeRef struct {
	id      string
	region  string // empty for a bare id
	account string // empty for a bare id
}

// runtimeRefPatterns match a runtime ARN and a bare runtime id, built on
// first use from the model's AgentRuntimeId pattern.
var runtimeRefPatterns = sync.OnceValues(func() (arn, id *regexp.Regexp) {
	p := model.AgentCoreControl.Shape("AgentRuntimeId").Pattern
	return regexp.MustCompile(`^arn:aws(-[^:]+)?:bedrock-agentcore:([a-z0-9-]+):([0-9]{12}):runtime/(` + p + `)$`),
		regexp.MustCompile(`^(?:` + p + `)$`)
})

// parseRuntimeRef accepts a runtime ARN or a bare runtime id.
func parseRuntimeRef(s string) (runtimeRef, bool) {
	arn, id := runtimeRefPatterns()
	if m := arn.FindStringSubmatch(s); m != nil {
		return runtimeRef{id: m[4], region: m[2], account: m[3]}, true
	}
	if id.MatchString(s) {
		return runtimeRef{id: s}, true
	}
	return runtimeRef{}, false
}
