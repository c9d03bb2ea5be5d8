package remote

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"agentcore-workshop/internal/session"
	"agentcore-workshop/steps/engine"
)

// Client is the runner of an engine process as the UI sees it: a mirror
// of its stages, kept current by the engine's events through the one
// reducer (engine.Apply), and calls that go to the engine. A stage's kept
// log is read from the workspace here, so the UI shows what earlier runs
// did from its first frame on. Until the engine is started and has said
// hello, the mirror holds the state the front end read from the
// workspace, calls wait, and Cancel does nothing (no stage can be running
// yet).
type Client struct {
	events engine.Broadcast
	sess   *session.Session // for the kept logs

	mu      sync.Mutex
	states  []engine.StageState
	hello   Hello
	pending map[int64]chan reply
	next    int64
	closing bool

	launched bool
	ready    chan struct{} // closed on hello, or when the engine is gone
	gone     chan struct{} // closed once the engine's messages have ended
	err      error         // why the engine is gone; set before gone closes

	wmu  sync.Mutex
	w    io.WriteCloser // the engine's requests; nil until Launch
	enc  *json.Encoder
	proc *exec.Cmd
	tail *tail
}

// New returns a client whose mirror starts as states, read from sess.
func New(states []engine.StageState, sess *session.Session) *Client {
	return &Client{
		sess:    sess,
		states:  slices.Clone(states),
		pending: map[int64]chan reply{},
		ready:   make(chan struct{}),
		gone:    make(chan struct{}),
	}
}

// Launch starts the engine: cmd names its binary and arguments; Launch
// adds the two pipes, and lock, the workspace's lock file if the caller
// holds it (session.LockForChild), for the engine to take over. The
// engine's own output (it should have none: it logs to the workspace) is
// kept, its last lines for the error if it stops. Launch may be called
// once.
func (c *Client) Launch(cmd *exec.Cmd, lock *os.File) error {
	c.mu.Lock()
	if c.launched || c.closing {
		c.mu.Unlock()
		return errors.New("remote: engine launched twice, or after Close")
	}
	c.launched = true
	c.mu.Unlock()
	err := c.launch(cmd, lock)
	if err != nil {
		c.end(err)
	}
	return err
}

func (c *Client) launch(cmd *exec.Cmd, lock *os.File) error {
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("start the engine: %w", err)
	}
	msgR, msgW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return fmt.Errorf("start the engine: %w", err)
	}
	n := 3 + len(cmd.ExtraFiles)
	cmd.ExtraFiles = append(cmd.ExtraFiles, reqR, msgW)
	fds := fmt.Sprintf("%d,%d", n, n+1)
	if lock != nil {
		cmd.ExtraFiles = append(cmd.ExtraFiles, lock)
		fds += fmt.Sprintf(",%d", n+2)
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, PipesEnv+"="+fds, fmt.Sprintf("%s=%d", VersionEnv, Version))
	c.tail = &tail{max: 8 << 10}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, c.tail, c.tail
	// A grandchild holding the output open must not keep Wait waiting.
	cmd.WaitDelay = 2 * time.Second
	// A Close that comes while the engine starts either finds it started,
	// under this lock, and closes its pipe, or has begun before: then the
	// engine does not start. Otherwise Close could find no pipe yet and
	// wait for an engine nobody tells to go.
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.isClosing() {
		reqR.Close()
		reqW.Close()
		msgR.Close()
		msgW.Close()
		return ErrClosing
	}
	err = cmd.Start()
	reqR.Close() // the child's ends: with ours closed, EOF means the other side is gone
	msgW.Close()
	if err != nil {
		reqW.Close()
		msgR.Close()
		return fmt.Errorf("start the engine %s: %w", cmd.Path, err)
	}
	c.w, c.enc, c.proc = reqW, json.NewEncoder(reqW), cmd
	go c.read(msgR)
	return nil
}

// read follows the engine's messages until they end.
func (c *Client) read(r io.ReadCloser) {
	defer r.Close()
	dec := json.NewDecoder(bufio.NewReader(r))
	var fatal error
	hello := false
	for {
		var m message
		if err := dec.Decode(&m); err != nil {
			break // the engine exited, or wrote something that is not the protocol
		}
		switch {
		case m.Hello != nil && hello:
			fatal = errors.New("the engine said hello twice: it is not this build's engine")
			c.stop()
		case m.Hello != nil:
			hello = true
			c.mu.Lock()
			if m.Hello.Version != Version {
				c.mu.Unlock()
				fatal = fmt.Errorf("the engine speaks protocol %d, this agentcore-workshop %d: rebuild both (make build)", m.Hello.Version, Version)
				c.stop()
				continue
			}
			c.hello, c.states = *m.Hello, fromWire(m.Hello.States)
			c.mu.Unlock()
			close(c.ready)
		case m.Event != nil:
			c.mu.Lock()
			engine.Apply(c.states, *m.Event)
			// Published under the lock, so subscribers see the events in
			// the order the mirror applied them.
			c.events.Publish(*m.Event)
			c.mu.Unlock()
		case m.Reply != nil:
			c.mu.Lock()
			ch := c.pending[m.Reply.ID]
			delete(c.pending, m.Reply.ID)
			c.mu.Unlock()
			if ch != nil {
				ch <- *m.Reply
			}
		case m.Fatal != "":
			fatal = errors.New(m.Fatal)
		}
	}
	err := c.proc.Wait()
	switch {
	case fatal != nil:
	case c.isClosing() && err == nil:
		fatal = ErrClosing
	case err != nil:
		fatal = fmt.Errorf("the workshop's engine stopped (%v)%s", err, c.tail.last())
	default:
		fatal = fmt.Errorf("the workshop's engine stopped%s", c.tail.last())
	}
	c.end(fatal)
}

// end records why the engine is gone and fails every call waiting on it.
func (c *Client) end(err error) {
	c.mu.Lock()
	c.err = err
	pending := c.pending
	c.pending = map[int64]chan reply{}
	select {
	case <-c.ready:
	default:
		close(c.ready)
	}
	c.mu.Unlock()
	for _, ch := range pending {
		ch <- reply{Err: err.Error()}
	}
	close(c.gone)
}

func (c *Client) isClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing
}

// stop closes the engine's requests: it finishes (cancelling a run in
// progress and saving it) and exits.
func (c *Client) stop() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.w != nil {
		c.w.Close()
		c.w, c.enc = nil, nil
	}
}

// Ready is closed once the engine has said hello, or is gone (see Err).
func (c *Client) Ready() <-chan struct{} { return c.ready }

// Gone is closed once the engine has exited, or failed to start.
func (c *Client) Gone() <-chan struct{} { return c.gone }

// Err says why the engine is gone: ErrClosing after Close, otherwise what
// went wrong. nil while it runs.
func (c *Client) Err() error {
	select {
	case <-c.gone:
		return c.err
	default:
		return nil
	}
}

// Place returns the target and region the engine reported in its hello;
// empty before it.
func (c *Client) Place() (target, region string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hello.Target, c.hello.Region
}

// Close tells the engine to finish and waits until it has exited. A run in
// progress is cancelled and saved by the engine. It returns the engine's
// error if it stopped on its own before, or failed while finishing.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closing = true
	launched := c.launched
	c.launched = true // no Launch from now on
	c.mu.Unlock()
	if !launched {
		c.end(ErrClosing)
		return nil
	}
	c.stop()
	<-c.gone
	if errors.Is(c.err, ErrClosing) {
		return nil
	}
	return c.err
}

// call sends req once the engine is ready and waits for its reply.
func (c *Client) call(req request) reply {
	<-c.ready
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return reply{Err: err.Error()}
	}
	c.next++
	req.ID = c.next
	ch := make(chan reply, 1)
	c.pending[req.ID] = ch
	c.mu.Unlock()

	c.wmu.Lock()
	var err error
	if c.enc == nil {
		err = ErrClosing
	} else {
		err = c.enc.Encode(req)
	}
	c.wmu.Unlock()
	if err != nil {
		c.mu.Lock()
		delete(c.pending, req.ID)
		c.mu.Unlock()
		select {
		case r := <-ch: // end failed it meanwhile
			return r
		default:
		}
		return reply{Err: fmt.Sprintf("send to the engine: %v", err)}
	}
	return <-ch
}

// Snapshot returns the mirror: every stage as the engine last said.
func (c *Client) Snapshot() []engine.StageState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return engine.Copy(c.states, time.Now())
}

// Subscribe returns the engine's events from now on, in order.
func (c *Client) Subscribe() (<-chan engine.Event, func()) { return c.events.Subscribe() }

// Start runs stage id in the engine.
func (c *Client) Start(id string) error { return c.call(request{Op: opStart, Stage: id}).err() }

// StartAll runs the remaining stages in the engine.
func (c *Client) StartAll() error { return c.call(request{Op: opStartAll}).err() }

// Cancel stops the engine's run in progress. Before the engine is ready
// nothing runs, so there is nothing to wait for.
func (c *Client) Cancel() {
	select {
	case <-c.ready:
		go c.call(request{Op: opCancel})
	default:
	}
}

// Secret reads a secret value a stage produced.
func (c *Client) Secret(stepID, name string) (string, error) {
	r := c.call(request{Op: opSecret, Stage: stepID, Name: name})
	return r.Text, r.err()
}

// LastLog returns the kept log of a stage's last run, as the runner does
// (the engine keeps it in the workspace as it runs).
func (c *Client) LastLog(stepID string) ([]string, error) {
	c.mu.Lock()
	i := slices.IndexFunc(c.states, func(s engine.StageState) bool { return s.ID == stepID })
	var started time.Time
	if i >= 0 {
		started = c.states[i].StartedAt
	}
	c.mu.Unlock()
	if i < 0 {
		return nil, fmt.Errorf("there is no stage called %q", stepID)
	}
	if started.IsZero() {
		return nil, nil // never ran (or reset since)
	}
	lines, err := c.sess.LastRunLog(stepID, started)
	if err != nil {
		return lines, fmt.Errorf("stage %q: %w", stepID, err)
	}
	return lines, nil
}

// Dependents returns stage id and every stage that requires it.
func (c *Client) Dependents(id string) ([]engine.StageState, error) {
	r := c.call(request{Op: opDependents, Stage: id})
	if err := r.err(); err != nil {
		return nil, err
	}
	return fromWire(r.States), nil
}

// Reset makes stage id and its dependents pending.
func (c *Client) Reset(id string) error { return c.call(request{Op: opReset, Stage: id}).err() }

// TryToken sends a token to the runtime and says why it was refused.
func (c *Client) TryToken(ctx context.Context, token string) (string, error) {
	done := make(chan reply, 1)
	go func() { done <- c.call(request{Op: opTryToken, Token: token}) }()
	select {
	case r := <-done:
		return r.Text, r.err()
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// FreshConsent runs the consent stage again, asking for a new consent.
func (c *Client) FreshConsent() error { return c.call(request{Op: opFreshConsent}).err() }

// Preflight returns doctor's report as Markdown ("" when there is none or
// the engine is gone).
func (c *Client) Preflight() string {
	r := c.call(request{Op: opPreflight})
	if r.err() != nil {
		return ""
	}
	return r.Text
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append([]byte(nil), t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

// last returns what was written, for an error message: ": " and the text,
// or nothing.
func (t *tail) last() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.b))
	if s == "" {
		return ""
	}
	return ":\n" + s
}
