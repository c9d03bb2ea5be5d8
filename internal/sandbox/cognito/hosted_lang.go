package cognito

import (
	"net/http"
	"net/url"

	"golang.org/x/text/language"

	"agentcore-workshop/internal/i18n"
)

// hostedLangs are the languages the hosted pages speak, English first
// (the fallback).
var hostedLangs = language.NewMatcher([]language.Tag{language.English, language.Korean})

// pageLang picks the hosted pages' language: the lang parameter, which
// Cognito's managed login accepts on /oauth2/authorize and /login to
// localize its pages (Amazon Cognito Developer Guide, "Managed login
// localization"), then the browser's Accept-Language, then English.
func pageLang(r *http.Request, params url.Values) i18n.Printer {
	prefs := []string{params.Get("lang"), r.Header.Get("Accept-Language")}
	for _, p := range prefs {
		if p == "" {
			continue
		}
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		_, i, conf := hostedLangs.Match(tags...)
		if conf == language.No {
			continue
		}
		if i == 1 {
			return i18n.For("ko")
		}
		return i18n.For("en")
	}
	return i18n.For("en")
}
