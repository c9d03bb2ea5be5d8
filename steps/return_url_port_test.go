package steps

import (
	"net"
	"strconv"
	"testing"
)

// The return URL's port must come from below the ephemeral ranges, so an
// outgoing connection cannot take it between configure and consent, and a
// port in use must be passed over.
func TestReturnPortIsBelowTheEphemeralRangeAndFree(t *testing.T) {
	ws := t.TempDir()
	first, err := freeReturnPort(ws)
	if err != nil {
		t.Fatal(err)
	}
	if first < returnPortLow || first > returnPortHigh {
		t.Fatalf("port %d outside [%d, %d]", first, returnPortLow, returnPortHigh)
	}
	again, err := freeReturnPort(ws)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Fatalf("same workspace, same free port expected: %d then %d", first, again)
	}

	// Hold the port it chose: the next choice must be another, free port.
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(first)))
	if err != nil {
		t.Fatalf("hold port %d: %v", first, err)
	}
	defer ln.Close()
	next, err := freeReturnPort(ws)
	if err != nil {
		t.Fatal(err)
	}
	if next == first {
		t.Fatalf("chose port %d although it is held", next)
	}
	if next < returnPortLow || next > returnPortHigh {
		t.Fatalf("port %d outside [%d, %d]", next, returnPortLow, returnPortHigh)
	}
	probe, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(next)))
	if err != nil {
		t.Fatalf("port %d was chosen as free but cannot be served: %v", next, err)
	}
	probe.Close()
}
