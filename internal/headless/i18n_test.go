package headless

import (
	"testing"

	"agentcore-workshop/internal/i18n/i18ntest"
)

// Every line the printer writes has its Korean.
func TestPrinterMessagesAreTranslated(t *testing.T) { i18ntest.AssertTranslated(t, ".", 8) }
