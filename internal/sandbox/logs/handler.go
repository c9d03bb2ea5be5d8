package logs

import (
	"net/http"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
)

// TargetPrefix is CloudWatch Logs' X-Amz-Target prefix.
const TargetPrefix = "Logs_20140328"

// Register routes CloudWatch Logs' awsJson1.1 calls to the service.
func (s *Service) Register(e *edge.Edge) {
	e.Register(edge.Route{Name: "logs", Protocol: awswire.JSON11, TargetPrefix: TargetPrefix, SigningName: "logs", Handler: http.HandlerFunc(s.serveHTTP)})
}

func (s *Service) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if _, ok := edge.RequireSigned(w, r, awswire.JSON11); !ok {
		return
	}
	api.Serve(w, r, s)
}

type groupJSON struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	MetricFilterCount int    `json:"metricFilterCount"`
	Arn               string `json:"arn"`
	LogGroupArn       string `json:"logGroupArn"`
	StoredBytes       int64  `json:"storedBytes"`
	LogGroupClass     string `json:"logGroupClass"`
}

// api is CloudWatch Logs' wire: each operation decodes its input (already
// held to the model) and returns its output shape. CloudWatch Logs words
// model violations as InvalidParameterException.
var api = &awswire.JSONAPI[*Service]{
	Prefix: TargetPrefix, Service: "CloudWatch Logs", Internal: "ServiceUnavailableException",
	Model: model.Logs, Invalid: "InvalidParameterException",
	Ops: awswire.JSONOps[*Service]{
		"CreateLogGroup": func(s *Service, body []byte) (any, error) {
			var in struct {
				LogGroupName  string `json:"logGroupName"`
				LogGroupClass string `json:"logGroupClass"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			if _, err := s.CreateLogGroup(in.LogGroupName, in.LogGroupClass); err != nil {
				return nil, err
			}
			return struct{}{}, nil
		},
		"DeleteLogGroup": func(s *Service, body []byte) (any, error) {
			var in struct {
				LogGroupName string `json:"logGroupName"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			if err := s.DeleteLogGroup(in.LogGroupName); err != nil {
				return nil, err
			}
			return struct{}{}, nil
		},
		"DescribeLogGroups": func(s *Service, body []byte) (any, error) {
			var in struct {
				Prefix    string `json:"logGroupNamePrefix"`
				Pattern   string `json:"logGroupNamePattern"`
				Class     string `json:"logGroupClass"`
				NextToken string `json:"nextToken"`
				Limit     int    `json:"limit"`
			}
			if err := awswire.DecodeJSON(body, &in); err != nil {
				return nil, err
			}
			groups, next, err := s.DescribeLogGroups(Query{Prefix: in.Prefix, Pattern: in.Pattern, Class: in.Class, NextToken: in.NextToken, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := struct {
				LogGroups []groupJSON `json:"logGroups"`
				NextToken string      `json:"nextToken,omitempty"`
			}{LogGroups: []groupJSON{}, NextToken: next}
			for _, g := range groups {
				arn := s.Arn(g.Name)
				out.LogGroups = append(out.LogGroups, groupJSON{LogGroupName: g.Name, CreationTime: g.Created.UnixMilli(),
					Arn: arn + ":*", LogGroupArn: arn, LogGroupClass: g.Class})
			}
			return out, nil
		},
	}}
