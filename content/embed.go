// Package content holds the learner-facing explanation of each workshop
// stage as Markdown, one file per stage and language, embedded in the
// binary. Pages are data: the UI renders them with glamour, the headless
// printer can print them as they are.
//
// Files are named <lang>/NN-<step-id>.md, e.g. en/01-provision-cognito.md.
// A new language is a new directory plus one more go:embed line below;
// nothing else changes, because the index is built from whatever the
// embedded file system holds.
package content

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

// DefaultLang is the language every stage has a page in; other languages
// fall back to it page by page.
const DefaultLang = "en"

//go:embed en/*.md ko/*.md
var files embed.FS

// index maps lang → step id → page text. It is built once, on first use,
// and never changed afterwards, so sharing it between goroutines is safe.
var index = sync.OnceValue(func() map[string]map[string]string {
	return buildIndex(files)
})

// buildIndex reads every <lang>/NN-<id>.md in fsys. Files whose names do
// not follow the pattern are ignored rather than guessed at.
func buildIndex(fsys fs.FS) map[string]map[string]string {
	out := map[string]map[string]string{}
	dirs, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return out
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		lang := d.Name()
		entries, err := fs.ReadDir(fsys, lang)
		if err != nil {
			continue
		}
		for _, e := range entries {
			id, ok := stepIDFromFile(e.Name())
			if !ok || e.IsDir() {
				continue
			}
			b, err := fs.ReadFile(fsys, path.Join(lang, e.Name()))
			if err != nil {
				continue
			}
			if out[lang] == nil {
				out[lang] = map[string]string{}
			}
			out[lang][id] = string(b)
		}
	}
	return out
}

// stepIDFromFile turns "01-provision-cognito.md" into "provision-cognito".
func stepIDFromFile(name string) (string, bool) {
	base, ok := strings.CutSuffix(name, ".md")
	if !ok {
		return "", false
	}
	num, id, ok := strings.Cut(base, "-")
	if !ok || num == "" || id == "" {
		return "", false
	}
	for _, r := range num {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return id, true
}

// Page returns the Markdown page for a stage (by its step id, e.g.
// "provision-cognito") in lang. When lang has no page for that stage the
// English page is returned instead, so a half-translated language still
// shows every stage. ok is false only when no language has the page.
func Page(lang, stepID string) (string, bool) {
	return lookup(index(), lang, stepID)
}

// lookup is Page over a given index, so the fallback can be tested with
// a half-translated language built in the test.
func lookup(idx map[string]map[string]string, lang, stepID string) (string, bool) {
	if p, ok := idx[lang][stepID]; ok {
		return p, true
	}
	p, ok := idx[DefaultLang][stepID]
	return p, ok
}

// Languages lists the languages that have at least one page, the default
// language first and the rest in alphabetical order.
func Languages() []string {
	idx := index()
	langs := make([]string, 0, len(idx))
	for l := range idx {
		if l != DefaultLang {
			langs = append(langs, l)
		}
	}
	sort.Strings(langs)
	if _, ok := idx[DefaultLang]; ok {
		langs = append([]string{DefaultLang}, langs...)
	}
	return langs
}
