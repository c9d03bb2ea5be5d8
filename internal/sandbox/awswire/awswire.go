// Package awswire writes AWS-shaped responses and errors for the sandbox's
// four wire protocols, so every service answers failures the way AWS does.
package awswire

import (
	"crypto/rand"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Protocol is an AWS wire protocol.
type Protocol int

const (
	JSON11   Protocol = iota // awsJson1.1: Cognito, ECR, CodeBuild
	RestJSON                 // restJson1: AgentCore control and data plane
	Query                    // awsQuery: IAM, STS
	RestXML                  // restXml: S3
)

// Error is an AWS error: its shape name (the code), the HTTP status and a
// message that is always a string.
type Error struct {
	Code    string
	Status  int
	Message string
	// Fields are extra members of the error shape (restJson1 / awsJson only),
	// such as ValidationException's "reason" and "fieldList".
	Fields map[string]any
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an *Error.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

// RequestID returns a fresh AWS-style request id (a UUID v4).
func RequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Epoch renders a timestamp as the JSON protocols send one: seconds since
// the epoch, with the milliseconds as the fraction.
func Epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// ContentType is the response content type for JSON protocols.
func ContentType(p Protocol) string {
	if p == JSON11 {
		return "application/x-amz-json-1.1"
	}
	return "application/json"
}

// WriteJSON writes a successful JSON response (awsJson1.1 or restJson1).
func WriteJSON(w http.ResponseWriter, p Protocol, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		WriteError(w, p, Errorf(500, "InternalServerException", "encode response: %v", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", ContentType(p))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if h.Get("x-amzn-RequestId") == "" {
		h.Set("x-amzn-RequestId", RequestID())
	}
	w.WriteHeader(status)
	w.Write(body)
}

// WriteXML writes a successful XML response (awsQuery or restXml).
func WriteXML(w http.ResponseWriter, status int, v any) {
	body, err := xml.Marshal(v)
	if err != nil {
		WriteError(w, RestXML, Errorf(500, "InternalError", "encode response: %v", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	if h.Get("x-amz-request-id") == "" {
		h.Set("x-amz-request-id", RequestID())
	}
	w.WriteHeader(status)
	w.Write([]byte(xml.Header))
	w.Write(body)
}

type queryErrorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Error   struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

type s3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
}

// WriteError writes e in protocol p's error shape. JSON protocols get both
// the X-Amzn-ErrorType header and the __type body member, as AWS sends them;
// aws-sdk-go-v2 reads the header first.
func WriteError(w http.ResponseWriter, p Protocol, e *Error) {
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	rid := RequestID()
	h := w.Header()
	switch p {
	case Query:
		var r queryErrorResponse
		r.Error.Type = "Sender"
		if status >= 500 {
			r.Error.Type = "Receiver"
		}
		r.Error.Code, r.Error.Message, r.RequestID = e.Code, e.Message, rid
		body, _ := xml.Marshal(r)
		h.Set("Content-Type", "text/xml")
		h.Set("x-amzn-RequestId", rid)
		w.WriteHeader(status)
		w.Write(body)
	case RestXML:
		body, _ := xml.Marshal(s3Error{Code: e.Code, Message: e.Message, RequestID: rid})
		h.Set("Content-Type", "application/xml")
		h.Set("x-amz-request-id", rid)
		w.WriteHeader(status)
		w.Write([]byte(xml.Header))
		w.Write(body)
	default:
		m := map[string]any{}
		for k, v := range e.Fields {
			m[k] = v
		}
		m["__type"] = e.Code
		m["message"] = e.Message
		body, _ := json.Marshal(m)
		h.Set("Content-Type", ContentType(p))
		h.Set("X-Amzn-ErrorType", e.Code)
		h.Set("x-amzn-RequestId", rid)
		w.WriteHeader(status)
		w.Write(body)
	}
}
