package main

import (
	"io"
	"io/fs"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/quotepart/quotepart/cmd/quotepart/internal/cli"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run quotepart in-process, as a command named
// quotepart.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"quotepart": func() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs testdata/script/*.txtar. QUOTEPART_UPDATE=1 rewrites the
// expected outputs inside the scripts from what the commands print.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("QUOTEPART_UPDATE") != "",
		Cmds:          scriptCmds,
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "devfull": // the device that answers every write with ENOSPC
				_, err := os.Lstat("/dev/full")
				return err == nil, nil
			}
			return false, nil
		},
	})
}

// scriptCmds are the commands the scripts need beyond testscript's own.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	// ls DIR prints the names in DIR, dot files included, one a line.
	"ls": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: ls DIR")
		}
		entries, err := os.ReadDir(ts.MkAbs(args[0]))
		ts.Check(err)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		slices.Sort(names)
		for _, n := range names {
			ts.Stdout().Write([]byte(n + "\n"))
		}
	},
	// sleep DURATION waits, for a command started in the background to
	// get under way.
	"sleep": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: sleep DURATION")
		}
		d, err := time.ParseDuration(args[0])
		ts.Check(err)
		time.Sleep(d)
	},
	// readpipe PATH FILE reads PATH until its writer closes it, into FILE.
	"readpipe": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: readpipe PATH FILE")
		}
		f, err := os.Open(ts.MkAbs(args[0]))
		ts.Check(err)
		defer f.Close()
		b, err := io.ReadAll(f)
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), b, 0o644))
	},
	// kind PATH WANT checks the kind of the file PATH names itself (not
	// what a link points to): file, symlink, fifo, chardev or dir.
	"kind": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 2 {
			ts.Fatalf("usage: kind PATH file|symlink|fifo|chardev|dir")
		}
		info, err := os.Lstat(ts.MkAbs(args[0]))
		ts.Check(err)
		m := info.Mode()
		kind := "other"
		switch {
		case m.IsRegular():
			kind = "file"
		case m&fs.ModeSymlink != 0:
			kind = "symlink"
		case m&fs.ModeNamedPipe != 0:
			kind = "fifo"
		case m&fs.ModeCharDevice != 0:
			kind = "chardev"
		case m.IsDir():
			kind = "dir"
		}
		if (kind == args[1]) == neg {
			ts.Fatalf("%s is a %s", args[0], kind)
		}
	},
}
