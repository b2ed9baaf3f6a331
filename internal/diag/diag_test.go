package diag

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDetailDrawsCaretUnderColumn(t *testing.T) {
	e := &Error{Pos: Pos{File: "regles.yaml", Line: 12, Col: 9}, Code: Invalid, Msg: "unknown name ccass", Source: "  expr: ccass * 2"}
	want := "regles.yaml:12:9: unknown name ccass\n" +
		"   12 |   expr: ccass * 2\n" +
		"      |         ^"
	if got := e.Detail(); got != want {
		t.Fatalf("Detail() =\n%s\nwant\n%s", got, want)
	}
}

func TestPosString(t *testing.T) {
	// A file in a folder is named with the separators of the system
	// quotepart runs on, as its users write paths.
	inFolder := "regles/cles.yaml:12:9"
	if runtime.GOOS == "windows" {
		inFolder = `regles\cles.yaml:12:9`
	}
	tests := []struct {
		pos  Pos
		want string
	}{
		{Pos{File: "a.yaml", Line: 3, Col: 4}, "a.yaml:3:4"},
		{Pos{File: "a.yaml", Line: 3}, "a.yaml:3"},
		{Pos{File: "a.yaml"}, "a.yaml"},
		{Pos{File: "regles/cles.yaml", Line: 12, Col: 9}, inFolder},
		{Pos{File: "fiche.xlsx!Projet!C12"}, "fiche.xlsx!Projet!C12"},
	}
	for _, tt := range tests {
		if got := tt.pos.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.pos, got, tt.want)
		}
	}
}

func TestListSortsAndFlattens(t *testing.T) {
	var l List
	l.Addf(Pos{File: "b.yaml", Line: 1}, Invalid, "second file")
	l.Addf(Pos{File: "a.yaml", Line: 9}, Invalid, "later line")
	l.Addf(Pos{File: "a.yaml", Line: 2}, Invalid, "earlier line")
	l.Addf(Pos{File: "a.yaml", Line: 2}, Invalid, "earlier line") // an exact duplicate
	l.Add(nil)
	err := l.Err()
	var got List
	if !errors.As(err, &got) {
		t.Fatalf("Err() = %T, want a List", err)
	}
	want := "a.yaml:2: earlier line\na.yaml:9: later line\nb.yaml:1: second file"
	if got.Error() != want {
		t.Fatalf("sorted list =\n%s\nwant\n%s", got.Error(), want)
	}
	// A list wrapped in another error is flattened, a plain error becomes internal.
	flat := Flatten(fmt.Errorf("loading: %w", got))
	if len(flat) != 3 {
		t.Fatalf("Flatten kept %d errors, want 3", len(flat))
	}
	if plain := Flatten(errors.New("boom")); len(plain) != 1 || plain[0].Code != Internal {
		t.Fatalf("Flatten(plain) = %v, want one internal error", plain)
	}
	if (List{}).Err() != nil {
		t.Fatal("an empty list must be no error")
	}
}

// A long line is cut to a window around the column, the caret still under
// the character the column names.
func TestDetailCutsLongLines(t *testing.T) {
	long := strings.Repeat("a", 500) + "é" + strings.Repeat("b", 500_000)
	e := &Error{Pos: Pos{File: "x.yaml", Line: 3, Col: 501}, Msg: "here", Source: long}
	d := e.Detail()
	if len(d) > 1000 {
		t.Fatalf("Detail is %d bytes long, want it bounded", len(d))
	}
	lines := strings.Split(d, "\n")
	if len(lines) != 3 {
		t.Fatalf("Detail =\n%s", d)
	}
	src, caret := []rune(lines[1]), []rune(lines[2])
	if !strings.HasPrefix(lines[1], "    3 | …a") || !strings.HasSuffix(lines[1], "b…") {
		t.Errorf("source line = %q, want it cut on both sides with …", lines[1])
	}
	at := len(caret) - 1
	if caret[at] != '^' || src[at] != 'é' || src[at-1] != 'a' {
		t.Errorf("the caret is under %q, want the column 501, é:\n%s", src[at], d)
	}
	if n := len(src) - len("    3 | "); n != SnippetWidth+2 {
		t.Errorf("window of %d characters, want %d and two ellipses", n, SnippetWidth)
	}

	// Near the start: no ellipsis before, caret where it was.
	e = &Error{Pos: Pos{File: "x.yaml", Line: 3, Col: 5}, Msg: "here", Source: strings.Repeat("c", 300)}
	lines = strings.Split(e.Detail(), "\n")
	if !strings.HasPrefix(lines[1], "    3 | cccc") || !strings.HasSuffix(lines[1], "c…") || lines[2] != "      |     ^" {
		t.Errorf("Detail near the start =\n%s", e.Detail())
	}
	// Near the end: no ellipsis after.
	e = &Error{Pos: Pos{File: "x.yaml", Line: 3, Col: 300}, Msg: "here", Source: strings.Repeat("c", 299) + "d"}
	lines = strings.Split(e.Detail(), "\n")
	if !strings.HasSuffix(lines[1], "cd") || !strings.HasPrefix(lines[1], "    3 | …c") || []rune(lines[1])[len([]rune(lines[2]))-1] != 'd' {
		t.Errorf("Detail near the end =\n%s", e.Detail())
	}
}

func TestDetailCutsLongMessages(t *testing.T) {
	e := &Error{Pos: Pos{File: "x.yaml", Line: 1}, Msg: "unknown name " + strings.Repeat("x", 1<<20)}
	d := e.Detail()
	if n := utf8.RuneCountInString(d); n != MessageWidth || !strings.HasSuffix(d, "x…") {
		t.Errorf("message of %d characters ending %q, want %d ending with …", n, d[len(d)-5:], MessageWidth)
	}
}

// Control and bidirectional characters in the source line take one column
// each, shown as U+FFFD, so that the caret stays in place.
func TestDetailControlCharacters(t *testing.T) {
	e := &Error{Pos: Pos{File: "x.yaml", Line: 2, Col: 9}, Msg: "unknown name b", Source: "a\u202e\x1b\tc: x b"}
	want := "x.yaml:2:9: unknown name b\n" +
		"    2 | a\ufffd\ufffd c: x b\n" +
		"      |         ^"
	if got := e.Detail(); got != want {
		t.Errorf("Detail() =\n%s\nwant\n%s", got, want)
	}
}
