package agent

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestEvaluate(t *testing.T) {
	tests := []struct {
		expr string
		want float64
	}{
		{"2+3*4", 14},
		{"2*3+4", 10},
		{"(2+3)*4", 20},
		{"(10-4)/3", 2},
		{"10-4-3", 3},   // left-associative
		{"100/10/5", 2}, // left-associative
		{"2^3^2", 512},  // right-associative
		{"2^-1", 0.5},
		{"-2^2", -4}, // unary minus binds looser than ^
		{"(-2)^2", 4},
		{"-3", -3},
		{"--3", 3},
		{"+3", 3},
		{"2*-3", -6},
		{"1 - -1", 2},
		{"0.5+.25", 0.75},
		{"3.", 3},
		{"sqrt 16", 4},
		{"sqrt(16)", 4},
		{"sqrt 2^2", 2}, // sqrt takes the whole power
		{"sqrt 16 + 1", 5},
		{"2 * sqrt(9)", 6},
		{"-sqrt 4", -2},
		{"((((1))))", 1},
		{" 7 ", 7},
		{"4^0.5", 2},
	}
	for _, tc := range tests {
		got, err := Evaluate(tc.expr)
		if err != nil {
			t.Errorf("Evaluate(%q) error: %v", tc.expr, err)
			continue
		}
		if math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Evaluate(%q) = %v, want %v", tc.expr, got, tc.want)
		}
	}
}

func TestEvaluateErrors(t *testing.T) {
	tests := []struct {
		expr string
		want string // part of the message
	}{
		{"1/0", "division by zero"},
		{"1/(3-3)", "division by zero"},
		{"0^-1", "division by zero"},
		{"sqrt -4", "negative"},
		{"(-8)^0.5", "not a real number"},
		{"10^400", "too large"},
		{"", "no expression"},
		{"   ", "no expression"},
		{"2 +", "ends too early"},
		{"(2+3", "closing parenthesis"},
		{"2+3)", `unexpected ")"`},
		{"2 3", `unexpected "3"`},
		{"*2", `unexpected "*"`},
		{"1..2", "not a number"},
		{".", "not a number"},
		{"2 & 3", `"&"`},
		{"2×3", `"×"`},
		{"sqrt", "ends too early"},
		{strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100), "nests too deeply"},
		{strings.Repeat("-", 100) + "1", "nests too deeply"},
		{strings.Repeat("1+", 300) + "1", "too long"},
		{strings.Repeat("9", 400), "too large"},
	}
	for _, tc := range tests {
		v, err := Evaluate(tc.expr)
		if err == nil {
			t.Errorf("Evaluate(%q) = %v, want error containing %q", tc.expr, v, tc.want)
			continue
		}
		var ce *CalcError
		if !errors.As(err, &ce) {
			t.Errorf("Evaluate(%q) error %T, want *CalcError", tc.expr, err)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Evaluate(%q) error %q, want it to contain %q", tc.expr, err, tc.want)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{14, "14"},
		{-6, "-6"},
		{math.Copysign(0, -1), "0"},
		{0.75, "0.75"},
		{10.0 / 3, "3.33333333333"},
		{1e20, "1e+20"},
		{123456789012, "123456789012"},
	}
	for _, tc := range tests {
		if got := formatNumber(tc.v); got != tc.want {
			t.Errorf("formatNumber(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// FuzzEvaluate checks that no input panics, that every failure is a
// *CalcError, that successes are finite, and two algebraic identities the
// parser must respect: wrapping in parentheses changes nothing, and negating
// the parenthesised expression flips the sign. Seeds live in
// testdata/fuzz/FuzzEvaluate.
func FuzzEvaluate(f *testing.F) {
	f.Add("1+2*3")
	f.Fuzz(func(t *testing.T, expr string) {
		v, err := Evaluate(expr)
		if err != nil {
			var ce *CalcError
			if !errors.As(err, &ce) {
				t.Fatalf("Evaluate(%q) error %T %v, want *CalcError", expr, err, err)
			}
			if ce.Msg == "" {
				t.Fatalf("Evaluate(%q) returned an empty error message", expr)
			}
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("Evaluate(%q) = %v, want a finite number", expr, v)
		}
		// The identities need one more nesting level and two more characters;
		// skip inputs at the limits, where an error is the correct answer.
		if len(expr)+3 > maxExprLen || strings.Count(expr, "(")+strings.Count(expr, "-")+strings.Count(expr, "sqrt") > maxExprDepth/4 {
			return
		}
		w, err := Evaluate("(" + expr + ")")
		if err != nil || w != v {
			t.Fatalf("Evaluate((%s)) = %v, %v; want %v like the bare expression", expr, w, err, v)
		}
		n, err := Evaluate("-(" + expr + ")")
		if err != nil || n != -v {
			t.Fatalf("Evaluate(-(%s)) = %v, %v; want %v", expr, n, err, -v)
		}
	})
}

func BenchmarkEvaluate(b *testing.B) {
	for b.Loop() {
		if _, err := Evaluate("sqrt((10-4)/3 * 2^3) + -1.5*(2+3*4)"); err != nil {
			b.Fatal(err)
		}
	}
}
