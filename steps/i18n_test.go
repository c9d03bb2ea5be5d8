package steps_test

import (
	"testing"

	"agentcore-workshop/internal/i18n/i18ntest"
)

// Every log line and progress label a stage writes has its Korean.
func TestStageMessagesAreTranslated(t *testing.T) { i18ntest.AssertTranslated(t, ".", 80) }
