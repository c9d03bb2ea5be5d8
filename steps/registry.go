package steps

// All returns the workshop's nine stages in order.
func All() []Step {
	return []Step{
		ProvisionCognito(),      // stage 1
		WriteAgent(),            // stage 2
		Configure(),             // stage 3
		Launch(),                // stage 4
		WaitReady(),             // stage 5
		InvokeUnauthenticated(), // stage 6
		InvokeWithToken(),       // stage 7
		OAuthConsent(),          // stage 8
		Cleanup(),               // stage 9
	}
}
