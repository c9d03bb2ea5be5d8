package cognito

import (
	"encoding/json"
	"fmt"

	"agentcore-workshop/internal/sandbox/store"
)

// Each pool is one record of the store (storeDoc/<pool id>.json), written
// atomically on its own, so a change costs one pool's write however many
// pools the room holds, and a crash between two pools' writes loses
// neither. The write happens after s.mu is released (write): readers and
// other pools' writers never wait for the disk, only the caller whose
// change it is. The caller answers once its pool is on disk.
//
// A failed write puts the pool back to its last encoding on disk, unless a
// newer change to it was handed over meanwhile: that change's write carries
// this one too and settles the pool either way (on disk, or put back by
// its own failure). The in-memory state is thus never left ahead of the
// disk; under a disk failure a concurrent change to the same pool may
// still land one answered with an error, as an AWS call answered with a
// 5xx may have taken effect.

// load reads every pool's record, first moving a state from the old single
// document (every pool in storeDoc.json) to records.
func (s *Service) load() error {
	recs := &store.Records{} // in memory when the sandbox keeps no state
	if s.store != nil {
		var err error
		if recs, err = s.store.Records(storeDoc); err != nil {
			return fmt.Errorf("open cognito state: %w", err)
		}
	}
	saved, err := recs.All()
	if err != nil {
		return fmt.Errorf("load cognito state: %w", err)
	}
	for id, b := range saved {
		p, err := decodePool(b)
		if err != nil {
			return fmt.Errorf("load user pool %s: %w", id, err)
		}
		if p.ID != id {
			return fmt.Errorf("load user pool %s: the record holds pool %q", id, p.ID)
		}
		s.index(p)
	}
	if s.store != nil {
		if err := s.migrate(recs, saved); err != nil {
			return err
		}
	}
	s.writer = store.NewWriter(recs, saved)
	return nil
}

// migrate moves the old single document's pools to records, then removes
// the document. Until it is removed no change is served, so when a crash
// interrupted an earlier migration the document is still the newest state
// and its pools overwrite the records written from it.
func (s *Service) migrate(recs *store.Records, saved map[string][]byte) error {
	var old persisted
	ok, err := s.store.Load(storeDoc, &old)
	if err != nil {
		return fmt.Errorf("load cognito state: %w", err)
	}
	if !ok {
		return nil
	}
	for _, p := range old.Pools {
		if err := p.Keys.load(); err != nil {
			return fmt.Errorf("load keys of user pool %s: %w", p.ID, err)
		}
		p.init()
		b, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("encode user pool %s: %w", p.ID, err)
		}
		if err := recs.Put(p.ID, b); err != nil {
			return fmt.Errorf("move user pool %s to its own record: %w", p.ID, err)
		}
		if cur, ok := s.pools[p.ID]; ok {
			s.unindex(cur)
		}
		s.index(p)
		saved[p.ID] = b
	}
	if err := s.store.Remove(storeDoc); err != nil {
		return fmt.Errorf("remove the migrated cognito state: %w", err)
	}
	return nil
}

func decodePool(b []byte) (*Pool, error) {
	p := &Pool{}
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if err := p.Keys.load(); err != nil {
		return nil, fmt.Errorf("load keys: %w", err)
	}
	p.init()
	return p, nil
}

// index adds p to the service's maps; callers hold s.mu. A domain another
// pool holds stays with it (two pools can claim one only after a failed
// write put one back).
func (s *Service) index(p *Pool) {
	s.pools[p.ID] = p
	for id := range p.Clients {
		s.clients[id] = p.ID
	}
	if _, taken := s.domains[p.Domain]; p.Domain != "" && !taken {
		s.domains[p.Domain] = p.ID
	}
}

// unindex removes p from the service's maps; callers hold s.mu.
func (s *Service) unindex(p *Pool) {
	if s.pools[p.ID] == p {
		delete(s.pools, p.ID)
	}
	for id := range p.Clients {
		if s.clients[id] == p.ID {
			delete(s.clients, id)
		}
	}
	if p.Domain != "" && s.domains[p.Domain] == p.ID {
		delete(s.domains, p.Domain)
	}
}

// write runs change with s.mu held for writing. change returns the pool it
// changed (nil when it changed nothing, or with its error); a pool no longer
// in s.pools was deleted. Its new state goes to the writer before s.mu is
// released, and write returns once it is on disk.
func (s *Service) write(change func() (*Pool, *awsErr)) *awsErr {
	s.mu.Lock()
	p, err := change()
	if err != nil || p == nil {
		s.mu.Unlock()
		return err
	}
	var data []byte // nil: the pool was deleted
	if s.pools[p.ID] == p {
		var merr error
		if data, merr = json.Marshal(p); merr != nil {
			s.putBack(p)
			s.mu.Unlock()
			return errInternal("encode user pool: %v", merr)
		}
	}
	p.ver++
	ver := p.ver
	pending := s.writer.Put(p.ID, data)
	s.mu.Unlock()

	werr := pending.Wait()
	if werr == nil {
		return nil
	}
	s.log.Error("persist cognito user pool", "pool", p.ID, "err", werr)
	s.mu.Lock()
	if p.ver == ver { // no newer change to carry this one
		s.putBack(p)
	}
	s.mu.Unlock()
	return errInternal("persist state: %v", werr)
}

// putBack puts pool p (changed or deleted in memory) back to its last
// encoding on disk, or removes it when it never reached the disk; callers
// hold s.mu and have handed no newer change of p to the writer.
func (s *Service) putBack(p *Pool) {
	if cur, ok := s.pools[p.ID]; ok && cur != p {
		return // p was put back already, and changed since
	}
	s.unindex(p)
	b := s.writer.Saved(p.ID)
	if b == nil {
		return
	}
	saved, err := decodePool(b)
	if err != nil { // it was encoded by this service: cannot happen
		s.log.Error("put back cognito user pool", "pool", p.ID, "err", err)
		return
	}
	s.index(saved)
}
