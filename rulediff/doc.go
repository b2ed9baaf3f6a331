// Package rulediff shows what a change to the rule files does to the
// bills: every scenario run on the previous rules and on the changed ones,
// and, per scenario, member and year, the amount before, after and the
// change, with gates (a change above an amount or a percentage) that CI
// turns into a failed job.
//
// The amount compared is what each member pays: the billed amount, and for
// the manager, which bills itself nothing, the part it bears. The package
// computes and renders (table, Markdown for a merge-request comment, JSON
// quotepart/diff/v1); it runs nothing and reads no file: the caller gives
// the two results of each scenario.
package rulediff
