package rules_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
)

// aliasBomb is a rule file of a few kilobytes whose aliases stand for
// millions of values: a rule with dated versions of a formula per member,
// repeated by alias under many names.
func aliasBomb(rulesCount int) string {
	var b strings.Builder
	b.WriteString("rules:\n  big: &r\n    versions:\n")
	for v := range 30 {
		fmt.Fprintf(&b, "      - from: %d-%02d-01\n", 2024+v/12, v%12+1)
		if v == 0 {
			b.WriteString("        by_member: &bm {")
			for i := range 50 {
				fmt.Fprintf(&b, "m%d: 1, ", i)
			}
			b.WriteString("a: 1}\n")
		} else {
			b.WriteString("        by_member: *bm\n")
		}
	}
	for i := range rulesCount {
		fmt.Fprintf(&b, "  copy%d: *r\n", i)
	}
	return b.String()
}

func TestAliasExpansionIsBounded(t *testing.T) {
	text := aliasBomb(5000)
	if len(text) > 100_000 {
		t.Fatalf("the bomb takes %d bytes", len(text))
	}
	start := time.Now()
	f, err := rules.DecodeFile("bomb.yaml", []byte(text))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("decoding took %v", d)
	}
	if f != nil {
		t.Errorf("a file past a limit is not returned: it is partial")
	}
	errs := diag.Flatten(err)
	if len(errs) != 1 {
		t.Fatalf("want one error, got %d: %v", len(errs), err)
	}
	e := errs[0]
	want := regexp.MustCompile(`^bomb\.yaml:\d+:\d+: the YAML aliases of this file expand to more than [\d,]+ values, the limit of alias expansion for this file \(1,000 \+ 1 × its [\d,]+ values as written, at most 200,000\); write the values out rather than through so many aliases$`)
	if e.Code != diag.Limit || !want.MatchString(e.Error()) {
		t.Errorf("got %s %q", e.Code, e)
	}
	if !strings.HasSuffix(e.Source, ": *r") || e.Pos.Col != len(e.Source)-1 {
		t.Errorf("the error points at %v %q, not at an alias", e.Pos, e.Source)
	}
	// The same through a folder.
	_, err = rules.Load(fstest.MapFS{"bomb.yaml": {Data: []byte(text)}}, ".", "r")
	if errs := diag.Flatten(err); len(errs) != 1 || errs[0].Code != diag.Limit || errs[0].Pos.File != "r/bomb.yaml" {
		t.Errorf("Load: %v", err)
	}
}

func TestAliasesWithinTheBudget(t *testing.T) {
	// A source repeated, a table of member formulas shared by versions.
	extra := `parameters:
  x: {description: d, unit: EUR, value: 1, source: &src "Délibération 10-26."}
  y: {description: d, unit: EUR, value: 2, source: *src}
rules:
  k2:
    versions:
      - from: 2024-01-01
        by_member: &k {a: 0.25, b: 0.75}
      - from: 2025-01-01
        by_member: *k
`
	set, errs := buildWith(t, extra)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if r := rule(set.Model, "k2"); r == nil || len(r.Versions) != 2 || len(r.Versions[1].ByMember) != 2 {
		t.Errorf("k2: %+v", r)
	}
}

func TestAliasInsideItsOwnValue(t *testing.T) {
	for _, doc := range []string{
		"members: &m [*m]\n",
		"mm: &a {x: *a}\n",
		"s: &s {x: *s}\n",
	} {
		done := make(chan error, 1)
		go func() { done <- rules.Decode("f.yaml", []byte("r: x\n"+doc), new(leaves)) }()
		select {
		case err := <-done:
			if doc != "members: &m [*m]\n" && err == nil {
				t.Errorf("%q: no error", doc)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%q: decoding never ends", doc)
		}
	}
}
