package agent

import (
	"hash/fnv"
	"strings"

	"agentcore-workshop/internal/lazyregexp"
)

// The tutorial's weather tool is a dummy that always says "sunny". The
// stand-in keeps that answer when no place is named and, when one is, picks
// sunny or cloudy from a hash of the name, so the same city always gets the
// same weather and tests can rely on it.

// cityPattern finds "in Seattle", "for New York", "at Lake Tahoe" after the
// word weather or forecast. The place is at most a few words of letters.
var cityPattern = lazyregexp.New(`(?i)\b(?:in|for|at)\s+([\p{L}][\p{L} .'-]{0,60})`)

// trailingNoise are words people add after a place that are not part of it.
var trailingNoise = []string{"today", "tomorrow", "right now", "now", "please", "currently", "this week", "tonight"}

// weatherCity extracts the place a weather question is about, or "".
func weatherCity(prompt string) string {
	m := cityPattern.FindStringSubmatch(prompt)
	if m == nil {
		return ""
	}
	city := strings.TrimSpace(m[1])
	for changed := true; changed; {
		changed = false
		city = strings.TrimRight(city, " .'-")
		lower := strings.ToLower(city)
		for _, w := range trailingNoise {
			if lower == w {
				return ""
			}
			if strings.HasSuffix(lower, " "+w) {
				city = city[:len(city)-len(w)-1]
				changed = true
				break
			}
		}
	}
	return city
}

// weatherReport answers a weather question for city ("" = wherever you are).
func weatherReport(city string) string {
	if city == "" {
		return "The weather is currently sunny."
	}
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(city)))
	sky := "sunny"
	if h.Sum32()%2 == 1 {
		sky = "cloudy"
	}
	return "The weather in " + city + " is currently " + sky + "."
}
