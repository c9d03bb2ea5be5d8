package i18n

// ko is the Korean catalog: English format → Korean format, following the
// project's Korean guide (합니다체 for sentences, short noun labels, the
// glossary's terms, no particle straight after a %s or %d, and the
// machine-read headless prefixes ok: and FAILED: kept in English). API
// operation names, ids and paths stay as they are.
var ko = map[string]string{
	// Headless lines.
	"started":                "시작",
	"progress:":              "진행:",
	"pending again":          "다시 대기 중",
	"%s succeeded in %s":     "%s 성공 (%s)",
	"%s failed after %s: %s": "%s 실패 (%s): %s",
	"%s cancelled after %s":  "%s 취소됨 (%s)",
	"%s = (%d lines)":        "%s = (%d줄)",
	"stopped: %s":            "멈춤: %s",
	"FAILED: %s":             "FAILED: %s",
	"FAILED: stage %d %s did not meet its expectation: %s": "FAILED: %d단계(%s)가 예상한 결과와 다릅니다: %s",
	"ok: %d stage(s) run, every one met its expectation":   "ok: 단계 %d개를 실행했고 모두 예상대로 끝났습니다",

	// Shared shapes of stage output.
	"%s":                      "%s",
	"  %s":                    "  %s",
	"%s: %s":                  "%s: %s",
	"%s %-17s %s":             "%s %-17s %s",
	"← %v":                    "← %v",
	"← %d %s":                 "← %d %s",
	"← 200 %s":                "← 200 %s",
	"POST %s":                 "POST %s",
	"wrote %s":                "%s 파일을 작성했습니다",
	"unchanged %s":            "변경 없음: %s",
	"wrote %s (%d bytes)":     "%s 파일을 작성했습니다 (%d바이트)",
	"wrote %s (mode 0600)":    "%s 파일을 작성했습니다 (권한 0600)",
	"could not update %s: %v": "%s 파일을 갱신하지 못했습니다: %v",
	"kept your edited %s (delete it to get the original back)": "직접 고친 %s 파일을 그대로 두었습니다 (원래 내용으로 되돌리려면 파일을 지우세요)",
	"created %s %s (%s)":     "만듦: %s %s (%s)",
	"reusing %s %s (%s)":     "다시 사용: %s %s (%s)",
	"%s %s %s: replacing it": "%s %s %s: 새로 바꿉니다",
	"account %s as %s":       "계정 %s, 호출자 %s",
	"who am I":               "호출자 확인",

	// Stage 1: Cognito.
	"inbound user pool":             "인바운드 사용자 풀",
	"outbound user pool and domain": "아웃바운드 사용자 풀과 도메인",
	"outbound app client":           "아웃바운드 앱 클라이언트",
	"test user":                     "테스트 사용자",
	"first sign-in":                 "첫 로그인",
	"credentials file":              "자격 증명 파일",
	"CreateUserPool %s":             "CreateUserPool %s",
	"CreateUserPoolClient %s in %s": "CreateUserPoolClient %s (풀 %s)",
	"CreateUserPoolDomain %s":       "CreateUserPoolDomain %s",
	"AdminCreateUser %s (temporary password, no email sent)":          "AdminCreateUser %s (임시 비밀번호, 이메일 발송 없음)",
	"AdminSetUserPassword %s (permanent)":                             "AdminSetUserPassword %s (영구 비밀번호)",
	"InitiateAuth USER_PASSWORD_AUTH as %s with client %s":            "InitiateAuth USER_PASSWORD_AUTH (사용자 %s, 클라이언트 %s)",
	"domain %s belongs to pool %s, not the workshop's %s: left alone": "도메인 %s: 워크숍의 풀(%[3]s)이 아닌 다른 풀(%[2]s)의 도메인이라 그대로 두었습니다",

	// Stage 3: configure.
	"workload identity":                                              "워크로드 아이덴티티",
	"OAuth2 credential provider":                                     "OAuth2 자격 증명 공급자",
	"register the callback URL":                                      "콜백 URL 등록",
	"record it in the project":                                       "프로젝트에 기록",
	"CreateWorkloadIdentity %s (return URL %s)":                      "CreateWorkloadIdentity %s (반환 URL %s)",
	"CreateOauth2CredentialProvider %s (CustomOauth2, discovery %s)": "CreateOauth2CredentialProvider %s (CustomOauth2, 디스커버리 %s)",
	"UpdateUserPoolClient %s: add callback URL %s":                   "UpdateUserPoolClient %s: 콜백 URL %s 추가",
	"callback URL already registered on client %s":                   "콜백 URL이 이미 등록되어 있습니다 (클라이언트 %s)",

	// Stage 4: launch.
	"IAM roles":                                          "IAM 역할",
	"image repository":                                   "이미지 리포지토리",
	"upload the source":                                  "소스 업로드",
	"ARM64 build in CodeBuild":                           "CodeBuild에서 ARM64 빌드",
	"create the runtime":                                 "런타임 생성",
	"CreateRole %s":                                      "CreateRole %s",
	"PutRolePolicy %s on %s":                             "PutRolePolicy %s (역할 %s)",
	"CreateRepository %s":                                "CreateRepository %s",
	"CreateBucket %s":                                    "CreateBucket %s",
	"uploaded s3://%s/%s (%d bytes)":                     "s3://%s/%s 업로드 완료 (%d바이트)",
	"CreateProject %s (ARM64, privileged)":               "CreateProject %s (ARM64, 권한 모드)",
	"UpdateProject %s (new image tag %s)":                "UpdateProject %s (새 이미지 태그 %s)",
	"StartBuild %s":                                      "StartBuild %s",
	"CreateAgentRuntime %s with a customJWTAuthorizer":   "CreateAgentRuntime %s (customJWTAuthorizer 사용)",
	"UpdateAgentRuntime %s → %s":                         "UpdateAgentRuntime %s → %s",
	"inbound auth: JWTs from %s, client_id in [%s]":      "인바운드 인증: 발급자 %s의 JWT, 허용 client_id [%s]",
	"the runtime is busy (%v); waiting for it to settle": "런타임이 작업 중입니다 (%v). 끝날 때까지 기다립니다",

	// Stage 5: wait until READY.
	"runtime":                      "런타임",
	"DEFAULT endpoint":             "DEFAULT 엔드포인트",
	"runtime %s is READY after %s": "런타임 %s: READY 상태가 되었습니다 (%s 소요)",
	"endpoint DEFAULT is READY: invocations can start (%s)": "DEFAULT 엔드포인트가 READY 상태입니다. 이제 호출할 수 있습니다 (%s)",

	// Stages 6 and 7: invoke.
	"InvokeAgentRuntime (SigV4, signed with your AWS credentials) %s":                                      "InvokeAgentRuntime (SigV4, AWS 자격 증명으로 서명) %s",
	"← 403 AccessDeniedException":                                                                          "← 403 AccessDeniedException",
	"refused at the authorizer, before the agent ran: this runtime accepts only bearer JWTs":               "에이전트가 실행되기 전에 권한 부여자가 거부했습니다. 이 런타임은 bearer JWT만 받습니다",
	"the runtime accepted SigV4: its inbound auth is not the JWT authorizer (was it launched by stage 4?)": "런타임이 SigV4 요청을 받았습니다. 인바운드 인증이 JWT 권한 부여자가 아닙니다 (4단계에서 배포한 런타임이 맞나요?)",
	"InitiateAuth USER_PASSWORD_AUTH as %s (a fresh access token)":                                         "InitiateAuth USER_PASSWORD_AUTH (사용자 %s, 새 액세스 토큰)",
	"  Authorization: Bearer %s":                                                                           "  Authorization: Bearer %s",

	// Stage 9: consent.
	"asking the agent (same session %s) to call the external service":                      "에이전트에 외부 서비스 호출을 요청합니다 (같은 세션 %s)",
	"the agent needs your consent to act on your behalf":                                   "에이전트가 사용자를 대신해 동작하려면 동의가 필요합니다",
	"press o to open it in your browser, sign in as %s (v shows the password) and consent": "o를 눌러 브라우저에서 여세요. 사용자 %s 계정으로 로그인하고(v를 누르면 비밀번호가 보입니다) 동의하세요",
	"completing the consent over HTTP, as a browser would (headless run on the sandbox)":   "브라우저처럼 HTTP로 동의를 완료합니다 (샌드박스에서 헤드리스 실행)",
	"consent received: the agent got its token from the vault":                             "동의를 받았습니다. 에이전트가 토큰 볼트에서 토큰을 받았습니다",
	"no consent needed: the vault already holds a token for this user and this agent":      "동의가 필요 없습니다. 토큰 볼트에 이 사용자와 이 에이전트의 토큰이 이미 있습니다",

	// Cleanup.
	"%d resource(s) to remove, newest first":                 "지울 리소스 %d개, 최근에 만든 것부터",
	"%d to remove: %d resource(s), newest first, and %s":     "지울 항목 %d개: 리소스 %d개(최근에 만든 것부터)와 %s",
	"✓ deleted %s %s":                                        "✓ 삭제함: %s %s",
	"✓ %s %s was already gone":                               "✓ 이미 없음: %s %s",
	"✗ could not remove %s %s: %v":                           "✗ 지우지 못함: %s %s: %v",
	"✓ removed %s (it held the test users' passwords)":       "✓ %s 파일을 지웠습니다 (테스트 사용자의 비밀번호가 들어 있었습니다)",
	"left %s alone: the workshop did not write it":           "%s 파일은 워크숍이 작성한 것이 아니므로 그대로 두었습니다",
	"nothing to remove: the workspace has no resources left": "지울 것이 없습니다. 작업 공간에 남은 리소스가 없습니다",
	"DeleteAgentRuntime %s (%s)":                             "DeleteAgentRuntime %s (%s)",
	"DeleteOauth2CredentialProvider %s":                      "DeleteOauth2CredentialProvider %s",
	"DeleteWorkloadIdentity %s":                              "DeleteWorkloadIdentity %s",
	"DeleteUserPoolDomain %s from %s":                        "DeleteUserPoolDomain %s (풀 %s)",
	"DeleteUserPoolClient %s (%s) in %s":                     "DeleteUserPoolClient %s (%s, 풀 %s)",
	"AdminDeleteUser %s from %s":                             "AdminDeleteUser %s (풀 %s)",
	"DeleteUserPool %s (%s)":                                 "DeleteUserPool %s (%s)",
	"DeleteRepository %s (force: its images go with it)":     "DeleteRepository %s (force: 이미지도 함께 지웁니다)",
	"DeleteProject %s":                                       "DeleteProject %s",
	"DeleteObject s3://%s/%s":                                "DeleteObject s3://%s/%s",
	"DeleteBucket %s":                                        "DeleteBucket %s",
	"DeleteRolePolicy %s from %s":                            "DeleteRolePolicy %s (역할 %s)",
	"DeleteRole %s":                                          "DeleteRole %s",
}
