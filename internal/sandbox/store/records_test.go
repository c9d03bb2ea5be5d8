package store

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func openRecords(t *testing.T) (*Store, *Records) {
	t.Helper()
	st, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.Records("things")
	if err != nil {
		t.Fatal(err)
	}
	return st, r
}

// All reads back what Put wrote and Delete left, and skips what is not a
// record: a crash's temp file, a symbolic link, another kind of file.
func TestRecordsRoundTrip(t *testing.T) {
	_, r := openRecords(t)
	for id, v := range map[string]string{"us-west-2_AbC": `{"a":1}`, "b": `{"b":2}`, "gone": `{}`} {
		if err := r.Put(id, []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Delete("gone"); err != nil {
		t.Fatal(err)
	}
	if err := r.Delete("never-there"); err != nil {
		t.Fatalf("delete a missing record: %v", err)
	}
	for name, content := range map[string]string{".b.json.tmp-99": `{"b":`, "notes.txt": "x"} {
		if err := os.WriteFile(filepath.Join(r.dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(r.dir, "b.json"), filepath.Join(r.dir, "link.json")); err != nil {
		t.Fatal(err)
	}
	all, err := r.All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || string(all["us-west-2_AbC"]) != `{"a":1}` || string(all["b"]) != `{"b":2}` {
		t.Fatalf("All = %q", all)
	}
	for _, bad := range []string{"", "../x", ".hidden", "a/b", "a.b"} {
		if err := r.Put(bad, []byte("{}")); err == nil {
			t.Fatalf("Put(%q) accepted", bad)
		}
	}
}

func TestRemoveDocument(t *testing.T) {
	st, _ := openRecords(t)
	if err := st.Save("doc", map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	if err := st.Remove("doc"); err != nil {
		t.Fatal(err)
	}
	var v map[string]int
	if ok, err := st.Load("doc", &v); ok || err != nil {
		t.Fatalf("Load after Remove = %v, %v", ok, err)
	}
	if err := st.Remove("doc"); err != nil {
		t.Fatalf("remove a missing document: %v", err)
	}
}

// Everything Put is on disk once its Pending is done, the newest encoding
// of each record winning, and Saved follows what reached the disk.
func TestWriterWritesTheNewest(t *testing.T) {
	_, r := openRecords(t)
	w := NewWriter(r, nil)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			id := []string{"a", "b"}[i%2]
			if err := w.Put(id, []byte{'0' + byte(i%10)}).Wait(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// Ordered puts of one record: the last wins, on disk and in Saved.
	var last Pending
	for _, v := range []string{"1", "2", "3"} {
		last = w.Put("a", []byte(v))
	}
	if err := last.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := w.Put("b", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	all, err := r.All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || string(all["a"]) != "3" {
		t.Fatalf("on disk: %q", all)
	}
	if string(w.Saved("a")) != "3" || w.Saved("b") != nil {
		t.Fatalf("Saved a=%q b=%q", w.Saved("a"), w.Saved("b"))
	}
}

// A record that cannot be written fails alone; Saved keeps its last good
// encoding for the owner to go back to.
func TestWriterFailsOneRecord(t *testing.T) {
	_, r := openRecords(t)
	w := NewWriter(r, map[string][]byte{"bad": []byte("old")})
	if err := os.MkdirAll(filepath.Join(r.dir, "bad.json", "blocker"), 0o700); err != nil {
		t.Fatal(err)
	}
	bad, good := w.Put("bad", []byte("new")), w.Put("good", []byte("ok"))
	if err := bad.Wait(); err == nil {
		t.Fatal("writing over a directory succeeded")
	}
	if err := good.Wait(); err != nil {
		t.Fatalf("the other record of the batch: %v", err)
	}
	if string(w.Saved("bad")) != "old" || string(w.Saved("good")) != "ok" {
		t.Fatalf("Saved bad=%q good=%q", w.Saved("bad"), w.Saved("good"))
	}
}

// A Doc's failed write puts the state back to what was last written, and a
// later write starts from there.
func TestDocPutsBackAFailedWrite(t *testing.T) {
	st, _ := openRecords(t)
	type state struct{ Items map[string]int }
	init := func(s *state) {
		if s.Items == nil {
			s.Items = map[string]int{}
		}
	}
	var v state
	doc, err := LoadDoc(st, "things-doc", &v, init)
	if err != nil {
		t.Fatal(err)
	}
	v.Items["a"] = 1
	if err := doc.Save(&v); err != nil {
		t.Fatal(err)
	}
	// The document's path becomes a directory: the write fails.
	p := filepath.Join(st.Dir, "things-doc.json")
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(p, "blocker"), 0o700); err != nil {
		t.Fatal(err)
	}
	v.Items["b"] = 2
	if err := doc.Save(&v); err == nil {
		t.Fatal("a write over a directory succeeded")
	}
	if len(v.Items) != 1 || v.Items["a"] != 1 {
		t.Fatalf("after the failed write: %v, want what was last written", v.Items)
	}
	if err := os.RemoveAll(p); err != nil {
		t.Fatal(err)
	}
	v.Items["c"] = 3
	if err := doc.Save(&v); err != nil {
		t.Fatal(err)
	}
	var back state
	if _, err := LoadDoc(st, "things-doc", &back, init); err != nil || len(back.Items) != 2 || back.Items["c"] != 3 {
		t.Fatalf("reloaded %v, %v", back.Items, err)
	}
}
