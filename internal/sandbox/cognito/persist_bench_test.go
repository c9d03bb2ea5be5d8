package cognito

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"agentcore-workshop/internal/sandbox/edge"
	"agentcore-workshop/internal/sandbox/store"
)

// BenchmarkWriteAmongPools measures Cognito writes (AdminSetUserPassword,
// each on its own learner's pool, every core busy) on a state directory
// holding a room's pools: 200, two per learner at 100 learners. A write
// costs one pool's record, so its rate should not fall with the pools in
// the room. The pools share one pool's keys: generating 400 RSA keys would
// only slow the set-up.
func BenchmarkWriteAmongPools(b *testing.B) {
	for _, n := range []int{10, 200} {
		b.Run(fmt.Sprintf("pools=%d", n), func(b *testing.B) {
			st, err := store.New(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			s, err := New(edge.Deps{URL: "http://127.0.0.1:4747", Store: st})
			if err != nil {
				b.Fatal(err)
			}
			ids := seedPools(b, s, n)
			var next atomic.Int64
			b.ResetTimer()
			begin := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := ids[int(next.Add(1))%len(ids)]
					if err := s.AdminSetUserPassword(id, "ana", "Passw0rd!one", true); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(begin).Seconds(), "writes/s")
		})
	}
}

// seedPools makes n pools with one user each, copies of one pool's keys.
func seedPools(b *testing.B, s *Service, n int) []string {
	b.Helper()
	first, err := s.CreateUserPool(&CreateUserPoolInput{PoolName: "room"})
	if err != nil {
		b.Fatal(err)
	}
	ids := []string{first.ID}
	for len(ids) < n {
		err := s.write(func() (*Pool, *awsErr) {
			p := *s.pools[first.ID]
			p.ID, p.ver = newPoolID(s.region), 0
			p.Users, p.Clients, p.ResourceServers = nil, nil, nil
			p.init()
			s.pools[p.ID] = &p
			ids = append(ids, p.ID)
			return &p, nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	for _, id := range ids {
		if _, err := s.AdminCreateUser(&AdminCreateUserInput{UserPoolId: id, Username: "ana"}); err != nil {
			b.Fatal(err)
		}
	}
	return ids
}
