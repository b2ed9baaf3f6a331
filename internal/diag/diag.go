package diag

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pos is a position in a user's file. Line and Col count from 1; a zero
// Line or Col means the position is not known that precisely.
type Pos struct {
	File string
	Line int
	Col  int
}

// String renders the position as file:line:col, leaving out what is
// unknown, for people: the file with the separators of the system it runs
// on (regles\cles.yaml:12:9 on Windows, as its compilers and editors
// write it). Machine outputs (JSON, SARIF, JUnit) keep File's forward
// slashes.
func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(filepath.FromSlash(p.File))
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
	Limit    Code = "limit"     // the input is beyond a documented limit (size, count, span, work)
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

// Limits of what Detail prints, so that a 1 MB line in a user's file does
// not make a 2 MB message.
const (
	// SnippetWidth is how many characters of a long source line Detail
	// shows, around the column.
	SnippetWidth = 100
	// MessageWidth is how many characters of a message Detail shows.
	MessageWidth = 1000
)

// Detail renders the error followed, when the source line is known, by that
// line and a caret under the column:
//
//	rules/cles.yaml:12:9: unknown name ccass
//	   12 |   expr: ccass * 2
//	      |         ^
//
// A source line longer than SnippetWidth characters is cut to a window of
// that many around the column, with … where it is cut; a message longer
// than MessageWidth characters is cut too. In the source line, a tab shows
// as a space, and a control or bidirectional formatting character as
// U+FFFD (�), so that each character takes one column and the caret,
// counted in characters, stays under the right one.
func (e *Error) Detail() string {
	msg := cut(e.Error(), MessageWidth)
	if e.Source == "" || e.Pos.Line == 0 {
		return msg
	}
	line := []rune(e.Source)
	for i, r := range line {
		switch {
		case r == '\t':
			line[i] = ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r):
			line[i] = utf8.RuneError
		}
	}
	caret := max(0, e.Pos.Col-1) // in characters from the start of the line shown
	if len(line) > SnippetWidth {
		start := min(max(0, caret-SnippetWidth/2), len(line)-SnippetWidth)
		end := start + SnippetWidth
		window := string(line[start:end])
		caret -= start
		if start > 0 {
			window = "…" + window
			caret++
		}
		if end < len(line) {
			window += "…"
		}
		line = []rune(window)
	}
	gutter := fmt.Sprintf("%5d | ", e.Pos.Line)
	var b strings.Builder
	b.WriteString(msg)
	b.WriteString("\n")
	b.WriteString(gutter)
	b.WriteString(string(line))
	if e.Pos.Col > 0 {
		b.WriteString("\n")
		b.WriteString(strings.Repeat(" ", len(gutter)-2))
		b.WriteString("| ")
		b.WriteString(strings.Repeat(" ", caret))
		b.WriteString("^")
	}
	return b.String()
}

// Message is the error's message alone, cut to MessageWidth characters as
// Detail cuts it: for outputs that give the position apart (JSON, SARIF,
// CI annotations).
func (e *Error) Message() string { return cut(e.Msg, MessageWidth) }

// cut shortens s to n characters, the last one an ellipsis, when longer.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
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
// A symbolic link that leads out of the folder it was read from (see
// rules.FolderFS) is said to be one.
func ReadError(file string, err error) *Error {
	if escapesFolder(err) {
		return Errorf(Pos{File: file}, Invalid, "a link that leads out of its folder: quotepart reads only the files inside the folders it is given")
	}
	return Errorf(Pos{File: file}, NotFound, "cannot read: %v", Cause(err))
}

// escapesFolder reports whether err is os.Root's refusal of a path that
// leaves the root, which the os package does not export: its message is
// pinned by a test of rules.FolderFS.
func escapesFolder(err error) bool {
	return err != nil && Cause(err).Error() == "path escapes from parent"
}

// Flatten returns err as a list of diagnostics: the list itself, a single
// *Error, or the error wrapped as Internal.
func Flatten(err error) List {
	var l List
	l.Add(err)
	return l
}
