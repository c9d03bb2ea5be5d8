package cloud

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// SessionHeader carries the runtime session id on invocations.
const SessionHeader = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"

// Invocation is the answer to a bearer-token invoke.
type Invocation struct {
	Status      int
	ContentType string
	SessionID   string // as echoed by the runtime
	Body        []byte
	URL         string // the URL called, with the ARN escaped into one segment
}

// InvokeError is a refused or failed invocation, with AWS's error code.
type InvokeError struct {
	Status  int
	Code    string
	Message string
}

func (e *InvokeError) Error() string {
	return fmt.Sprintf("%s (HTTP %d): %s", e.Code, e.Status, e.Message)
}

// InvokeURL is the data-plane URL of a runtime's invocations: the ARN is one
// percent-encoded path segment, as AWS expects.
func (c *Clients) InvokeURL(runtimeARN, qualifier string) string {
	// Escape every reserved character, ':' and '/' included, as the SDKs do.
	u := c.dataBase + "/runtimes/" + strings.ReplaceAll(url.PathEscape(runtimeARN), ":", "%3A") + "/invocations"
	if qualifier != "" {
		u += "?qualifier=" + url.QueryEscape(qualifier)
	}
	return u
}

// InvokeWithBearer calls a runtime whose inbound auth is a JWT authorizer.
// The AWS SDK only signs with SigV4, so this is a plain HTTPS request with
// `Authorization: Bearer`, the way the starter toolkit makes it. An empty
// token sends no Authorization header at all (break-it's first experiment).
func (c *Clients) InvokeWithBearer(ctx context.Context, runtimeARN, qualifier, sessionID, token string, payload []byte) (*Invocation, error) {
	u := c.InvokeURL(runtimeARN, qualifier)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("build invoke request: %w", err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if sessionID != "" {
		req.Header.Set(SessionHeader, sessionID)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("invoke runtime: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 10<<20))
	if err != nil {
		return nil, fmt.Errorf("read invoke response: %w", err)
	}
	inv := &Invocation{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), SessionID: resp.Header.Get(SessionHeader), Body: body, URL: u}
	if resp.StatusCode/100 != 2 {
		return inv, decodeError(resp, body)
	}
	return inv, nil
}

// decodeError reads an AWS JSON error the way the SDK does: the
// X-Amzn-ErrorType header first, then __type or code in the body.
func decodeError(resp *http.Response, body []byte) *InvokeError {
	e := &InvokeError{Status: resp.StatusCode}
	var doc struct {
		Type    string `json:"__type"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Msg     string `json:"Message"`
	}
	_ = json.Unmarshal(body, &doc)
	e.Code = resp.Header.Get("X-Amzn-ErrorType")
	if e.Code == "" {
		e.Code = doc.Type
	}
	if e.Code == "" {
		e.Code = doc.Code
	}
	if i := strings.Index(e.Code, ":"); i >= 0 {
		e.Code = e.Code[:i]
	}
	if i := strings.LastIndex(e.Code, "#"); i >= 0 {
		e.Code = e.Code[i+1:]
	}
	if e.Code == "" {
		e.Code = http.StatusText(resp.StatusCode)
	}
	e.Message = doc.Message
	if e.Message == "" {
		e.Message = doc.Msg
	}
	if e.Message == "" {
		e.Message = strings.TrimSpace(string(body))
	}
	return e
}
