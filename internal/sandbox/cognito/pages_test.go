package cognito

import (
	"testing"

	"agentcore-workshop/internal/sandbox/clock"
	"agentcore-workshop/internal/sandbox/edge"
)

// A page token still leads on when the item that ended its page was
// deleted before the next page was asked for: in a room, one learner's
// cleanup pages through the pools while others delete theirs (the load
// test's learners met InvalidParameterException here).
func TestPageAfterTheLastItemIsDeleted(t *testing.T) {
	clk := clock.NewFake(clock.System{}.Now())
	s, err := New(edge.Deps{URL: "http://127.0.0.1:4747", Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	var pools []string
	for _, name := range []string{"a", "b", "c"} {
		p, err := s.CreateUserPool(&CreateUserPoolInput{PoolName: name})
		if err != nil {
			t.Fatal(err)
		}
		pools = append(pools, p.ID)
		clk.Advance(1)
	}
	one := int32(1)
	page, next, aerr := s.ListUserPools(&one, "")
	if aerr != nil || len(page) != 1 || page[0].ID != pools[0] || next == "" {
		t.Fatalf("first page %v, %q, %v", page, next, aerr)
	}
	if err := s.DeleteUserPool(pools[0]); err != nil {
		t.Fatal(err)
	}
	page, _, aerr = s.ListUserPools(&one, next)
	if aerr != nil || len(page) != 1 || page[0].ID != pools[1] {
		t.Fatalf("page after the deleted pool: %v, %v", page, aerr)
	}
	if _, _, aerr := s.ListUserPools(&one, "%%%"); aerr == nil || aerr.Code != "InvalidParameterException" {
		t.Fatalf("a token that is no token: %v", aerr)
	}

	var clients []string
	for _, name := range []string{"x", "y", "z"} {
		c, err := s.CreateUserPoolClient(&ClientInput{UserPoolId: pools[2], ClientName: name})
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c.ID)
		clk.Advance(1)
	}
	cs, next, aerr := s.ListUserPoolClients(pools[2], &one, "")
	if aerr != nil || len(cs) != 1 || cs[0].ID != clients[0] {
		t.Fatalf("first client page %v, %v", cs, aerr)
	}
	if err := s.DeleteUserPoolClient(pools[2], clients[0]); err != nil {
		t.Fatal(err)
	}
	if cs, _, aerr = s.ListUserPoolClients(pools[2], &one, next); aerr != nil || len(cs) != 1 || cs[0].ID != clients[1] {
		t.Fatalf("client page after the deleted client: %v, %v", cs, aerr)
	}

	for _, id := range []string{"api-1", "api-2"} {
		if _, err := s.CreateResourceServer(&ResourceServerInput{UserPoolId: pools[2], Identifier: id, Name: id}); err != nil {
			t.Fatal(err)
		}
	}
	rs, next, aerr := s.ListResourceServers(pools[2], &one, "")
	if aerr != nil || len(rs) != 1 || rs[0].Identifier != "api-1" {
		t.Fatalf("first resource server page %v, %v", rs, aerr)
	}
	if err := s.DeleteResourceServer(pools[2], "api-1"); err != nil {
		t.Fatal(err)
	}
	if rs, _, aerr = s.ListResourceServers(pools[2], &one, next); aerr != nil || len(rs) != 1 || rs[0].Identifier != "api-2" {
		t.Fatalf("resource server page after the deleted one: %v, %v", rs, aerr)
	}
}
