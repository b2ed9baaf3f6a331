// Package scenarios reads scenario files and applies them to a rule set.
//
// A scenario is a what-if written as an overlay on the rules: parameter
// values that change from a date, rule formulas replaced from a date,
// members joining or leaving, staff (ETC) added, removed or moved between
// units, amounts added to a pool, and a fragment of rule file for anything
// new (members, parameters, rules). A scenario may extend another; the
// overlays apply from the root of the chain down. docs/scenarios.md
// describes the format.
//
// Overlays are applied to the decoded rule files, before they are built,
// so the result is checked and compiled exactly like hand-written rules,
// and every value a scenario brings keeps its position in the scenario
// file for error messages and explanations. How keys are recomputed when a
// member joins is written in the rules (or in the scenario's rules), never
// here.
//
// The projects folder beside the scenarios holds project requests and the
// evaluation settings (projects.go): each request's lines, and what a
// committee decides of it (projects_plan.go) — whether it is mandatory,
// its start window, what it requires and excludes, its scores on the
// criteria, its effects on the commitments — all checked together at
// their positions. docs/projets.md describes the format. A scenario's
// portfolio adopts requests at their starts (portfolio.go).
package scenarios
