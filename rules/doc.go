// Package rules reads rule files and builds the engine's Model from them.
//
// A rule set is a folder of YAML files (JSON and TOML are read too) that
// together declare the service, its members, dated parameters, rules and
// cost pools; docs/rules.md describes the format. Loading goes in stages,
// each in its own file:
//
//   - folder.go: which files of a folder are read (regular files with a
//     rule file's extension, hidden files and outputs of quotepart left
//     out), for every loader of quotepart files;
//   - schema.go: the Go types a rule file decodes into; every leaf keeps
//     its position so that any later error can point into the file;
//   - decode.go: a strict decoder from YAML nodes into those types that
//     rejects unknown keys and reports every error, not the first;
//     toml.go reads TOML into the same nodes, with their positions;
//   - limits.go: the limits on what a file can make quotepart do (size,
//     alias expansion, counts, years, the work of a run), each an error of
//     code diag.Limit;
//   - build.go: merges the files, checks names, dates and references,
//     compiles every expression once with package formula, orders the rules
//     by their dependencies and returns an *engine.Model.
//
// All errors are *diag.Error values positioned file:line:col, gathered in a
// diag.List sorted by position.
//
// Expressions compile in a formula.Env that the caller chooses with an
// option, rules.WithFormulas(env), given to Load, LoadDefaults, Build,
// BuildDecoded or CompileExpr (and passed on by scenarios.Build and
// Projects.Compile). Leaving it out compiles in a new environment for that
// call alone, so a one-off load or a test needs nothing; a program that
// builds again and again on the same rules — the application layer's
// workspace, for every scenario, what-if and test case — passes its own
// environment so that the builds share its cache of compiled programs. An
// option rather than a parameter keeps the calls that need no choice as
// short as they were.
package rules
