package agentcore

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"agentcore-workshop/internal/sandbox/authorizer"
	"agentcore-workshop/internal/sandbox/awswire"
)

// state is everything the service persists (one store document).
type state struct {
	Runtimes     map[string]*runtimeRec  `json:"runtimes"`
	Workloads    map[string]*workloadRec `json:"workloads"`
	Providers    map[string]*providerRec `json:"providers"`
	WATKey       []byte                  `json:"watKey"` // HMAC key for workload access tokens
	VaultCreated time.Time               `json:"vaultCreated"`
}

func (st *state) init() {
	if st.Runtimes == nil {
		st.Runtimes = map[string]*runtimeRec{}
	}
	if st.Workloads == nil {
		st.Workloads = map[string]*workloadRec{}
	}
	if st.Providers == nil {
		st.Providers = map[string]*providerRec{}
	}
}

// runtimeConfig is the part of a runtime the caller configures, kept as the
// JSON they sent (validated) so Get echoes it faithfully.
type runtimeConfig struct {
	Description    *string           `json:"description,omitempty"`
	RoleArn        string            `json:"roleArn"`
	Artifact       json.RawMessage   `json:"agentRuntimeArtifact,omitempty"`
	Network        json.RawMessage   `json:"networkConfiguration,omitempty"`
	Authorizer     json.RawMessage   `json:"authorizerConfiguration,omitempty"`
	RequestHeaders json.RawMessage   `json:"requestHeaderConfiguration,omitempty"`
	Protocol       json.RawMessage   `json:"protocolConfiguration,omitempty"`
	Lifecycle      json.RawMessage   `json:"lifecycleConfiguration,omitempty"`
	Env            map[string]string `json:"environmentVariables,omitempty"`
	Filesystems    json.RawMessage   `json:"filesystemConfigurations,omitempty"`
	Capacity       json.RawMessage   `json:"capacityProviderConfiguration,omitempty"`
	Metadata       json.RawMessage   `json:"metadataConfiguration,omitempty"`
}

// runtimeRec is one agent runtime.
type runtimeRec struct {
	ID            string           `json:"id"`
	Name          string           `json:"name"`
	ARN           string           `json:"arn"`
	Version       string           `json:"version"`
	LiveVersion   string           `json:"liveVersion,omitempty"` // last version that became READY
	Config        runtimeConfig    `json:"config"`
	ContainerURI  string           `json:"containerUri,omitempty"`
	JWT           *authorizer.Rule `json:"jwt,omitempty"` // nil: SigV4 inbound
	HeaderAllow   []string         `json:"headerAllowlist,omitempty"`
	Status        string           `json:"status"`
	FailureReason string           `json:"failureReason,omitempty"`
	CreatedAt     time.Time        `json:"createdAt"`
	UpdatedAt     time.Time        `json:"updatedAt"`
	SettleAt      time.Time        `json:"settleAt"` // CREATING/UPDATING ends
	GoneAt        time.Time        `json:"goneAt"`   // DELETING ends
	Workload      string           `json:"workload"`
	WorkloadARN   string           `json:"workloadArn"`
	EndpointID    string           `json:"endpointId"`
	ClientToken   string           `json:"clientToken,omitempty"`
}

// workloadRec is one workload identity.
type workloadRec struct {
	Name       string    `json:"name"`
	ARN        string    `json:"arn"`
	ReturnURLs []string  `json:"returnUrls,omitempty"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
}

// Runtime statuses.
const (
	statusCreating     = "CREATING"
	statusCreateFailed = "CREATE_FAILED"
	statusUpdating     = "UPDATING"
	statusUpdateFailed = "UPDATE_FAILED"
	statusReady        = "READY"
	statusDeleting     = "DELETING"
)

// isoTime formats runtime timestamps (restJson1 date-time strings).
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// paginate returns the page of sorted keys after token, and the next token.
func paginate(keys []string, maxResults int, token string) ([]string, string, *awswire.Error) {
	slices.Sort(keys)
	start := 0
	if token != "" {
		last, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, "", invalidToken()
		}
		i, _ := slices.BinarySearch(keys, string(last))
		for i < len(keys) && keys[i] <= string(last) {
			i++
		}
		start = i
	}
	end := min(start+maxResults, len(keys))
	page := keys[start:end]
	next := ""
	if end < len(keys) && len(page) > 0 {
		next = base64.RawURLEncoding.EncodeToString([]byte(page[len(page)-1]))
	}
	return page, next, nil
}

func invalidToken() *awswire.Error {
	return fieldErr("nextToken", "Value at 'nextToken' failed to satisfy constraint: Member must be a token returned by a previous call")
}

// page returns the records of all (by sorted key) after token, at most
// max, and the next token when more remain. Callers hold s.mu; the records
// are copies.
func page[T any](all map[string]*T, max int, token string) ([]T, string, error) {
	keys, next, e := paginate(slices.Collect(maps.Keys(all)), max, token)
	if e != nil {
		return nil, "", e
	}
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		out = append(out, *all[k])
	}
	return out, next, nil
}
