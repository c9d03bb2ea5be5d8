package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// roomLines reads `sandbox serve`'s stderr up to the room lines and
// returns the room URL and the terminal command line.
func roomLines(t *testing.T, stderr io.Reader) (string, string) {
	t.Helper()
	sc := bufio.NewScanner(stderr)
	var page string
	for sc.Scan() {
		line := sc.Text()
		if u, ok := strings.CutPrefix(line, "room (facilitator only, keep the key to yourself): "); ok {
			page = u
			continue
		}
		if cmd, ok := strings.CutPrefix(line, "  in a terminal: "); ok && page != "" {
			return page, cmd
		}
	}
	t.Fatalf("sandbox serve printed no room lines (%v)", sc.Err())
	return "", ""
}

// `sandbox serve` prints the room URL with its facilitator key (never on
// stdout, which learners are given); the key survives a restart, and the
// room answers 401 without it.
func TestSandboxServePrintsTheRoom(t *testing.T) {
	if testing.Short() {
		t.Skip("short: runs the built program as a sandbox server")
	}
	bin := workshopBinary(t)
	addr, state := freePort(t), filepath.Join(t.TempDir(), "state")
	cmd, env, stderr := serveSandbox(t, bin, addr, state)
	page, term := roomLines(t, stderr)
	u, err := url.Parse(page)
	if err != nil || u.Host != addr || u.Path != "/room" || len(u.Query().Get("key")) < 32 {
		t.Fatalf("room URL %q", page)
	}
	key := u.Query().Get("key")
	if want := "agentcore-workshop room --sandbox-url http://" + addr + " --key " + key; term != want {
		t.Errorf("terminal line %q, want %q", term, want)
	}
	for k, v := range env {
		if strings.Contains(v, key) {
			t.Errorf("the export of %s, handed to learners, holds the facilitator key", k)
		}
	}
	resp, err := http.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("No learner has reported yet")) {
		t.Fatalf("room page: HTTP %d", resp.StatusCode)
	}
	resp, err = http.Get("http://" + addr + "/room")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("room page without the key: HTTP %d", resp.StatusCode)
	}
	cmd.Process.Kill()
	cmd.Wait()
	_, _, stderr2 := serveSandbox(t, bin, addr, state)
	if again, _ := roomLines(t, stderr2); again != page {
		t.Errorf("room URL changed across a restart: %s, then %s", page, again)
	}
}

// `room` needs its two flags, and a terminal.
func TestRoomCommandArguments(t *testing.T) {
	var out, errb bytes.Buffer
	if code := realMain(context.Background(), []string{"room"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "needs --sandbox-url and --key") {
		t.Errorf("room without flags: exit %d, %q", code, errb.String())
	}
	errb.Reset()
	if code := realMain(context.Background(), []string{"room", "--sandbox-url", "http://127.0.0.1:1", "--key", "k"}, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "open http://127.0.0.1:1/room?key=KEY in a browser") {
		t.Errorf("room without a terminal: exit %d, %q", code, errb.String())
	}
	out.Reset()
	if code := realMain(context.Background(), []string{"room", "--help"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "-key KEY") ||
		!strings.Contains(out.String(), "-sandbox-url URL") {
		t.Errorf("room --help: exit %d, %q", code, out.String())
	}
}
