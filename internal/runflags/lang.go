package runflags

import (
	"fmt"
	"slices"
	"strings"

	"agentcore-workshop/content"
)

// PageLang picks the language of the stage pages. An explicit --lang
// must name a language the binary ships; without one the locale decides,
// the way other programs pick their message language: the first of
// LC_ALL, LC_MESSAGES and LANG that is set, Korean when it names Korean
// ("ko", "ko_KR.UTF-8"), English otherwise. The locale never fails: an
// unknown one just means English.
func PageLang(flagValue string, getenv func(string) string) (string, error) {
	if flagValue != "" {
		lang := strings.ToLower(strings.TrimSpace(flagValue))
		if !slices.Contains(content.Languages(), lang) {
			return "", fmt.Errorf("unknown language %q for --lang: choose one of %s",
				flagValue, strings.Join(content.Languages(), ", "))
		}
		return lang, nil
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		if localeIsKorean(v) && slices.Contains(content.Languages(), "ko") {
			return "ko", nil
		}
		return content.DefaultLang, nil
	}
	return content.DefaultLang, nil
}

// localeIsKorean reports whether a POSIX locale name such as
// "ko_KR.UTF-8" names Korean. It compares the language part, so "kok"
// (Konkani) is not taken for Korean.
func localeIsKorean(locale string) bool {
	l := strings.ToLower(locale)
	return l == "ko" || strings.HasPrefix(l, "ko_") || strings.HasPrefix(l, "ko-") ||
		strings.HasPrefix(l, "ko.") || strings.HasPrefix(l, "ko@")
}
