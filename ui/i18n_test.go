package ui

import (
	"testing"

	"agentcore-workshop/internal/i18n/i18ntest"
)

// Every word the UI says has its Korean.
func TestUIMessagesAreTranslated(t *testing.T) { i18ntest.AssertTranslated(t, ".", 100) }
