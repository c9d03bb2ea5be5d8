package steps

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/steps/engine"
	"agentcore-workshop/steps/outline"
)

type waitUntilReady struct{}

// WaitReady is stage 5: follow the runtime and its DEFAULT endpoint until
// they are READY, or report why they failed.
func WaitReady(env *Env) engine.Stage {
	return outlined(outline.WaitReadyID, env, waitUntilReady{}.Run)
}

// readyTimeout bounds the wait; AWS usually needs well under a minute.
const readyTimeout = 10 * time.Minute

func (s waitUntilReady) Run(ctx context.Context, env *Env, rep Reporter) (Result, error) {
	v, err := inputs(env, "launch", RuntimeID)
	if err != nil {
		return Result{}, err
	}
	id := v[RuntimeID]
	c := env.Cloud.Control
	clk := env.clock()
	start := clk.Now()
	var res Result

	rep.Progress("runtime", 1, 2)
	err = poll(ctx, env, rep, wait{what: i18n.M("runtime %s"), of: id, max: 2 * time.Second, timeout: readyTimeout}, func(ctx context.Context) (bool, string, error) {
		out, err := c.GetAgentRuntime(ctx, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
		if err != nil {
			return false, "", err
		}
		return settled(string(out.Status), aws.ToString(out.FailureReason), "runtime")
	})
	if err != nil {
		return res, err
	}
	rep.Log("runtime %s is READY after %s", id, env.tr().Duration(clk.Now().Sub(start)))

	// Invocations go to an endpoint; DEFAULT appears on its own.
	rep.Progress("DEFAULT endpoint", 2, 2)
	err = poll(ctx, env, rep, wait{what: i18n.M("endpoint DEFAULT"), max: 2 * time.Second, timeout: readyTimeout}, func(ctx context.Context) (bool, string, error) {
		out, err := c.GetAgentRuntimeEndpoint(ctx, &ctl.GetAgentRuntimeEndpointInput{AgentRuntimeId: aws.String(id), EndpointName: aws.String("DEFAULT")})
		if isNotFound(err) {
			return false, i18n.M("not created yet"), nil // normal right after creation
		}
		if err != nil {
			return false, "", err
		}
		return settled(string(out.Status), aws.ToString(out.FailureReason), "endpoint")
	})
	if err != nil {
		return res, err
	}
	elapsed := env.tr().Duration(clk.Now().Sub(start))
	rep.Log("endpoint DEFAULT is READY: invocations can start (%s)", elapsed)
	put := publisher(rep, &res)
	put(Value{Name: RuntimeStatus, Value: "READY"})
	put(Value{Name: "waited", Value: elapsed})
	return res, nil
}

// settled reads a runtime or endpoint status: READY is done, a FAILED
// status is an error carrying AWS's reason, anything else keeps waiting.
func settled(st, reason, what string) (bool, string, error) {
	switch ctltypes.AgentRuntimeStatus(st) {
	case ctltypes.AgentRuntimeStatusReady:
		return true, st, nil
	case ctltypes.AgentRuntimeStatusCreateFailed, ctltypes.AgentRuntimeStatusUpdateFailed:
		if reason == "" {
			reason = "AWS gave no reason"
		}
		return false, st, fmt.Errorf("the %s is %s: %s", what, st, reason)
	case ctltypes.AgentRuntimeStatusDeleting:
		return false, st, fmt.Errorf("the %s is being deleted: launch it again", what)
	default:
		return false, st, nil
	}
}
