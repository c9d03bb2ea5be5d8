package cognito

import (
	"net/http"

	"agentcore-workshop/internal/sandbox/awswire"
	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/model"
)

// TargetPrefix is the X-Amz-Target prefix of the cognito-idp API.
const TargetPrefix = "AWSCognitoIdentityProviderService"

// maxRequestBytes bounds an API request body; Cognito's largest inputs
// (client settings with 100 callback URLs) are far below it.
const maxRequestBytes = 1 << 20

// unsigned are the operations a client calls without AWS credentials: the
// sign-in itself. Every other operation needs SigV4.
var unsigned = map[string]bool{"InitiateAuth": true, "RespondToAuthChallenge": true}

// decodeOp adapts a typed operation to a raw body. The body has already
// passed the model's validation, so decoding only fills the struct.
func decodeOp[I any](f func(s *Service, in *I) (any, *awsErr)) func(*Service, []byte) (any, error) {
	return func(s *Service, body []byte) (any, error) {
		var in I
		if err := awswire.DecodeJSON(body, &in); err != nil {
			return nil, err
		}
		out, err := f(s, &in)
		if err != nil {
			return nil, err
		}
		return out, nil
	}
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

// empty is the output of the operations that answer {}.
var empty = struct{}{}

// api is Cognito's awsJson1.1 wire: one entry per operation, like
// cognito-local's targets directory. Input the model refuses is an
// InvalidParameterException, as Cognito answers it.
var api = &awswire.JSONAPI[*Service]{
	Prefix: TargetPrefix, Service: "Cognito", Internal: "InternalErrorException",
	Model: model.Cognito, Invalid: "InvalidParameterException", MaxBody: maxRequestBytes,
	// A session that is not one Cognito issued is "Invalid session for the
	// user.", whatever its length.
	Own: map[string][]string{"RespondToAuthChallenge": {"session"}},
	Authorize: func(w http.ResponseWriter, r *http.Request, op string) bool {
		if unsigned[op] {
			return true
		}
		_, ok := edge.RequireSigned(w, r, awswire.JSON11)
		return ok
	},
	Fault: func(s *Service, op string, e *awswire.Error) {
		s.log.Error("cognito operation failed", "op", op, "err", e.Message)
	},
	Ops: awswire.JSONOps[*Service]{
		"CreateUserPool": decodeOp(func(s *Service, in *CreateUserPoolInput) (any, *awsErr) {
			v, err := s.CreateUserPool(in)
			if err != nil {
				return nil, err
			}
			return userPoolResponse{poolOut(v)}, nil
		}),
		"DescribeUserPool": decodeOp(func(s *Service, in *poolRef) (any, *awsErr) {
			v, err := s.DescribeUserPool(in.UserPoolId)
			if err != nil {
				return nil, err
			}
			return userPoolResponse{poolOut(v)}, nil
		}),
		"ListUserPools": decodeOp(func(s *Service, in *listRef) (any, *awsErr) {
			vs, next, err := s.ListUserPools(in.MaxResults, in.NextToken)
			if err != nil {
				return nil, err
			}
			out := listUserPoolsResponse{UserPools: make([]userPoolDescriptionType, 0, len(vs)), NextToken: next}
			for _, v := range vs {
				out.UserPools = append(out.UserPools, poolDescOut(v))
			}
			return out, nil
		}),
		"DeleteUserPool": decodeOp(func(s *Service, in *poolRef) (any, *awsErr) {
			return empty, s.DeleteUserPool(in.UserPoolId)
		}),
		"CreateUserPoolClient": decodeOp(func(s *Service, in *ClientInput) (any, *awsErr) {
			in.ClientId = ""
			c, err := s.CreateUserPoolClient(in)
			if err != nil {
				return nil, err
			}
			return userPoolClientResponse{clientOut(in.UserPoolId, c)}, nil
		}),
		"DescribeUserPoolClient": decodeOp(func(s *Service, in *clientRef) (any, *awsErr) {
			c, err := s.DescribeUserPoolClient(in.UserPoolId, in.ClientId)
			if err != nil {
				return nil, err
			}
			return userPoolClientResponse{clientOut(in.UserPoolId, c)}, nil
		}),
		"UpdateUserPoolClient": decodeOp(func(s *Service, in *ClientInput) (any, *awsErr) {
			c, err := s.UpdateUserPoolClient(in)
			if err != nil {
				return nil, err
			}
			return userPoolClientResponse{clientOut(in.UserPoolId, c)}, nil
		}),
		"DeleteUserPoolClient": decodeOp(func(s *Service, in *clientRef) (any, *awsErr) {
			return empty, s.DeleteUserPoolClient(in.UserPoolId, in.ClientId)
		}),
		"ListUserPoolClients": decodeOp(func(s *Service, in *listRef) (any, *awsErr) {
			cs, next, err := s.ListUserPoolClients(in.UserPoolId, in.MaxResults, in.NextToken)
			if err != nil {
				return nil, err
			}
			out := listUserPoolClientsResponse{UserPoolClients: make([]userPoolClientDescription, 0, len(cs)), NextToken: next}
			for _, c := range cs {
				out.UserPoolClients = append(out.UserPoolClients, userPoolClientDescription{ClientID: c.ID, ClientName: c.Name, UserPoolID: in.UserPoolId})
			}
			return out, nil
		}),
		"CreateUserPoolDomain": decodeOp(func(s *Service, in *domainRef) (any, *awsErr) {
			if err := s.CreateUserPoolDomain(in.Domain, in.UserPoolId); err != nil {
				return nil, err
			}
			return createUserPoolDomainResponse{ManagedLoginVersion: 1}, nil
		}),
		"DescribeUserPoolDomain": decodeOp(func(s *Service, in *domainRef) (any, *awsErr) {
			d, err := s.DescribeUserPoolDomain(in.Domain)
			if err != nil {
				return nil, err
			}
			return domainOut(d, s.accountID), nil
		}),
		"DeleteUserPoolDomain": decodeOp(func(s *Service, in *domainRef) (any, *awsErr) {
			return empty, s.DeleteUserPoolDomain(in.Domain, in.UserPoolId)
		}),
		"CreateResourceServer": decodeOp(func(s *Service, in *ResourceServerInput) (any, *awsErr) {
			rs, err := s.CreateResourceServer(in)
			if err != nil {
				return nil, err
			}
			return resourceServerResponse{resourceServerOut(in.UserPoolId, rs)}, nil
		}),
		"DescribeResourceServer": decodeOp(func(s *Service, in *rsRef) (any, *awsErr) {
			rs, err := s.DescribeResourceServer(in.UserPoolId, in.Identifier)
			if err != nil {
				return nil, err
			}
			return resourceServerResponse{resourceServerOut(in.UserPoolId, rs)}, nil
		}),
		"ListResourceServers": decodeOp(func(s *Service, in *listRef) (any, *awsErr) {
			rss, next, err := s.ListResourceServers(in.UserPoolId, in.MaxResults, in.NextToken)
			if err != nil {
				return nil, err
			}
			out := listResourceServersResponse{ResourceServers: make([]resourceServerType, 0, len(rss)), NextToken: next}
			for _, rs := range rss {
				out.ResourceServers = append(out.ResourceServers, resourceServerOut(in.UserPoolId, rs))
			}
			return out, nil
		}),
		"DeleteResourceServer": decodeOp(func(s *Service, in *rsRef) (any, *awsErr) {
			return empty, s.DeleteResourceServer(in.UserPoolId, in.Identifier)
		}),
		"AdminCreateUser": decodeOp(func(s *Service, in *AdminCreateUserInput) (any, *awsErr) {
			u, err := s.AdminCreateUser(in)
			if err != nil {
				return nil, err
			}
			return adminCreateUserResponse{userOut(u, false)}, nil
		}),
		"AdminSetUserPassword": decodeOp(func(s *Service, in *setPasswordIn) (any, *awsErr) {
			return empty, s.AdminSetUserPassword(in.UserPoolId, in.Username, in.Password, in.Permanent)
		}),
		"AdminGetUser": decodeOp(func(s *Service, in *userRef) (any, *awsErr) {
			u, err := s.AdminGetUser(in.UserPoolId, in.Username)
			if err != nil {
				return nil, err
			}
			return userOut(u, true), nil
		}),
		"AdminDeleteUser": decodeOp(func(s *Service, in *userRef) (any, *awsErr) {
			return empty, s.AdminDeleteUser(in.UserPoolId, in.Username)
		}),
		"InitiateAuth": decodeOp(func(s *Service, in *InitiateAuthInput) (any, *awsErr) {
			r, err := s.InitiateAuth(in)
			if err != nil {
				return nil, err
			}
			return authOut(r), nil
		}),
		"RespondToAuthChallenge": decodeOp(func(s *Service, in *RespondToAuthChallengeInput) (any, *awsErr) {
			r, err := s.RespondToAuthChallenge(in)
			if err != nil {
				return nil, err
			}
			return authOut(r), nil
		}),
	}}

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
	if r.Header.Get("X-Amz-Target") == "" {
		s.paths().ServeHTTP(w, r)
		return
	}
	api.Serve(w, r, s)
}
