package ansi

import (
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// stripTags does what bluemonday.StrictPolicy().Sanitize(s) (bluemonday
// v1.0.27) did here: it keeps only the text of s, HTML-escaped, and drops
// every tag, comment and doctype, the text inside script and style, and the
// text inside the elements whose content a reader never sees (title, iframe,
// object, ...). It walks golang.org/x/net/html's tokenizer with bluemonday's
// rules for a policy that allows nothing, without building a policy: a
// bluemonday policy links its CSS parser and regexes, whose package
// initialisation cost every program that imported glamour several
// milliseconds before main.
func stripTags(s string) string {
	if strings.TrimSpace(s) == "" {
		return s
	}

	var (
		b                        strings.Builder
		skipElementContent       bool
		skippingElementsCount    int64
		mostRecentlyStartedToken string
	)
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		if z.Next() == html.ErrorToken {
			if z.Err() != io.EOF {
				return "" // bluemonday drops everything on a tokenizer error
			}
			return b.String()
		}
		token := z.Token()
		switch token.Type {
		case html.StartTagToken:
			name := normaliseElementName(token.Data)
			mostRecentlyStartedToken = name
			if name == "script" || name == "style" {
				continue
			}
			if skipsContent(token.Data) {
				skipElementContent = true
				skippingElementsCount++
			}
		case html.EndTagToken:
			name := normaliseElementName(token.Data)
			if mostRecentlyStartedToken == name {
				mostRecentlyStartedToken = ""
			}
			if name == "script" || name == "style" {
				continue
			}
			if skipsContent(token.Data) {
				// As bluemonday: no floor, so a stray closing tag
				// makes the count negative and a later element of
				// these hides the rest of the text.
				skippingElementsCount--
				if skippingElementsCount == 0 {
					skipElementContent = false
				}
			}
		case html.TextToken:
			if skipElementContent {
				continue
			}
			if mostRecentlyStartedToken == "script" || mostRecentlyStartedToken == "style" {
				continue
			}
			b.WriteString(token.String())
		}
	}
}

// skipsContent reports whether bluemonday drops an element's text along
// with the element when the policy does not allow it (its
// addDefaultSkipElementContent).
func skipsContent(element string) bool {
	switch element {
	case "frame", "frameset", "iframe", "noembed", "noframes", "noscript",
		"nostyle", "object", "script", "style", "title":
		return true
	}
	return false
}

// normaliseElementName is bluemonday's: it lowercases a tag name with every
// non-ASCII rune escaped, so that no Unicode case folding can turn a name
// into "script".
func normaliseElementName(str string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(strconv.QuoteToASCII(str)), `"`), `"`)
}
