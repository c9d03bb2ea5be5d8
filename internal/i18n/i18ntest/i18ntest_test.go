package i18ntest

import (
	"go/ast"
	"go/parser"
	"os"
	"path/filepath"
	"testing"
)

func TestMarksSeesEveryWayOfMarking(t *testing.T) {
	for _, src := range []string{
		`rep.Log("a %s", x)`, `rep.Progress("b", 1, 2)`, `tr.T("c")`, `p.tr.Sprintf("d %d", 1)`,
		`env.tr().T("e")`, `i18n.M("f")`,
	} {
		e, err := parser.ParseExpr(src)
		if err != nil {
			t.Fatal(err)
		}
		if !Marks(e.(*ast.CallExpr).Fun) {
			t.Errorf("%s is not seen as marking its message", src)
		}
	}
	for _, src := range []string{`fmt.Sprintf("x")`, `log.Info("y")`, `rep.Value(v)`} {
		e, _ := parser.ParseExpr(src)
		if Marks(e.(*ast.CallExpr).Fun) {
			t.Errorf("%s is wrongly seen as marking its message", src)
		}
	}
}

func TestCatalogConstBlocksAreMarked(t *testing.T) {
	dir := t.TempDir()
	src := `package x

// What x says, in one place for the message catalog.
const (
	a = "first message"
	b = "second %d"
)

// Not for translating.
const c = "plumbing"
`
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	got := Marked(t, dir)
	if _, ok := got["first message"]; !ok {
		t.Errorf("a catalog const was missed: %v", got)
	}
	if _, ok := got["second %d"]; !ok {
		t.Errorf("a catalog const was missed: %v", got)
	}
	if _, ok := got["plumbing"]; ok {
		t.Errorf("a const outside a catalog block was taken: %v", got)
	}
}

func TestOnlyMessagesWithWordsNeedATranslation(t *testing.T) {
	for msg, want := range map[string]bool{
		"%s: %s": false, "← %d %s": false, "••••••": false, "  %s": false, "%s %-17s %s": false,
		"wrote %s": true, "  (exp %s UTC)": true, "%d단계": true,
	} {
		if got := hasWords(msg); got != want {
			t.Errorf("hasWords(%q) = %v, want %v", msg, got, want)
		}
	}
}
