package connlimit

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

func dialFrom(t *testing.T, local, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 2 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedByServer reports whether the server closed c (a read sees EOF or a
// reset) rather than keeping it open (the read times out).
func closedByServer(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout()) && (err == io.EOF || err != nil)
}

func TestPerHostCap(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := PerHost(inner, 3)
	t.Cleanup(func() { ln.Close() })
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	addr := inner.Addr().String()

	var flood []net.Conn
	for range 5 {
		flood = append(flood, dialFrom(t, "127.0.0.1", addr))
	}
	kept := 0
	for _, c := range flood {
		if !closedByServer(c) {
			kept++
		}
	}
	if kept != 3 {
		t.Fatalf("%d of 5 connections from one host kept open, want 3", kept)
	}

	// Another host still gets in.
	other := dialFrom(t, "127.0.0.2", addr)
	if closedByServer(other) {
		t.Fatal("a second host was refused while the first was at its cap")
	}

	// Closing one of the first host's connections frees its slot.
	for range 4 {
		(<-accepted).Close()
	}
	again := dialFrom(t, "127.0.0.1", addr)
	if closedByServer(again) {
		t.Fatal("a freed slot was not given back")
	}
}
