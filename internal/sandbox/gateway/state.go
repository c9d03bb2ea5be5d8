package gateway

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"agentcore-workshop/internal/sandbox/authorizer"
)

// state is everything the service persists (one store document).
type state struct {
	Gateways map[string]*gatewayRec `json:"gateways"` // by gateway id
}

func (st *state) init() {
	if st.Gateways == nil {
		st.Gateways = map[string]*gatewayRec{}
	}
	for _, g := range st.Gateways {
		if g.Targets == nil {
			g.Targets = map[string]*targetRec{}
		}
	}
}

// gatewayConfig is the part of a gateway its creator configures, kept as
// the JSON they sent (the model validated it) so Get echoes it faithfully.
type gatewayConfig struct {
	Description    *string         `json:"description,omitempty"`
	RoleArn        string          `json:"roleArn"`
	ProtocolType   string          `json:"protocolType,omitempty"`
	Protocol       json.RawMessage `json:"protocolConfiguration,omitempty"`
	AuthorizerType string          `json:"authorizerType"`
	Authorizer     json.RawMessage `json:"authorizerConfiguration,omitempty"`
	KMSKeyArn      *string         `json:"kmsKeyArn,omitempty"`
	Interceptors   json.RawMessage `json:"interceptorConfigurations,omitempty"`
	PolicyEngine   json.RawMessage `json:"policyEngineConfiguration,omitempty"`
	ExceptionLevel string          `json:"exceptionLevel,omitempty"`
	Transform      json.RawMessage `json:"customTransformConfiguration,omitempty"` // Update only
	WAF            json.RawMessage `json:"wafConfiguration,omitempty"`             // Update only
}

// gatewayRec is one gateway.
type gatewayRec struct {
	ID          string                `json:"id"`
	Name        string                `json:"name"`
	ARN         string                `json:"arn"`
	Config      gatewayConfig         `json:"config"`
	JWT         *authorizer.Rule      `json:"jwt,omitempty"` // CUSTOM_JWT's rule
	Status      string                `json:"status"`
	CreatedAt   time.Time             `json:"createdAt"`
	UpdatedAt   time.Time             `json:"updatedAt"`
	SettleAt    time.Time             `json:"settleAt"` // CREATING/UPDATING ends
	GoneAt      time.Time             `json:"goneAt"`   // DELETING ends
	ClientToken string                `json:"clientToken,omitempty"`
	Targets     map[string]*targetRec `json:"targets"` // by target id
}

// targetRec is one gateway target.
type targetRec struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Description *string         `json:"description,omitempty"`
	Config      json.RawMessage `json:"targetConfiguration"`
	Credentials json.RawMessage `json:"credentialProviderConfigurations"`
	Metadata    json.RawMessage `json:"metadataConfiguration,omitempty"`
	LambdaARN   string          `json:"lambdaArn,omitempty"`
	Tools       []Tool          `json:"tools,omitempty"` // the inline tool schema
	Status      string          `json:"status"`
	CreatedAt   time.Time       `json:"createdAt"`
	UpdatedAt   time.Time       `json:"updatedAt"`
	SettleAt    time.Time       `json:"settleAt"`
	GoneAt      time.Time       `json:"goneAt"`
	ClientToken string          `json:"clientToken,omitempty"`
}

// Tool is one tool of a target's inline schema, as MCP lists it (name
// without the target's prefix).
type Tool struct {
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	InputSchema  json.RawMessage `json:"inputSchema"`
	OutputSchema json.RawMessage `json:"outputSchema,omitempty"`
}

// Statuses of gateways and targets (the model's GatewayStatus and
// TargetStatus; gateways have no CREATE_FAILED, unlike runtimes).
const (
	statusCreating = "CREATING"
	statusUpdating = "UPDATING"
	statusReady    = "READY"
	statusDeleting = "DELETING"
)

// isoTime formats timestamps (the model's DateTimestamp is iso8601).
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// page returns the records of all (by sorted key) after token, at most
// max, and the next token when more remain; ok is false for a token no
// list call returned.
func page[T any](all map[string]*T, max int, token string) (out []T, next string, ok bool) {
	keys := slices.Sorted(maps.Keys(all))
	start := 0
	if token != "" {
		last, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, "", false
		}
		i, _ := slices.BinarySearch(keys, string(last))
		for i < len(keys) && keys[i] <= string(last) {
			i++
		}
		start = i
	}
	end := min(start+max, len(keys))
	out = make([]T, 0, end-start)
	for _, k := range keys[start:end] {
		out = append(out, *all[k])
	}
	if end < len(keys) && end > start {
		next = base64.RawURLEncoding.EncodeToString([]byte(keys[end-1]))
	}
	return out, next, true
}
