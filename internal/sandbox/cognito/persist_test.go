package cognito

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/store"
)

// persistEnv is a Cognito service on a state directory, reopened as a
// restarted sandbox would reopen it.
type persistEnv struct {
	t   *testing.T
	dir string
}

func (e persistEnv) open() *Service {
	e.t.Helper()
	st, err := store.New(e.dir)
	if err != nil {
		e.t.Fatal(err)
	}
	s, err := New(edge.Deps{URL: "http://127.0.0.1:4747", Store: st})
	if err != nil {
		e.t.Fatalf("open cognito state: %v", err)
	}
	return s
}

func (e persistEnv) record(id string) string { return filepath.Join(e.dir, storeDoc, id+".json") }

// newPool makes a pool with one confirmed user and one client.
func newPool(t *testing.T, s *Service, name string) (poolID, clientID string) {
	t.Helper()
	p, err := s.CreateUserPool(&CreateUserPoolInput{PoolName: name})
	if err != nil {
		t.Fatalf("create pool: %v", err)
	}
	if _, err := s.AdminCreateUser(&AdminCreateUserInput{UserPoolId: p.ID, Username: "ana"}); err != nil {
		t.Fatalf("create user: %v", err)
	}
	if err := s.AdminSetUserPassword(p.ID, "ana", "Passw0rd!one", true); err != nil {
		t.Fatalf("set password: %v", err)
	}
	c, err := s.CreateUserPoolClient(&ClientInput{UserPoolId: p.ID, ClientName: "app"})
	if err != nil {
		t.Fatalf("create client: %v", err)
	}
	return p.ID, c.ID
}

// samePool checks that b holds pool id as a holds it: keys, users, clients.
func samePool(t *testing.T, a, b *Service, id string) {
	t.Helper()
	pa, pb := a.pools[id], b.pools[id]
	if pb == nil {
		t.Fatalf("pool %s lost", id)
	}
	if pa.Keys.Access.KID != pb.Keys.Access.KID || pa.Keys.ID.KID != pb.Keys.ID.KID || string(pa.Keys.Seal) != string(pb.Keys.Seal) {
		t.Fatalf("pool %s has other keys after the restart", id)
	}
	if len(pb.Users) != len(pa.Users) || len(pb.Clients) != len(pa.Clients) {
		t.Fatalf("pool %s: %d users, %d clients; want %d, %d", id, len(pb.Users), len(pb.Clients), len(pa.Users), len(pa.Clients))
	}
	for name, u := range pa.Users {
		if v := pb.Users[name]; v == nil || string(v.Hash) != string(u.Hash) || v.Status != u.Status {
			t.Fatalf("pool %s: user %s differs after the restart", id, name)
		}
	}
	for cid := range pa.Clients {
		if b.clients[cid] != id {
			t.Fatalf("client %s does not lead to pool %s after the restart", cid, id)
		}
	}
	if pa.Domain != "" && b.domains[pa.Domain] != id {
		t.Fatalf("domain %s does not lead to pool %s after the restart", pa.Domain, id)
	}
}

// Each pool is its own record: a crash while one pool's write is under way
// (its temp file half written) loses neither that pool's last completed
// state nor the other pool's newest one.
func TestCrashBetweenTwoPoolsWritesLosesNeither(t *testing.T) {
	e := persistEnv{t: t, dir: t.TempDir()}
	s := e.open()
	a, _ := newPool(t, s, "first")
	b, _ := newPool(t, s, "second")
	if err := s.CreateUserPoolDomain("first-domain", a); err != nil {
		t.Fatal(err)
	}
	// A's newest change is on disk; B's next write is cut short by the
	// crash: its temp file holds half of B's record, the rename never ran.
	if err := s.AdminSetUserPassword(a, "ana", "Passw0rd!two", true); err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(e.record(b))
	if err != nil {
		t.Fatal(err)
	}
	torn := filepath.Join(e.dir, storeDoc, "."+b+".json.tmp-1234")
	if err := os.WriteFile(torn, whole[:len(whole)/2], 0o600); err != nil {
		t.Fatal(err)
	}

	s2 := e.open()
	if len(s2.pools) != 2 {
		t.Fatalf("%d pools after the restart, want 2", len(s2.pools))
	}
	samePool(t, s, s2, a)
	samePool(t, s, s2, b)
	if !s2.pools[a].Users["ana"].passwordMatches("Passw0rd!two") {
		t.Fatal("pool A lost its newest change")
	}
}

// A state directory from before records (every pool in cognito.json) is
// loaded and moved to one record per pool; the old document goes.
func TestOldSingleDocumentIsMigrated(t *testing.T) {
	e := persistEnv{t: t, dir: t.TempDir()}
	s := e.open()
	a, _ := newPool(t, s, "first")
	b, _ := newPool(t, s, "second")
	st, err := store.New(e.dir)
	if err != nil {
		t.Fatal(err)
	}
	// The old layout, as the service wrote it before records.
	if err := st.Save(storeDoc, persisted{Pools: []*Pool{s.pools[a], s.pools[b]}}); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(e.dir, storeDoc)); err != nil {
		t.Fatal(err)
	}

	s2 := e.open()
	samePool(t, s, s2, a)
	samePool(t, s, s2, b)
	if _, err := os.Stat(filepath.Join(e.dir, storeDoc+".json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the old document is still there: %v", err)
	}
	for _, id := range []string{a, b} {
		if _, err := os.Stat(e.record(id)); err != nil {
			t.Fatalf("pool %s has no record: %v", id, err)
		}
	}
	samePool(t, s, e.open(), a) // and the records alone load the same
}

// A write that fails leaves nothing of the change in memory: the pool is
// put back to its last state on disk, and other pools go on.
func TestFailedWritePutsThePoolBack(t *testing.T) {
	e := persistEnv{t: t, dir: t.TempDir()}
	s := e.open()
	a, _ := newPool(t, s, "first")
	b, bClient := newPool(t, s, "second")
	// B's record becomes a directory: renaming a file over it, or
	// removing it, fails (even for root).
	if err := os.Remove(e.record(b)); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(e.record(b), "blocker"), 0o700); err != nil {
		t.Fatal(err)
	}

	if _, err := s.AdminCreateUser(&AdminCreateUserInput{UserPoolId: b, Username: "bo"}); err == nil || err.Code != "InternalErrorException" {
		t.Fatalf("create user with B's record unwritable = %v", err)
	}
	if _, err := s.AdminGetUser(b, "bo"); err == nil || err.Code != "UserNotFoundException" {
		t.Fatalf("the failed user is in memory: %v", err)
	}
	if err := s.DeleteUserPoolClient(b, bClient); err == nil {
		t.Fatal("delete client with B's record unwritable succeeded")
	}
	if _, err := s.DescribeUserPoolClient(b, bClient); err != nil {
		t.Fatalf("the client whose deletion failed is gone: %v", err)
	}
	if _, _, err := s.clientByID(bClient); err != nil {
		t.Fatalf("the client whose deletion failed is not found by id: %v", err)
	}
	if err := s.DeleteUserPool(b); err == nil {
		t.Fatal("delete pool with B's record unremovable succeeded")
	}
	if _, err := s.DescribeUserPool(b); err != nil {
		t.Fatalf("the pool whose deletion failed is gone: %v", err)
	}
	if _, err := s.AdminCreateUser(&AdminCreateUserInput{UserPoolId: a, Username: "bo"}); err != nil {
		t.Fatalf("pool A cannot change while B's record is broken: %v", err)
	}
	u, err := s.AdminGetUser(b, "ana")
	if err != nil || u.Status != "CONFIRMED" {
		t.Fatalf("B's user after the put-back: %+v, %v", u, err)
	}
	if len(s.pools[b].Users) != 1 {
		t.Fatalf("B has %d users after the failed writes, want 1", len(s.pools[b].Users))
	}
}

// Records survive the round trip as JSON the old document held: a record
// is exactly one pool of the old "pools" array.
func TestRecordIsOnePool(t *testing.T) {
	e := persistEnv{t: t, dir: t.TempDir()}
	s := e.open()
	a, _ := newPool(t, s, "first")
	b, err := os.ReadFile(e.record(a))
	if err != nil {
		t.Fatal(err)
	}
	var old persisted
	if err := json.Unmarshal([]byte(`{"pools":[`+string(b)+`]}`), &old); err != nil || len(old.Pools) != 1 || old.Pools[0].ID != a {
		t.Fatalf("record as an old document: %v, %+v", err, old)
	}
}
