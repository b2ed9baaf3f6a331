package diag

import (
	"fmt"
	"testing"
)

func TestSuggest(t *testing.T) {
	known := []string{"label", "population", "postes_dsi", "ville"}
	cases := []struct{ name, want string }{
		{"lable", ` (did you mean "label"?)`}, // a swap of two letters is one edit
		{"populaton", ` (did you mean "population"?)`},
		{"vile", ` (did you mean "ville"?)`},
		{"label", ""},  // the name itself is no suggestion
		{"budget", ""}, // nothing close enough
		{"", ""},       // nothing to suggest for nothing
		{"postes", ""}, // too far from postes_dsi to be a typo
		{"postes_dis", ` (did you mean "postes_dsi"?)`},
	}
	for _, c := range cases {
		if got := Suggest(c.name, known); got != c.want {
			t.Errorf("Suggest(%q) = %q, want %q", c.name, got, c.want)
		}
	}
	// Ties go to the first candidate in byte order, whatever the order given.
	if a, b := Closest("cat", []string{"cut", "cot"}), Closest("cat", []string{"cot", "cut"}); a != "cot" || b != "cot" {
		t.Errorf("ties: %q and %q, want cot both times", a, b)
	}
}

func ExampleSuggest() {
	fmt.Println("unknown name ccass" + Suggest("ccass", []string{"ccas", "metropole", "ville"}))
	// Output: unknown name ccass (did you mean "ccas"?)
}
