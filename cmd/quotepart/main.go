package main

import (
	"os"

	"github.com/quotepart/quotepart/cmd/quotepart/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
