package steps

// BreakItMessages are break-it's experiment titles and rules, in English,
// for the test that its Korean output has none of them left.
func BreakItMessages() []string {
	var out []string
	for _, x := range experiments() {
		out = append(out, x.title, x.rule)
	}
	return out
}
