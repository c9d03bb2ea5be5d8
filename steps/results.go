package steps

// Names of the values stages 3–8 record and later stages read.
const (
	AgentName          = "AGENT_NAME"
	ConfigFile         = "config file"
	WorkloadIdentity   = "WORKLOAD_IDENTITY"
	WorkloadARN        = "WORKLOAD_IDENTITY_ARN"
	CredentialProvider = "CREDENTIAL_PROVIDER"
	ProviderARN        = "CREDENTIAL_PROVIDER_ARN"
	ProviderCallback   = "CREDENTIAL_PROVIDER_CALLBACK_URL"
	AccountID          = "ACCOUNT_ID"
	ExecutionRoleARN   = "EXECUTION_ROLE_ARN"
	ImageURI           = "IMAGE_URI"
	BuildID            = "BUILD_ID"
	RuntimeID          = "RUNTIME_ID"
	RuntimeARN         = "RUNTIME_ARN"
	RuntimeStatus      = "RUNTIME_STATUS"
	SessionID          = "SESSION_ID"
	Response           = "response"
)

// ReturnURL is the starter toolkit's local callback server's URL, the
// return URL of workspaces configured before configure chose a port of
// its own (ReturnURLName).
const ReturnURL = "http://localhost:8081/oauth2/callback"

// publisher returns the put a stage records its values with: each value
// joins the stage's Result and is shown (and saved) at once, so it
// survives a failure or crash later in the stage.
func publisher(rep Reporter, res *Result) func(Value) {
	return func(v Value) {
		res.Values = append(res.Values, v)
		rep.Value(v)
	}
}
