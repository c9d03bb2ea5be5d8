package steps

// ResourceKind names a kind of cloud resource in the ledger: every
// resource a stage creates is recorded under its kind before it is
// created, and cleanup deletes it through its kind's entry in
// resourceKinds. The strings are saved in workspaces: never change one.
type ResourceKind string

// The ledger's kinds. PhysicalID is the id AWS gave the resource; Attrs
// carry what finding or deleting it needs besides its name.
const (
	ResUserPool   ResourceKind = "cognito-user-pool"        // PhysicalID: pool id
	ResPoolClient ResourceKind = "cognito-user-pool-client" // PhysicalID: client id; Attrs[AttrPool]
	ResPoolDomain ResourceKind = "cognito-user-pool-domain" // PhysicalID: domain; Attrs[AttrPool]
	ResPoolUser   ResourceKind = "cognito-user"             // Name: pool/username; Attrs[AttrPool], Attrs[AttrUsername]

	ResWorkloadIdentity   ResourceKind = "agentcore-workload-identity"          // Name: workload identity name
	ResCredentialProvider ResourceKind = "agentcore-oauth2-credential-provider" // Name: provider name

	ResRole       ResourceKind = "iam-role"          // Name: role name
	ResRolePolicy ResourceKind = "iam-role-policy"   // Name: role/policy; Attrs[AttrRole], Attrs[AttrPolicy]
	ResRepository ResourceKind = "ecr-repository"    // Name: repository name; PhysicalID: its URI
	ResBucket     ResourceKind = "s3-bucket"         // Name: bucket
	ResObject     ResourceKind = "s3-object"         // Name: bucket/key; Attrs[AttrBucket], Attrs[AttrKey]
	ResProject    ResourceKind = "codebuild-project" // Name: project name
	ResRuntime    ResourceKind = "agentcore-runtime" // Name: runtime name; PhysicalID: runtime id
	ResLocalFile  ResourceKind = "local-file"        // Name: path relative to the workspace
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

// resourceKinds is every kind's lifecycle, in the order the stages make
// them (the leftover list follows it). A new kind is one constant above,
// one entry (see resource), and its line here.
var resourceKinds = []lifecycle{
	userPools, poolClients, poolDomains, poolUsers,
	workloadIdentities, credentialProviders,
	roles, rolePolicies, repositories, buckets, objects, buildProjects, runtimes,
	localFiles,
}
