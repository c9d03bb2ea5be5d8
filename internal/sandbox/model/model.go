// Package model holds the subsets of the AWS service models (botocore's
// service-2.json) that the sandbox serves, and walks them: it validates
// every input the way AWS's front ends do ("1 validation error detected:
// …") and, in tests, checks every output against its shape.
//
// The subsets under subsets/ are cut from ../shared/reference/aws-models by
// `go generate` (see gen/); they are embedded and parsed on first use, so
// importing the package costs nothing at init.
package model

//go:generate go run ./gen

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed subsets/*.json
var subsets embed.FS

// The service models the sandbox serves. Each is parsed on first use.
var (
	AgentCoreControl = newModel("bedrock-agentcore-control", Style{Between: true, ItemPaths: true})
	AgentCoreData    = newModel("bedrock-agentcore", Style{Between: true, ItemPaths: true})
	Cognito          = newModel("cognito-idp", Style{})
	IAM              = newModel("iam", Style{})
	STS              = newModel("sts", Style{})
	S3               = newModel("s3", Style{})
	ECR              = newModel("ecr", Style{})
	CodeBuild        = newModel("codebuild", Style{})
	Lambda           = newModel("lambda", Style{})
	Logs             = newModel("logs", Style{})
	Bedrock          = newModel("bedrock", Style{Between: true, ItemPaths: true})
)

// Style is how a service words its validation messages. AWS's older
// (Coral) front ends and the newer AgentCore ones differ in two ways.
type Style struct {
	// Between words a broken two-sided bound as "Member must have length
	// between 1 and 48, inclusive" (AgentCore). Without it only the side
	// that is broken is named: "Member must have length less than or equal
	// to 128" (Cognito, IAM, ECR, CodeBuild).
	Between bool
	// ItemPaths reports a bad list item at "list.member" and a bad map
	// entry at "map.key" / "map.value" (AgentCore). Without it a list of
	// scalars is reported at the list ("Member must satisfy constraint:
	// [...]"), an item structure at "list.N.member.x", and a map at the map
	// ("Map keys must satisfy constraint: [...]"), as Coral does.
	ItemPaths bool
}

// Model is one service's model subset.
type Model struct {
	name  string
	style Style
	once  sync.Once
	spec  *spec
	err   error
}

func newModel(name string, st Style) *Model { return &Model{name: name, style: st} }

// Name is the model's file name, such as "cognito-idp".
func (m *Model) Name() string { return m.name }

// Style is how the service words validation messages.
func (m *Model) Style() Style { return m.style }

type spec struct {
	Metadata   Metadata              `json:"metadata"`
	Operations map[string]*Operation `json:"operations"`
	Shapes     map[string]*Shape     `json:"shapes"`
}

// Metadata is the model's service-wide block.
type Metadata struct {
	APIVersion     string `json:"apiVersion"`
	Protocol       string `json:"protocol"` // json, rest-json, query, rest-xml
	TargetPrefix   string `json:"targetPrefix"`
	JSONVersion    string `json:"jsonVersion"`
	EndpointPrefix string `json:"endpointPrefix"`
	XMLNamespace   string `json:"xmlNamespace"`
}

// Operation is one operation: its HTTP binding, input, output and errors.
type Operation struct {
	Name string `json:"name"`
	HTTP struct {
		Method       string `json:"method"`
		RequestURI   string `json:"requestUri"`
		ResponseCode int    `json:"responseCode"`
	} `json:"http"`
	Input  *Ref  `json:"input"`
	Output *Ref  `json:"output"`
	Errors []Ref `json:"errors"`
}

// Ref points at a shape, with where the value travels (uri, querystring,
// header, statusCode, or the body when empty).
type Ref struct {
	Shape           string `json:"shape"`
	Location        string `json:"location"`
	LocationName    string `json:"locationName"`
	TimestampFormat string `json:"timestampFormat"`
	Flattened       bool   `json:"flattened"`
	ResultWrapper   string `json:"resultWrapper"`
}

// Shape is one model shape with its constraints.
type Shape struct {
	Type            string   `json:"type"`
	Members         Members  `json:"members"`
	Required        []string `json:"required"`
	Member          *Ref     `json:"member"`
	Key             *Ref     `json:"key"`
	Value           *Ref     `json:"value"`
	Pattern         string   `json:"pattern"`
	Min             *float64 `json:"min"`
	Max             *float64 `json:"max"`
	Enum            []string `json:"enum"`
	TimestampFormat string   `json:"timestampFormat"`
	Union           bool     `json:"union"`
	Sensitive       bool     `json:"sensitive"`
	Flattened       bool     `json:"flattened"`
	Payload         string   `json:"payload"`
	LocationName    string   `json:"locationName"`
	Exception       bool     `json:"exception"`
	Error           *struct {
		Code           string `json:"code"`
		HTTPStatusCode int    `json:"httpStatusCode"`
	} `json:"error"`

	reOnce sync.Once      // patterns compile on first use: some are costly
	re     *regexp.Regexp // the anchored pattern, nil when there is none
	reErr  error          // why the pattern does not compile under RE2
}

// regexp returns the shape's compiled pattern, or nil when it has none or
// it does not compile (see PatternError).
func (sh *Shape) regexp() *regexp.Regexp {
	sh.reOnce.Do(func() {
		if sh.Pattern != "" {
			sh.re, sh.reErr = compilePattern(sh.Pattern)
		}
	})
	return sh.re
}

// Members are a structure's members in the model's order (which is the
// order AWS reports violations and union alternatives in).
type Members struct {
	Names []string
	Refs  map[string]*Ref
}

// UnmarshalJSON keeps the members' order.
func (ms *Members) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return err
	}
	ms.Refs = map[string]*Ref{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := t.(string)
		var r Ref
		if err := dec.Decode(&r); err != nil {
			return fmt.Errorf("member %s: %w", name, err)
		}
		ms.Names = append(ms.Names, name)
		ms.Refs[name] = &r
	}
	return nil
}

func (m *Model) load() (*spec, error) {
	m.once.Do(func() {
		b, err := subsets.ReadFile("subsets/" + m.name + ".json")
		if err != nil {
			m.err = fmt.Errorf("model %s: %w", m.name, err)
			return
		}
		var s spec
		if err := json.Unmarshal(b, &s); err != nil {
			m.err = fmt.Errorf("parse model %s: %w", m.name, err)
			return
		}
		for name, op := range s.Operations {
			op.Name = name
		}
		m.spec = &s
	})
	return m.spec, m.err
}

// must returns the parsed model; the subsets are part of the binary, so a
// failure to parse them is a build defect, caught by the package's tests.
func (m *Model) must() *spec {
	s, err := m.load()
	if err != nil {
		panic(err)
	}
	return s
}

// Metadata returns the service-wide block.
func (m *Model) Metadata() Metadata { return m.must().Metadata }

// Op returns the named operation, or nil when the subset has none.
func (m *Model) Op(name string) *Operation { return m.must().Operations[name] }

// Operations lists the subset's operation names, sorted.
func (m *Model) Operations() []string {
	ops := m.must().Operations
	names := make([]string, 0, len(ops))
	for n := range ops {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Shape returns the named shape, or nil.
func (m *Model) Shape(name string) *Shape { return m.must().Shapes[name] }

// PatternError reports why a shape's pattern does not compile under Go's
// RE2 (nil when it compiles or there is none); such a pattern is not
// enforced.
func (sh *Shape) PatternError() error {
	sh.regexp()
	return sh.reErr
}

// compilePattern anchors a model pattern (AWS matches the whole value) and
// rewrites Java's \uXXXX escapes into RE2's \x{XXXX}.
func compilePattern(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) {
			if p[i+1] == 'u' && i+5 < len(p) {
				b.WriteString(`\x{` + p[i+2:i+6] + `}`)
				i += 5
				continue
			}
			b.WriteString(p[i : i+2])
			i++
			continue
		}
		b.WriteByte(p[i])
	}
	return regexp.Compile(`^(?:` + splitRepeats(b.String()) + `)$`)
}

// bigRepeat is a counted repetition of one character or class whose upper
// bound is over RE2's limit of 1000 (S3BucketUri's `s3://.{1,2043}`).
var bigRepeat = regexp.MustCompile(`(\\.|\[[^\]]*\]|[^\\\])}])\{(\d+),(\d+)\}`)

// splitRepeats rewrites each repetition over RE2's bound as a chain of
// smaller ones that accepts exactly the same strings (X{1,2043} is
// X{1,1000}X{0,1000}X{0,43}), so the constraint is still enforced.
func splitRepeats(p string) string {
	return bigRepeat.ReplaceAllStringFunc(p, func(m string) string {
		g := bigRepeat.FindStringSubmatch(m)
		lo, _ := strconv.Atoi(g[2])
		hi, err := strconv.Atoi(g[3])
		if err != nil || hi <= 1000 || lo > 1000 {
			return m
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s{%d,%d}", g[1], lo, 1000)
		for rest := hi - 1000; rest > 0; rest -= 1000 {
			fmt.Fprintf(&b, "%s{0,%d}", g[1], min(rest, 1000))
		}
		return b.String()
	})
}

// MemberName is the name AWS puts in a field path for a member: the
// member's name with its first letter lower-cased ("PoolName" is
// "poolName").
func MemberName(member string) string {
	if member == "" {
		return ""
	}
	return strings.ToLower(member[:1]) + member[1:]
}
