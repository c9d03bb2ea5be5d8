// Package i18ntest checks, from a package's tests, that every message the
// package marks for translation has one in every language.
package i18ntest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"agentcore-workshop/internal/i18n"
)

// AssertTranslated fails t for each message marked in the non-test Go
// files under dir (see package i18n for the marks) that a language's
// catalog lacks, naming the message and where it is. min guards the
// scanner: finding fewer messages than that means it is broken.
func AssertTranslated(t *testing.T, dir string, min int) {
	t.Helper()
	msgs := Marked(t, dir)
	if len(msgs) < min {
		t.Fatalf("found only %d marked messages under %s, expected at least %d: the scanner is broken", len(msgs), dir, min)
	}
	for _, lang := range i18n.Languages()[1:] {
		tr := i18n.For(lang)
		var missing []string
		for en, where := range msgs {
			if hasWords(en) && !tr.Has(en) {
				missing = append(missing, strconv.Quote(en)+"  ("+where[0]+")")
			}
		}
		slices.Sort(missing)
		for _, m := range missing {
			t.Errorf("%s has no translation for %s; add it to internal/i18n/%s.go", lang, m, lang)
		}
	}
}

// Marked returns every message the non-test Go files under dir mark for
// translation, with where each is.
func Marked(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	{
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution|parser.ParseComments)
			if err != nil {
				return err
			}
			add := func(lit *ast.BasicLit) {
				if s, err := strconv.Unquote(lit.Value); err == nil && s != "" {
					out[s] = append(out[s], fset.Position(lit.Pos()).String())
				}
			}
			for _, decl := range f.Decls {
				for _, lit := range catalogConsts(decl) {
					add(lit)
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) == 0 || !Marks(call.Fun) {
					return true
				}
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					add(lit)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// Marks reports whether a call to fun marks its first argument: rep.Log,
// rep.Progress, tr.T, tr.Sprintf (tr possibly a field or a call, as in
// p.tr.T or env.tr().T), and i18n.M.
func Marks(fun ast.Expr) bool {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	switch x := sel.X.(type) {
	case *ast.Ident:
		switch x.Name {
		case "rep":
			return sel.Sel.Name == "Log" || sel.Sel.Name == "Progress"
		case "tr":
			return sel.Sel.Name == "T" || sel.Sel.Name == "Sprintf"
		case "i18n":
			return sel.Sel.Name == "M"
		}
	case *ast.SelectorExpr:
		return x.Sel.Name == "tr" && (sel.Sel.Name == "T" || sel.Sel.Name == "Sprintf")
	case *ast.CallExpr:
		if inner, ok := x.Fun.(*ast.SelectorExpr); ok && inner.Sel.Name == "tr" {
			return sel.Sel.Name == "T" || sel.Sel.Name == "Sprintf"
		}
	}
	return false
}

// catalogConsts returns the string literals of a const block whose doc
// comment says it is "for the message catalog": a file keeps what it
// says in such a block and translates each use with tr.T or tr.Sprintf.
func catalogConsts(decl ast.Decl) []*ast.BasicLit {
	gd, ok := decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.CONST || gd.Doc == nil || !strings.Contains(gd.Doc.Text(), "message catalog") {
		return nil
	}
	var out []*ast.BasicLit
	for _, spec := range gd.Specs {
		vs, ok := spec.(*ast.ValueSpec)
		if !ok {
			continue
		}
		for _, v := range vs.Values {
			if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				out = append(out, lit)
			}
		}
	}
	return out
}

// verb matches a fmt verb, with an optional argument index.
var verb = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)

// hasWords reports whether a message has anything to translate: a letter
// outside its format verbs. "%s: %s" or "← %d %s" reads the same in every
// language, so no catalog needs an entry for it (Printer.T falls back to
// the English, which is the same text).
func hasWords(msg string) bool {
	return strings.IndexFunc(verb.ReplaceAllString(msg, ""), unicode.IsLetter) >= 0
}
