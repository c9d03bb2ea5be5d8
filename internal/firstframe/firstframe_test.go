package firstframe_test

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"agentcore-workshop/internal/firstframe"
)

func TestInitSum(t *testing.T) {
	trace := "init internal/bytealg @0.005 ms, 0 ms clock, 0 bytes, 0 allocs\n" +
		"something else on stderr\n" +
		"init github.com/mattn/go-runewidth @1.2 ms, 0.07 ms clock, 22240 bytes, 53 allocs\n" +
		"init agentcore-workshop/ui @9 ms, 2.5 ms clock, 1040 bytes, 18 allocs\n"
	ms, n, err := firstframe.InitSum(strings.NewReader(trace))
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 || len(ms) != 1 || ms[0] < 2.5699 || ms[0] > 2.5701 {
		t.Fatalf("InitSum = %v ms over %d packages, want [2.57] over 3", ms, n)
	}
	// A program that execs another: two processes, two sums.
	exec := trace + "init runtime @9.5 ms, 0.05 ms clock, 0 bytes, 0 allocs\n" +
		"init internal/bytealg @0.004 ms, 0 ms clock, 0 bytes, 0 allocs\n" +
		"init runtime @0.03 ms, 0.06 ms clock, 0 bytes, 0 allocs\n" +
		"init github.com/aws/aws-sdk-go-v2/service/sts/internal/endpoints @4 ms, 0.2 ms clock, 9 bytes, 1 allocs\n"
	ms, n, err = firstframe.InitSum(strings.NewReader(exec))
	if err != nil {
		t.Fatal(err)
	}
	if n != 7 || len(ms) != 2 || ms[0] < 2.6199 || ms[0] > 2.6201 || ms[1] < 0.2599 || ms[1] > 0.2601 {
		t.Fatalf("InitSum of an exec = %v ms over %d packages, want [2.62 0.26] over 7", ms, n)
	}
	for name, bad := range map[string]string{
		"no trace":    "usage: ...\n",
		"odd format":  "init pkg @1 ms, 2 seconds, 3 bytes\n",
		"not numeric": "init pkg @1 ms, x ms clock, 3 bytes, 4 allocs\n",
	} {
		if _, _, err := firstframe.InitSum(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: InitSum(%q) succeeded", name, bad)
		}
	}
}

// The marker is found through escape sequences and skipped blanks, the
// terminal's queries are answered, and the program is stopped afterwards.
func TestMeasureSeesTheMarker(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("the scripted terminal program needs bash")
	}
	// A background-colour query first: the program only draws once it has
	// the answer, as some terminal UIs do. Then "9 Clean up" written the way
	// a renderer might: styled, with the cursor moved over a blank.
	script := `printf '\033]11;?\007'; IFS= read -r -s -d '\' reply; ` +
		`case "$reply" in *rgb:*) printf '\033[1m9\033[0m\033[1CClean\033[32m up\033[0m';; esac; exec cat`
	cmd := exec.Command(bash, "-c", script)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	l, err := firstframe.Measure(ctx, cmd, firstframe.Size{Cols: 80, Rows: 24}, "9 Clean up")
	if err != nil {
		t.Fatalf("Measure: %v (screen %q)", err, l.Screen)
	}
	if l.Elapsed <= 0 || !strings.Contains(l.Screen, "Clean") {
		t.Fatalf("launch %+v", l)
	}
	if _, err := os.Stat("/proc/self/task"); err == nil &&
		(l.CPU <= 0 || l.CPU > time.Duration(runtime.NumCPU())*l.Elapsed) {
		t.Fatalf("CPU = %v for a launch of %v", l.CPU, l.Elapsed)
	}
	if cmd.ProcessState == nil {
		t.Fatal("the program was not waited for")
	}
}

func TestMeasureReportsAMissingMarker(t *testing.T) {
	cmd := exec.Command("sh", "-c", "printf 'something else'")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := firstframe.Measure(ctx, cmd, firstframe.Size{Cols: 80, Rows: 24}, "9 Clean up"); err == nil {
		t.Fatal("Measure succeeded on output without the marker")
	}
}
