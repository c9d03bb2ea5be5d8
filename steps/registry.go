package steps

// All returns the workshop's nine stages in order. Each line is one stage:
// replace a placeholder with the stage's real constructor when it lands.
func All() []Step {
	return []Step{
		ProvisionCognito(), // stage 1
		WriteAgent(),       // stage 2
		notYet{id: "configure", title: "Configure", requires: []string{"provision-cognito", "write-agent"}},              // stage 3: placeholder
		notYet{id: "launch", title: "Launch", requires: []string{"configure"}},                                           // stage 4: placeholder
		notYet{id: "wait-ready", title: "Wait until READY", requires: []string{"launch"}},                                // stage 5: placeholder
		notYetExpectingError{notYet{id: "invoke-unauthenticated", title: "Invoke without a token", requires: waitReady}}, // stage 6: placeholder
		notYet{id: "invoke-with-token", title: "Invoke with a token", requires: waitReady},                               // stage 7: placeholder
		notYet{id: "oauth-consent", title: "OAuth consent", requires: []string{"invoke-with-token"}},                     // stage 8: placeholder
		notYet{id: "cleanup", title: "Clean up"},                                                                         // stage 9: placeholder
	}
}

var waitReady = []string{"wait-ready"}
