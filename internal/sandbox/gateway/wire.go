package gateway

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/model"
)

// The wire every control-plane operation shares: read a restJson request
// as the model's input, validate it, decode the body into the operation's
// typed input, and answer the service's result or typed AWS error.

// readInput reads r as op's input and decodes the body into dst (see
// awswire.RESTRead).
func readInput(r *http.Request, op string, dst any) (model.Violations, *awswire.Error) {
	return awswire.RESTRead(r, model.AgentCoreControl, op, dst)
}

func writeErr(w http.ResponseWriter, e *awswire.Error) { awswire.WriteError(w, awswire.RestJSON, e) }

// answer writes an operation's output, built by out only on success, or
// err as its AWS error (an untyped error is InternalServerException).
func answer(w http.ResponseWriter, status int, out func() any, err error) {
	if err != nil {
		var e *awswire.Error
		if !errors.As(err, &e) {
			e = internalErr(err)
		}
		writeErr(w, e)
		return
	}
	awswire.WriteJSON(w, awswire.RestJSON, status, out())
}

// maxResultsQuery reads the maxResults the model has already checked.
func maxResultsQuery(r *http.Request, def int) int {
	if n, err := strconv.Atoi(r.URL.Query().Get("maxResults")); err == nil {
		return n
	}
	return def
}

// route is a parsed /gateways/ path; values are unescaped.
type route struct {
	gateway, target string
	targets, mcp    bool // …/targets/ (the list) and …/mcp
}

// parsePath splits an escaped /gateways/… path. Trailing slashes are part
// of AWS's routes; the sandbox also accepts them missing.
func parsePath(escaped string) (route, bool) {
	rest, ok := strings.CutPrefix(escaped, "/gateways")
	if !ok || rest != "" && rest[0] != '/' {
		return route{}, false
	}
	rest = strings.Trim(rest, "/")
	if rest == "" {
		return route{}, true
	}
	raw := strings.Split(rest, "/")
	segs := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil || u == "" {
			return route{}, false
		}
		segs[i] = u
	}
	switch {
	case len(segs) == 1:
		return route{gateway: segs[0]}, true
	case len(segs) == 2 && segs[1] == "mcp":
		return route{gateway: segs[0], mcp: true}, true
	case len(segs) == 2 && segs[1] == "targets":
		return route{gateway: segs[0], targets: true}, true
	case len(segs) == 3 && segs[1] == "targets":
		return route{gateway: segs[0], target: segs[2]}, true
	}
	return route{}, false
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
