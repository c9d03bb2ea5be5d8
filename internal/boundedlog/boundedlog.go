// Package boundedlog keeps a log from growing without bound when the
// people it logs are not trusted: each logged value is cut short, each line
// is capped, and the file rotates by size, keeping a few old files.
package boundedlog

import (
	"context"
	"fmt"
	"log/slog"
	"unicode/utf8"
)

// MaxValueBytes is how much of one logged value (or message) is kept.
const MaxValueBytes = 512

// CapValues wraps h so that every string (and every value printed as a
// string, such as an error) longer than max bytes is cut to max bytes,
// marked with how much was cut.
func CapValues(h slog.Handler, max int) slog.Handler {
	return &capHandler{next: h, max: max}
}

type capHandler struct {
	next slog.Handler
	max  int
}

func (c *capHandler) Enabled(ctx context.Context, l slog.Level) bool { return c.next.Enabled(ctx, l) }

func (c *capHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Cut(r.Message, c.max), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(c.attr(a))
		return true
	})
	return c.next.Handle(ctx, out)
}

func (c *capHandler) WithAttrs(as []slog.Attr) slog.Handler {
	capped := make([]slog.Attr, len(as))
	for i, a := range as {
		capped[i] = c.attr(a)
	}
	return &capHandler{next: c.next.WithAttrs(capped), max: c.max}
}

func (c *capHandler) WithGroup(name string) slog.Handler {
	return &capHandler{next: c.next.WithGroup(Cut(name, c.max)), max: c.max}
}

func (c *capHandler) attr(a slog.Attr) slog.Attr {
	a.Key = Cut(a.Key, c.max)
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(Cut(v.String(), c.max))
	case slog.KindGroup:
		group := v.Group()
		capped := make([]slog.Attr, len(group))
		for i, g := range group {
			capped[i] = c.attr(g)
		}
		a.Value = slog.GroupValue(capped...)
	case slog.KindAny:
		if s := fmt.Sprint(v.Any()); len(s) > c.max {
			a.Value = slog.StringValue(Cut(s, c.max))
		} else {
			a.Value = v
		}
	default:
		a.Value = v
	}
	return a
}

// Cut returns s cut to at most max bytes (on a rune boundary), followed by
// a note of how many bytes were cut; s itself when it fits.
func Cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return fmt.Sprintf("%s…[%d bytes cut]", s[:n], len(s)-n)
}
