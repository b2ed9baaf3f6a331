// Package cli is quotepart's command line: cobra commands that read their
// flags and the configuration layered by viper (flags over QUOTEPART_*
// variables over a quotepart.yaml project file over defaults), make one
// call into the application layer (package app), render the result with
// its reports.Output, and map failures to exit codes.
//
// Commands write only to the writers given to Main, so tests run them
// in-process. Exit codes are a contract: 0 ok, 1 usage or load error, 2 a
// check or test that ran and failed.
package cli
