// Package casetest runs the test cases written next to the rule files: the
// figures the finance team expects the rules to produce, checked on every
// change, like OpenFisca's YAML tests or OPA's `opa test`.
//
// A test file (*.test.yaml, docs/tests.md) lists cases; each case names a
// scenario or inline overrides, the years it checks and the values it
// expects — a member's key, amount, fees or billed amount, a member's part
// of a pool, a pool's amount or fees, the year's total, the value of a rule
// or a parameter — each with an optional absolute or relative tolerance.
// Loading goes in stages, each in its own file:
//
//   - schema.go: the Go types a test file decodes into, built from the leaf
//     types of package rules so that unknown keys are errors and every
//     value keeps its file:line:col;
//   - kinds.go: what can be expected, in one table: the subjects
//     (member, pool, rule, ...), the measures each allows, and how the
//     actual value is read from an engine result. A new kind of expected
//     value (a project indicator) is one more entry there and one more
//     field in Expectation;
//   - load.go: reading the files of a folder;
//   - run.go: preparing each case (scenario chain, overrides, rule set
//     built and checked), verifying that every name and year it expects
//     exists, running the engine and comparing in exact decimals;
//   - coverage.go: which rule versions and parameters the checked values
//     read;
//   - report.go: reporters (text, JSON, JUnit XML) behind one small
//     interface over io.Writer.
//
// Mistakes in the test files themselves (an unknown key, a negative
// tolerance, a member or a year that does not exist) are *diag.Error values
// returned before anything runs; a case that runs and finds other values
// than expected is a failure in the Report. The package does no file I/O
// beyond the fs.FS it is given and prints nothing itself.
package casetest
