package steps

import (
	"context"
	"fmt"
	"hash/fnv"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
)

// ReturnURLName is the return URL configure chooses: the value it records,
// the runtime environment variable launch sets (agent.py passes it to
// requires_access_token as callback_url) and the URL the consent stage
// serves. One name for all three keeps them the same URL.
const ReturnURLName = "OAUTH2_RETURN_URL"

// returnURLPath is the starter toolkit's callback path
// (operations/identity/oauth2_callback_server.py, toolkit 0.3.10).
const returnURLPath = "/oauth2/callback"

// returnURLFor is the return URL on a loopback port. "localhost", as the
// toolkit registers it (http://localhost:8081/oauth2/callback).
func returnURLFor(port int) string { return fmt.Sprintf("http://localhost:%d%s", port, returnURLPath) }

// chooseReturnURL picks configure's return URL: the port the learner
// configured (--return-port), else the one this workspace already uses
// (configure run before), else a port free on this machine now. The URL
// is recorded, so a resumed workshop serves the URL it registered.
func chooseReturnURL(env *Env) (string, error) {
	if env.ReturnPort > 0 {
		return returnURLFor(env.ReturnPort), nil
	}
	if rec, ok := env.Session.Stage("configure"); ok {
		for _, v := range rec.Values {
			if v.Name == ReturnURLName && v.Value != "" {
				return v.Value, nil
			}
		}
	}
	port, err := freeReturnPort(env.Dir)
	if err != nil {
		return "", err
	}
	return returnURLFor(port), nil
}

// The return URL's port comes from below every common ephemeral range
// (Linux 32768–60999, macOS and Windows 49152–65535). The port is chosen
// at configure and served at consent, maybe days later; a port from the
// ephemeral range (what listening on :0 gives) can meanwhile be taken by
// any outgoing connection on the machine, and the consent stage then
// cannot serve it. The room's load test saw exactly that. Ports here are
// held only by programs that ask for them by number.
const (
	returnPortLow   = 20000
	returnPortHigh  = 32767
	returnPortTries = 64
)

// freeReturnPort finds a port in [returnPortLow, returnPortHigh] that is
// free on loopback now, starting at a place derived from the workspace
// directory, so learners sharing a machine start apart.
func freeReturnPort(workspace string) (int, error) {
	h := fnv.New32a()
	h.Write([]byte(workspace))
	span := uint32(returnPortHigh - returnPortLow + 1)
	start := h.Sum32() % span
	for i := range uint32(returnPortTries) {
		port := returnPortLow + int((start+i*7919)%span) // 7919 is prime to span: no repeats
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue
		}
		ln.Close()
		return port, nil
	}
	return 0, fmt.Errorf("find a free port for the OAuth2 return URL: none free among %d tried in %d–%d; choose one with --return-port",
		returnPortTries, returnPortLow, returnPortHigh)
}

// configuredReturnURL is the return URL configure recorded; a workspace
// configured before configure chose one used the toolkit's fixed URL.
func configuredReturnURL(env *Env) string {
	if v, err := inputs(env, "configure", ReturnURLName); err == nil {
		return v[ReturnURLName]
	}
	return ReturnURL
}

// allowReturnURL adds url to a workload identity's
// allowedResourceOauth2ReturnUrls unless it is there already. The list is
// replaced as a whole, so it is read first and appended to, as the starter
// toolkit does (operations/runtime/invoke.py,
// _update_workload_identity_with_oauth2_callback_url, toolkit 0.3.10).
func allowReturnURL(ctx context.Context, env *Env, rep Reporter, workload, url string) error {
	c := env.Cloud.Control
	wl, err := c.GetWorkloadIdentity(ctx, &ctl.GetWorkloadIdentityInput{Name: aws.String(workload)})
	if err != nil {
		return fmt.Errorf("read workload identity %s: %w", workload, err)
	}
	if slices.Contains(wl.AllowedResourceOauth2ReturnUrls, url) {
		rep.Log("workload identity %s already allows the return URL %s", workload, url)
		return nil
	}
	rep.Log("UpdateWorkloadIdentity %s: allow the return URL %s", workload, url)
	_, err = c.UpdateWorkloadIdentity(ctx, &ctl.UpdateWorkloadIdentityInput{Name: aws.String(workload),
		AllowedResourceOauth2ReturnUrls: append(slices.Clone(wl.AllowedResourceOauth2ReturnUrls), url)})
	if err != nil {
		return fmt.Errorf("allow the return URL on workload identity %s: %w", workload, err)
	}
	return nil
}

// workloadNameOf is a workload identity's name: the last segment of its
// ARN (…:workload-identity-directory/default/workload-identity/NAME).
func workloadNameOf(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }
