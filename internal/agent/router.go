package agent

import (
	"context"
	"fmt"
	"strings"
)

// The tutorial's agent lets a language model decide which tool to call. The
// stand-in decides with a few fixed rules instead, checked in this order:
// external service, weather, arithmetic, and otherwise a help answer. The
// order matters only for prompts that mention two things; the more specific
// request wins.

// standInNote ends every answer, so nobody mistakes the sandbox for a model.
const standInNote = "(sandbox stand-in agent, not a language model)"

// Tool names as they appear in the "tool" field of a reply.
const (
	toolCalculator = "calculator"
	toolWeather    = "weather"
	toolExternal   = "external_service"
)

type intent int

const (
	intentHelp intent = iota
	intentCalculator
	intentWeather
	intentExternal
)

// route is the router's decision for one prompt.
type route struct {
	intent intent
	expr   string // intentCalculator: the normalised expression
	city   string // intentWeather: the place asked about, or ""
}

var externalWords = []string{"external", "profile", "3lo", "oauth", "outbound"}

var weatherWords = []string{"weather", "forecast"}

// leadPhrases are stripped from the front of a prompt before looking for an
// expression, longest first so "what is the value of" beats "what is".
var leadPhrases = []string{
	"what is the value of", "what is the result of", "what's the value of", "what's the result of",
	"can you calculate", "could you calculate", "can you compute", "please calculate",
	"how much is", "what is", "what's", "whats", "calculate", "compute", "evaluate", "solve",
	"work out", "please", "tell me",
}

// wordOps turns spoken operators into symbols. Keys are padded with spaces
// so they only match whole words.
var wordOps = []struct{ from, to string }{
	{" to the power of ", " ^ "},
	{" multiplied by ", " * "},
	{" divided by ", " / "},
	{" the square root of ", " sqrt "},
	{" square root of ", " sqrt "},
	{" sqrt of ", " sqrt "},
	{" plus ", " + "},
	{" minus ", " - "},
	{" times ", " * "},
	{" over ", " / "},
	{" x ", " * "},
}

// symbolOps maps typographic operators to the ones the calculator reads.
var symbolOps = strings.NewReplacer("×", "*", "÷", "/", "−", "-", "**", "^")

// routePrompt decides what to do with a prompt.
func routePrompt(prompt string) route {
	lower := strings.ToLower(prompt)
	if containsAny(lower, externalWords) {
		return route{intent: intentExternal}
	}
	if containsAny(lower, weatherWords) {
		return route{intent: intentWeather, city: weatherCity(prompt)}
	}
	if expr, ok := arithmetic(lower); ok {
		return route{intent: intentCalculator, expr: expr}
	}
	return route{intent: intentHelp}
}

// arithmetic reports whether the (lower-cased) prompt is a calculation and
// returns the expression in the calculator's syntax. A prompt counts when,
// after removing polite lead-ins and spelling out operators, only tokens the
// calculator knows remain and at least one of them is a number. The
// expression may still be invalid ("2 +"): the calculator then explains why.
func arithmetic(lower string) (string, bool) {
	s := symbolOps.Replace(strings.TrimSpace(lower))
	s = strings.TrimRight(s, " ?!.=")
	for stripped := true; stripped; {
		stripped = false
		for _, p := range leadPhrases {
			if rest, ok := strings.CutPrefix(s, p); ok && (rest == "" || !isLetter(rest[0])) {
				s = strings.TrimLeft(rest, " :,")
				stripped = true
			}
		}
	}
	padded := " " + strings.Join(strings.Fields(s), " ") + " "
	for _, op := range wordOps {
		padded = strings.ReplaceAll(padded, op.from, op.to)
	}
	expr := strings.Join(strings.Fields(padded), " ")
	toks, err := lexExpr(expr)
	if err != nil {
		return "", false
	}
	for _, t := range toks {
		if t.kind == tokNumber {
			return expr, true
		}
	}
	return "", false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' }

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// answer runs the chosen tool. It returns the reply text (without the
// stand-in note), the tool used ("" for none) and the external-service
// tool's structured outcome when that tool ran. An error means the caller
// went away, never that the prompt was bad.
func answer(ctx context.Context, r route, tokens TokenSource, req TokenRequest) (text, tool string, ext *Outcome, err error) {
	switch r.intent {
	case intentCalculator:
		v, err := Evaluate(r.expr)
		if err != nil {
			return fmt.Sprintf("I couldn't calculate %s: %v.", r.expr, err), toolCalculator, nil, nil
		}
		return fmt.Sprintf("%s = %s", r.expr, formatNumber(v)), toolCalculator, nil, nil
	case intentWeather:
		return weatherReport(r.city), toolWeather, nil, nil
	case intentExternal:
		text, ext, err := externalService(ctx, tokens, req)
		return text, toolExternal, ext, err
	default:
		return "I'm the sandbox's stand-in for the tutorial's agent. I can do simple math " +
			`(try "what is 2+3*4" or "sqrt 16"), tell you the weather ("weather in Seattle"), ` +
			`and call the external service on your behalf ("call the external service").`, "", nil, nil
	}
}
