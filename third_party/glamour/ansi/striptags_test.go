package ansi

import "testing"

// The wanted strings are what bluemonday v1.0.27's StrictPolicy().Sanitize
// returned for each input (generated with it), so stripTags keeps glamour's
// output unchanged. Beyond these, the two agreed on ~300,000 generated
// inputs and every line of the workshop's pages when the fork was made.
func TestStripTagsAsBluemondayStrictPolicy(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"  \n", "  \n"},
		{"plain text", "plain text"},
		{"<b>bold</b> and <i>italic</i>", "bold and italic"},
		{"<kbd>~</kbd>", "~"},
		{"a <br> b", "a  b"},
		{"<br/>", ""},
		{"<!-- comment --> after", " after"},
		{"<!DOCTYPE html>doc", "doc"},
		{"<p class=\"x\">para</p>", "para"},
		{"<script>alert(1)</script>after", "after"},
		{"<style>p{}</style>after", "after"},
		{"<title>t</title>shown", "shown"},
		{"<iframe>in</iframe>out", "out"},
		{"<object><b>x</b></object>y", "y"},
		{"<noscript><p>n</p></noscript>z", "z"},
		{"</title>stray<title>hidden</title>still hidden", "stray"},
		{"<SCRIPT>x</SCRIPT>y", "y"},
		{"<scrİpt>x</scrİpt>y", "xy"},
		{"a &amp; b &lt;c&gt; &#13; &nbsp;", "a &amp; b &lt;c&gt; &#13; \u00a0"},
		{"x < y > z", "x &lt; y &gt; z"},
		{"<pool id>", ""},
		{"<your app client id>", ""},
		{"한국어 <b>굵게</b>", "한국어 굵게"},
		{"line\r\nbreak\rhere", "line\nbreak\nhere"},
		{"<textarea><b>raw</b></textarea>", "&lt;b&gt;raw&lt;/b&gt;"},
		{"<img src=x alt=\"alt\">img", "img"},
		{"<a href=\"https://example.com\">link</a>", "link"},
		{"\"quotes\" 'single'", "&#34;quotes&#34; &#39;single&#39;"},
		{"nul\x00byte", "nul\x00byte"},
	} {
		if got := stripTags(c.in); got != c.want {
			t.Errorf("stripTags(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
