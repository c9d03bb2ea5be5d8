package model

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// DecodeREST reads a restJson request into the input CheckInput walks,
// keyed by member name: URI labels matched against the operation's
// requestUri, query-string and header members from where the model puts
// them, and the JSON body (or the payload member). body is the request
// body the caller has read. Numbers and booleans outside the body that do
// not parse are a *TypeError; a path that does not fit the operation's
// template is an error.
func (m *Model) DecodeREST(op string, r *http.Request, body []byte) (map[string]any, error) {
	o := m.Op(op)
	if o == nil {
		return nil, fmt.Errorf("model %s has no operation %s", m.name, op)
	}
	if o.Input == nil {
		return map[string]any{}, nil
	}
	sh := m.Shape(o.Input.Shape)
	in := map[string]any{}
	labels, err := matchLabels(o.HTTP.RequestURI, r.URL.EscapedPath())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var bodyIn map[string]any
	for _, name := range sh.Members.Names {
		ref := sh.Members.Refs[name]
		wire := name
		if ref.LocationName != "" {
			wire = ref.LocationName
		}
		var raw []string
		switch ref.Location {
		case "uri":
			if v, ok := labels[wire]; ok {
				raw = []string{v}
			}
		case "querystring":
			raw = r.URL.Query()[wire]
		case "header":
			if v := r.Header.Values(wire); len(v) > 0 {
				raw = v
			}
		case "":
			if sh.Payload == name {
				if v, err := m.payload(ref, body); err != nil {
					return nil, err
				} else if v != nil {
					in[name] = v
				}
				continue
			}
			if bodyIn == nil {
				if bodyIn, err = DecodeJSON(body); err != nil {
					return nil, err
				}
			}
			if v, ok := bodyIn[wire]; ok {
				in[name] = v
			}
			continue
		default:
			continue // statusCode and the like are output-only
		}
		if raw == nil {
			continue
		}
		v, err := m.fromStrings(wire, ref, raw, ref.Location == "header")
		if err != nil {
			return nil, err
		}
		in[name] = v
	}
	return in, nil
}

// payload reads the body as the payload member: a structure is JSON, a
// blob or string is the bytes as sent.
func (m *Model) payload(ref *Ref, body []byte) (any, error) {
	if len(body) == 0 {
		return nil, nil
	}
	if m.Shape(ref.Shape).Type == "structure" {
		return DecodeJSON(body)
	}
	return string(body), nil
}

// fromStrings converts the string form of a URI, query or header member.
func (m *Model) fromStrings(wire string, ref *Ref, raw []string, header bool) (any, error) {
	sh := m.Shape(ref.Shape)
	switch sh.Type {
	case "list":
		if header && len(raw) == 1 {
			raw = strings.Split(raw[0], ",")
		}
		items := make([]any, 0, len(raw))
		for _, s := range raw {
			v, err := m.fromStrings(wire, sh.Member, []string{strings.TrimSpace(s)}, false)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		return items, nil
	case "integer", "long", "float", "double":
		s := strings.TrimSpace(raw[0])
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return nil, &TypeError{Path: wire, Want: sh.Type, Got: strconv.Quote(raw[0])}
		}
		return json.Number(s), nil
	case "boolean":
		b, err := strconv.ParseBool(strings.TrimSpace(raw[0]))
		if err != nil {
			return nil, &TypeError{Path: wire, Want: sh.Type, Got: strconv.Quote(raw[0])}
		}
		return b, nil
	}
	return raw[0], nil
}

// matchLabels matches an escaped request path against a requestUri
// template ("/runtimes/{agentRuntimeId}/", "/{Bucket}/{Key+}") and returns
// each label's unescaped value. A label may hold unescaped slashes (an ARN
// sent as is) when it is the template's only label: it takes the segments
// the literal parts around it leave.
func matchLabels(template, path string) (map[string]string, error) {
	tpl, _, _ := strings.Cut(template, "?")
	tsegs := strings.Split(strings.Trim(tpl, "/"), "/")
	psegs := strings.Split(strings.Trim(path, "/"), "/")
	labels := 0
	for _, t := range tsegs {
		if strings.HasPrefix(t, "{") {
			labels++
		}
	}
	extra := len(psegs) - len(tsegs)
	misfit := fmt.Errorf("path %s does not fit %s", path, template)
	out := map[string]string{}
	p := 0
	for i, t := range tsegs {
		if !strings.HasPrefix(t, "{") || !strings.HasSuffix(t, "}") {
			if p >= len(psegs) || psegs[p] != t {
				return nil, misfit
			}
			p++
			continue
		}
		name, greedy := strings.CutSuffix(strings.Trim(t, "{}"), "+")
		n := 1
		switch {
		case greedy:
			n = len(psegs) - p - (len(tsegs) - i - 1)
		case labels == 1 && extra > 0:
			n = 1 + extra
		}
		if n < 1 || p+n > len(psegs) {
			return nil, misfit
		}
		v, err := url.PathUnescape(strings.Join(psegs[p:p+n], "/"))
		if err != nil {
			return nil, fmt.Errorf("label %s: %w", name, err)
		}
		out[name] = v
		p += n
	}
	if p != len(psegs) {
		return nil, misfit
	}
	return out, nil
}
