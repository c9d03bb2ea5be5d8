package lexers

import (
	"embed"
	"io/fs"
	"sync"

	"github.com/alecthomas/chroma/v2"
)

//go:embed embedded
var embedded embed.FS

// GlobalLexerRegistry is the global LexerRegistry of Lexers.
//
// agentcore-workshop patch: it fills on first use instead of at package
// init (parsing every embedded XML lexer cost ~8 ms of every start of a
// program that merely links chroma). Use the functions of this package;
// reading GlobalLexerRegistry's fields directly before any of them has run
// sees only the lexers defined in Go.
var GlobalLexerRegistry = chroma.NewLexerRegistry()

var (
	loadMu    sync.Mutex
	loaded    bool
	goDefined []chroma.Lexer                      // registered at init, before the embedded ones were loaded
	analysers = map[string]func(string) float32{} // set at init on lexers not loaded yet
)

// registry returns GlobalLexerRegistry with the embedded lexers loaded. The
// order of registration is upstream's: embedded XML lexers first, then those
// defined in Go (which may replace an XML lexer of the same name).
func registry() *chroma.LexerRegistry {
	loadMu.Lock()
	defer loadMu.Unlock()
	if loaded {
		return GlobalLexerRegistry
	}
	paths, err := fs.Glob(embedded, "embedded/*.xml")
	if err != nil {
		panic(err)
	}
	for _, path := range paths {
		GlobalLexerRegistry.Register(chroma.MustNewXMLLexer(embedded, path))
	}
	for _, l := range goDefined {
		GlobalLexerRegistry.Register(l)
	}
	goDefined = nil
	for name, fn := range analysers {
		GlobalLexerRegistry.Get(name).SetAnalyser(fn)
	}
	analysers = nil
	loaded = true
	return GlobalLexerRegistry
}

// setAnalyser attaches an analyser to a named lexer once the registry is
// loaded (upstream did Get(name).SetAnalyser in init funcs).
func setAnalyser(name string, fn func(string) float32) {
	loadMu.Lock()
	defer loadMu.Unlock()
	if loaded {
		GlobalLexerRegistry.Get(name).SetAnalyser(fn)
		return
	}
	analysers[name] = fn
}

// Names of all lexers, optionally including aliases.
func Names(withAliases bool) []string {
	return registry().Names(withAliases)
}

// Get a Lexer by name, alias or file extension.
//
// Note that this if there isn't an exact match on name or alias, this will
// call Match(), so it is not efficient.
func Get(name string) chroma.Lexer {
	return registry().Get(name)
}

// MatchMimeType attempts to find a lexer for the given MIME type.
func MatchMimeType(mimeType string) chroma.Lexer {
	return registry().MatchMimeType(mimeType)
}

// Match returns the first lexer matching filename.
//
// Note that this iterates over all file patterns in all lexers, so it's not
// particularly efficient.
func Match(filename string) chroma.Lexer {
	return registry().Match(filename)
}

// Register a Lexer with the global registry.
func Register(lexer chroma.Lexer) chroma.Lexer {
	loadMu.Lock()
	defer loadMu.Unlock()
	if !loaded {
		goDefined = append(goDefined, lexer)
		return lexer
	}
	return GlobalLexerRegistry.Register(lexer)
}

// Analyse text content and return the "best" lexer..
func Analyse(text string) chroma.Lexer {
	return registry().Analyse(text)
}

// PlaintextRules is used for the fallback lexer as well as the explicit
// plaintext lexer.
func PlaintextRules() chroma.Rules {
	return chroma.Rules{
		"root": []chroma.Rule{
			{`.+`, chroma.Text, nil},
			{`\n`, chroma.Text, nil},
		},
	}
}

// Fallback lexer if no other is found.
var Fallback chroma.Lexer = chroma.MustNewLexer(&chroma.Config{
	Name:      "fallback",
	Filenames: []string{"*"},
	Priority:  -1,
}, PlaintextRules)
