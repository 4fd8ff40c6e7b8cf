package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStopWithASlowClient stops serve while a client has asked for many
// pages and reads none of them: the stop must not wait for that client
// beyond the grace period, and it is still a clean stop (exit code 0).
func TestStopWithASlowClient(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the shutdown grace period")
	}
	dir := t.TempDir()
	addr := freeAddr(t)
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("database: %s\nlisten: %s\nschedule: \"@every 1h\"\nsources:\n  - name: x\n    url: https://x.example/feed\n",
		filepath.Join(dir, "e.db"), addr)), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	served := make(chan int, 1)
	go func() { served <- run(ctx, []string{"serve", "-config", cfg}, io.Discard, &stderr) }()

	// A client with a tiny receive buffer pipelines requests and never
	// reads: the server's writes block.
	var conn net.Conn
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
			return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 1024) })
		}}
		var err error
		if conn, err = d.Dial("tcp", addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not listen: %v\n%s", err, stderr.String())
		}
	}
	defer conn.Close()
	go func() {
		req := []byte("GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\n\r\n")
		for range 20000 {
			if _, err := conn.Write(req); err != nil {
				return
			}
		}
	}()
	time.Sleep(500 * time.Millisecond) // the server is now stuck writing

	start := time.Now()
	cancel()
	select {
	case code := <-served:
		took := time.Since(start)
		t.Logf("stopped after %s, exit code %d", took.Round(time.Millisecond), code)
		if code != 0 {
			t.Errorf("exit code %d, want 0\n%s", code, stderr.String())
		}
		if !strings.Contains(stderr.String(), "stopped") {
			t.Errorf("no clean-stop log line:\n%s", stderr.String())
		}
	case <-time.After(shutdownGrace + 2*time.Second):
		t.Fatalf("serve still running %s after the stop\n%s", shutdownGrace+2*time.Second, stderr.String())
	}
}
