// Package diag holds the diagnostics every stage of quotepart reports: a
// position in a user's file, an error with a code and a message, and a list
// of such errors sorted by position so that a command can report them all at
// once.
//
// Messages are lowercase and say what was expected and what was found; the
// position says where. Rendering with a caret under the offending column is
// done by (*Error).Detail, from the source line captured when the error was
// made, so that no stage needs to reopen the file.
package diag
