package agentcore

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"agentcore-workshop/internal/sandbox/awswire"
)

// The AgentCore error shapes the sandbox answers with (restJson1: the
// X-Amzn-ErrorType header plus {"__type","message"}).

func notFound(format string, args ...any) *awswire.Error {
	return awswire.Errorf(http.StatusNotFound, "ResourceNotFoundException", format, args...)
}

func conflict(format string, args ...any) *awswire.Error {
	return awswire.Errorf(http.StatusConflict, "ConflictException", format, args...)
}

func accessDenied(format string, args ...any) *awswire.Error {
	return awswire.Errorf(http.StatusForbidden, "AccessDeniedException", format, args...)
}

func unknownOperation(r *http.Request) *awswire.Error {
	return awswire.Errorf(http.StatusNotFound, "UnknownOperationException", "No operation matches %s %s.", r.Method, r.URL.EscapedPath())
}

// cannotParse is a ValidationException for a body that is not the JSON the
// operation expects.
func cannotParse(format string, args ...any) *awswire.Error {
	e := awswire.Errorf(http.StatusBadRequest, "ValidationException", format, args...)
	e.Fields = map[string]any{"reason": "CannotParse"}
	return e
}

// fieldError is one entry of ValidationException.fieldList.
type fieldError struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

// validator collects field errors the way AWS reports them: "N validation
// error(s) detected: Value '…' at '…' failed to satisfy constraint: …".
type validator struct{ errs []fieldError }

func (v *validator) add(field, msg string) { v.errs = append(v.errs, fieldError{field, msg}) }

func (v *validator) addValue(field, value, constraint string) {
	v.add(field, fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", truncate(value, 200), field, constraint))
}

func (v *validator) required(field string, present bool) bool {
	if !present {
		v.add(field, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", field))
	}
	return present
}

// pattern checks a required or optional string against an anchored model pattern.
func (v *validator) pattern(field, value string, re *regexp.Regexp, src string) {
	if !re.MatchString(value) {
		v.addValue(field, value, "Member must satisfy regular expression pattern: "+src)
	}
}

func (v *validator) length(field, value string, min, max int) bool {
	n := len([]rune(value))
	if n < min || n > max {
		v.addValue(field, value, fmt.Sprintf("Member must have length between %d and %d, inclusive", min, max))
		return false
	}
	return true
}

// lengthSensitive is length for members the model marks sensitive: the
// message states the limit without echoing the value.
func (v *validator) lengthSensitive(field, value string, min, max int) bool {
	n := len([]rune(value))
	if n < min || n > max {
		v.add(field, fmt.Sprintf("Value at '%s' failed to satisfy constraint: Member must have length between %d and %d, inclusive", field, min, max))
		return false
	}
	return true
}

func (v *validator) count(field string, n, min, max int) {
	if n < min || n > max {
		v.add(field, fmt.Sprintf("Value at '%s' failed to satisfy constraint: Member must have length between %d and %d, inclusive", field, min, max))
	}
}

// minCount checks a list that the model bounds only from below.
func (v *validator) minCount(field string, n, min int) {
	if n < min {
		v.add(field, fmt.Sprintf("Value at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", field, min))
	}
}

// tags checks a TagsMap: at most 50 entries, keys 1..128 and values
// 0..256 characters of the model's tag alphabet.
func (v *validator) tags(field string, tags map[string]string) {
	v.count(field, len(tags), 0, 50)
	for k, val := range tags {
		if v.length(field+".key", k, 1, 128) {
			v.pattern(field+".key", k, reTag, patTag)
		}
		if v.length(field+".value", val, 0, 256) {
			v.pattern(field+".value", val, reTag, patTag)
		}
	}
}

func (v *validator) oneOf(field, value string, allowed ...string) {
	for _, a := range allowed {
		if a == value {
			return
		}
	}
	v.addValue(field, value, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

func (v *validator) err() *awswire.Error {
	if len(v.errs) == 0 {
		return nil
	}
	msgs := make([]string, len(v.errs))
	for i, e := range v.errs {
		msgs[i] = e.Message
	}
	noun := "error"
	if len(v.errs) > 1 {
		noun = "errors"
	}
	e := awswire.Errorf(http.StatusBadRequest, "ValidationException", "%d validation %s detected: %s", len(v.errs), noun, strings.Join(msgs, "; "))
	e.Fields = map[string]any{"reason": "FieldValidationFailed", "fieldList": v.errs}
	return e
}

// fieldErr is a ValidationException about one field.
func fieldErr(field, msg string) *awswire.Error {
	var v validator
	v.add(field, msg)
	return v.err()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// anchored compiles a model pattern so it must match the whole value, as
// AWS's validators do.
func anchored(p string) *regexp.Regexp { return regexp.MustCompile(`^(?:` + p + `)$`) }

// Model patterns (bedrock-agentcore-control 2023-06-05, bedrock-agentcore 2024-02-28).
const (
	patRuntimeName   = `[a-zA-Z][a-zA-Z0-9_]{0,47}`
	patRuntimeID     = `[a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10}`
	patRoleArn       = `arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+`
	patContainerURI  = `(([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?|public\.ecr\.aws)/((?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)(?::([^:@]{1,300}))?(?:@(.+))?`
	patClientToken   = `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}`
	patDiscoveryURL  = `.+/\.well-known/openid-configuration`
	patOAuthDiscURL  = `.+/\.well-known/(openid-configuration|oauth-authorization-server)`
	patVersion       = `([1-9][0-9]{0,4})`
	patEndpointName  = `[a-zA-Z][a-zA-Z0-9_]{0,47}`
	patWorkloadName  = `[A-Za-z0-9_.-]+`
	patProviderName  = `[a-zA-Z0-9\-_]+`
	patReturnURL     = `\w+:(\/?\/?)[^\s]+`
	patScope         = `[\x21\x23-\x5B\x5D-\x7E]+`
	patHeaderName    = `[A-Za-z][A-Za-z0-9_-]{0,255}`
	patUserToken     = `[A-Za-z0-9-_=]+.[A-Za-z0-9-_=]+.[A-Za-z0-9-_=]+`
	patTokenVaultID  = `[a-zA-Z0-9\-_]+`
	patAccountID     = `[0-9]{12}`
	patTag           = `[a-zA-Z0-9\s._:/=+@-]*`
	patS3Bucket      = `[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]`
	patTokenAuth     = `(client_secret_post|client_secret_basic)`
	patRuntimeArnStr = `arn:aws(-[^:]+)?:bedrock-agentcore:([a-z0-9-]+):([0-9]{12}):runtime/(` + patRuntimeID + `)`
)

var (
	reRuntimeName  = anchored(patRuntimeName)
	reRuntimeID    = anchored(patRuntimeID)
	reRoleArn      = anchored(patRoleArn)
	reContainerURI = anchored(patContainerURI)
	reClientToken  = anchored(patClientToken)
	reDiscoveryURL = anchored(patDiscoveryURL)
	reOAuthDiscURL = anchored(patOAuthDiscURL)
	reVersion      = anchored(patVersion)
	reEndpointName = anchored(patEndpointName)
	reWorkloadName = anchored(patWorkloadName)
	reProviderName = anchored(patProviderName)
	reReturnURL    = anchored(patReturnURL)
	reScope        = anchored(patScope)
	reHeaderName   = anchored(patHeaderName)
	reUserToken    = anchored(patUserToken)
	reTokenVaultID = anchored(patTokenVaultID)
	reAccountID    = anchored(patAccountID)
	reTag          = anchored(patTag)
	reS3Bucket     = anchored(patS3Bucket)
	reTokenAuth    = anchored(patTokenAuth)
	reRuntimeArn   = anchored(patRuntimeArnStr)
)
