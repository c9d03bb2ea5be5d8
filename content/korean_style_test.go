package content

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// styleRule is one checkable line of the Korean style guide
// (../shared/design/KOREAN.md): a pattern that must not appear in a
// Korean page, the longer phrases in which it is fine, and what to write
// instead.
type styleRule struct {
	pattern *regexp.Regexp
	allowed []string // phrases containing a match that are correct Korean
	fix     string   // what the guide says to write, and where it says so
}

// hangulBoundary stands for "not preceded by a Hangul syllable", which
// RE2 cannot say with a lookbehind: 내가 is the pronoun, 안내가 is not.
const hangulBoundary = `(?:^|[^가-힣])`

// koreanStyle lists only rules a machine can check without false alarms.
// Judgement calls (쓰다 for "use", sentence length, calqued word order)
// stay with the reviewer.
var koreanStyle = []styleRule{
	// §1 intro and §1.9: literal verbs and colloquial idioms.
	{pattern: regexp.MustCompile(`기대`), fix: "요구하다 / 예상하다 / 의존하다 (§1: literal 기대하다)"},
	{pattern: regexp.MustCompile(hangulBoundary + `원하`), fix: "요구하다 / 요청하다 (§1: literal 원하다)"},
	{pattern: regexp.MustCompile(`돌려주|돌려줍|돌려준`), fix: "반환하다 (§1.9)"},
	{pattern: regexp.MustCompile(`돌리|돌립|돌린|돌려`), allowed: []string{"돌려보"}, fix: "실행하다 (§1.9)"},
	{pattern: regexp.MustCompile(`내밀|내미`), fix: "제시하다 (§3 01#11)"},
	{pattern: regexp.MustCompile(`진짜`), fix: "실제 (§1.9)"},
	{pattern: regexp.MustCompile(`평범한`), fix: "일반 (§1.9)"},
	{pattern: regexp.MustCompile(`배관`), fix: "연결 구조 (§3 02#13)"},
	{pattern: regexp.MustCompile(`문을 열어`), fix: "say what stays reachable (§3 09#1)"},
	{pattern: regexp.MustCompile(`포기`), fix: "대기를 중단하다 (§3 04#11)"},
	{pattern: regexp.MustCompile(`죽[었는으어다]`), fix: "비정상 종료되다 (§1.9)"},
	{pattern: regexp.MustCompile(`흉내`), fix: "시뮬레이션하다 (§1.9)"},
	{pattern: regexp.MustCompile(`빼먹`), fix: "지정하지 않다 (§1.9)"},
	{pattern: regexp.MustCompile(`멀쩡|뭔가|그러니`), fix: "written register: 정상적인 / 무언가 / 따라서 (§1.9, §3 03#11, 05#6)"},
	{pattern: regexp.MustCompile(`묻[고는습기다]`), fix: "호출하다 or 폴링하다, not 묻다 (§2 #40, #49)"},

	// §1 intro: English sentence shapes.
	{pattern: regexp.MustCompile(`곧`), allowed: []string{"곧바로", "곧장"}, fix: "drop the appositive 곧 (§1 intro, §3 01#9)"},
	{pattern: regexp.MustCompile(`그것`), fix: "name the noun again instead of 그것 (§1 intro, §3 09#7)"},
	{pattern: regexp.MustCompile(`샌드박스에서는:`), fix: "> **샌드박스에서는** … with no colon (§1.13)"},

	// §1.1–§1.2: register and addressing.
	{pattern: regexp.MustCompile(`십시오`), fix: "-세요, not 하십시오체 (§1.1)"},
	{pattern: regexp.MustCompile(`당신|본인`), fix: "leave the subject out, or 여러분 (§1.2)"},
	{pattern: regexp.MustCompile(hangulBoundary + `(?:내 컴퓨터|나에게|내게|내가|나를)`), fix: "로컬 컴퓨터 / 호출자 / 사용자, never 나·내 (§1.2)"},

	// §1.5: bold is for concepts; identifiers take backticks only.
	{pattern: regexp.MustCompile("\\*\\*`|`\\*\\*"), fix: "`identifier` without bold (§1.5)"},

	// §1.12: a range carries its unit once.
	{pattern: regexp.MustCompile(`\d+, ?\d+ ?(?:초|분)|\d+(?:초|분)에서 \d+(?:초|분)`), fix: "1~2초, 10~30초 (§1.12)"},

	// §2: glossary collisions.
	{pattern: regexp.MustCompile(`대상`), allowed: []string{"대상(audience)", "게이트웨이 대상"}, fix: "대상(audience) or 게이트웨이 대상, never bare 대상 (§2 #11, #38, #51)"},
	{pattern: regexp.MustCompile(`대역`), fix: "모의 에이전트 (§2 #42)"},
	{pattern: regexp.MustCompile(`노트북`), fix: "개인 PC (§3 04#12)"},
	{pattern: regexp.MustCompile(hangulBoundary + `리포(?:[^지]|$)`), fix: "리포지토리, never 리포 (§2 #45)"},
	{pattern: regexp.MustCompile(`수명`), allowed: []string{"수명 주기"}, fix: "유효 기간 for a token (§2 #31)"},
	{pattern: regexp.MustCompile(`역할을 맡|맡을\(assume`), fix: "수임하다 (§1.10, §2 #43)"},
	{pattern: regexp.MustCompile(`로그인시키`), fix: "로그인을 처리하다 (§2 #27)"},
	{pattern: regexp.MustCompile(`허락`), fix: "동의 (§2 #14)"},
	{pattern: regexp.MustCompile(`사칭`), fix: "가장(impersonation) (§2 #16)"},
	{pattern: regexp.MustCompile(`워크로드 자격 증명|워크로드 ID`), fix: "워크로드 아이덴티티 (§2 #17)"},
	{pattern: regexp.MustCompile(`토큰 저장소`), fix: "토큰 볼트 (§2 #19)"},
	{pattern: regexp.MustCompile(`클라이언트 암호`), allowed: []string{"(콘솔: 클라이언트 암호)"}, fix: "클라이언트 시크릿 (§2 #26)"},
	{pattern: regexp.MustCompile(`검색 URL`), fix: "디스커버리 URL (§2 #29)"},
}

// styleViolations returns one line per rule broken in page, naming the
// line and the fix.
func styleViolations(page string) []string {
	var out []string
	for i, line := range strings.Split(page, "\n") {
		for _, r := range koreanStyle {
			masked := line
			for _, ok := range r.allowed {
				masked = strings.ReplaceAll(masked, ok, strings.Repeat(" ", len(ok)))
			}
			if m := r.pattern.FindString(masked); m != "" {
				out = append(out, fmt.Sprintf("line %d has %q: write %s\n\t%s", i+1, strings.TrimSpace(m), r.fix, line))
			}
		}
	}
	return out
}

// TestKoreanPagesFollowTheStyleGuide runs every checkable rule of
// KOREAN.md over every Korean page, code comments and diagrams included
// (they are translated text too).
func TestKoreanPagesFollowTheStyleGuide(t *testing.T) {
	for _, s := range stages {
		for _, v := range styleViolations(mustPage(t, "ko", s.id)) {
			t.Errorf("ko/%s: %s", s.id, v)
		}
	}
}

// TestStyleRulesCatchTheOldText feeds the checker lines the pages once
// had (KOREAN.md §3's "Current" column, and the first drafts of pages
// 07–12), so a rule that stops matching is noticed, and the corrected
// wording, so a rule that matches too much is noticed too.
func TestStyleRulesCatchTheOldText(t *testing.T) {
	old := []string{
		"이번에는 런타임이 기대하는 방식으로 호출합니다.",
		"`Authorization: Bearer <access token>` 헤더를 담은 평범한 HTTPS",
		"루프백 엣지에 가고, 대역 에이전트가 모델 없이 답합니다. 권한 부여자는 진짜입니다.",
		"- 샌드박스와 실제 AWS 모두 1, 2초.",
		"- 실제 AWS: 10초에서 30초.",
		"두 대상 모두 몇 초면 끝납니다.",
		"권한 부여자는 발급자를 신뢰한 다음에야 대상을 확인합니다.",
		"- 도구 이름에 대상 이름이 왜 붙는지 물어보세요.",
		"> 샌드박스에서는: 빌드는 흉내만 냅니다.",
		"점으로 구분된 세 부분, 곧 헤더, 클레임, 서명으로",
		"API를 호출할 때 내미는 토큰 … 런타임이 원하는 것은",
		"- **토큰**은 요청마다 한 번씩, 내가 누구인지 증명합니다.",
		"Cognito 액세스 토큰의 기본 수명은 1시간입니다.",
		"AgentCore 서비스가 맡을(assume) 수 있는 **실행 역할**",
		"에이전트를 내 컴퓨터에서 실행하고",
		"노트북에서 만든 x86 이미지는 실행되지 않습니다",
		"- **리소스 서버** 리포 하나",
		"사용자의 허락을 받아 사용자를 *대신해* 움직여야 합니다",
		"툴킷은 15분이 지나면 포기합니다",
		"프로그램이 죽었더라도 정리는 동작합니다",
		"- **discoveryUrl**과 **`allowedClients`**",
		"그 단계에 기대는 단계들이 다시 대기 상태가 됩니다.",
		"그것이 보관하던 클라이언트 시크릿",
		"사용자를 로그인시키고 토큰을 발급합니다",
		"답이 바뀔 때까지 묻고 또 묻습니다",
		"`.env` 파일은 본인만 읽을 수 있습니다",
		"**CodeBuild** 빌드를 돌려 이미지를 만듭니다",
	}
	for _, line := range old {
		if len(styleViolations(line)) == 0 {
			t.Errorf("no rule catches %q", line)
		}
	}
	fine := []string{
		"이번에는 런타임이 요구하는 방식으로 호출합니다.",
		"- 샌드박스와 실제 AWS 모두 1~2초.",
		"`--return-port`로 3, 4단계를 다시 실행하세요.",
		"권한 부여자는 발급자를 신뢰한 다음에야 토큰의 대상(audience)을 확인합니다.",
		"각 게이트웨이 ─▶ WeatherTools (Lambda 게이트웨이 대상)",
		"`CreateAgentRuntime`은 곧바로 `CREATING` 상태로 응답합니다.",
		"리소스마다 속한 서비스가 다르고, 수명 주기도 따로입니다.",
		"ECR 리포지토리와 그 안의 이미지",
		"엔트리포인트, 데코레이터를 찾아보세요.",
		"OpenID Connect를 지원하는 공급자라면 어느 것이든",
		"Cognito가 브라우저를 AgentCore로 돌려보낼 수 있습니다.",
		"이 풀의 사용자는 안내가 나오면 로그인합니다. 하나를 고르세요.",
		"- **빠진** 것도 눈여겨보세요.",
	}
	for _, line := range fine {
		if v := styleViolations(line); len(v) != 0 {
			t.Errorf("correct Korean flagged: %q\n%s", line, strings.Join(v, "\n"))
		}
	}
}
