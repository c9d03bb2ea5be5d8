package model

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Checker walks an answer along the model and collects every disagreement
// as "path: problem". Tests use it to hold each output to its shape:
// required members present, JSON types, timestamp formats, enums,
// patterns, lengths, union arity, and no members the model does not define.
type Checker struct {
	Model *Model
	// Exempt lists "Shape" or "Shape.member" whose value checks (pattern,
	// enum, length) are knowingly skipped, with the reason.
	Exempt   map[string]string
	Problems []string
}

func (c *Checker) fail(path, format string, args ...any) {
	c.Problems = append(c.Problems, path+": "+fmt.Sprintf(format, args...))
}

// timestampFormat is the format a timestamp travels in: the member's, the
// shape's, else the protocol's default.
func (c *Checker) timestampFormat(ref *Ref, sh *Shape) string {
	switch {
	case ref.TimestampFormat != "":
		return ref.TimestampFormat
	case sh.TimestampFormat != "":
		return sh.TimestampFormat
	case ref.Location == "header":
		return "rfc822"
	}
	switch c.Model.Metadata().Protocol {
	case "query", "rest-xml", "ec2":
		return "iso8601"
	}
	return "unixTimestamp"
}

// Value checks v (decoded JSON, or what DecodeXML made of an element)
// against ref's shape.
func (c *Checker) Value(path string, ref *Ref, v any) {
	sh := c.Model.Shape(ref.Shape)
	if sh == nil {
		c.fail(path, "model has no shape %s", ref.Shape)
		return
	}
	if v == nil {
		c.fail(path, "null value (AWS omits absent members)")
		return
	}
	switch sh.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			c.fail(path, "want a JSON object for %s, got %T", ref.Shape, v)
			return
		}
		c.Struct(path, ref.Shape, obj)
	case "list":
		arr, ok := v.([]any)
		if !ok {
			c.fail(path, "want a JSON array for %s, got %T", ref.Shape, v)
			return
		}
		c.length(path, sh, float64(len(arr)), "items")
		for i, e := range arr {
			c.Value(fmt.Sprintf("%s[%d]", path, i), sh.Member, e)
		}
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			c.fail(path, "want a JSON object (map) for %s, got %T", ref.Shape, v)
			return
		}
		c.length(path, sh, float64(len(obj)), "entries")
		for k, e := range obj {
			c.Value(path+"{key}", sh.Key, k)
			c.Value(path+"."+k, sh.Value, e)
		}
	case "string":
		s, ok := v.(string)
		if !ok {
			c.fail(path, "want a JSON string for %s, got %T", ref.Shape, v)
			return
		}
		if _, skip := c.Exempt[ref.Shape]; skip {
			return
		}
		c.length(path, sh, float64(len([]rune(s))), "characters")
		if len(sh.Enum) > 0 && !slices.Contains(sh.Enum, s) {
			c.fail(path, "%q is not in the %s enum %v", s, ref.Shape, sh.Enum)
		}
		if sh.Pattern != "" {
			if re := sh.regexp(); re == nil {
				c.fail(path, "pattern of %s does not compile: %v", ref.Shape, sh.PatternError())
			} else if !re.MatchString(s) {
				c.fail(path, "%q does not match %s's pattern %s", s, ref.Shape, sh.Pattern)
			}
		}
	case "integer", "long":
		n, ok := v.(float64)
		if !ok || n != float64(int64(n)) {
			c.fail(path, "want a JSON integer for %s, got %v (%T)", ref.Shape, v, v)
			return
		}
		if sh.Min != nil && n < *sh.Min || sh.Max != nil && n > *sh.Max {
			c.fail(path, "%v outside %s's range", n, ref.Shape)
		}
	case "float", "double":
		if _, ok := v.(float64); !ok {
			c.fail(path, "want a JSON number for %s, got %T", ref.Shape, v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			c.fail(path, "want a JSON boolean for %s, got %T", ref.Shape, v)
		}
	case "timestamp":
		c.timestamp(path, ref, sh, v)
	case "blob":
		if _, ok := v.(string); !ok {
			c.fail(path, "want a base64 string for %s, got %T", ref.Shape, v)
		}
	case "document":
	default:
		c.fail(path, "unhandled shape type %s", sh.Type)
	}
}

func (c *Checker) timestamp(path string, ref *Ref, sh *Shape, v any) {
	switch format := c.timestampFormat(ref, sh); format {
	case "unixTimestamp":
		if _, ok := v.(float64); !ok {
			c.fail(path, "want epoch seconds (a JSON number) for %s, got %T %v", ref.Shape, v, v)
		}
	case "iso8601":
		s, ok := v.(string)
		if !ok {
			c.fail(path, "want an ISO-8601 string for %s, got %T %v", ref.Shape, v, v)
			return
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			c.fail(path, "%q is not ISO-8601: %v", s, err)
		}
	case "rfc822":
		s, _ := v.(string)
		if _, err := time.Parse(time.RFC1123, s); err != nil {
			c.fail(path, "%q is not an HTTP date: %v", s, err)
		}
	default:
		c.fail(path, "unhandled timestamp format %s", format)
	}
}

func (c *Checker) length(path string, sh *Shape, n float64, unit string) {
	if sh.Min != nil && n < *sh.Min || sh.Max != nil && n > *sh.Max {
		c.fail(path, "%v %s, outside [%s, %s]", n, unit, bound(sh.Min), bound(sh.Max))
	}
}

func bound(p *float64) string {
	if p == nil {
		return "-"
	}
	return num(*p)
}

// BodyMembers maps the wire names of a structure's body members (those
// without a location) to their member names.
func (sh *Shape) BodyMembers() map[string]string {
	out := map[string]string{}
	for _, name := range sh.Members.Names {
		ref := sh.Members.Refs[name]
		if ref.Location != "" {
			continue
		}
		key := name
		if ref.LocationName != "" {
			key = ref.LocationName
		}
		out[key] = name
	}
	return out
}

// Struct checks a structure's body members; members that travel in
// headers or the status line are the caller's to check.
func (c *Checker) Struct(path, shape string, obj map[string]any) {
	sh := c.Model.Shape(shape)
	members := sh.BodyMembers()
	for k, v := range obj {
		name, ok := members[k]
		if !ok {
			c.fail(path, "member %q is not in the model's %s", k, shape)
			continue
		}
		ref := sh.Members.Refs[name]
		if why, ok := c.Exempt[shape+"."+k]; ok {
			if s := c.Model.Shape(ref.Shape); s != nil && s.Type == "string" {
				if _, isStr := v.(string); !isStr {
					c.fail(path+"."+k, "want a JSON string, got %T (exempt from value checks: %s)", v, why)
				}
				continue
			}
		}
		c.Value(path+"."+k, ref, v)
	}
	for _, req := range sh.Required {
		if sh.Members.Refs[req].Location != "" {
			continue
		}
		key := req
		if ln := sh.Members.Refs[req].LocationName; ln != "" {
			key = ln
		}
		if _, ok := obj[key]; !ok {
			c.fail(path, "required member %q of %s is missing", req, shape)
		}
	}
	if sh.Union && len(obj) != 1 {
		c.fail(path, "union %s has %d members set, want exactly 1", shape, len(obj))
	}
}

// Headers checks the output members that travel in headers: present when
// required, and each value's type, enum and timestamp format.
func (c *Checker) Headers(path, shape string, h map[string][]string) {
	sh := c.Model.Shape(shape)
	get := func(name string) (string, bool) {
		for k, v := range h {
			if strings.EqualFold(k, name) && len(v) > 0 {
				return v[0], true
			}
		}
		return "", false
	}
	for _, name := range sh.Members.Names {
		ref := sh.Members.Refs[name]
		if ref.Location != "header" {
			continue
		}
		v, ok := get(ref.LocationName)
		if !ok {
			if slices.Contains(sh.Required, name) {
				c.fail(path, "required header member %s (%s) missing", name, ref.LocationName)
			}
			continue
		}
		val, err := scalarFromText(c.Model.Shape(ref.Shape), v)
		if err != nil {
			c.fail(path+"."+ref.LocationName, "%v", err)
			continue
		}
		c.Value(path+"."+ref.LocationName, ref, val)
	}
}

// JSONOutput checks an awsJson or restJson success body against op's
// output shape.
func (c *Checker) JSONOutput(op string, body []byte) {
	o := c.Model.Op(op)
	if o == nil {
		c.fail(op, "model has no operation %s", op)
		return
	}
	body = bytes.TrimSpace(body)
	if o.Output == nil {
		if len(body) > 0 && string(body) != "{}" {
			c.fail(op, "body %q for an operation without output", body)
		}
		return
	}
	var obj map[string]any
	if len(body) == 0 {
		obj = map[string]any{}
	} else if err := json.Unmarshal(body, &obj); err != nil {
		c.fail(op, "body is not a JSON object: %v: %s", err, body)
		return
	}
	c.Struct(op, o.Output.Shape, obj)
}

// XMLOutput checks an awsQuery or restXml success body against op's output
// shape: awsQuery wraps it in <OpResponse><OpResult>, restXml sends the
// output's body members (or its payload member) as the root element.
func (c *Checker) XMLOutput(op string, body []byte) {
	o := c.Model.Op(op)
	if o == nil {
		c.fail(op, "model has no operation %s", op)
		return
	}
	if o.Output == nil {
		if len(bytes.TrimSpace(body)) > 0 && c.Model.Metadata().Protocol == "rest-xml" {
			c.fail(op, "body %q for an operation without output", body)
		}
		return
	}
	shape := o.Output.Shape
	proto := c.Model.Metadata().Protocol
	if p := c.Model.Shape(shape).Payload; p != "" && proto == "rest-xml" {
		ref := c.Model.Shape(shape).Members.Refs[p]
		if c.Model.Shape(ref.Shape).Type != "structure" {
			return // a streamed blob
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return // no payload sent: its members are optional
		}
		shape = ref.Shape
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if proto == "rest-xml" {
			c.Struct(op, shape, map[string]any{})
			return
		}
		c.fail(op, "empty body")
		return
	}
	root, err := parseXML(body)
	if err != nil {
		c.fail(op, "body is not XML: %v: %s", err, body)
		return
	}
	if proto == "query" {
		if root.name != op+"Response" {
			c.fail(op, "root element %s, want %sResponse", root.name, op)
		}
		if o.Output.ResultWrapper == "" {
			return
		}
		res := root.child(o.Output.ResultWrapper)
		if res == nil {
			c.fail(op, "no <%s> in the answer", o.Output.ResultWrapper)
			return
		}
		root = res
	} else if members := c.Model.Shape(shape).BodyMembers(); len(root.children) == 0 && members[root.name] != "" {
		// restXml's one-member answers (GetBucketLocation) send the member
		// itself as the root element.
		root = &element{children: []*element{root}}
	}
	v, err := c.fromXML(op, &Ref{Shape: shape}, root)
	if err != nil {
		c.fail(op, "%v", err)
		return
	}
	if obj, ok := v.(map[string]any); ok {
		c.Struct(op, shape, obj)
	}
}

// ---- XML to the JSON-like values the checker walks ----

type element struct {
	name     string
	text     string
	children []*element
}

func (e *element) child(name string) *element {
	for _, c := range e.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

func parseXML(body []byte) (*element, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var stack []*element
	var root *element
	for {
		t, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			e := &element{name: t.Name.Local}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.children = append(top.children, e)
			} else if root == nil {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// fromXML turns an element into the value its shape describes, so the
// same Checker holds XML answers to the model.
func (c *Checker) fromXML(path string, ref *Ref, e *element) (any, error) {
	sh := c.Model.Shape(ref.Shape)
	if sh == nil {
		return nil, fmt.Errorf("%s: model has no shape %s", path, ref.Shape)
	}
	switch sh.Type {
	case "structure":
		obj := map[string]any{}
		known := map[string]bool{}
		for _, name := range sh.Members.Names {
			mref := sh.Members.Refs[name]
			if mref.Location != "" {
				continue
			}
			wire := name
			if mref.LocationName != "" {
				wire = mref.LocationName
			}
			known[wire] = true
			ms := c.Model.Shape(mref.Shape)
			if ms.Type == "list" && (mref.Flattened || ms.Flattened) {
				var items []any
				for _, ch := range e.children {
					if ch.name == wire {
						v, err := c.fromXML(path+"."+wire, ms.Member, ch)
						if err != nil {
							return nil, err
						}
						items = append(items, v)
					}
				}
				if items != nil {
					obj[wire] = items
				}
				continue
			}
			ch := e.child(wire)
			if ch == nil {
				continue
			}
			v, err := c.fromXML(path+"."+wire, mref, ch)
			if err != nil {
				return nil, err
			}
			obj[wire] = v
		}
		for _, ch := range e.children {
			if !known[ch.name] {
				c.fail(path, "element <%s> is not a member of the model's %s", ch.name, ref.Shape)
			}
		}
		return obj, nil
	case "list":
		item := "member"
		if sh.Member.LocationName != "" {
			item = sh.Member.LocationName
		}
		items := []any{}
		for _, ch := range e.children {
			if ch.name != item {
				c.fail(path, "list element <%s>, want <%s>", ch.name, item)
				continue
			}
			v, err := c.fromXML(path+"[]", sh.Member, ch)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		return items, nil
	case "map":
		obj := map[string]any{}
		for _, entry := range e.children {
			k, v := entry.child("key"), entry.child("value")
			if entry.name != "entry" || k == nil || v == nil {
				c.fail(path, "map entry <%s> without key and value", entry.name)
				continue
			}
			val, err := c.fromXML(path+"."+k.text, sh.Value, v)
			if err != nil {
				return nil, err
			}
			obj[k.text] = val
		}
		return obj, nil
	}
	if len(e.children) > 0 {
		return nil, fmt.Errorf("%s: a %s holds elements", path, sh.Type)
	}
	v, err := scalarFromText(sh, e.text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// scalarFromText reads a scalar from XML text or a header value.
func scalarFromText(sh *Shape, s string) (any, error) {
	switch sh.Type {
	case "integer", "long", "float", "double":
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a %s", s, sh.Type)
		}
		return f, nil
	case "boolean":
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil || (s != "true" && s != "false") {
			return nil, fmt.Errorf("%q is not a boolean", s)
		}
		return b, nil
	}
	return s, nil
}
