package agentcore

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
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

// decodeBody reads a JSON request body into v. An empty body is "{}".
func decodeBody(r *http.Request, v any) *awswire.Error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return cannotParse("Request body is too large.")
		}
		return cannotParse("Could not read the request body: %v", err)
	}
	if len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return cannotParse("Could not parse the request body as the operation's JSON input: %v", err)
	}
	return nil
}

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

// writeList answers a List operation: the page of all (by sorted key) after
// token, each entry shaped by item, under member, with nextToken when more
// remain. s.mu is held.
func writeList[T any](w http.ResponseWriter, all map[string]T, max int, token, member string, item func(T) map[string]any) {
	page, next, e := paginate(slices.Collect(maps.Keys(all)), max, token)
	if e != nil {
		writeErr(w, e)
		return
	}
	items := make([]map[string]any, 0, len(page))
	for _, k := range page {
		items = append(items, item(all[k]))
	}
	out := map[string]any{member: items}
	if next != "" {
		out["nextToken"] = next
	}
	awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, out)
}

// maxResultsQuery reads the maxResults query parameter (restJson list
// ops) the model has already checked; def when absent.
func maxResultsQuery(r *http.Request, def int) int {
	if n, err := strconv.Atoi(r.URL.Query().Get("maxResults")); err == nil {
		return n
	}
	return def
}
