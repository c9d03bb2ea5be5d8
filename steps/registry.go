package steps

import "agentcore-workshop/steps/engine"

// All returns the workshop's stages in order, bound to env.
func All(env *Env) []engine.Stage {
	return []engine.Stage{
		ProvisionCognito(env),      // stage 1
		WriteAgent(env),            // stage 2
		Configure(env),             // stage 3
		Launch(env),                // stage 4
		WaitReady(env),             // stage 5
		InvokeUnauthenticated(env), // stage 6
		InvokeWithToken(env),       // stage 7
		BreakIt(env),               // stage 8
		OAuthConsent(env),          // stage 9
		MachineToMachine(env),      // stage 10
		ForeignIdPStage(env),       // stage 11
		Gateway(env),               // stage 12
		Cleanup(env),               // stage 13
	}
}
