package steps

// Ledger kinds: every cloud resource a stage creates is recorded under one
// of these before it is created. Cleanup deletes entries in reverse order of
// creation, choosing the delete call by kind. PhysicalID is the id AWS
// gave the resource; Attrs carry what the delete call needs besides it.
const (
	KindUserPool   = "cognito-user-pool"        // PhysicalID: pool id
	KindPoolClient = "cognito-user-pool-client" // PhysicalID: client id; Attrs[AttrPool]
	KindPoolDomain = "cognito-user-pool-domain" // PhysicalID: domain; Attrs[AttrPool]
	KindPoolUser   = "cognito-user"             // Name: pool/username; Attrs[AttrPool], Attrs[AttrUsername]

	KindWorkloadIdentity = "agentcore-workload-identity"          // Name: workload identity name
	KindCredentialProv   = "agentcore-oauth2-credential-provider" // Name: provider name

	KindRole       = "iam-role"          // Name: role name
	KindRolePolicy = "iam-role-policy"   // Name: role/policy; Attrs[AttrRole], Attrs[AttrPolicy]
	KindRepository = "ecr-repository"    // Name: repository name
	KindBucket     = "s3-bucket"         // Name: bucket
	KindObject     = "s3-object"         // Name: bucket/key; Attrs[AttrBucket], Attrs[AttrKey]
	KindProject    = "codebuild-project" // Name: project name
	KindRuntime    = "agentcore-runtime" // Name: runtime name; PhysicalID: runtime id
	KindLocalFile  = "local-file"        // Name: path relative to the workspace
)

// Attribute keys of ledger entries.
const (
	AttrPool     = "pool"
	AttrUsername = "username"
	AttrRole     = "role"
	AttrPolicy   = "policy"
	AttrBucket   = "bucket"
	AttrKey      = "key"
)
