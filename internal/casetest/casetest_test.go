package casetest

import (
	"bytes"
	"context"
	"encoding/xml"
	"github.com/quotepart/quotepart/internal/app"
	"regexp"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/shopspring/decimal"
)

func dec(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

func TestWithin(t *testing.T) {
	cases := []struct {
		diff, expected string
		abs, rel       *decimal.Decimal
		want           bool
	}{
		{"0", "0.462", nil, nil, true},
		{"0.0001", "0.462", nil, nil, false},
		{"0.005", "100", dec("0.005"), nil, true},
		{"-0.0051", "100", dec("0.005"), nil, false},
		{"1", "100", nil, dec("0.01"), true},
		{"1.01", "100", nil, dec("0.01"), false},
		{"1", "-100", nil, dec("0.01"), true},
		{"0.5", "100", dec("1"), dec("0.001"), false}, // both must hold
		{"0.05", "100", dec("1"), dec("0.001"), true},
		{"0.0001", "0", nil, dec("0.5"), false}, // relative to 0 is exact
	}
	for _, c := range cases {
		got := within(decimal.RequireFromString(c.diff), decimal.RequireFromString(c.expected), c.abs, c.rel)
		if got != c.want {
			t.Errorf("within(%s, %s, %v, %v) = %v, want %v", c.diff, c.expected, c.abs, c.rel, got, c.want)
		}
	}
}

const ruleSet = `service:
  id: petit
  title: Petit
  manager: a
  start: 2026-07-01
  years: {from: 2026, to: 2027}
members:
  - {id: a, label: A}
  - {id: b, label: B}
parameters:
  share_b:
    description: part de b
    unit: part
    values:
      2026-01-01: 0.4
      2027-01-01: 0.5
    source: test
  other:
    description: never read
    unit: EUR
    value: 3
    source: test
rules:
  key:
    versions:
      - from: 2026-07-01
        by_member:
          a: 1 - share_b
          b: share_b
      - from: 2027-07-01
        by_member:
          a: 0.3
          b: 0.7
pools:
  costs:
    label: Coûts
    amount: 1200
    key: key
`

func workspace(t *testing.T) *app.Workspace {
	t.Helper()
	f, err := rules.DecodeFile("rules.yaml", []byte(ruleSet))
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.BuildDecoded([]rules.NamedFile{{Path: "rules.yaml", File: f}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &app.Workspace{Rules: set, Scenarios: scenarios.NewCatalog()}
}

func run(t *testing.T, tests string, opt Options) *Report {
	t.Helper()
	l, err := Decode("cases.test.yaml", []byte(tests))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), workspace(t), []*Loaded{l}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestRunComparesEveryKind(t *testing.T) {
	rep := run(t, `tests:
  - name: six mois en 2026
    years: [2026]
    expect:
      - member: b
        key: 0.4
        amount: 240
        billed: 240
        fees: 0
      - member: a
        billed: 0
      - member: b
        pool: costs
        key: 0.4
        amount: 240
      - pool: costs
        amount: 600
      - total: 600
      - parameter: share_b
        value: 0.4
      - rule: key
        member: b
        value: 0.4
  - name: la clé change en juillet 2027
    years: [2027]
    expect:
      - rule: key
        member: b
        value: 0.5
`, Options{})
	if got := rep.Cases[0]; got.Status != Passed {
		t.Errorf("first case: %s, failures %+v", got.Status, got.Failures())
	}
	second := rep.Cases[1]
	fails := second.Failures()
	if second.Status != Failed || len(fails) != 1 || fails[0].Months != "months 7–12" || !fails[0].Actual.Equal(decimal.RequireFromString("0.7")) {
		t.Errorf("second case: want one failure on months 7–12 with 0.7, got %s %+v", second.Status, fails)
	}
	if p, f, e := rep.Counts(); p != 1 || f != 1 || e != 0 || rep.OK() {
		t.Errorf("counts %d %d %d", p, f, e)
	}
}

func TestRunFilterAndCoverage(t *testing.T) {
	tests := `tests:
  - name: clé 2026
    years: [2026]
    expect:
      - member: b
        key: 0.4
  - name: clé 2027
    years: [2027]
    expect:
      - member: b
        amount: 720
`
	rep := run(t, tests, Options{Run: regexp.MustCompile("2026"), Coverage: true})
	if len(rep.Cases) != 1 || rep.Cases[0].Name != "clé 2026" {
		t.Fatalf("--run kept %d cases", len(rep.Cases))
	}
	cov := rep.Coverage
	// Units: key (2 versions), share_b, other. 2026 reads the first
	// version of key and share_b.
	if cov.Total != 4 || cov.Covered != 2 {
		t.Fatalf("coverage %d/%d, want 2/4: %+v", cov.Covered, cov.Total, cov.Units)
	}
	if !cov.Below(decimal.NewFromInt(51)) || cov.Below(decimal.NewFromInt(50)) || cov.Percent().String() != "50" {
		t.Errorf("percent %s", cov.Percent())
	}
	rep = run(t, tests, Options{Coverage: true})
	if rep.Coverage.Covered != 3 {
		t.Errorf("both years: covered %d, want 3 (every unit but other): %+v", rep.Coverage.Covered, rep.Coverage.Units)
	}
}

func TestJUnitStructure(t *testing.T) {
	rep := run(t, `tests:
  - name: passe
    years: [2026]
    expect:
      - member: b
        key: 0.4
  - name: échoue <&>
    years: [2026, 2027]
    expect:
      - member: b
        key: 0.4
`, Options{})
	var out bytes.Buffer
	if err := writeJUnit(&out, rep); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Errors   int      `xml:"errors,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				File    string `xml:"file,attr"`
				Line    int    `xml:"line,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out.String())
	}
	if doc.Tests != 2 || doc.Failures != 1 || doc.Errors != 0 || len(doc.Suites) != 1 {
		t.Fatalf("totals: %+v", doc)
	}
	s := doc.Suites[0]
	if s.Name != "cases.test.yaml" || s.Tests != 2 || s.Failures != 1 || len(s.Cases) != 2 {
		t.Fatalf("suite: %+v", s)
	}
	if s.Cases[0].Failure != nil || s.Cases[1].Failure == nil || s.Cases[1].Name != "échoue <&>" || s.Cases[1].Line != 7 {
		t.Fatalf("cases: %+v", s.Cases)
	}
	if !strings.Contains(s.Cases[1].Failure.Text, "expected    0.4\n    actual      0.6") {
		t.Errorf("failure text: %q", s.Cases[1].Failure.Text)
	}
	var again bytes.Buffer
	_ = writeJUnit(&again, rep)
	if !bytes.Equal(out.Bytes(), again.Bytes()) {
		t.Error("two reports differ")
	}
}

func TestDecodeRejectsBadShapes(t *testing.T) {
	_, err := Decode("x.test.yaml", []byte(`tests:
  - name: a
    relative_error: -1
    expect:
      - member: b
        pool: costs
        billed: 3
      - rule: r
        parameter: p
        value: 1
      - member: b
  - name: a
    expect: []
`))
	want := []string{
		`x.test.yaml:3:21: relative_error: a tolerance cannot be negative, found -1`,
		`x.test.yaml:7:17: billed: not a measure of a member's part of a pool; give key, amount, fees`,
		`x.test.yaml:8:15: expect: rule and parameter cannot go together`,
		`x.test.yaml:11:17: expect: no expected value; for member, give key, amount, fees, billed`,
		`x.test.yaml:12:11: test case "a" appears twice in this file (first at line 2)`,
		`x.test.yaml:12:11: test case "a" expects nothing`,
	}
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("missing %q in\n%v", w, err)
		}
	}
}

// A value wrong by the same amount in every segment of a year is one
// failure, not one per segment; different wrong values stay apart.
func TestSameFailureAcrossSegmentsOnce(t *testing.T) {
	rep := run(t, `tests:
  - name: deux segments en 2027
    years: [2027]
    expect:
      - parameter: other
        value: 4
      - rule: key
        member: b
        value: 0.9
`, Options{})
	fails := rep.Cases[0].Failures()
	if len(fails) != 3 {
		t.Fatalf("%d failures, want one for the parameter and two for the key: %+v", len(fails), fails)
	}
	if f := fails[0]; f.Months != "" || !f.Actual.Equal(decimal.NewFromInt(3)) {
		t.Errorf("parameter: months %q, actual %s; want the whole year, 3", f.Months, f.Actual)
	}
	if fails[1].Months != "months 1–6" || fails[2].Months != "months 7–12" {
		t.Errorf("key: months %q and %q, want months 1–6 and months 7–12", fails[1].Months, fails[2].Months)
	}
	var b bytes.Buffer
	if err := writeText(&b, rep); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "actual      3\n"); n != 1 {
		t.Errorf("the parameter's failure is printed %d times, want once:\n%s", n, b.String())
	}
}

func TestMonthSpans(t *testing.T) {
	r := func(from, n int) reading { return reading{from: from, n: n} }
	for _, tt := range []struct {
		rs       []reading
		segments int
		want     string
	}{
		{[]reading{r(1, 4), r(5, 8)}, 2, ""},
		{[]reading{r(1, 4), r(5, 2)}, 3, "months 1–6"},
		{[]reading{r(1, 4), r(9, 4)}, 3, "months 1–4, 9–12"},
		{[]reading{r(3, 1), r(9, 1)}, 5, "months 3, 9"},
		{[]reading{r(3, 1), r(4, 1)}, 5, "months 3–4"},
	} {
		if got := monthSpans(tt.rs, tt.segments); got != tt.want {
			t.Errorf("monthSpans(%v, %d) = %q, want %q", tt.rs, tt.segments, got, tt.want)
		}
	}
}
