package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY returns both ends of a new pseudo-terminal.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminal on this machine: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return master, tty
}

// TestFetchProgress: on a terminal, fetch shows sources done out of the
// total as they finish; in a file, a pipe or /dev/null it shows none, and
// the per-source lines and totals go to stdout either way.
func TestFetchProgress(t *testing.T) {
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(rss)) }))
	defer feed.Close()
	cfg := writeConfig(t, fmt.Sprintf("  - name: a\n    url: %s/a\n  - name: b\n    url: %s/b\n  - name: c\n    url: %s/c\n", feed.URL, feed.URL, feed.URL))

	master, tty := openPTY(t)
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	for name, w := range map[string]any{"/dev/null": devNull, "buffer": &bytes.Buffer{}, "tty": tty} {
		if got, want := isTerminal(w), name == "tty"; got != want {
			t.Errorf("isTerminal(%s) = %v, want %v", name, got, want)
		}
	}
	screen := make(chan string)
	go func() {
		// The terminal's output, until the tty end is closed (EIO).
		b, _ := io.ReadAll(master)
		screen <- string(b)
	}()
	var out bytes.Buffer
	if code := run(context.Background(), []string{"fetch", "-config", cfg, "-log-level", "error"}, &out, tty); code != 0 {
		t.Fatalf("exit code %d\n%s", code, out.String())
	}
	tty.Close()
	got := <-screen
	for _, want := range []string{"fetching: 1/3 sources", "fetching: 3/3 sources"} {
		if !strings.Contains(got, want) {
			t.Errorf("terminal shows %q, lacks %q", got, want)
		}
	}
	if !strings.Contains(out.String(), "3 sources: 3 ok") {
		t.Errorf("stdout lacks the totals:\n%s", out.String())
	}

}
