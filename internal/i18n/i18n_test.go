package i18n

import (
	"fmt"
	"regexp"
	"slices"
	"testing"
)

func TestPrinterTranslatesAndFallsBack(t *testing.T) {
	ko := For("ko")
	if got := ko.T("pending again"); got != "다시 대기 중" {
		t.Errorf("ko.T = %q", got)
	}
	if got := ko.T("a message nobody wrote"); got != "a message nobody wrote" {
		t.Errorf("missing entry = %q, want the English", got)
	}
	if got := For("xx").Lang(); got != "en" {
		t.Errorf("unknown language speaks %q, want en", got)
	}
	var zero Printer
	if got := zero.Sprintf("stage %d", 3); got != "stage 3" {
		t.Errorf("zero Printer = %q", got)
	}
	if !slices.Equal(Languages(), []string{"en", "ko"}) {
		t.Errorf("Languages() = %v", Languages())
	}
}

// verb matches a fmt verb with an optional explicit argument index.
var verb = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*[0-9]*(?:\.[0-9]+)?([a-zA-Z%])`)

// verbs lists, per argument index (1-based), the verb letter that formats
// it, so that "%[2]s … %[1]d" and "%d … %s" compare equal.
func verbs(format string) (map[int]string, error) {
	out := map[int]string{}
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[2] == "%" {
			continue
		}
		i := next
		if m[1] != "" {
			fmt.Sscan(m[1], &i)
		}
		if prev, ok := out[i]; ok && prev != m[2] {
			return nil, fmt.Errorf("argument %d formatted as %%%s and %%%s", i, prev, m[2])
		}
		out[i] = m[2]
		next = i + 1
	}
	return out, nil
}

func TestTranslationsKeepTheirVerbs(t *testing.T) {
	for lang, cat := range catalogs() {
		for en, tr := range cat {
			want, err := verbs(en)
			if err != nil {
				t.Errorf("%s: %q: %v", lang, en, err)
				continue
			}
			got, err := verbs(tr)
			if err != nil {
				t.Errorf("%s: %q: %v", lang, tr, err)
				continue
			}
			if fmt.Sprint(want) != fmt.Sprint(got) {
				t.Errorf("%s: %q has verbs %v, its translation %q has %v", lang, en, want, tr, got)
			}
			if tr == "" {
				t.Errorf("%s: %q has an empty translation", lang, en)
			}
		}
	}
}

func TestVerbsFollowIndexes(t *testing.T) {
	a, _ := verbs("stage %d of %d: %s")
	b, _ := verbs("%[3]s: %[2]d단계 중 %[1]d단계")
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("%v != %v", a, b)
	}
	c, _ := verbs("%s and %d")
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("different verbs compared equal")
	}
}
