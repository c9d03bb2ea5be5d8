package cognito

import (
	"io"
	"net/http"
	"strings"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
)

// TargetPrefix is the X-Amz-Target prefix of the cognito-idp API.
const TargetPrefix = "AWSCognitoIdentityProviderService"

// maxRequestBytes bounds an API request body; Cognito's largest inputs
// (client settings with 100 callback URLs) are far below it.
const maxRequestBytes = 1 << 20

// operation is one awsJson1.1 operation: whether it needs SigV4 and how to
// run it on a raw body.
type operation struct {
	signed bool
	run    func(s *Service, body []byte) (any, *awsErr)
}

// decodeOp adapts a typed operation to a raw body.
func decodeOp[I any](signed bool, f func(s *Service, in *I) (any, *awsErr)) operation {
	return operation{signed: signed, run: func(s *Service, body []byte) (any, *awsErr) {
		var in I
		if err := awswire.DecodeJSON(body, &in); err != nil {
			return nil, err
		}
		return f(s, &in)
	}}
}

type poolRef struct {
	UserPoolId string `json:"UserPoolId"`
}

type clientRef struct {
	UserPoolId string `json:"UserPoolId"`
	ClientId   string `json:"ClientId"`
}

type userRef struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
}

type domainRef struct {
	Domain     string `json:"Domain"`
	UserPoolId string `json:"UserPoolId"`
}

type rsRef struct {
	UserPoolId string `json:"UserPoolId"`
	Identifier string `json:"Identifier"`
}

type listRef struct {
	UserPoolId string `json:"UserPoolId"`
	MaxResults *int32 `json:"MaxResults"`
	NextToken  string `json:"NextToken"`
}

type setPasswordIn struct {
	UserPoolId string `json:"UserPoolId"`
	Username   string `json:"Username"`
	Password   string `json:"Password"`
	Permanent  bool   `json:"Permanent"`
}

var empty = map[string]any{}

// operations is the dispatch table: one entry per operation, like
// cognito-local's targets directory.
var operations = map[string]operation{
	"CreateUserPool": decodeOp(true, func(s *Service, in *CreateUserPoolInput) (any, *awsErr) {
		v, err := s.CreateUserPool(in)
		if err != nil {
			return nil, err
		}
		return map[string]any{"UserPool": poolOut(v, s)}, nil
	}),
	"DescribeUserPool": decodeOp(true, func(s *Service, in *poolRef) (any, *awsErr) {
		v, err := s.DescribeUserPool(in.UserPoolId)
		if err != nil {
			return nil, err
		}
		return map[string]any{"UserPool": poolOut(v, s)}, nil
	}),
	"ListUserPools": decodeOp(true, func(s *Service, in *listRef) (any, *awsErr) {
		vs, next, err := s.ListUserPools(in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		list := make([]map[string]any, 0, len(vs))
		for _, v := range vs {
			list = append(list, poolDescOut(v))
		}
		out := map[string]any{"UserPools": list}
		if next != "" {
			out["NextToken"] = next
		}
		return out, nil
	}),
	"DeleteUserPool": decodeOp(true, func(s *Service, in *poolRef) (any, *awsErr) {
		return empty, s.DeleteUserPool(in.UserPoolId)
	}),
	"CreateUserPoolClient": decodeOp(true, func(s *Service, in *ClientInput) (any, *awsErr) {
		in.ClientId = ""
		c, err := s.CreateUserPoolClient(in)
		if err != nil {
			return nil, err
		}
		return map[string]any{"UserPoolClient": clientOut(in.UserPoolId, c)}, nil
	}),
	"DescribeUserPoolClient": decodeOp(true, func(s *Service, in *clientRef) (any, *awsErr) {
		c, err := s.DescribeUserPoolClient(in.UserPoolId, in.ClientId)
		if err != nil {
			return nil, err
		}
		return map[string]any{"UserPoolClient": clientOut(in.UserPoolId, c)}, nil
	}),
	"UpdateUserPoolClient": decodeOp(true, func(s *Service, in *ClientInput) (any, *awsErr) {
		c, err := s.UpdateUserPoolClient(in)
		if err != nil {
			return nil, err
		}
		return map[string]any{"UserPoolClient": clientOut(in.UserPoolId, c)}, nil
	}),
	"DeleteUserPoolClient": decodeOp(true, func(s *Service, in *clientRef) (any, *awsErr) {
		return empty, s.DeleteUserPoolClient(in.UserPoolId, in.ClientId)
	}),
	"ListUserPoolClients": decodeOp(true, func(s *Service, in *listRef) (any, *awsErr) {
		cs, next, err := s.ListUserPoolClients(in.UserPoolId, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		list := make([]map[string]any, 0, len(cs))
		for _, c := range cs {
			list = append(list, map[string]any{"ClientId": c.ID, "ClientName": c.Name, "UserPoolId": in.UserPoolId})
		}
		out := map[string]any{"UserPoolClients": list}
		if next != "" {
			out["NextToken"] = next
		}
		return out, nil
	}),
	"CreateUserPoolDomain": decodeOp(true, func(s *Service, in *domainRef) (any, *awsErr) {
		if err := s.CreateUserPoolDomain(in.Domain, in.UserPoolId); err != nil {
			return nil, err
		}
		return map[string]any{"ManagedLoginVersion": 1}, nil
	}),
	"DescribeUserPoolDomain": decodeOp(true, func(s *Service, in *domainRef) (any, *awsErr) {
		d, err := s.DescribeUserPoolDomain(in.Domain)
		if err != nil {
			return nil, err
		}
		if d.Domain == "" {
			return map[string]any{"DomainDescription": map[string]any{}}, nil
		}
		return map[string]any{"DomainDescription": map[string]any{
			"Domain": d.Domain, "UserPoolId": d.UserPoolId, "Status": d.Status, "AWSAccountId": s.accountID,
			"CloudFrontDistribution": d.Domain + ".cloudfront.sandbox.invalid", "Version": "20260101000000", "ManagedLoginVersion": 1,
		}}, nil
	}),
	"DeleteUserPoolDomain": decodeOp(true, func(s *Service, in *domainRef) (any, *awsErr) {
		return empty, s.DeleteUserPoolDomain(in.Domain, in.UserPoolId)
	}),
	"CreateResourceServer": decodeOp(true, func(s *Service, in *ResourceServerInput) (any, *awsErr) {
		rs, err := s.CreateResourceServer(in)
		if err != nil {
			return nil, err
		}
		return map[string]any{"ResourceServer": resourceServerOut(in.UserPoolId, rs)}, nil
	}),
	"DescribeResourceServer": decodeOp(true, func(s *Service, in *rsRef) (any, *awsErr) {
		rs, err := s.DescribeResourceServer(in.UserPoolId, in.Identifier)
		if err != nil {
			return nil, err
		}
		return map[string]any{"ResourceServer": resourceServerOut(in.UserPoolId, rs)}, nil
	}),
	"DeleteResourceServer": decodeOp(true, func(s *Service, in *rsRef) (any, *awsErr) {
		return empty, s.DeleteResourceServer(in.UserPoolId, in.Identifier)
	}),
	"AdminCreateUser": decodeOp(true, func(s *Service, in *AdminCreateUserInput) (any, *awsErr) {
		u, err := s.AdminCreateUser(in)
		if err != nil {
			return nil, err
		}
		return map[string]any{"User": userOut(u, "Attributes")}, nil
	}),
	"AdminSetUserPassword": decodeOp(true, func(s *Service, in *setPasswordIn) (any, *awsErr) {
		return empty, s.AdminSetUserPassword(in.UserPoolId, in.Username, in.Password, in.Permanent)
	}),
	"AdminGetUser": decodeOp(true, func(s *Service, in *userRef) (any, *awsErr) {
		u, err := s.AdminGetUser(in.UserPoolId, in.Username)
		if err != nil {
			return nil, err
		}
		return userOut(u, "UserAttributes"), nil
	}),
	"AdminDeleteUser": decodeOp(true, func(s *Service, in *userRef) (any, *awsErr) {
		return empty, s.AdminDeleteUser(in.UserPoolId, in.Username)
	}),
	"InitiateAuth": decodeOp(false, func(s *Service, in *InitiateAuthInput) (any, *awsErr) {
		r, err := s.InitiateAuth(in)
		if err != nil {
			return nil, err
		}
		return authOut(r), nil
	}),
	"RespondToAuthChallenge": decodeOp(false, func(s *Service, in *RespondToAuthChallengeInput) (any, *awsErr) {
		r, err := s.RespondToAuthChallenge(in)
		if err != nil {
			return nil, err
		}
		return authOut(r), nil
	}),
}

// Register adds the API, discovery and hosted endpoints to the edge.
func (s *Service) Register(e *edge.Edge) {
	e.Register(edge.Route{Name: "cognito-idp", Protocol: awswire.JSON11, TargetPrefix: TargetPrefix, SigningName: "cognito-idp", Handler: s})
	s.pathMu.Lock()
	s.edge = e
	s.pathMu.Unlock()
	s.mu.RLock()
	ids := make([]string, 0, len(s.pools))
	for id := range s.pools {
		ids = append(ids, id)
	}
	s.mu.RUnlock()
	for _, id := range ids {
		s.exposePool(id)
	}
}

// exposePool routes the pool's issuer subtree ("/{poolId}/") to the
// discovery and hosted handlers. Each pool gets its own literal prefix
// instead of one "/{pool}/..." wildcard pattern, so the shared edge mux
// never sees a pattern that overlaps other services' paths (such as
// "/runtimes/"). A deleted pool's prefix stays registered and answers 404.
func (s *Service) exposePool(id string) {
	s.pathMu.Lock()
	defer s.pathMu.Unlock()
	if s.edge == nil || s.exposed[id] {
		return
	}
	s.exposed[id] = true
	s.edge.HandlePath("/"+id+"/", s.paths())
}

// ServeHTTP serves the awsJson1.1 API. A signed cognito-idp request without
// a target (a signed GET of a discovery document, say) goes to the path
// handlers instead.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	if target == "" {
		s.paths().ServeHTTP(w, r)
		return
	}
	prefix, name, _ := strings.Cut(target, ".")
	op, ok := operations[name]
	if prefix != TargetPrefix || !ok {
		awswire.WriteError(w, awswire.JSON11, errUnknownOperation(target))
		return
	}
	if r.Method != http.MethodPost {
		awswire.WriteError(w, awswire.JSON11, errSerialization("awsJson1.1 requests must be POST, not %s.", r.Method))
		return
	}
	if op.signed {
		if _, ok := edge.RequireSigned(w, r, awswire.JSON11); !ok {
			return
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	if err != nil {
		awswire.WriteError(w, awswire.JSON11, errSerialization("read request body: %v", err))
		return
	}
	if len(body) > maxRequestBytes {
		awswire.WriteError(w, awswire.JSON11, errSerialization("Request body exceeds %d bytes.", maxRequestBytes))
		return
	}
	out, aerr := op.run(s, body)
	if aerr != nil {
		if aerr.Status >= 500 {
			s.log.Error("cognito operation failed", "op", name, "err", aerr.Message)
		}
		awswire.WriteError(w, awswire.JSON11, aerr)
		return
	}
	awswire.WriteJSON(w, awswire.JSON11, http.StatusOK, out)
}
