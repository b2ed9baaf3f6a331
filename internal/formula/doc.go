// Package formula is quotepart's expression dialect: expr-lang expressions
// in which every number is an exact decimal.
//
// Number literals become shopspring decimals when an expression compiles, so
// `0.1 + 0.2 == 0.3` holds; arithmetic and comparison operators are
// overloaded with typed functions (no reflection on the hot path); division
// rounds half away from zero to DivisionScale decimal places, the one place
// where a result is not exact. The built-ins of expr-lang are all disabled —
// some ignore the overloads, now() would make results depend on the clock —
// and replaced by the decimal functions listed in Functions.
//
// An expression is compiled once against an environment that gives every
// name a sample value of its type; Compile type-checks it and reports
// errors with the rune offset inside the expression, which the rule loader
// turns into a file:line:col. Refs lists the names an expression reads so
// that the loader can order rules by their dependencies.
package formula
