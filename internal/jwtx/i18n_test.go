package jwtx

import (
	"testing"

	"agentcore-workshop/internal/i18n/i18ntest"
)

// Every claim's meaning and every note reaches a Korean learner in Korean.
func TestTokenMessagesAreTranslated(t *testing.T) { i18ntest.AssertTranslated(t, ".", 20) }
