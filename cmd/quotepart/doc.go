// Command quotepart computes, year by year, what each member of a shared
// public service (a French service commun) pays, from rule files in which
// allocation keys and fees are expressions over dated parameters; it
// compares scenarios, weighs project requests, writes reports, statements
// and spreadsheets, and checks rule files in CI.
//
// Usage:
//
//	quotepart run                      # the bills of the embedded defaults
//	quotepart check --rules ./regles   # every error at once, file:line:col
//	quotepart help                     # the commands
//
// The commands live in internal/cli; this package is only the entry point,
// so that the tests can run the command line in-process.
package main
