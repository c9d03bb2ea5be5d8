package steps

// All returns the workshop's nine stages in order. Each line is one stage:
// replace a placeholder with the stage's real constructor when it lands.
func All() []Step {
	return []Step{
		ProvisionCognito(),      // stage 1
		WriteAgent(),            // stage 2
		Configure(),             // stage 3
		Launch(),                // stage 4
		WaitReady(),             // stage 5
		InvokeUnauthenticated(), // stage 6
		InvokeWithToken(),       // stage 7
		notYet{id: "oauth-consent", title: "OAuth consent", requires: []string{"invoke-with-token"}}, // stage 8: placeholder
		notYet{id: "cleanup", title: "Clean up"},                                                     // stage 9: placeholder
	}
}

var waitReady = []string{"wait-ready"}
