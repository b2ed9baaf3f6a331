// Package app is quotepart's application layer: everything a command, the
// what-if page or the test-case runner does between reading its input and
// rendering its output, written once.
//
// A Workspace is a rule set, the scenarios written for it and the project
// requests beside them, loaded from folders (or the embedded Rouen
// defaults). On a workspace, app
//
//   - resolves a name into a runnable Job: a scenario id, the path of a
//     scenario file, or the rule set's own id for the rules alone;
//   - runs jobs over their years, or over the years asked for (zero means
//     the job's default);
//   - assesses project requests on a job, finds the portfolio a job's
//     chain adopts, evaluates requests with Monte Carlo and selects a
//     portfolio within limits;
//   - assembles what the commands render: comparisons, explanations,
//     reports (with the sensitivity analysis), check results and rule
//     diffs.
//
// A workspace compiles every expression in one formula.Env, created when
// it is opened (Workspace.Formulas): each scenario, what-if and test case
// built on it reuses the programs already compiled.
//
// Every step that can run long takes the caller's context and stops when
// it is cancelled. The package does no rendering and prints nothing: it
// returns the values package reports renders.
package app
