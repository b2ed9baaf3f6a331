package main

import (
	"os"
	"testing"

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
	})
}
