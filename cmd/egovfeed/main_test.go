package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>
<item><title>Kassel: Neues Portal</title><link>https://t.example/1</link><guid>1</guid><description>Text.</description></item>
</channel></rss>`

func writeConfig(t *testing.T, sources string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	cfg := fmt.Sprintf("database: %s\nfetch:\n  allow_private_networks: true\n  timeout: 2s\nsources:\n%s",
		filepath.Join(dir, "e.db"), sources)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(rss)) }))
	defer good.Close()
	bad := httptest.NewServer(http.NotFoundHandler())
	defer bad.Close()

	okCfg := writeConfig(t, fmt.Sprintf("  - name: good\n    url: %s/feed\n    land: DE-HE\n", good.URL))
	failCfg := writeConfig(t, fmt.Sprintf("  - name: good\n    url: %s/feed\n  - name: bad\n    url: %s/feed\n", good.URL, bad.URL))
	badCfg := writeConfig(t, "  - name: x\n    url: https://x.example/\n    land: DE-ZZ\n")
	noDBCfg := writeConfig(t, "  - name: x\n    url: https://x.example/\n")

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
	}{
		{"check-config ok", []string{"check-config", "-config", okCfg}, 0, []string{"ok (1 sources"}},
		{"check-config bad", []string{"check-config", "-config", badCfg}, 2, []string{"DE-ZZ", "sources[0].land", ":8:"}},
		{"fetch bad config", []string{"fetch", "-config", badCfg}, 2, []string{"DE-ZZ"}},
		{"fetch ok", []string{"fetch", "-config", okCfg}, 0, []string{"good", "1 sources: 1 ok", "1 new"}},
		{"fetch again", []string{"fetch", "-config", okCfg}, 0, []string{"0 new"}},
		{"fetch with failure", []string{"fetch", "-config", failCfg}, 1, []string{"HTTP 404", "1 failed"}},
		{"fetch while a source backs off", []string{"fetch", "-config", failCfg}, 1, []string{"backoff until", "still failing", "HTTP 404", "1 failed (1 of them backing off)"}},
		{"fetch one source", []string{"fetch", "-config", failCfg, "-source", "good", "-source", "good"}, 0, []string{"good", "1 sources: 1 ok"}},
		{"fetch an unknown source", []string{"fetch", "-config", noDBCfg, "-source", "nope"}, 2, []string{`-source "nope"`, "no configured source", noDBCfg}},
		{"sources", []string{"sources", "-config", okCfg}, 0, []string{"NAME", "good", "DE-HE"}},
		{"missing config", []string{"check-config", "-config", filepath.Join(t.TempDir(), "none.yaml")}, 2, []string{"no such file"}},
		{"unknown command", []string{"frobnicate"}, 2, []string{"unknown command"}},
		{"sources without a database", []string{"sources", "-config", noDBCfg}, 1, []string{"no database at"}},
		{"split without a database", []string{"split", "-config", noDBCfg, "1"}, 1, []string{"no database at"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCmd(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errs)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out+errs, w) {
					t.Errorf("output lacks %q\nstdout: %s\nstderr: %s", w, out, errs)
				}
			}
		})
	}
	// Commands on stored items do not create a database where there is none.
	if _, err := os.Stat(filepath.Join(filepath.Dir(noDBCfg), "e.db")); err == nil {
		t.Error("a command created the missing database")
	}
}

// TestDatabaseNextToConfig: a relative database is the config folder's,
// not the working directory's: "EGOVFEED_CONFIG=/etc/egovfeed/config.yaml
// egovfeed serve" started from / must not create a fresh /egovfeed.db.
func TestDatabaseNextToConfig(t *testing.T) {
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(rss)) }))
	defer good.Close()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	cfg := fmt.Sprintf("database: e.db\nfetch:\n  allow_private_networks: true\n  timeout: 2s\nsources:\n  - name: good\n    url: %s/feed\n", good.URL)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cwd := t.TempDir()
	t.Chdir(cwd)
	t.Setenv("EGOVFEED_CONFIG", cfgPath)
	want := filepath.Join(dir, "e.db")

	// A database where early versions put it (the working directory) is
	// not left behind for a new, empty one.
	old := filepath.Join(cwd, "e.db")
	if err := os.WriteFile(old, []byte("SQLite format 3\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"fetch", "sources"} {
		if code, out, errs := runCmd(t, cmd); code != 2 || !strings.Contains(errs, "but there is one at "+old) {
			t.Errorf("%s with the database in the working directory: %d\n%s%s", cmd, code, out, errs)
		}
	}
	if _, err := os.Stat(want); err == nil {
		t.Fatal("a new database was created beside the config")
	}
	if err := os.Remove(old); err != nil {
		t.Fatal(err)
	}

	// Messages name the database that is meant.
	if code, out, errs := runCmd(t, "sources"); code != 1 || !strings.Contains(errs, "no database at "+want) {
		t.Errorf("sources before fetch: %d\n%s%s", code, out, errs)
	}
	if code, out, errs := runCmd(t, "fetch"); code != 0 {
		t.Fatalf("fetch: %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(want); err != nil {
		t.Errorf("database not next to the config: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cwd, "e.db")); err == nil {
		t.Error("database created in the working directory")
	}
	if code, out, errs := runCmd(t, "sources"); code != 0 || !strings.Contains(out, "good") {
		t.Errorf("sources after fetch: %d\n%s%s", code, out, errs)
	}
}

// openConfigStore loads the config at cfgPath and opens its database,
// closed when the test ends.
func openConfigStore(t *testing.T, cfgPath string) (*config.Config, *storage.Store) {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	store, err := storage.Open(context.Background(), cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return cfg, store
}
