// Package canon gives quotepart's YAML files their canonical layout, as
// `quotepart fmt` writes it: rule files, scenario files, project requests
// and test files.
//
// The layout:
//
//   - the keys of every section in the order of the documentation (the
//     order of the fields of the loader's Go types, the same order as
//     the JSON Schemas of `quotepart schema`); the keys the author names
//     (parameters, rules, members, dates of values) and the items of
//     lists keep their order, which can matter (pools are reported in
//     file order);
//   - two spaces of indentation, list items indented under their key;
//   - scalars plain when YAML allows it, quoted only when it needs to
//     be ("0.10" stays a string, 'a: b' keeps its quotes), single
//     quotes preferred;
//   - comments kept, with the key they precede; one blank line at most
//     between two entries, where the author left one; none at the start
//     or the end of the file; a line feed at the end;
//   - block scalars (| and >) copied line by line as written, re-indented
//     two spaces under their key, so that a long description keeps the
//     line breaks its author chose;
//   - flow collections ({id: a, label: A}, [2026, 2027]) kept as flow.
//
// Format is idempotent. It never changes what a file means: before it
// returns, it reads its output back and compares it, value by value, with
// the input (the same keys, values, types and order where order counts);
// a difference is an error and nothing is written. JSON and TOML files are
// left as they are.
package canon
