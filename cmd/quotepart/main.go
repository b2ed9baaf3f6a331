// Command quotepart computes, year by year, what each member of a shared
// public service pays, from rule files written as expressions. Run
// `quotepart help` for the commands.
package main

import (
	"os"

	"github.com/quotepart/quotepart/cmd/quotepart/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
