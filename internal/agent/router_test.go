package agent

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestRoutePrompt(t *testing.T) {
	tests := []struct {
		prompt string
		intent intent
		expr   string
		city   string
	}{
		{"what is 2+3*4", intentCalculator, "2+3*4", ""},
		{"What is 2+3*4?", intentCalculator, "2+3*4", ""},
		{"calculate (10-4)/3", intentCalculator, "(10-4)/3", ""},
		{"sqrt 16", intentCalculator, "sqrt 16", ""},
		{"What's the square root of 81?", intentCalculator, "sqrt 81", ""},
		{"how much is 6 times 7", intentCalculator, "6 * 7", ""},
		{"What is 10 divided by 4?", intentCalculator, "10 / 4", ""},
		{"2 to the power of 10", intentCalculator, "2 ^ 10", ""},
		{"3 × 4 − 1", intentCalculator, "3 * 4 - 1", ""},
		{"2**8 =", intentCalculator, "2^8", ""},
		{"please calculate: 1+1", intentCalculator, "1+1", ""},
		{"What is 5/0", intentCalculator, "5/0", ""},
		{"what is 2 +", intentCalculator, "2 +", ""}, // invalid, but clearly arithmetic: the calculator explains
		{"How is the weather now?", intentWeather, "", ""},
		{"what's the weather in Seattle today?", intentWeather, "", "Seattle"},
		{"Weather for New York", intentWeather, "", "New York"},
		{"forecast in São Paulo please", intentWeather, "", "São Paulo"},
		{"Call the external service", intentExternal, "", ""},
		{"show my profile", intentExternal, "", ""},
		{"what's the weather at the external service", intentExternal, "", ""}, // the more specific request wins
		{"hello", intentHelp, "", ""},
		{"what is love", intentHelp, "", ""},
		{"whatsoever 2+2", intentHelp, "", ""}, // "whats" must be a whole word
		{"", intentHelp, "", ""},
	}
	for _, tc := range tests {
		got := routePrompt(tc.prompt)
		if got.intent != tc.intent || got.expr != tc.expr || got.city != tc.city {
			t.Errorf("routePrompt(%q) = %+v, want intent %d expr %q city %q", tc.prompt, got, tc.intent, tc.expr, tc.city)
		}
	}
}

func TestWeatherReport(t *testing.T) {
	if got := weatherReport(""); got != "The weather is currently sunny." {
		t.Errorf("weatherReport(\"\") = %q, want the tutorial's sunny", got)
	}
	// The same city always gets the same sky, whatever its case.
	if a, b := weatherReport("Seattle"), weatherReport("seattle"); strings.TrimPrefix(a, "The weather in Seattle") != strings.TrimPrefix(b, "The weather in seattle") {
		t.Errorf("weather differs by case: %q vs %q", a, b)
	}
	// Both answers occur across cities, so the hash really picks.
	seen := map[string]bool{}
	for _, c := range []string{"Seattle", "Paris", "Tokyo", "Lima", "Oslo", "Cairo", "Perth", "Quito"} {
		r := weatherReport(c)
		switch {
		case strings.HasSuffix(r, "sunny."):
			seen["sunny"] = true
		case strings.HasSuffix(r, "cloudy."):
			seen["cloudy"] = true
		default:
			t.Errorf("weatherReport(%q) = %q, want sunny or cloudy", c, r)
		}
		if !strings.Contains(r, c) {
			t.Errorf("weatherReport(%q) = %q, want the city named", c, r)
		}
	}
	if !seen["sunny"] || !seen["cloudy"] {
		t.Errorf("8 cities gave only %v; the city should decide", seen)
	}
}

func TestWeatherCityNoise(t *testing.T) {
	tests := map[string]string{
		"weather in Paris":              "Paris",
		"weather in Paris right now":    "Paris",
		"weather in Paris now please":   "Paris",
		"weather in Le Mans.":           "Le Mans",
		"what is the weather for today": "",
		"weather":                       "",
	}
	for prompt, want := range tests {
		if got := weatherCity(prompt); got != want {
			t.Errorf("weatherCity(%q) = %q, want %q", prompt, got, want)
		}
	}
}

func TestAnswer(t *testing.T) {
	tests := []struct {
		prompt, tool, want string // want: the whole answer, or its start when it ends in "…"
	}{
		{"what is 2+3*4", toolCalculator, "2+3*4 = 14"},
		{"what is 1/0", toolCalculator, "I couldn't calculate 1/0: division by zero has no answer."},
		{"weather", toolWeather, "The weather is currently sunny."},
		{"call the external service", toolExternal, "I can't reach the external service: the runtime gave me no workload access token…"},
		{"hello", "", "I'm the sandbox's stand-in for the tutorial's agent.…"},
	}
	for _, tc := range tests {
		text, tool, _, err := answer(context.Background(), routePrompt(tc.prompt), notConnected{}, TokenRequest{})
		prefix, partial := strings.CutSuffix(tc.want, "…")
		if err != nil || tool != tc.tool || (partial && !strings.HasPrefix(text, prefix)) || (!partial && text != tc.want) {
			t.Errorf("answer(%q) = %q, %q, %v; want %q, %q", tc.prompt, text, tool, err, tc.want, tc.tool)
		}
	}
}

type cancelledSource struct{}

func (cancelledSource) ResourceToken(ctx context.Context, _ TokenRequest) (TokenResult, error) {
	<-ctx.Done()
	return TokenResult{}, ctx.Err()
}

func TestExternalServiceCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := externalService(ctx, cancelledSource{}, TokenRequest{WorkloadToken: "wat"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("externalService with a cancelled context: err = %v, want context.Canceled", err)
	}
}
