// Package formula is quotepart's expression dialect: expr-lang expressions
// in which every number is an exact decimal.
//
// Number literals become shopspring decimals when an expression compiles, so
// `0.1 + 0.2 == 0.3` holds; arithmetic and comparison operators are
// overloaded with typed functions (no reflection on the hot path); division
// rounds half away from zero to DivisionScale decimal places, the one place
// where a result is not exact. The built-ins of expr-lang are all disabled —
// some ignore the overloads, now() would make results depend on the clock —
// and replaced by the decimal functions listed by Names.
//
// Everything starts from an Env, built once with NewEnv: it holds
// expr-lang's options (the functions, the operator overloads, the disabled
// built-ins), the parse configuration and the limits, and a bounded cache
// of the programs compiled in it. The package keeps no state of its own;
// whoever loads rules chooses the environment, and loads that share one
// share its compiled programs (the what-if page rebuilds a rule set of
// mostly unchanged expressions on every request).
//
// Env.Compile type-checks an expression against declared names (Decls),
// each with a sample value of its type, and reports errors with the rune
// offset inside the expression, which the rule loader turns into a
// file:line:col. Env.Refs lists the names an expression reads so that the
// loader can order rules by their dependencies. A Program runs on a VM
// (one per goroutine), or, bound to a frame of slots with Env.Bind, on
// Go closures that give the same values faster.
//
// A run-time error — a division by zero, pow or round given an exponent or
// a number of places out of range — is a *RuntimeError carrying the rune
// offset of the operator or call that failed, so that the caller can point
// at it in the user's file as it does for compile errors. The fast path
// never fails: it steps aside, and the VM says what failed and where.
package formula
