package steps

import (
	"fmt"
	"strings"
)

// returnURLRefusal is the part of AgentCore Identity's ValidationException
// for a return URL that is not among the workload identity's
// allowedResourceOauth2ReturnUrls (or for none registered).
const returnURLRefusal = "register and use at least one ResourceOauth2ReturnUrl"

// withReturnURLHint adds to the agent's failure, when AgentCore Identity
// refused its return URL, which URL the stage registered: agent.py's
// callback_url must be that one (its OAUTH2_RETURN_URL), or another URL
// on the workload identity's list.
func withReturnURLHint(err error, registered, workload string) error {
	if !strings.Contains(err.Error(), returnURLRefusal) {
		return err
	}
	return fmt.Errorf("%w (agent.py's callback_url must be one of workload identity %s's allowedResourceOauth2ReturnUrls: this stage registered %s, which the runtime gives agent.py as OAUTH2_RETURN_URL)",
		err, workload, registered)
}
