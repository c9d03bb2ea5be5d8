package model

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// FuzzCheckInput feeds arbitrary bodies and query strings to every
// operation of every subset: the walkers never panic, and they answer
// nil, a *TypeError or Violations whose message is AWS-shaped.
func FuzzCheckInput(f *testing.F) {
	f.Add(uint16(0), `{"PoolName":"p","Policies":{"PasswordPolicy":{"MinimumLength":5}}}`)
	f.Add(uint16(3), `{"a":[1,{"b":null}],"c":{"d":1e999}}`)
	f.Add(uint16(7), `RoleName=r&Tags.member.1.Key=&MaxItems=x`)
	f.Add(uint16(11), `{"UserAttributes":[{"Name":7}],"MaxResults":2147483648}`)
	f.Fuzz(func(t *testing.T, pick uint16, body string) {
		var ops []struct {
			m  *Model
			op string
		}
		for _, m := range all {
			for _, op := range m.Operations() {
				ops = append(ops, struct {
					m  *Model
					op string
				}{m, op})
			}
		}
		c := ops[int(pick)%len(ops)]
		check := func(err error) {
			var vs Violations
			var te *TypeError
			switch {
			case err == nil, errors.As(err, &te):
			case errors.As(err, &vs):
				if !strings.HasPrefix(vs.Error(), "1 validation error detected: ") && !strings.Contains(vs.Error(), " validation errors detected: ") {
					t.Fatalf("%s: message %q", c.op, vs.Error())
				}
			default:
				t.Fatalf("%s: unexpected error %v", c.op, err)
			}
		}
		if in, err := DecodeJSON([]byte(body)); err == nil {
			check(c.m.CheckInput(c.op, in))
		}
		if form, err := url.ParseQuery(body); err == nil {
			if in, err := c.m.DecodeQuery(c.op, form); err == nil {
				check(c.m.CheckInput(c.op, in))
			}
		}
	})
}
