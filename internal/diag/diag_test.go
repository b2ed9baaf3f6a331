package diag

import (
	"errors"
	"fmt"
	"testing"
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
	tests := []struct {
		pos  Pos
		want string
	}{
		{Pos{File: "a.yaml", Line: 3, Col: 4}, "a.yaml:3:4"},
		{Pos{File: "a.yaml", Line: 3}, "a.yaml:3"},
		{Pos{File: "a.yaml"}, "a.yaml"},
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
