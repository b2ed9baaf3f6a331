// Package cli is quotepart's command line: cobra commands that read their
// flags, make one call into the application layer (package app), render
// the result with its reports.Output, and map failures to exit codes.
//
// Every flag of every command is configurable with one precedence: the
// command line, then QUOTEPART_<FLAG>, then the project file (a command's
// section over its top level), then the default (config.go). The values
// are set on the flags before a command runs; `quotepart config` shows
// them and their origin. --timeout bounds a command through its context;
// SIGTERM and Ctrl-C cancel it. Output files go through package outfile.
//
// Commands write only to the writers given to Main, so tests run them
// in-process. Main never lets a panic through (one line, exit 1). Exit
// codes are a contract: 0 ok, 1 any error, 2 a gate that failed (test
// cases, --min-coverage, diff --fail-over).
package cli
