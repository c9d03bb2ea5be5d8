package bedrock

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
)

// SigningName is Bedrock's SigV4 service name: the edge routes by it.
const SigningName = "bedrock"

// Register routes Bedrock's signed restJson1 calls to the service.
func (s *Service) Register(e *edge.Edge) {
	e.Register(edge.Route{Name: SigningName, Protocol: awswire.RestJSON, SigningName: SigningName, Handler: http.HandlerFunc(s.serveHTTP)})
}

func (s *Service) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if _, ok := edge.RequireSigned(w, r, awswire.RestJSON); !ok {
		return
	}
	path := r.URL.EscapedPath()
	var op string
	switch {
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/inference-profiles/"):
		op = "GetInferenceProfile"
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/foundation-model-availability/"):
		op = "GetFoundationModelAvailability"
	default:
		awswire.WriteError(w, awswire.RestJSON, unknownOperation(r.Method, path))
		return
	}
	in, err := model.Bedrock.DecodeREST(op, r, nil)
	if err == nil {
		err = model.Bedrock.CheckInput(op, in)
	}
	if err != nil {
		var vs model.Violations
		if errors.As(err, &vs) {
			awswire.WriteError(w, awswire.RestJSON, awswire.Invalid("ValidationException", vs))
		} else {
			awswire.WriteError(w, awswire.RestJSON, awswire.Errorf(400, "ValidationException", "%s", err.Error()))
		}
		return
	}
	switch op {
	case "GetInferenceProfile":
		id, _ := in["inferenceProfileIdentifier"].(string)
		p, err := s.InferenceProfile(id)
		if err != nil {
			awswire.WriteError(w, awswire.RestJSON, err.(*awswire.Error))
			return
		}
		models := make([]map[string]string, len(p.ModelArns))
		for i, a := range p.ModelArns {
			models[i] = map[string]string{"modelArn": a}
		}
		awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, map[string]any{
			"inferenceProfileName": p.Name, "inferenceProfileArn": p.Arn, "inferenceProfileId": p.ID,
			"description": "Routes requests to " + p.Name + " in the regions of its geography.",
			"createdAt":   p.Created.Format(time.RFC3339), "updatedAt": p.Created.Format(time.RFC3339),
			"models": models, "status": "ACTIVE", "type": "SYSTEM_DEFINED",
		})
	case "GetFoundationModelAvailability":
		id, _ := in["modelId"].(string)
		a, err := s.FoundationModelAvailability(id)
		if err != nil {
			awswire.WriteError(w, awswire.RestJSON, err.(*awswire.Error))
			return
		}
		awswire.WriteJSON(w, awswire.RestJSON, http.StatusOK, map[string]any{
			"modelId": a.ModelID, "agreementAvailability": map[string]string{"status": a.Agreement},
			"authorizationStatus": a.Authorization, "entitlementAvailability": a.Entitlement, "regionAvailability": a.InRegion,
		})
	}
}
