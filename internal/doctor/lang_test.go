package doctor_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"agentcore-workshop/internal/doctor"
	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/i18n/i18ntest"
)

func TestDoctorMessagesAreTranslated(t *testing.T) { i18ntest.AssertTranslated(t, ".", 40) }

// A Korean learner reads the whole report in Korean, in the terminal and
// above stage 1; only names (services, ids, AWS's own error text) stay.
func TestReportInKorean(t *testing.T) {
	c, _ := clients(t, "us-west-2", "")
	r := doctor.Run(context.Background(), c, "", i18n.For("ko"))
	if r.Failed() {
		t.Fatalf("%+v", r)
	}
	var out bytes.Buffer
	doctor.Write(&out, r)
	md := doctor.Markdown(r)
	for _, text := range []string{out.String(), md} {
		for _, want := range []string{"자격 증명과 계정", "튜토리얼이 만드는 리소스", "요금도 청구되지 않습니다", "호출할 수 있습니다"} {
			if !strings.Contains(text, want) {
				t.Errorf("Korean report lacks %q:\n%s", want, text)
			}
		}
		for _, english := range []string{"Credentials and account", "What the tutorial will create", "nothing is billed", "may be called here", "user pools"} {
			if strings.Contains(text, english) {
				t.Errorf("Korean report still says %q:\n%s", english, text)
			}
		}
	}
	if !strings.Contains(out.String(), "준비되었습니다.") || !strings.HasPrefix(md, "## 시작하기 전에: doctor") {
		t.Errorf("verdict or heading not in Korean:\n%s\n%s", out.String(), md)
	}
}
