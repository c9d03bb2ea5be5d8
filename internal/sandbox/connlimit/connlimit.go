// Package connlimit bounds the connections one remote host may hold open
// on a listener. A room's sandbox is shared: one learner's machine opening
// connections and sending nothing (a slow-connection flood) must not use
// up the server's connection cap and lock everyone else out. Connections
// over a host's share are closed as soon as they are accepted.
package connlimit

import (
	"net"
	"sync"
)

// PerHost returns a listener that accepts at most n simultaneous
// connections from each remote IP address, closing the ones above it.
func PerHost(ln net.Listener, n int) net.Listener {
	return &perHost{Listener: ln, max: n, open: map[string]int{}}
}

type perHost struct {
	net.Listener
	max  int
	mu   sync.Mutex
	open map[string]int
}

func (l *perHost) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host := remoteHost(c)
		l.mu.Lock()
		over := l.open[host] >= l.max
		if !over {
			l.open[host]++
		}
		l.mu.Unlock()
		if over {
			c.Close()
			continue
		}
		return &conn{Conn: c, release: func() { l.release(host) }}, nil
	}
}

func (l *perHost) release(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[host]--; l.open[host] <= 0 {
		delete(l.open, host)
	}
}

func remoteHost(c net.Conn) string {
	addr := c.RemoteAddr().String()
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// conn gives its host's slot back once, however often it is closed.
type conn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
