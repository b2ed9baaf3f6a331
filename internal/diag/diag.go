package diag

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// Pos is a position in a user's file. Line and Col count from 1; a zero
// Line or Col means the position is not known that precisely.
type Pos struct {
	File string
	Line int
	Col  int
}

// String renders the position as file:line:col, leaving out what is unknown.
func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ":%d", p.Col)
		}
	}
	return b.String()
}

// IsZero reports whether the position names nothing at all.
func (p Pos) IsZero() bool { return p == Pos{} }

// Compare orders positions by file, then line, then column.
func (p Pos) Compare(q Pos) int {
	if c := cmp.Compare(p.File, q.File); c != 0 {
		return c
	}
	if c := cmp.Compare(p.Line, q.Line); c != 0 {
		return c
	}
	return cmp.Compare(p.Col, q.Col)
}

// Code classifies an error so that callers (and exit codes) can tell a
// user's mistake from a limit or a bug.
type Code string

const (
	Invalid  Code = "invalid"   // the input breaks a rule of the format or of the domain
	NotFound Code = "not_found" // the input names something that does not exist
	Runtime  Code = "runtime"   // evaluation failed (division by zero, missing value)
	Internal Code = "internal"  // a bug in quotepart
)

// Error is one diagnostic.
type Error struct {
	Pos  Pos
	Code Code
	Msg  string
	// Source is the text of the line Pos points into, when known; Detail
	// draws a caret under Pos.Col in it.
	Source string
	// Err is the underlying cause, if any.
	Err error
}

// Errorf makes an Error at pos.
func Errorf(pos Pos, code Code, format string, args ...any) *Error {
	return &Error{Pos: pos, Code: code, Msg: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	if e.Pos.IsZero() {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Detail renders the error followed, when the source line is known, by that
// line and a caret under the column:
//
//	rules/cles.yaml:12:9: unknown name ccass
//	   12 |   expr: ccass * 2
//	      |         ^
func (e *Error) Detail() string {
	if e.Source == "" || e.Pos.Line == 0 {
		return e.Error()
	}
	gutter := fmt.Sprintf("%5d | ", e.Pos.Line)
	var b strings.Builder
	b.WriteString(e.Error())
	b.WriteString("\n")
	b.WriteString(gutter)
	b.WriteString(strings.ReplaceAll(e.Source, "\t", " "))
	if e.Pos.Col > 0 {
		b.WriteString("\n")
		b.WriteString(strings.Repeat(" ", len(gutter)-2))
		b.WriteString("| ")
		// Count runes, not bytes: French labels carry accents.
		b.WriteString(strings.Repeat(" ", max(0, e.Pos.Col-1)))
		b.WriteString("^")
	}
	return b.String()
}

// Finding is a warning and the check that raised it (stale, unsourced,
// unused-rule...). `check` prints findings as warnings; `check --strict`
// counts them as errors.
type Finding struct {
	Check string
	*Error
}

// List collects errors. Its zero value is ready to use.
type List []*Error

// Add appends err; a nil error is ignored. A plain error becomes an
// Internal-coded diagnostic with no position; a List is flattened.
func (l *List) Add(err error) {
	if err == nil {
		return
	}
	var list List
	if errors.As(err, &list) {
		*l = append(*l, list...)
		return
	}
	var e *Error
	if errors.As(err, &e) {
		*l = append(*l, e)
		return
	}
	*l = append(*l, &Error{Code: Internal, Msg: err.Error(), Err: err})
}

// Addf appends a new error at pos.
func (l *List) Addf(pos Pos, code Code, format string, args ...any) {
	*l = append(*l, Errorf(pos, code, format, args...))
}

// Sort orders the errors by position, keeping the order of errors at the
// same position, and drops exact duplicates.
func (l List) Sort() List {
	slices.SortStableFunc(l, func(a, b *Error) int { return a.Pos.Compare(b.Pos) })
	return slices.CompactFunc(l, func(a, b *Error) bool {
		return a.Pos == b.Pos && a.Msg == b.Msg
	})
}

// Err returns the list sorted as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l.Sort()
}

func (l List) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Detail renders every error with its caret snippet, one after the other.
func (l List) Detail() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Detail()
	}
	return strings.Join(msgs, "\n")
}

// Cause drops the operation and path of a file error (*fs.PathError),
// which messages positioned on the file already give: "permission
// denied", not "open x.yaml: permission denied".
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ReadError is the error of a file that cannot be read, positioned on it.
func ReadError(file string, err error) *Error {
	return Errorf(Pos{File: file}, NotFound, "cannot read: %v", Cause(err))
}

// Flatten returns err as a list of diagnostics: the list itself, a single
// *Error, or the error wrapped as Internal.
func Flatten(err error) List {
	var l List
	l.Add(err)
	return l
}
