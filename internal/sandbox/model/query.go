package model

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// DecodeQuery reads an awsQuery request's parameters ("RoleName=r",
// "Tags.member.1.Key=k") into the shape CheckInput walks: objects keyed by
// member name, lists from ".member.N", maps from ".entry.N.key/value",
// numbers as json.Number. A number or boolean that does not parse is a
// *TypeError.
func (m *Model) DecodeQuery(op string, form url.Values) (map[string]any, error) {
	o := m.Op(op)
	if o == nil {
		return nil, fmt.Errorf("model %s has no operation %s", m.name, op)
	}
	if o.Input == nil {
		return map[string]any{}, nil
	}
	v, err := m.fromQuery(form, "", o.Input)
	if err != nil {
		return nil, err
	}
	obj, _ := v.(map[string]any)
	if obj == nil {
		obj = map[string]any{}
	}
	return obj, nil
}

// fromQuery returns the value at prefix, or nil when nothing was sent.
func (m *Model) fromQuery(form url.Values, prefix string, ref *Ref) (any, error) {
	sh := m.Shape(ref.Shape)
	switch sh.Type {
	case "structure":
		obj := map[string]any{}
		for _, name := range sh.Members.Names {
			mref := sh.Members.Refs[name]
			key := name
			if mref.LocationName != "" {
				key = mref.LocationName
			}
			v, err := m.fromQuery(form, joinQuery(prefix, key), mref)
			if err != nil {
				return nil, err
			}
			if v != nil {
				obj[name] = v
			}
		}
		if len(obj) == 0 && prefix != "" {
			return nil, nil
		}
		return obj, nil
	case "list":
		base := prefix + ".member."
		if ref.Flattened || sh.Flattened {
			base = prefix + "."
		}
		if _, empty := form[prefix]; empty && form.Get(prefix) == "" {
			return []any{}, nil // "Tags=" sends an empty list
		}
		var items []any
		for i := 1; i <= len(form); i++ {
			v, err := m.fromQuery(form, base+strconv.Itoa(i), sh.Member)
			if err != nil {
				return nil, err
			}
			if v == nil {
				break
			}
			items = append(items, v)
		}
		if items == nil {
			return nil, nil
		}
		return items, nil
	case "map":
		obj := map[string]any{}
		for i := 1; i <= len(form); i++ {
			p := prefix + ".entry." + strconv.Itoa(i)
			k, ok := form[p+".key"]
			if !ok {
				break
			}
			v, err := m.fromQuery(form, p+".value", sh.Value)
			if err != nil {
				return nil, err
			}
			obj[k[0]] = v
		}
		if len(obj) == 0 {
			return nil, nil
		}
		return obj, nil
	}
	vals, ok := form[prefix]
	if !ok || len(vals) == 0 {
		return nil, nil
	}
	s := vals[0]
	switch sh.Type {
	case "integer", "long", "float", "double":
		if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
			return nil, &TypeError{Path: prefix, Want: sh.Type, Got: strconv.Quote(s)}
		}
		return json.Number(strings.TrimSpace(s)), nil
	case "boolean":
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, &TypeError{Path: prefix, Want: sh.Type, Got: strconv.Quote(s)}
		}
		return b, nil
	}
	return s, nil
}

func joinQuery(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}
