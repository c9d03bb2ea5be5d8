package ui

import (
	"fmt"
	"strings"
	"sync"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/ansi"
	glamourstyles "charm.land/glamour/v2/styles"
)

// plainStyle is the style used under NO_COLOR ("notty"): glamour's own
// notty style keeps Markdown's markers (**bold**, *em*, ~~struck~~,
// "## " before headings), so a page reads as Markdown source. Here the
// markers go and the text reads as prose. No attribute replaces them:
// the NO_COLOR screen carries no escape sequences at all.
func plainStyle() ansi.StyleConfig {
	st := glamourstyles.NoTTYStyleConfig
	plain := func(p ansi.StylePrimitive) ansi.StylePrimitive {
		p.BlockPrefix, p.BlockSuffix, p.Prefix, p.Suffix = "", "", "", ""
		return p
	}
	st.Strong = plain(st.Strong)
	st.Emph = plain(st.Emph)
	st.Strikethrough = plain(st.Strikethrough)
	for _, h := range []*ansi.StyleBlock{&st.H1, &st.H2, &st.H3, &st.H4, &st.H5, &st.H6} {
		h.StylePrimitive = plain(h.StylePrimitive)
	}
	return st
}

// renderKey names one rendered page: which text, at which width, in which
// style. Text is the cache's own key for the source (a stage id, or a
// stage id plus a value name and digest for code results).
type renderKey struct {
	Text  string
	Width int
	Style string
}

// mdCache keeps one glamour renderer per (style, width) and every rendered
// string. Rendering happens inside tea.Cmds, which run on their own
// goroutines, and a TermRenderer must not render twice at once, so one lock
// guards both maps and serialises renders.
type mdCache struct {
	ready     <-chan struct{} // nil, or closed when rendering may start
	mu        sync.Mutex
	renderers map[renderKey]*glamour.TermRenderer // Text unused
	rendered  map[renderKey]string
}

func newMDCache(ready <-chan struct{}) *mdCache {
	return &mdCache{
		ready:     ready,
		renderers: map[renderKey]*glamour.TermRenderer{},
		rendered:  map[renderKey]string{},
	}
}

// get returns a cached render without rendering.
func (c *mdCache) get(k renderKey) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.rendered[k]
	return s, ok
}

// render returns the cached render of k or renders md now, once c.ready
// allows. Call it from a tea.Cmd, never from Update or View.
func (c *mdCache) render(k renderKey, md string) (string, error) {
	if c.ready != nil {
		<-c.ready
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.rendered[k]; ok {
		return s, nil
	}
	rk := renderKey{Width: k.Width, Style: k.Style}
	r, ok := c.renderers[rk]
	if !ok {
		var err error
		style := glamour.WithStylePath(k.Style)
		if k.Style == "notty" {
			style = glamour.WithStyles(plainStyle())
		}
		r, err = glamour.NewTermRenderer(style, glamour.WithWordWrap(k.Width))
		if err != nil {
			return "", fmt.Errorf("glamour renderer (style %s, width %d): %w", k.Style, k.Width, err)
		}
		c.renderers[rk] = r
	}
	out, err := r.Render(md)
	if err != nil {
		return "", fmt.Errorf("render markdown %q: %w", k.Text, err)
	}
	// Glamour pads the document with blank lines at both ends; the panes have
	// their own borders.
	out = strings.Trim(out, "\n")
	c.rendered[k] = out
	return out, nil
}
