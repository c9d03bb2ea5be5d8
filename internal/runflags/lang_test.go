package runflags

import (
	"strings"
	"testing"
)

func TestPageLang(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		name string
		flag string
		env  func(string) string
		want string
	}{
		{"flag ko", "ko", env("LANG", "en_US.UTF-8"), "ko"},
		{"flag en beats a Korean locale", "en", env("LANG", "ko_KR.UTF-8"), "en"},
		{"flag is case-insensitive", "KO", env(), "ko"},
		{"no flag, no locale", "", env(), "en"},
		{"LANG Korean", "", env("LANG", "ko_KR.UTF-8"), "ko"},
		{"bare ko", "", env("LANG", "ko"), "ko"},
		{"LANG other", "", env("LANG", "de_DE.UTF-8"), "en"},
		{"C locale", "", env("LANG", "C.UTF-8"), "en"},
		{"LC_ALL overrides LANG", "", env("LC_ALL", "en_US.UTF-8", "LANG", "ko_KR.UTF-8"), "en"},
		{"LC_ALL Korean", "", env("LC_ALL", "ko_KR.eucKR", "LANG", "en_US.UTF-8"), "ko"},
		{"LC_MESSAGES between", "", env("LC_MESSAGES", "ko_KR.UTF-8", "LANG", "en_US.UTF-8"), "ko"},
		{"Konkani is not Korean", "", env("LANG", "kok_IN"), "en"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := PageLang(c.flag, c.env)
			if err != nil || got != c.want {
				t.Errorf("PageLang(%q) = %q, %v; want %q", c.flag, got, err, c.want)
			}
		})
	}
}

func TestPageLangRejectsUnknown(t *testing.T) {
	for _, bad := range []string{"fr", "ko_KR", "english", " "} {
		got, err := PageLang(bad, func(string) string { return "ko_KR.UTF-8" })
		if err == nil {
			t.Errorf("PageLang(%q) = %q, nil; want an error", bad, got)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "en, ko") || !strings.Contains(msg, "--lang") {
			t.Errorf("PageLang(%q) error %q does not name --lang and list en, ko", bad, msg)
		}
	}
}
