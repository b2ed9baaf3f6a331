// Package fileschema generates the JSON Schemas (draft 2020-12) of
// quotepart's file formats — rule files, scenario files, project requests,
// test files — from the same Go types their loaders decode, so that an
// editor (VS Code's YAML extension, any yaml-language-server client, told
// by a "# yaml-language-server: $schema=..." line) validates and completes
// the files as they are typed, and the schema cannot drift from the loader.
//
// The generator walks the types by reflection: a struct is an object of
// its yaml-tagged fields, with its `required:"true"` fields required, its
// `doc:"..."` tags as descriptions, and no other key allowed (the loader
// rejects unknown keys); a slice is an array; rules.Map[T] is an object
// whose values are T, with date keys (YYYY-MM-DD) when the field's doc
// mentions YYYY-MM-DD or it is tagged keys:"date"; the leaf types are
// described as the loader reads them (rules.Number: a number, or a string
// that is one, as 0.4668 or 20_000; rules.Date: YYYY-MM-DD; rules.Expr: an
// expression or a number; ...). Everything is inlined, without $ref, and
// only keywords that draft-07 tools read the same way are used, so that
// older editors understand the schemas too.
//
// The schema accepts what the loader accepts as far as a schema can say
// it; what needs the whole rule set (a name that exists, a key summing to
// 1) is left to `quotepart check`.
package fileschema
