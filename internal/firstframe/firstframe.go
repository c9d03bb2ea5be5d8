// Package firstframe measures a terminal program's start from outside, the
// way a learner sees it: it starts the real binary in a pseudo-terminal of a
// fixed size and times how long it takes until a given text is on the
// screen. It also sums a Go program's package initialisation from
// GODEBUG=inittrace=1. The benchmarks beside it compare the workshop with
// another tutorial runner in the same run.
package firstframe

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
)

// Size is a terminal size in cells.
type Size struct{ Cols, Rows int }

// Launch is one timed start of a program.
type Launch struct {
	// Elapsed runs from just before the process is started until the output
	// holding the marker has been read.
	Elapsed time.Duration
	// Screen is everything the program wrote up to then, escape sequences
	// removed, for error messages.
	Screen string
	// CPU is the processor time the program's threads had used when the
	// marker was read (from /proc; 0 where that is missing). Unlike Elapsed
	// it hardly grows when other processes load the machine, so it shows
	// what a change saves even when wall-clock medians are noisy.
	CPU time.Duration
}

// Measure starts cmd in a new pseudo-terminal of size sz and returns how
// long it took until marker was on screen. Then it ends the program with
// SIGTERM (SIGKILL if it has not exited within five seconds) and waits for
// it, so the next launch finds the workspace unlocked; that part is not
// timed. ctx bounds the whole launch.
//
// The marker is matched against the output with escape sequences and all
// white space removed: a terminal UI may move the cursor over blank cells
// instead of writing spaces, so "9 Clean up" is looked for as "9Cleanup".
func Measure(ctx context.Context, cmd *exec.Cmd, sz Size, marker string) (Launch, error) {
	want := squeeze(marker)
	if want == "" {
		return Launch{}, errors.New("firstframe: empty marker")
	}
	start := time.Now()
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(sz.Cols), Rows: uint16(sz.Rows)})
	if err != nil {
		return Launch{}, fmt.Errorf("start %s in a pty: %w", cmd.Path, err)
	}
	defer tty.Close()

	type seen struct {
		at     time.Time
		screen string
		cpu    time.Duration
	}
	found := make(chan seen, 1)
	readDone := make(chan error, 1)
	go func() {
		// The reader keeps draining after the marker so the program never
		// blocks on a full pty while it shuts down.
		var raw []byte
		var term terminal
		buf := make([]byte, 64<<10)
		matched := false
		for {
			n, err := tty.Read(buf)
			if n > 0 && !matched {
				at := time.Now()
				raw = append(raw, buf[:n]...)
				if screen := ansi.Strip(string(raw)); strings.Contains(squeeze(screen), want) {
					matched = true
					found <- seen{at, screen, cpuTime(cmd.Process.Pid)}
				} else if reply := term.answer(raw); len(reply) > 0 {
					_, _ = tty.Write(reply)
				}
			}
			if err != nil {
				readDone <- err
				return
			}
		}
	}()

	var l Launch
	var waitErr error
	select {
	case s := <-found:
		l = Launch{Elapsed: s.at.Sub(start), Screen: s.screen, CPU: s.cpu}
	case err := <-readDone:
		waitErr = fmt.Errorf("%s ended its output before showing %q: %w", cmd.Path, marker, err)
	case <-ctx.Done():
		waitErr = fmt.Errorf("%s did not show %q: %w", cmd.Path, marker, ctx.Err())
	}
	if err := stop(cmd); err != nil && waitErr == nil {
		waitErr = err
	}
	return l, waitErr
}

// cpuTime sums the time on a processor of every thread of process pid, from
// the first field of /proc/PID/task/TID/schedstat (nanoseconds). It returns
// 0 when /proc does not say.
func cpuTime(pid int) time.Duration {
	dir := fmt.Sprintf("/proc/%d/task", pid)
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	var sum time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(filepath.Join(dir, t.Name(), "schedstat"))
		if err != nil {
			continue // the thread ended meanwhile
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			continue
		}
		if ns, err := strconv.ParseInt(f[0], 10, 64); err == nil {
			sum += time.Duration(ns)
		}
	}
	return sum
}

// stop ends a launched program and reaps it.
func stop(cmd *exec.Cmd) error {
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
		return nil // it was told to stop; how it exits is not the question
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		return fmt.Errorf("%s ignored SIGTERM for 5s", strings.Join(cmd.Args, " "))
	}
}

// terminal answers the queries a program sends its terminal the way tmux
// does, since some programs wait for the answer before they draw (a
// background-colour query unanswered can stall a start by seconds).
type terminal struct {
	answered map[string]int // query → how many of it were answered
}

// queries are those a terminal UI sends at start, and tmux's answers.
var queries = []struct{ ask, reply string }{
	{"\x1b]11;?\x07", "\x1b]11;rgb:0000/0000/0000\x1b\\"},
	{"\x1b]11;?\x1b\\", "\x1b]11;rgb:0000/0000/0000\x1b\\"},
	{"\x1b]10;?\x07", "\x1b]10;rgb:ffff/ffff/ffff\x1b\\"},
	{"\x1b]10;?\x1b\\", "\x1b]10;rgb:ffff/ffff/ffff\x1b\\"},
	{"\x1b[6n", "\x1b[1;1R"},
	{"\x1b[c", "\x1b[?1;2c"},
	{"\x1b[0c", "\x1b[?1;2c"},
}

// answer returns the replies owed for the queries in everything the
// program has written so far (out), once per query sent.
func (t *terminal) answer(out []byte) []byte {
	if t.answered == nil {
		t.answered = map[string]int{}
	}
	var reply []byte
	for _, q := range queries {
		n := bytes.Count(out, []byte(q.ask))
		for ; t.answered[q.ask] < n; t.answered[q.ask]++ {
			reply = append(reply, q.reply...)
		}
	}
	return reply
}

// squeeze drops every white-space rune.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// InitSum adds up the clock time of every package initialisation that a Go
// program traced on stderr under GODEBUG=inittrace=1 ("init PKG @T ms, N ms
// clock, ..."), in milliseconds, and returns the number of lines it read.
// A program that hands over to another by exec (the learner's command does
// for every command but the terminal UI) traces both: ms has one sum per
// process, in order. A process's trace is told from the one before by its
// times, which count from its own start (@T goes back).
func InitSum(trace io.Reader) (ms []float64, packages int, err error) {
	sc := bufio.NewScanner(trace)
	last := -1.0
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "init ") {
			continue
		}
		f := strings.Fields(line)
		// init PKG @T ms, N ms clock, B bytes, A allocs
		if len(f) < 7 || f[6] != "clock," || f[5] != "ms" {
			return nil, 0, fmt.Errorf("unexpected inittrace line %q", line)
		}
		v, err := strconv.ParseFloat(f[4], 64)
		at, err2 := strconv.ParseFloat(strings.TrimPrefix(f[2], "@"), 64)
		if err != nil || err2 != nil {
			return nil, 0, fmt.Errorf("inittrace line %q: %w", line, errors.Join(err, err2))
		}
		if len(ms) == 0 || at < last {
			ms = append(ms, 0)
		}
		last = at
		ms[len(ms)-1] += v
		packages++
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("read inittrace: %w", err)
	}
	if packages == 0 {
		return nil, 0, errors.New("no inittrace lines (was GODEBUG=inittrace=1 set?)")
	}
	return ms, packages, nil
}

// InitTrace runs bin with args under GODEBUG=inittrace=1 and sums its
// package initialisation, per process (see InitSum).
func InitTrace(ctx context.Context, bin string, args ...string) (ms []float64, packages int, err error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, 0, fmt.Errorf("%s %s: %w\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	return InitSum(&stderr)
}
