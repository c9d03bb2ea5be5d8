package i18ntest

import (
	"go/ast"
	"go/parser"
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
