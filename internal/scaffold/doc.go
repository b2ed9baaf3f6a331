// Package scaffold writes the files of a new shared service, for
// quotepart init: a rules folder (the service and its members, dated
// parameters, the key, a payroll pool with management fees and an
// example subscriptions pool, a test file, the populations as a CSV data
// file), a scenarios folder with a baseline and an example, a
// quotepart.yaml that names both, a CI example and a LISEZMOI.md that
// says what to replace.
//
// It works in memory: Files returns the files' paths and contents and
// writes nothing, so that the caller (internal/app) can check them with
// the loaders quotepart itself uses before a byte reaches the disk.
//
// The members come from the national data (package territory): the EPCI,
// when there is one, and the communes, each with its name, codes and
// population totale. Figures the data cannot give — staff, average cost
// of a post, fee rate, subscriptions, the EPCI's share — are written as
// example values, each with an assumption: that says so, which is what
// check --strict accepts and a reader must see. Every file is in French,
// as every shipped rule file is.
package scaffold
