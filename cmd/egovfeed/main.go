// Command egovfeed aggregates German e-government news feeds and
// republishes them. Run "egovfeed help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/egovfeed/egovfeed/config"
)

// command is one subcommand. setup registers the command's own flags on
// fs and returns the function that runs it once flags are parsed.
type command struct {
	name, summary string
	setup         func(fs *flag.FlagSet) func(ctx context.Context, e *env) error
}

var commands = []command{
	{"serve", "fetch every source on its schedule and serve the feeds over HTTP", setupServe},
	{"fetch", "fetch every source once now, then exit (1 if any source failed)", setupFetch},
	{"sources", "list every source with its last fetch, items, failures and next run", setupSources},
	{"check-config", "validate the configuration and exit", setupCheckConfig},
	{"retag", "re-apply the current tagging rules to every stored item", setupRetag},
	{"explain", "ITEM-ID: show which rules and words gave an item its Länder", setupExplain},
	{"dedup", "-rebuild: recompute near-duplicate clusters for all stored items", setupDedup},
	{"split", "ITEM-ID: take an item out of its cluster and keep it out", setupSplit},
	{"merge", "ITEM-ID ITEM-ID: put the second item (and its cluster) into the first's cluster", setupMerge},
	{"hide", "ITEM-ID: take the item's story out of every feed (also reports that join it later)", setupHide(true)},
	{"unhide", "ITEM-ID: put a hidden story back into its feeds", setupHide(false)},
	{"export", "print a republished feed (atom, rss, json, html or text) to stdout, as served", setupExport},
	{"backup", "FILE: write a consistent copy of the database (VACUUM INTO), mode 0600", setupBackup},
}

// takesArgs names the commands with positional arguments.
var takesArgs = map[string]bool{"explain": true, "split": true, "merge": true, "hide": true, "unhide": true, "backup": true}

// env is what every command gets: the parsed flags' shared part.
type env struct {
	stdout, stderr io.Writer
	logger         *slog.Logger
	configPath     string
	args           []string // positional arguments
}

// exitError carries a process exit code through the error chain.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal a second one is not caught: it ends the
	// process at once, for an operator who will not wait for the stop.
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: egovfeed COMMAND [-config FILE] [flags]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nThe config file is -config, else $%s, else ./%s.\n", config.EnvPath, config.DefaultPath)
}

// run executes one command and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == args[0] {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "egovfeed: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	fs := flag.NewFlagSet("egovfeed "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	configFlag := fs.String("config", "", "config file (default $"+config.EnvPath+" or ./"+config.DefaultPath+")")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the command to `file` (for go tool pprof)")
	memProfile := fs.String("memprofile", "", "write an allocation profile of the command to `file` when it ends (for go tool pprof)")
	runCmd := cmd.setup(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 && !takesArgs[cmd.name] {
		fmt.Fprintf(stderr, "egovfeed %s: unexpected arguments %q\n", cmd.name, fs.Args())
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "egovfeed: -log-level: %v\n", err)
		return 2
	}
	e := &env{stdout: stdout, stderr: stderr, args: fs.Args()}
	e.logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	e.configPath = config.ResolvePath(*configFlag)
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "egovfeed:", err)
			return 1
		}
		defer stop()
	}
	if *memProfile != "" {
		defer func() {
			if err := writeAllocProfile(*memProfile); err != nil {
				fmt.Fprintln(stderr, "egovfeed:", err)
			}
		}()
	}
	err := runCmd(ctx, e)
	if err == nil {
		return 0
	}
	var ee *exitError
	var ce *config.Error
	switch {
	case errors.As(err, &ce):
		fmt.Fprintln(stderr, "egovfeed:", err)
		return 2
	case errors.As(err, &ee):
		if ee.err != nil {
			fmt.Fprintln(stderr, "egovfeed:", ee.err)
		}
		return ee.code
	default:
		fmt.Fprintln(stderr, "egovfeed:", err)
		return 1
	}
}

func loadConfig(e *env) (*config.Config, error) {
	return config.Load(e.configPath)
}

// writeAllocProfile writes every allocation since the start (sampled) to
// path.
func writeAllocProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("memory profile: %w", err)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("memory profile: %w", err)
	}
	return f.Close()
}

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
