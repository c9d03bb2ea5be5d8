package store

import (
	"encoding/json"
	"fmt"
)

// Doc is a service's state kept as one document, with the encoding last
// written. When a write fails the state goes back to that encoding: every
// caller answers the failure as an error, and that error must not leave
// its change in memory where later requests (and the next successful
// write) would see it. The one encoding serves as both the document
// written and the next rollback point; re-reading the disk instead would
// fail exactly when it is broken. The owner's lock guards a Doc and its
// state.
type Doc[T any] struct {
	st    *Store
	name  string
	init  func(*T)
	saved []byte
}

// LoadDoc reads document name into v and runs init on it (which fills in
// what an empty or older document lacks); v is then what was last written.
func LoadDoc[T any](st *Store, name string, v *T, init func(*T)) (*Doc[T], error) {
	if _, err := st.Load(name, v); err != nil {
		return nil, fmt.Errorf("load %s state: %w", name, err)
	}
	init(v)
	saved, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s state: %w", name, err)
	}
	return &Doc[T]{st: st, name: name, init: init, saved: saved}, nil
}

// Save writes v as the document. When that fails, *v goes back to what was
// last written.
func (d *Doc[T]) Save(v *T) error {
	snap, err := json.Marshal(v)
	if err == nil {
		err = d.st.Save(d.name, json.RawMessage(snap))
	}
	if err != nil {
		var prev T
		if uerr := json.Unmarshal(d.saved, &prev); uerr != nil {
			return fmt.Errorf("save %s state: %w (and restore the last saved state: %v)", d.name, err, uerr)
		}
		d.init(&prev)
		*v = prev
		return fmt.Errorf("save %s state: %w", d.name, err)
	}
	d.saved = snap
	return nil
}
