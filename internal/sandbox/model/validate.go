package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Violation is one input value that breaks a model constraint, in AWS's
// words.
type Violation struct {
	Path    string // the field path AWS names: "policies.passwordPolicy.minimumLength"
	Message string // "Value '5' at '…' failed to satisfy constraint: Member must …"
}

// Violations is every constraint an input breaks. As an error its text is
// AWS's validation message; this is the one place it is worded.
type Violations []Violation

func (vs Violations) Error() string {
	msgs := make([]string, len(vs))
	for i, v := range vs {
		msgs[i] = v.Message
	}
	noun := "error"
	if len(vs) != 1 {
		noun = "errors"
	}
	return fmt.Sprintf("%d validation %s detected: %s", len(vs), noun, strings.Join(msgs, "; "))
}

// Add records a violation of a rule the model cannot express (a service's
// own constraint), worded like the model's: "Value 'v' at 'path' failed to
// satisfy constraint: <constraint>". An empty value is left out of the
// sentence ("Value at 'path' …"), as for sensitive members.
func (vs *Violations) Add(path, value, constraint string) {
	*vs = append(*vs, Violation{Path: path, Message: sentence(path, value, value != "", constraint)})
}

// AddNull records a missing required member.
func (vs *Violations) AddNull(path string) {
	*vs = append(*vs, Violation{Path: path, Message: fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", path)})
}

// Err returns vs as an error, or nil when there are none.
func (vs Violations) Err() error {
	if len(vs) == 0 {
		return nil
	}
	return vs
}

// TypeError is an input value whose JSON type is not its shape's: AWS
// refuses it while deserializing, before any constraint is checked.
type TypeError struct {
	Path string // the member path, as in a Violation
	Want string // the shape type: string, integer, structure, …
	Got  string // what was sent: "JSON string", "JSON number", … or a query value, quoted
}

func (e *TypeError) Error() string {
	return fmt.Sprintf("Unexpected type for member %q: got %s, expected %s.", e.Path, e.Got, e.Want)
}

// DecodeJSON decodes an awsJson or restJson body for CheckInput: numbers
// stay exact (json.Number), an empty body is an empty object. A body that
// is not a JSON object is a *TypeError.
func DecodeJSON(body []byte) (map[string]any, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("malformed JSON request body: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("malformed JSON request body: data after the top-level object")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &TypeError{Path: "", Want: "structure", Got: jsonType(v)}
	}
	return obj, nil
}

// CheckInput checks an operation's input against its input shape. in is
// the input as decoded JSON with objects keyed by member name (DecodeJSON,
// DecodeQuery, or a map a restJson handler assembles from the URI, query,
// headers and body). It returns nil, a *TypeError, or Violations.
//
// skip names member paths ("name", "filter.tagStatus") the service checks
// itself because AWS answers a more specific error for them.
func (m *Model) CheckInput(op string, in map[string]any, skip ...string) error {
	o := m.Op(op)
	if o == nil {
		return fmt.Errorf("model %s has no operation %s", m.name, op)
	}
	if o.Input == nil {
		return nil
	}
	v := validator{m: m.must(), style: m.style}
	if len(skip) > 0 {
		v.skip = make(map[string]bool, len(skip))
		for _, p := range skip {
			v.skip[p] = true
		}
	}
	v.structure("", "", m.must().Shapes[o.Input.Shape], in)
	if v.typeErr != nil {
		return v.typeErr
	}
	return v.out.Err()
}

type validator struct {
	m       *spec
	skip    map[string]bool
	style   Style
	out     Violations
	typeErr *TypeError
}

func join(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

// Each walker takes the AWS path (lower-cased member names) and raw, the
// path in the names the caller sent, which type errors report.
func (v *validator) structure(path, raw string, sh *Shape, obj map[string]any) {
	set := 0
	for _, name := range sh.Members.Names {
		ref := sh.Members.Refs[name]
		p, r := join(path, MemberName(name)), join(raw, name)
		if v.skip[p] {
			continue
		}
		val, ok := obj[name]
		if !ok || val == nil {
			if slices.Contains(sh.Required, name) {
				v.out.AddNull(p)
			}
			continue
		}
		set++
		v.value(p, r, ref, val)
		if v.typeErr != nil {
			return
		}
	}
	if sh.Union && set != 1 {
		v.out.Add(path, "", "Member must have exactly one of "+strings.Join(names(sh.Members.Names), ", ")+" set")
	}
}

func names(ms []string) []string {
	out := make([]string, len(ms))
	for i, n := range ms {
		out[i] = MemberName(n)
	}
	return out
}

// value checks one present value against its shape.
func (v *validator) value(path, raw string, ref *Ref, val any) {
	sh := v.m.Shapes[ref.Shape]
	if sh == nil {
		return
	}
	switch sh.Type {
	case "structure":
		obj, ok := val.(map[string]any)
		if !ok {
			v.typeErr = &TypeError{raw, sh.Type, jsonType(val)}
			return
		}
		v.structure(path, raw, sh, obj)
	case "list":
		arr, ok := val.([]any)
		if !ok {
			v.typeErr = &TypeError{raw, sh.Type, jsonType(val)}
			return
		}
		v.list(path, raw, sh, arr)
	case "map":
		obj, ok := val.(map[string]any)
		if !ok {
			v.typeErr = &TypeError{raw, sh.Type, jsonType(val)}
			return
		}
		v.mapping(path, raw, sh, obj)
	default:
		if c, ok := v.scalar(raw, sh, val); !ok {
			return
		} else if c != "" {
			v.out = append(v.out, Violation{path, sentence(path, shown(sh, val), !sh.Sensitive, c)})
		}
	}
}

func (v *validator) list(path, raw string, sh *Shape, arr []any) {
	if c := v.bound("length", sh, float64(len(arr))); c != "" {
		v.out.Add(path, "", c)
		return
	}
	item := v.m.Shapes[sh.Member.Shape]
	if item == nil {
		return
	}
	scalar := item.Type != "structure" && item.Type != "list" && item.Type != "map"
	if v.style.ItemPaths || !scalar {
		for i, e := range arr {
			p := path + ".member"
			if !v.style.ItemPaths {
				p = path + "." + strconv.Itoa(i+1) + ".member"
			}
			if e == nil {
				continue
			}
			v.value(p, fmt.Sprintf("%s[%d]", raw, i), sh.Member, e)
			if v.typeErr != nil {
				return
			}
		}
		return
	}
	// Coral reports a list of scalars at the list, the item's broken
	// constraint nested: "Member must satisfy constraint: [...]".
	for i, e := range arr {
		if e == nil {
			continue
		}
		c, ok := v.scalar(fmt.Sprintf("%s[%d]", raw, i), item, e)
		if !ok {
			return
		}
		if c != "" {
			v.out = append(v.out, Violation{path, sentence(path, listShown(item, arr), !item.Sensitive, "Member must satisfy constraint: ["+c+"]")})
			return
		}
	}
}

func (v *validator) mapping(path, raw string, sh *Shape, obj map[string]any) {
	if c := v.bound("length", sh, float64(len(obj))); c != "" {
		v.out.Add(path, "", c)
		return
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	keyShape, valShape := v.m.Shapes[sh.Key.Shape], v.m.Shapes[sh.Value.Shape]
	var keyBad, valBad string
	for _, k := range keys {
		if keyShape != nil && keyBad == "" {
			if c, _ := v.scalar(raw, keyShape, k); c != "" {
				keyBad = c
				if v.style.ItemPaths {
					v.out = append(v.out, Violation{path + ".key", sentence(path+".key", k, !keyShape.Sensitive && !sh.Sensitive, c)})
				}
			}
		}
		e := obj[k]
		if e == nil || valShape == nil {
			continue
		}
		if valShape.Type == "structure" || valShape.Type == "list" || valShape.Type == "map" {
			v.value(path+"."+k, raw+"."+k, sh.Value, e)
			if v.typeErr != nil {
				return
			}
			continue
		}
		if valBad != "" {
			continue
		}
		c, ok := v.scalar(raw+"."+k, valShape, e)
		if !ok {
			return
		}
		if c != "" {
			valBad = c
			if v.style.ItemPaths {
				v.out = append(v.out, Violation{path + ".value", sentence(path+".value", shown(valShape, e), !valShape.Sensitive && !sh.Sensitive, c)})
			}
		}
	}
	if !v.style.ItemPaths {
		if keyBad != "" {
			v.out.Add(path, "", "Map keys must satisfy constraint: ["+keyBad+"]")
		}
		if valBad != "" {
			v.out.Add(path, "", "Map value must satisfy constraint: ["+valBad+"]")
		}
	}
}

// scalar checks a scalar value and returns the constraint it breaks ("" if
// none). ok is false when the value has the wrong JSON type (v.typeErr is
// then set).
func (v *validator) scalar(raw string, sh *Shape, val any) (constraint string, ok bool) {
	switch sh.Type {
	case "string":
		s, isStr := val.(string)
		if !isStr {
			v.typeErr = &TypeError{raw, sh.Type, jsonType(val)}
			return "", false
		}
		if c := v.bound("length", sh, float64(utf8.RuneCountInString(s))); c != "" {
			return c, true
		}
		if re := sh.regexp(); re != nil && !re.MatchString(s) {
			return "Member must satisfy regular expression pattern: " + sh.Pattern, true
		}
		if len(sh.Enum) > 0 && !slices.Contains(sh.Enum, s) {
			return "Member must satisfy enum value set: [" + strings.Join(sh.Enum, ", ") + "]", true
		}
	case "integer", "long", "float", "double":
		n, isNum := number(val)
		if !isNum || (sh.Type == "integer" || sh.Type == "long") && n != math.Trunc(n) {
			v.typeErr = &TypeError{raw, sh.Type, jsonType(val)}
			return "", false
		}
		if sh.Type == "integer" && (n > math.MaxInt32 || n < math.MinInt32) {
			v.typeErr = &TypeError{raw, sh.Type, "a JSON number out of range"}
			return "", false
		}
		return v.bound("value", sh, n), true
	case "boolean":
		if _, isBool := val.(bool); !isBool {
			v.typeErr = &TypeError{raw, sh.Type, jsonType(val)}
			return "", false
		}
	case "timestamp":
		if _, isNum := number(val); !isNum {
			if _, isStr := val.(string); !isStr {
				v.typeErr = &TypeError{raw, sh.Type, jsonType(val)}
				return "", false
			}
		}
	case "blob":
		if _, isStr := val.(string); !isStr {
			v.typeErr = &TypeError{raw, sh.Type, jsonType(val)}
			return "", false
		}
		// A blob's min/max bound its decoded bytes; the sandbox's blobs
		// (payloads) are bounded by the handlers' body limits instead.
	}
	return "", true
}

// bound words a broken min/max in the service's style; what is "length" or
// "value".
func (v *validator) bound(what string, sh *Shape, n float64) string {
	lo := sh.Min != nil && n < *sh.Min
	hi := sh.Max != nil && n > *sh.Max
	if !lo && !hi {
		return ""
	}
	if v.style.Between && sh.Min != nil && sh.Max != nil {
		return fmt.Sprintf("Member must have %s between %s and %s, inclusive", what, num(*sh.Min), num(*sh.Max))
	}
	if lo {
		return fmt.Sprintf("Member must have %s greater than or equal to %s", what, num(*sh.Min))
	}
	return fmt.Sprintf("Member must have %s less than or equal to %s", what, num(*sh.Max))
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// sentence is one violation in AWS's words. Sensitive values, and values
// that are not scalars, are left out.
func sentence(path, value string, showValue bool, constraint string) string {
	if !showValue {
		return fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", path, constraint)
	}
	return fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", truncate(value, 200), path, constraint)
}

func shown(sh *Shape, val any) string {
	switch t := val.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	case float64:
		return num(t)
	case bool:
		return strconv.FormatBool(t)
	}
	return fmt.Sprint(val)
}

// listShown renders a list of scalars the way Coral's messages do: "[a, b]".
func listShown(item *Shape, arr []any) string {
	parts := make([]string, 0, len(arr))
	for _, e := range arr {
		parts = append(parts, shown(item, e))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func number(val any) (float64, bool) {
	switch t := val.(type) {
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	case float64:
		return t, true
	case float32:
		return float64(t), true
	case int:
		return float64(t), true
	case int32:
		return float64(t), true
	case int64:
		return float64(t), true
	}
	return 0, false
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "JSON null"
	case string:
		return "JSON string"
	case bool:
		return "JSON boolean"
	case map[string]any:
		return "JSON object"
	case []any:
		return "JSON array"
	}
	if _, ok := number(v); ok {
		return "JSON number"
	}
	return fmt.Sprintf("%T", v)
}
