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

// service is the service section of the limit tests: years from–to.
func service(from, to int) string {
	return fmt.Sprintf("service: {id: s, title: S, manager: m0, start: %d-01-01, years: {from: %d, to: %d}}\n", from, from, to)
}

// smallRules are a key and a pool, for members m0...
const smallRules = `parameters:
  total: {description: d, unit: EUR, value: 1000, source: s}
rules:
  cle: {per_member: true, expr: "1"}
pools:
  p: {label: P, amount: total, key: cle}
`

// members lists n members m0, m1...
func members(n int) string {
	var b strings.Builder
	b.WriteString("members:\n")
	for i := range n {
		fmt.Fprintf(&b, "- {id: m%d, label: M}\n", i)
	}
	return b.String()
}

// loadLimit loads one file and returns its single error of code limit.
func loadLimit(t *testing.T, text string) *diag.Error {
	t.Helper()
	start := time.Now()
	_, err := rules.Load(fstest.MapFS{"r.yaml": {Data: []byte(text)}}, ".", "r")
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("loading took %v", d) // a runaway, not a busy machine
	}
	errs := diag.Flatten(err)
	if len(errs) != 1 || errs[0].Code != diag.Limit {
		t.Fatalf("want one limit error, got %v", err)
	}
	return errs[0]
}

func TestYearSpanLimit(t *testing.T) {
	e := loadLimit(t, service(2026, 999999)+members(2)+smallRules)
	if want := "r/r.yaml:1:84: service years 2026–999999: 997,974 years, beyond the limit of 200 years a rule set may cover"; e.Error() != want {
		t.Errorf("got  %q\nwant %q", e, want)
	}
	if e.Source == "" {
		t.Errorf("no source line")
	}
	if _, err := rules.Load(fstest.MapFS{"r.yaml": {Data: []byte(service(2026, 2225) + members(2) + smallRules)}}, ".", "r"); err != nil {
		t.Errorf("200 years: %v", err)
	}
}

func TestCountLimits(t *testing.T) {
	t.Run("members", func(t *testing.T) {
		e := loadLimit(t, service(2026, 2026)+members(rules.MaxMembers+1)+smallRules)
		if want := "r/r.yaml:100003:8: too many members: more than 100,000, the limit of members in a rule set"; e.Error() != want {
			t.Errorf("got  %q\nwant %q", e, want)
		}
	})
	t.Run("pools", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(service(2026, 2026) + members(2) + smallRules)
		for i := range rules.MaxPools {
			fmt.Fprintf(&b, "  p%d: {label: P, amount: total, key: cle}\n", i)
		}
		e := loadLimit(t, b.String())
		if !strings.HasSuffix(e.Error(), ": too many pools: more than 1,000, the limit of pools in a rule set") || e.Pos.Line != 1010 {
			t.Errorf("got %q", e)
		}
	})
	t.Run("rules", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(service(2026, 2026) + members(2) + smallRules)
		text := strings.Replace(b.String(), "pools:\n  p: {label: P, amount: total, key: cle}\n", "", 1)
		b.Reset()
		b.WriteString(text)
		for i := range rules.MaxRules {
			fmt.Fprintf(&b, "  r%d: {expr: \"%d\"}\n", i, i)
		}
		b.WriteString("pools:\n  p: {label: P, amount: total, key: cle}\n")
		e := loadLimit(t, b.String())
		if !strings.HasSuffix(e.Error(), ": too many rules: more than 20,000, the limit of rules in a rule set") {
			t.Errorf("got %q", e)
		}
	})
	t.Run("parameters", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(service(2026, 2026) + members(2) + smallRules)
		for i := range rules.MaxParameters {
			fmt.Fprintf(&b, "  x%d: {description: d, unit: EUR, value: 1, source: s}\n", i)
		}
		text := strings.Replace(b.String(), "pools:\n  p: {label: P, amount: total, key: cle}\n", "", 1) + "pools:\n  p: {label: P, amount: total, key: cle}\n"
		text = strings.Replace(text, "rules:\n  cle: {per_member: true, expr: \"1\"}\n", "", 1) + "rules:\n  cle: {per_member: true, expr: \"1\"}\n"
		e := loadLimit(t, text)
		if !strings.HasSuffix(e.Error(), ": too many parameters: more than 10,000, the limit of parameters in a rule set") {
			t.Errorf("got %q", e)
		}
	})
	t.Run("dated values", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(service(2026, 2026) + members(2) + smallRules + "  serie:\n    description: d\n    unit: EUR\n    values:\n")
		for i := range rules.MaxDatedValues + 1 {
			fmt.Fprintf(&b, "      %04d-%02d-01: 1\n", 1000+i/12, i%12+1)
		}
		text := strings.Replace(b.String(), "pools:\n  p: {label: P, amount: total, key: cle}\n", "", 1) + "pools:\n  p: {label: P, amount: total, key: cle}\n"
		text = strings.Replace(text, "rules:\n  cle: {per_member: true, expr: \"1\"}\n", "", 1) + "rules:\n  cle: {per_member: true, expr: \"1\"}\n"
		e := loadLimit(t, text)
		if !strings.HasSuffix(e.Error(), ": too many dated values: more than 100,000, the limit of dated values of parameters in a rule set") {
			t.Errorf("got %q", e)
		}
	})
	t.Run("expressions", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(service(2026, 2026) + members(1000) + smallRules)
		b.WriteString("  table:\n    versions:\n")
		for v := range rules.MaxFormulas / 1000 {
			fmt.Fprintf(&b, "      - from: 2026-%02d-%02d\n        by_member: {", v/28+1, v%28+1)
			for i := range 1000 {
				fmt.Fprintf(&b, "m%d: %d, ", i, v*1000+i)
			}
			b.WriteString("}\n")
		}
		text := strings.Replace(b.String(), "pools:\n  p: {label: P, amount: total, key: cle}\n", "", 1) + "pools:\n  p: {label: P, amount: total, key: cle}\n"
		e := loadLimit(t, text)
		if !strings.HasSuffix(e.Error(), ": too many expressions: more than 50,000, the limit of expressions in a rule set") {
			t.Errorf("got %q", e)
		}
	})
}

// perMemberRules adds n per-member rules to smallRules.
func perMemberRules(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  r%d: {per_member: true, expr: \"cle * %d\"}\n", i, i)
	}
	return strings.Replace(smallRules, "pools:", b.String()+"pools:", 1)
}

func TestWorkLimit(t *testing.T) {
	// 250 members, 18 more rules, a key and a pool, 200 years: 1,000,000
	// values.
	text := service(2026, 2225) + members(250) + perMemberRules(18)
	if _, err := rules.Load(fstest.MapFS{"r.yaml": {Data: []byte(text)}}, ".", "r"); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	// One member more is beyond it.
	e := loadLimit(t, service(2026, 2225)+members(251)+perMemberRules(18))
	if want := "r/r.yaml:1:74: a run of these rules may compute 1,004,000 values (251 members × (19 per-member rules + 1 pools) + 0 global rules, in 200 month segments over the years 2026–2225), beyond the limit of 1,000,000 values a run"; e.Error() != want {
		t.Errorf("got  %q\nwant %q", e, want)
	}
	// A value that changes every month makes twelve segments a year.
	monthly := strings.Replace(perMemberRules(18), "value: 1000,", "values: {2026-01-01: 1, 2026-02-01: 2, 2026-03-15: 3, 2026-12-02: 4, 2027-01-01: 5},", 1)
	e = loadLimit(t, service(2026, 2225)+members(250)+monthly)
	if !strings.Contains(e.Msg, "in 202 month segments") {
		t.Errorf("got %q, want 202 segments (2026: from January, February and April)", e)
	}
}

func TestMemberYearsLimit(t *testing.T) {
	// 500 members over 200 years, 50,000 over 2: 100,000 member-years.
	for _, text := range []string{service(2026, 2225) + members(500) + smallRules, service(2026, 2027) + members(50_000) + smallRules} {
		if _, err := rules.Load(fstest.MapFS{"r.yaml": {Data: []byte(text)}}, ".", "r"); err != nil {
			t.Fatalf("at the limit: %v", err)
		}
	}
	e := loadLimit(t, service(2026, 2225)+members(501)+smallRules)
	if want := "r/r.yaml:1:74: a run of these rules may report 100,200 member-years (501 members × 200 years, 2026–2225), beyond the limit of 100,000 member-years a run"; e.Error() != want {
		t.Errorf("got  %q\nwant %q", e, want)
	}
}

func TestNumberDigitsLimit(t *testing.T) {
	ok := strings.Repeat("7", 1000)
	v := new(leaves)
	if err := rules.Decode("f.yaml", []byte("r: x\nn: "+ok+"\n"), v); err != nil || v.N.Value.String() != ok {
		t.Errorf("1,000 digits: %v", err)
	}
	start := time.Now()
	err := rules.Decode("f.yaml", []byte("r: x\nn: 1"+strings.Repeat("0", 1_000_000)+".5\n"), new(leaves))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a number of a million digits took %v to refuse", d)
	}
	errs := diag.Flatten(err)
	want := `f.yaml:2:4: n: a number of 1,000,002 digits, beyond the limit of 1,000 digits of a value (docs/limits.md): "1` + strings.Repeat("0", 79) + `…"`
	if len(errs) != 1 || errs[0].Code != diag.Limit || errs[0].Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}
