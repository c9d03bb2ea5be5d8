package agent

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The calculator stands in for strands_tools.calculator. It is a small
// recursive-descent parser over float64, written so that no input can make it
// panic, loop or recurse without bound: the input length and the nesting depth
// are capped, and every failure is a *CalcError the agent can show the user.
//
// Grammar (lowest precedence first):
//
//	expr    = term { ("+" | "-") term }
//	term    = unary { ("*" | "/") unary }
//	unary   = ("-" | "+") unary | "sqrt" unary | power
//	power   = primary [ "^" unary ]         // right-associative; -2^2 = -(2^2)
//	primary = number | "(" expr ")"
const (
	maxExprLen   = 512 // longer prompts are not arithmetic a person typed
	maxExprDepth = 64  // bounds recursion, so deeply nested input cannot exhaust the stack
)

// CalcError is a calculation the user asked for but that has no answer. Its
// message is written for the learner, not for a log.
type CalcError struct{ Msg string }

func (e *CalcError) Error() string { return e.Msg }

func calcErrorf(format string, args ...any) error {
	return &CalcError{Msg: fmt.Sprintf(format, args...)}
}

type tokenKind int

const (
	tokNumber tokenKind = iota
	tokOp               // one of + - * / ^
	tokLParen
	tokRParen
	tokSqrt
	tokEOF
)

type token struct {
	kind tokenKind
	text string
	num  float64
	pos  int // byte offset, for error messages
}

// lexExpr splits s into tokens. It fails on any character the calculator does
// not understand, which is also how the router tells arithmetic from prose.
func lexExpr(s string) ([]token, error) {
	if len(s) > maxExprLen {
		return nil, calcErrorf("that expression is too long (over %d characters)", maxExprLen)
	}
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c >= '0' && c <= '9' || c == '.':
			start := i
			for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
				i++
			}
			text := s[start:i]
			if strings.Count(text, ".") > 1 || text == "." {
				return nil, calcErrorf("%q is not a number", text)
			}
			v, err := strconv.ParseFloat(text, 64)
			if err != nil {
				// Only ErrRange is possible here: the text is digits and one dot.
				return nil, calcErrorf("the number %s is too large or too precise to work with", shorten(text))
			}
			toks = append(toks, token{kind: tokNumber, text: text, num: v, pos: start})
		case strings.ContainsRune("+-*/^", rune(c)):
			toks = append(toks, token{kind: tokOp, text: string(c), pos: i})
			i++
		case c == '(':
			toks = append(toks, token{kind: tokLParen, text: "(", pos: i})
			i++
		case c == ')':
			toks = append(toks, token{kind: tokRParen, text: ")", pos: i})
			i++
		case strings.HasPrefix(s[i:], "sqrt"):
			toks = append(toks, token{kind: tokSqrt, text: "sqrt", pos: i})
			i += len("sqrt")
		default:
			return nil, calcErrorf("I can't read %q at position %d", runeAt(s, i), i+1)
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(s)}), nil
}

// runeAt returns the (possibly multi-byte) character starting at byte i.
func runeAt(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return string(r)
}

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// enter guards every recursive production against runaway nesting.
func (p *parser) enter() error {
	p.depth++
	if p.depth > maxExprDepth {
		return calcErrorf("that expression nests too deeply (over %d levels)", maxExprDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// Evaluate computes an arithmetic expression. Errors are *CalcError.
func Evaluate(expr string) (float64, error) {
	toks, err := lexExpr(expr)
	if err != nil {
		return 0, err
	}
	if len(toks) == 1 {
		return 0, calcErrorf("there is no expression to calculate")
	}
	p := &parser{toks: toks}
	v, err := p.expr()
	if err != nil {
		return 0, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return 0, calcErrorf("unexpected %q at position %d", t.text, t.pos+1)
	}
	return v, nil
}

func (p *parser) expr() (float64, error) {
	if err := p.enter(); err != nil {
		return 0, err
	}
	defer p.leave()
	v, err := p.term()
	if err != nil {
		return 0, err
	}
	for {
		t := p.peek()
		if t.kind != tokOp || (t.text != "+" && t.text != "-") {
			return v, nil
		}
		p.next()
		r, err := p.term()
		if err != nil {
			return 0, err
		}
		if t.text == "+" {
			v += r
		} else {
			v -= r
		}
		if err := checkFinite(v); err != nil {
			return 0, err
		}
	}
}

func (p *parser) term() (float64, error) {
	v, err := p.unary()
	if err != nil {
		return 0, err
	}
	for {
		t := p.peek()
		if t.kind != tokOp || (t.text != "*" && t.text != "/") {
			return v, nil
		}
		p.next()
		r, err := p.unary()
		if err != nil {
			return 0, err
		}
		if t.text == "*" {
			v *= r
		} else {
			if r == 0 {
				return 0, calcErrorf("division by zero has no answer")
			}
			v /= r
		}
		if err := checkFinite(v); err != nil {
			return 0, err
		}
	}
}

func (p *parser) unary() (float64, error) {
	if err := p.enter(); err != nil {
		return 0, err
	}
	defer p.leave()
	t := p.peek()
	switch {
	case t.kind == tokOp && (t.text == "-" || t.text == "+"):
		p.next()
		v, err := p.unary()
		if err != nil {
			return 0, err
		}
		if t.text == "-" {
			return -v, nil
		}
		return v, nil
	case t.kind == tokSqrt:
		p.next()
		v, err := p.unary()
		if err != nil {
			return 0, err
		}
		if v < 0 {
			return 0, calcErrorf("the square root of a negative number (%s) is not a real number", formatNumber(v))
		}
		return math.Sqrt(v), nil
	}
	return p.power()
}

func (p *parser) power() (float64, error) {
	base, err := p.primary()
	if err != nil {
		return 0, err
	}
	if t := p.peek(); t.kind != tokOp || t.text != "^" {
		return base, nil
	}
	p.next()
	exp, err := p.unary()
	if err != nil {
		return 0, err
	}
	if base == 0 && exp < 0 {
		return 0, calcErrorf("zero to a negative power is a division by zero")
	}
	v := math.Pow(base, exp)
	if math.IsNaN(v) {
		return 0, calcErrorf("%s to the power %s is not a real number", formatNumber(base), formatNumber(exp))
	}
	return v, checkFinite(v)
}

func (p *parser) primary() (float64, error) {
	t := p.next()
	switch t.kind {
	case tokNumber:
		return t.num, checkFinite(t.num)
	case tokLParen:
		v, err := p.expr()
		if err != nil {
			return 0, err
		}
		if c := p.next(); c.kind != tokRParen {
			return 0, calcErrorf("a closing parenthesis is missing for the one at position %d", t.pos+1)
		}
		return v, nil
	case tokEOF:
		return 0, calcErrorf("the expression ends too early")
	default:
		return 0, calcErrorf("unexpected %q at position %d", t.text, t.pos+1)
	}
}

func checkFinite(v float64) error {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return &CalcError{Msg: "the result is too large to show"}
	}
	return nil
}

// formatNumber prints a result the way a person would write it: integers
// without a decimal point, others with at most 12 significant digits so that
// 10/3 reads 3.33333333333 rather than exposing float64 noise.
func formatNumber(v float64) string {
	if v == 0 {
		return "0" // also folds -0
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', 12, 64)
}

// shorten keeps error messages readable when the user typed a huge number.
func shorten(s string) string {
	if len(s) <= 24 {
		return s
	}
	return s[:20] + "..."
}
