// Package i18n holds the workshop's messages in each language it speaks.
//
// Messages are keyed by their English text, as gettext keys them: code
// writes the English format ("stage %d of %d") and a Printer for the
// learner's language turns it into theirs. English needs no catalog;
// every other language has one map from English formats to its own, in
// this package (ko.go). A format's verbs must match in its translation
// (by argument index, so a language may reorder them with %[2]s); the
// package's tests check that, and i18ntest.AssertTranslated, called from
// the tests of each package that writes messages, checks that every
// message the code marks has a translation.
//
// How code marks a message for translation:
//   - a stage's rep.Log and rep.Progress formats (the runner translates);
//   - tr.T("…") and tr.Sprintf("…", …) on a Printer named tr;
//   - i18n.M("…") around a string kept in a table and translated later;
//   - a const block whose doc comment says it is "for the message
//     catalog", each use of which goes through tr.T or tr.Sprintf.
package i18n

import (
	"fmt"
	"slices"
	"sync"
)

// DefaultLang is the language messages are written in.
const DefaultLang = "en"

// catalogs maps a language to its translations. It is built on first use,
// not at start-up (an English run never needs it: building it cost 0.09 ms
// of every launch's package init), and never changed afterwards, so sharing
// it between goroutines is safe.
var catalogs = sync.OnceValue(func() map[string]map[string]string {
	return map[string]map[string]string{"ko": koCatalog()}
})

// Languages returns the languages the messages exist in, English first.
func Languages() []string {
	out := []string{DefaultLang}
	for l := range catalogs() {
		out = append(out, l)
	}
	slices.Sort(out[1:])
	return out
}

// Printer translates English message formats into one language. The zero
// Printer speaks English.
type Printer struct {
	lang string
	cat  map[string]string
}

// For returns the Printer for lang; an unknown language gets English.
func For(lang string) Printer {
	if lang == "" || lang == DefaultLang {
		return Printer{lang: DefaultLang} // English needs no catalog: do not build one
	}
	if cat, ok := catalogs()[lang]; ok {
		return Printer{lang: lang, cat: cat}
	}
	return Printer{lang: DefaultLang}
}

// Lang is the Printer's language.
func (p Printer) Lang() string {
	if p.lang == "" {
		return DefaultLang
	}
	return p.lang
}

// T returns english in the Printer's language, or english itself where
// the catalog has no entry (the tests keep that from happening).
func (p Printer) T(english string) string {
	if s, ok := p.cat[english]; ok {
		return s
	}
	return english
}

// Has reports whether the Printer's catalog translates english. English
// itself has everything.
func (p Printer) Has(english string) bool {
	if p.cat == nil {
		return true
	}
	_, ok := p.cat[english]
	return ok
}

// Sprintf formats the translation of format with args.
func (p Printer) Sprintf(format string, args ...any) string {
	return fmt.Sprintf(p.T(format), args...)
}

// M marks s as a message to translate later, where it is kept in a table
// or a constant; it returns s unchanged.
func M(s string) string { return s }
