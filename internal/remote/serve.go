package remote

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"agentcore-workshop/steps/engine"
)

// Engine is the runner as the UI drives it (ui.Engine's methods but
// LastLog, which the client reads from the workspace itself).
type Engine interface {
	Snapshot() []engine.StageState
	Subscribe() (<-chan engine.Event, func())
	Start(id string) error
	StartAll() error
	Cancel()
	Secret(stepID, name string) (string, error)
	Dependents(id string) ([]engine.StageState, error)
	Reset(id string) error
}

// Extras are the UI's calls beside the runner's. A nil func answers with
// an error (Preflight: with no text).
type Extras struct {
	// TryToken sends a token of the learner's to the runtime and says why
	// it was refused.
	TryToken func(ctx context.Context, token string) (string, error)
	// FreshConsent runs the consent stage again, asking for a new consent.
	FreshConsent func() error
	// Preflight is doctor's report, as Markdown, shown above stage 1.
	Preflight func() string
}

// Pipes are what a front end hands the engine it starts.
type Pipes struct {
	In   io.ReadCloser  // requests
	Out  io.WriteCloser // hello, events, replies
	Lock *os.File       // the workspace's lock file, locked; nil if none was handed down
}

// ChildPipes returns the pipes (and the workspace lock) a front end handed
// this process (PipesEnv), after checking that it speaks this Version. ok
// is false when the process was not started by a front end.
func ChildPipes() (p Pipes, ok bool, err error) {
	fds, set := os.LookupEnv(PipesEnv)
	if !set {
		return Pipes{}, false, nil
	}
	if v := os.Getenv(VersionEnv); v != strconv.Itoa(Version) {
		return Pipes{}, true, fmt.Errorf("this engine speaks protocol %d, the agentcore-workshop that started it %q: they come from different builds; rebuild both (make build, or go install ./cmd/...)", Version, v)
	}
	var nums []int
	for f := range strings.SplitSeq(fds, ",") {
		n, err := strconv.Atoi(f)
		if err != nil || n < 3 {
			return Pipes{}, true, fmt.Errorf("%s=%q: want file descriptors IN,OUT[,LOCK]", PipesEnv, fds)
		}
		// Not for any process this one starts: inherited, they would keep
		// the pipes open (and the workspace locked) after this one ends.
		closeOnExec(n)
		nums = append(nums, n)
	}
	if len(nums) < 2 || len(nums) > 3 {
		return Pipes{}, true, fmt.Errorf("%s=%q: want file descriptors IN,OUT[,LOCK]", PipesEnv, fds)
	}
	p = Pipes{In: os.NewFile(uintptr(nums[0]), "remote-in"), Out: os.NewFile(uintptr(nums[1]), "remote-out")}
	if len(nums) == 3 {
		p.Lock = os.NewFile(uintptr(nums[2]), "workspace-lock")
	}
	return p, true, nil
}

// SayFatal tells the front end why this engine cannot serve it.
func SayFatal(out io.Writer, err error) error {
	return json.NewEncoder(out).Encode(message{Fatal: err.Error()})
}

// Serve answers the front end's requests from in with e and x until in
// ends (the front end quit, or died), then returns nil. It first says
// hello with the runner's snapshot, then streams every event the runner
// publishes. It leaves the runner as it is: the caller cancels a run still
// going, and closes.
func Serve(ctx context.Context, in io.Reader, out io.Writer, e Engine, x Extras, target, region string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := &writer{enc: json.NewEncoder(out)}

	// Subscribe before the snapshot: an event in between is in both, and
	// applying it again changes nothing (engine.StageState.Apply).
	events, stop := e.Subscribe()
	defer stop()
	if err := w.send(message{Hello: &Hello{Version: Version, Target: target, Region: region, States: toWire(e.Snapshot())}}); err != nil {
		return fmt.Errorf("say hello: %w", err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // before waiting: the handlers and the forwarder stop on it
	wg.Go(func() {
		for {
			select {
			case ev, ok := <-events:
				if !ok || w.send(message{Event: &ev}) != nil {
					return
				}
			case <-ctx.Done():
				return
			}
		}
	})

	dec := json.NewDecoder(bufio.NewReader(in))
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read request: %w", err)
		}
		wg.Go(func() {
			rep := handle(ctx, e, x, req)
			rep.ID = req.ID
			w.send(message{Reply: &rep}) // a front end gone by now reads nothing
		})
	}
}

func handle(ctx context.Context, e Engine, x Extras, req request) reply {
	fail := func(err error) reply {
		if err != nil {
			return reply{Err: err.Error()}
		}
		return reply{}
	}
	switch req.Op {
	case opStart:
		return fail(e.Start(req.Stage))
	case opStartAll:
		return fail(e.StartAll())
	case opCancel:
		e.Cancel()
		return reply{}
	case opSecret:
		v, err := e.Secret(req.Stage, req.Name)
		r := fail(err)
		r.Text = v
		return r
	case opDependents:
		deps, err := e.Dependents(req.Stage)
		r := fail(err)
		r.States = toWire(deps)
		return r
	case opReset:
		return fail(e.Reset(req.Stage))
	case opTryToken:
		if x.TryToken == nil {
			return reply{Err: "trying a token is not offered here"}
		}
		why, err := x.TryToken(ctx, req.Token)
		r := fail(err)
		r.Text = why
		return r
	case opFreshConsent:
		if x.FreshConsent == nil {
			return reply{Err: "a fresh consent is not offered here"}
		}
		return fail(x.FreshConsent())
	case opPreflight:
		if x.Preflight == nil {
			return reply{}
		}
		return reply{Text: x.Preflight()}
	}
	return reply{Err: fmt.Sprintf("unknown request %q (is the engine from another build?)", req.Op)}
}

// writer sends one message a line, whole lines only, from any goroutine.
type writer struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (w *writer) send(m message) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.enc.Encode(m)
}
