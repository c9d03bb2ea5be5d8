package styles

import (
	"embed"
	"io/fs"
	"sort"
	"sync"

	"github.com/alecthomas/chroma/v2"
)

//go:embed *.xml
var embedded embed.FS

// Registry of Styles.
//
// agentcore-workshop patch: the embedded styles are parsed on the first call
// of Get, Names or Register instead of at package init (parsing them cost
// ~9 ms of every start of a program that merely links chroma). Until then
// Registry is empty; read it through those functions. The deprecated
// per-style variables of compat.go, which forced the parse at init, are gone.
var Registry = map[string]*chroma.Style{}

// Fallback style. Reassign to change the default fallback style; until the
// embedded styles are loaded (on the first Get) it is nil unless reassigned.
var Fallback *chroma.Style

var loadOnce sync.Once

// load parses every embedded style into Registry once. A style registered
// before the load keeps its entry, as upstream's Register after init did.
func load() {
	loadOnce.Do(func() {
		files, err := fs.ReadDir(embedded, ".")
		if err != nil {
			panic(err)
		}
		for _, file := range files {
			if file.IsDir() {
				continue
			}
			r, err := embedded.Open(file.Name())
			if err != nil {
				panic(err)
			}
			style, err := chroma.NewXMLStyle(r)
			if err != nil {
				panic(err)
			}
			if _, ok := Registry[style.Name]; !ok {
				Registry[style.Name] = style
			}
			_ = r.Close()
		}
		if Fallback == nil {
			Fallback = Registry["swapoff"]
		}
	})
}

// Register a chroma.Style.
func Register(style *chroma.Style) *chroma.Style {
	load()
	Registry[style.Name] = style
	return style
}

// Names of all available styles.
func Names() []string {
	load()
	out := []string{}
	for name := range Registry {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Get named style, or Fallback.
func Get(name string) *chroma.Style {
	load()
	if style, ok := Registry[name]; ok {
		return style
	}
	return Fallback
}
