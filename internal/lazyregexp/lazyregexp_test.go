package lazyregexp

import (
	"slices"
	"testing"
)

func TestCompilesOnFirstUse(t *testing.T) {
	r := New(`(\w+)@(\w+)`)
	if r.rx != nil {
		t.Fatal("New compiled the expression")
	}
	if got := r.FindStringSubmatch("mail me@example now"); !slices.Equal(got, []string{"me@example", "me", "example"}) {
		t.Fatalf("FindStringSubmatch = %q", got)
	}
	first := r.rx
	if first == nil || r.Compiled() != first {
		t.Fatal("the compiled expression was not kept")
	}
	if !r.MatchString("a@b") || r.MatchString("no at sign") {
		t.Fatal("MatchString disagrees with the expression")
	}
	if got := r.ReplaceAllString("a@b c@d", "$2"); got != "b d" {
		t.Fatalf("ReplaceAllString = %q", got)
	}
}

func TestInvalidExpressionPanicsOnFirstUse(t *testing.T) {
	r := New(`(unclosed`)
	defer func() {
		if recover() == nil {
			t.Fatal("an invalid expression did not panic on first use")
		}
	}()
	r.MatchString("x")
}
