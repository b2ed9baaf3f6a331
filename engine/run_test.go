package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/shopspring/decimal"
)

// wantYear is what a test expects of one year. Amounts are decimal strings;
// every listed pool and member is checked in full, in the order given,
// which must be the result's order.
type wantYear struct {
	year     int
	months   int
	segments [][2]int // FromMonth, Months
	total    string
	pools    []wantPool
	members  []wantMember
}

type wantPool struct {
	id, amount, fees string   // fees "" means 0
	parts, feeParts  []string // in the order of the members; feeParts nil means all 0
}

type wantMember struct {
	id, share, amount, fees, billed string // fees "" means 0
}

// The expected values below are worked out by hand in the comments; none
// is read back from a run.
var runTests = []struct {
	name  string
	rules string
	opt   engine.Options
	years []wantYear
}{
	{
		name: "a service starting 2024-05-01 counts 8 months; the manager is billed 0 but its amount is computed",
		rules: `
service: {id: t, title: T, manager: metropole, start: 2024-05-01, years: {from: 2024, to: 2025}}
members:
  - {id: metropole, label: Métropole}
  - {id: ville, label: Ville}
parameters:
  annuel: {description: Montant annuel., unit: EUR, value: 1000.01}
rules:
  cle:
    by_member: {metropole: "0.6", ville: "0.4"}
pools:
  p: {label: P, amount: annuel, key: cle}
`,
		years: []wantYear{
			// 1000.01 × 8/12 = 666.67333… → 666.67; exact parts 400.004 and
			// 266.669333…: rounded down 400.00 + 266.66, the missing cent
			// goes to the larger remainder, the Ville's.
			{year: 2024, months: 8, segments: [][2]int{{5, 8}}, total: "666.67",
				pools: []wantPool{{id: "p", amount: "666.67", parts: []string{"400.00", "266.67"}}},
				members: []wantMember{
					{id: "metropole", share: "0.6", amount: "400.00", billed: "0"},
					{id: "ville", share: "0.4", amount: "266.67", billed: "266.67"}}},
			// exact parts 600.006 and 400.004: the cent goes to the Métropole.
			{year: 2025, months: 12, segments: [][2]int{{1, 12}}, total: "1000.01",
				pools: []wantPool{{id: "p", amount: "1000.01", parts: []string{"600.01", "400.00"}}},
				members: []wantMember{
					{id: "metropole", share: "0.6", amount: "600.01", billed: "0"},
					{id: "ville", share: "0.4", amount: "400.00", billed: "400.00"}}},
		},
	},
	{
		name: "a member joining 2028-07-01 splits the year in two and pays pro rata by month",
		rules: `
service: {id: t, title: T, manager: a, start: 2027-01-01, years: {from: 2027, to: 2028}}
members:
  - {id: a, label: A, attributes: {population: 500}}
  - {id: b, label: B, attributes: {population: 300}}
  - {id: c, label: C, joined: 2028-07-01, attributes: {population: 200}}
parameters:
  annuel: {description: Montant annuel., unit: EUR, value: 1000.03}
rules:
  pop: {per_member: true, expr: member.population}
  total_pop: {expr: sum(pop)}
  cle: {per_member: true, expr: pop / total_pop}
pools:
  p: {label: P, amount: annuel, key: cle}
`,
		years: []wantYear{
			// keys 500/800 = 0.625 and 0.375: exact parts 625.01875 and
			// 375.01125, the cent to a.
			{year: 2027, months: 12, segments: [][2]int{{1, 12}}, total: "1000.03",
				pools: []wantPool{{id: "p", amount: "1000.03", parts: []string{"625.02", "375.01"}}},
				members: []wantMember{
					{id: "a", share: "0.625", amount: "625.02", billed: "0"},
					{id: "b", share: "0.375", amount: "375.01", billed: "375.01"}}},
			// Half a year each: 500.015 by 0.625/0.375, then 500.015 by
			// 0.5/0.3/0.2. Exact parts a 312.509375 + 250.0075 = 562.516875,
			// b 187.505625 + 150.0045 = 337.510125, c 100.003 (= 1000.03 ×
			// 6/12 × 0.2): rounded down they miss one cent, which goes to a.
			// Shares are the keys weighted by months: a (0.625 + 0.5)/2.
			{year: 2028, months: 12, segments: [][2]int{{1, 6}, {7, 6}}, total: "1000.03",
				pools: []wantPool{{id: "p", amount: "1000.03", parts: []string{"562.52", "337.51", "100.00"}}},
				members: []wantMember{
					{id: "a", share: "0.5625", amount: "562.52", billed: "0"},
					{id: "b", share: "0.3375", amount: "337.51", billed: "337.51"},
					{id: "c", share: "0.1", amount: "100.00", billed: "100.00"}}},
		},
	},
	{
		name: "a member leaving 2027-03-31 pays for three months and is gone the next year",
		rules: `
service: {id: t, title: T, manager: a, start: 2027-01-01, years: {from: 2027, to: 2028}}
members:
  - {id: a, label: A, attributes: {population: 500}}
  - {id: b, label: B, left: 2027-03-31, attributes: {population: 500}}
parameters:
  annuel: {description: Montant annuel., unit: EUR, value: 1200}
rules:
  pop: {per_member: true, expr: member.population}
  total_pop: {expr: sum(pop)}
  cle: {per_member: true, expr: pop / total_pop}
pools:
  p: {label: P, amount: annuel, key: cle}
`,
		years: []wantYear{
			// Jan–Mar: 300 halved; Apr–Dec: 900 to a alone.
			{year: 2027, months: 12, segments: [][2]int{{1, 3}, {4, 9}}, total: "1200.00",
				pools: []wantPool{{id: "p", amount: "1200.00", parts: []string{"1050.00", "150.00"}}},
				members: []wantMember{
					{id: "a", share: "0.875", amount: "1050.00", billed: "0"},
					{id: "b", share: "0.125", amount: "150.00", billed: "150.00"}}},
			{year: 2028, months: 12, segments: [][2]int{{1, 12}}, total: "1200.00",
				pools:   []wantPool{{id: "p", amount: "1200.00", parts: []string{"1200.00"}}},
				members: []wantMember{{id: "a", share: "1", amount: "1200.00", billed: "0"}}},
		},
	},
	{
		name: "a parameter changing on 2027-07-01 is weighted 6/12 + 6/12",
		rules: `
service: {id: t, title: T, manager: a, start: 2027-01-01, years: {from: 2027, to: 2027}}
members:
  - {id: a, label: A}
  - {id: b, label: B}
parameters:
  cout: {description: Coût annuel., unit: EUR, values: {2027-01-01: 1000.01, 2027-07-01: 2000.04}}
rules:
  cle: {by_member: {a: "0.5", b: "0.5"}}
pools:
  p: {label: P, amount: cout, key: cle}
`,
		years: []wantYear{
			// (6 × 1000.01 + 6 × 2000.04) / 12 = 1500.025 → 1500.03 (half
			// away from zero, where banker's rounding would give 1500.02);
			// exact parts 750.0125 each: the missing cent goes to a, the
			// first id.
			{year: 2027, months: 12, segments: [][2]int{{1, 6}, {7, 6}}, total: "1500.03",
				pools: []wantPool{{id: "p", amount: "1500.03", parts: []string{"750.02", "750.01"}}},
				members: []wantMember{
					{id: "a", share: "0.5", amount: "750.02", billed: "0"},
					{id: "b", share: "0.5", amount: "750.01", billed: "750.01"}}},
		},
	},
	{
		name: "a change dated 2027-07-15 takes effect on 2027-08-01",
		rules: `
service: {id: t, title: T, manager: a, start: 2027-01-01, years: {from: 2027, to: 2027}}
members:
  - {id: a, label: A}
  - {id: b, label: B}
parameters:
  cout: {description: Coût annuel., unit: EUR, values: {2027-01-01: 1200, 2027-07-15: 2400}}
rules:
  cle: {by_member: {a: "0.5", b: "0.5"}}
pools:
  p: {label: P, amount: cout, key: cle}
`,
		years: []wantYear{
			// (7 × 1200 + 5 × 2400) / 12 = 1700
			{year: 2027, months: 12, segments: [][2]int{{1, 7}, {8, 5}}, total: "1700.00",
				pools: []wantPool{{id: "p", amount: "1700.00", parts: []string{"850.00", "850.00"}}},
				members: []wantMember{
					{id: "a", share: "0.5", amount: "850.00", billed: "0"},
					{id: "b", share: "0.5", amount: "850.00", billed: "850.00"}}},
		},
	},
	{
		name: "fees apply only to pools with fees: true and are shared by the pool's key",
		rules: `
service: {id: t, title: T, manager: a, start: 2026-01-01, years: {from: 2026, to: 2026}, reference_key: k2}
members:
  - {id: a, label: A}
  - {id: b, label: B}
parameters:
  salaires: {description: Masse salariale., unit: EUR, value: 10000}
  abonnements: {description: Abonnements., unit: EUR, value: 1000.05}
  taux: {description: Taux des frais., unit: taux, values: {2026-01-01: 0.03, 2026-07-01: 0.06}}
rules:
  k1: {by_member: {a: "0.6", b: "0.4"}}
  k2: {by_member: {a: "0.1", b: "0.9"}}
pools:
  salaires: {label: S, amount: salaires, key: k1, fees: true}
  abonnements: {label: A, amount: abonnements, key: k2}
fees: {rate: taux}
`,
		years: []wantYear{
			// fees (6 × 10000 × 0.03 + 6 × 10000 × 0.06) / 12 = 450, shared
			// 0.6/0.4 like the payroll, not by the reference key k2.
			// abonnements: exact parts 100.005 and 900.045, equal
			// remainders: the cent goes to a, the first id.
			// a: 6000 + 270 + 100.01; b: 4000 + 180 + 900.04.
			{year: 2026, months: 12, segments: [][2]int{{1, 6}, {7, 6}}, total: "11450.05",
				pools: []wantPool{
					{id: "salaires", amount: "10000.00", fees: "450.00",
						parts: []string{"6000.00", "4000.00"}, feeParts: []string{"270.00", "180.00"}},
					{id: "abonnements", amount: "1000.05", parts: []string{"100.01", "900.04"}}},
				members: []wantMember{
					{id: "a", share: "0.1", amount: "6370.01", fees: "270.00", billed: "0"},
					{id: "b", share: "0.9", amount: "5080.04", fees: "180.00", billed: "5080.04"}}},
		},
	},
	{
		name: "previous.x reads last year's value at the end of the year",
		rules: `
service: {id: t, title: T, manager: a, start: 2026-01-01, years: {from: 2026, to: 2027}}
members:
  - {id: a, label: A}
  - {id: b, label: B}
parameters:
  p: {description: Indice., unit: EUR, values: {2026-01-01: 100, 2026-07-01: 200, 2027-01-01: 300}}
rules:
  double: {expr: p * 2}
  base:
    versions:
      - {from: 2026-01-01, expr: p}
      - {from: 2027-01-01, expr: previous.p + previous.double}
  cle: {by_member: {a: "0.5", b: "0.5"}}
pools:
  p: {label: P, amount: base, key: cle}
`,
		years: []wantYear{
			// (6 × 100 + 6 × 200) / 12
			{year: 2026, months: 12, segments: [][2]int{{1, 6}, {7, 6}}, total: "150.00",
				pools: []wantPool{{id: "p", amount: "150.00", parts: []string{"75.00", "75.00"}}},
				members: []wantMember{
					{id: "a", share: "0.5", amount: "75.00", billed: "0"},
					{id: "b", share: "0.5", amount: "75.00", billed: "75.00"}}},
			// 200 + 400 from December 2026; the yearly mean would give 450,
			// this year's values 900.
			{year: 2027, months: 12, segments: [][2]int{{1, 12}}, total: "600.00",
				pools: []wantPool{{id: "p", amount: "600.00", parts: []string{"300.00", "300.00"}}},
				members: []wantMember{
					{id: "a", share: "0.5", amount: "300.00", billed: "0"},
					{id: "b", share: "0.5", amount: "300.00", billed: "300.00"}}},
		},
	},
	{
		name: "keys of 1/3 sum to 1 within the tolerance, and 1e11 EUR splits to the cent",
		rules: `
service: {id: t, title: T, manager: b, start: 2026-01-01, years: {from: 2026, to: 2026}}
members:
  - {id: c, label: C}
  - {id: a, label: A}
  - {id: b, label: B}
parameters:
  montant: {description: Montant., unit: EUR, value: 100000000000}
rules:
  cle: {per_member: true, expr: 1 / 3}
pools:
  p: {label: P, amount: montant, key: cle}
`,
		years: []wantYear{
			// exact parts 33333333333.333333333333 each; the missing cent
			// goes to a, the first id, though c comes first in the file.
			{year: 2026, months: 12, segments: [][2]int{{1, 12}}, total: "100000000000.00",
				pools: []wantPool{{id: "p", amount: "100000000000.00",
					parts: []string{"33333333333.33", "33333333333.34", "33333333333.33"}}},
				members: []wantMember{
					{id: "c", share: "0.33333333333333333333", amount: "33333333333.33", billed: "33333333333.33"},
					{id: "a", share: "0.33333333333333333333", amount: "33333333333.34", billed: "33333333333.34"},
					{id: "b", share: "0.33333333333333333333", amount: "33333333333.33", billed: "0"}}},
		},
	},
	{
		name: "a service starting mid-December bills nothing that year",
		rules: `
service: {id: t, title: T, manager: a, start: 2024-12-15, years: {from: 2024, to: 2025}}
members:
  - {id: a, label: A}
  - {id: b, label: B}
parameters:
  annuel: {description: Montant annuel., unit: EUR, value: 1200}
rules:
  cle: {by_member: {a: "0.25", b: "0.75"}}
pools:
  p: {label: P, amount: annuel, key: cle}
`,
		years: []wantYear{
			{year: 2024, months: 0, total: "0",
				pools: []wantPool{{id: "p", amount: "0", parts: []string{}}}},
			{year: 2025, months: 12, segments: [][2]int{{1, 12}}, total: "1200.00",
				pools: []wantPool{{id: "p", amount: "1200.00", parts: []string{"300.00", "900.00"}}},
				members: []wantMember{
					{id: "a", share: "0.25", amount: "300.00", billed: "0"},
					{id: "b", share: "0.75", amount: "900.00", billed: "900.00"}}},
		},
	},
	{
		name: "negative amounts (a credit) are shared like positive ones",
		rules: `
service: {id: t, title: T, manager: a, start: 2026-01-01, years: {from: 2026, to: 2026}}
members:
  - {id: a, label: A}
  - {id: b, label: B}
parameters:
  credit: {description: Remboursement., unit: EUR, value: -1000.03}
  taux: {description: Taux des frais., unit: taux, value: 0.05}
rules:
  cle: {by_member: {a: "0.6", b: "0.4"}}
pools:
  p: {label: P, amount: credit, key: cle, fees: true}
fees: {rate: taux}
`,
		years: []wantYear{
			// exact parts -600.018 and -400.012 → -600.02, -400.01; fees
			// -50.0015 → -50.00, exact fee parts -30.0009, -20.0006 → -30.00,
			// -20.00.
			{year: 2026, months: 12, segments: [][2]int{{1, 12}}, total: "-1050.03",
				pools: []wantPool{{id: "p", amount: "-1000.03", fees: "-50.00",
					parts: []string{"-600.02", "-400.01"}, feeParts: []string{"-30.00", "-20.00"}}},
				members: []wantMember{
					{id: "a", share: "0.6", amount: "-630.02", fees: "-30.00", billed: "0"},
					{id: "b", share: "0.4", amount: "-420.01", fees: "-20.00", billed: "-420.01"}}},
		},
	},
}

func TestRun(t *testing.T) {
	for _, tt := range runTests {
		t.Run(tt.name, func(t *testing.T) {
			m := buildModel(t, tt.rules)
			res := runChecked(t, m, tt.opt)
			if len(res.Years) != len(tt.years) {
				t.Fatalf("%d years, want %d", len(res.Years), len(tt.years))
			}
			for i, want := range tt.years {
				checkWantYear(t, &res.Years[i], want)
			}
		})
	}
}

func checkWantYear(t *testing.T, y *engine.Year, want wantYear) {
	t.Helper()
	eq := func(what string, got decimal.Decimal, want string) {
		t.Helper()
		if want == "" {
			want = "0"
		}
		if !got.Equal(dec(want)) {
			t.Errorf("%d: %s = %s, want %s", y.Year, what, got, want)
		}
	}
	if y.Year != want.year || y.Months != want.months {
		t.Errorf("year %d of %d months, want %d of %d months", y.Year, y.Months, want.year, want.months)
	}
	var segs [][2]int
	for _, s := range y.Segments {
		segs = append(segs, [2]int{s.FromMonth, s.Months})
	}
	if len(segs) != len(want.segments) {
		t.Errorf("%d: segments %v, want %v", y.Year, segs, want.segments)
	} else {
		for i := range segs {
			if segs[i] != want.segments[i] {
				t.Errorf("%d: segments %v, want %v", y.Year, segs, want.segments)
				break
			}
		}
	}
	eq("total", y.Total, want.total)
	if len(y.Pools) != len(want.pools) {
		t.Fatalf("%d: %d pools, want %d", y.Year, len(y.Pools), len(want.pools))
	}
	for i, wp := range want.pools {
		p := y.Pools[i]
		if p.ID != wp.id {
			t.Errorf("%d: pool %d is %s, want %s", y.Year, i, p.ID, wp.id)
			continue
		}
		eq("pool "+p.ID+" amount", p.Amount, wp.amount)
		eq("pool "+p.ID+" fees", p.Fees, wp.fees)
		if len(p.Parts) != len(wp.parts) {
			t.Errorf("%d: pool %s has %d parts, want %d", y.Year, p.ID, len(p.Parts), len(wp.parts))
			continue
		}
		for k, part := range p.Parts {
			eq("pool "+p.ID+" part of "+part.Member, part.Amount, wp.parts[k])
			wantFee := ""
			if wp.feeParts != nil {
				wantFee = wp.feeParts[k]
			}
			eq("pool "+p.ID+" fee part of "+part.Member, part.Fees, wantFee)
		}
	}
	if len(y.Members) != len(want.members) {
		t.Fatalf("%d: %d members, want %d", y.Year, len(y.Members), len(want.members))
	}
	for i, wm := range want.members {
		my := y.Members[i]
		if my.ID != wm.id {
			t.Errorf("%d: member %d is %s, want %s", y.Year, i, my.ID, wm.id)
			continue
		}
		eq(my.ID+" share", my.Share, wm.share)
		eq(my.ID+" amount", my.Amount, wm.amount)
		eq(my.ID+" fees", my.Fees, wm.fees)
		eq(my.ID+" billed", my.Billed, wm.billed)
	}
}

// TestRunPrevious checks what the years record of previous values: nothing
// in the service's first year, then last December's values.
func TestRunPrevious(t *testing.T) {
	var rules string
	for _, tt := range runTests {
		if strings.HasPrefix(tt.name, "previous.x") {
			rules = tt.rules
		}
	}
	if rules == "" {
		t.Fatal("the previous.x case of runTests is gone")
	}
	res := runChecked(t, buildModel(t, rules), engine.Options{})
	if len(res.Years) != 2 {
		t.Fatalf("%d years, want 2", len(res.Years))
	}
	if res.Years[0].Previous != nil {
		t.Errorf("2026, the first year, has previous values %v", res.Years[0].Previous)
	}
	for name, want := range map[string]string{"p": "200", "double": "400", "base": "200"} {
		if got, ok := res.Years[1].Previous[name]; !ok || !got.Equal(dec(want)) {
			t.Errorf("2027: previous.%s = %s (present: %v), want %s", name, got, ok, want)
		}
	}
}

const keyRules = `
service: {id: t, title: T, manager: a, start: 2026-01-01, years: {from: 2026, to: 2028}}
members:
  - {id: a, label: A}
  - {id: b, label: B}
parameters:
  masse: {description: Masse salariale., unit: EUR, value: 1000}
rules:
  cle:
    versions:
      - {from: 2026-01-01, by_member: {a: "0.5", b: "0.5"}}
      - {from: 2027-01-01, by_member: {a: "%s", b: "%s"}}
pools:
  masse: {label: M, amount: masse, key: cle}
`

func TestRunErrors(t *testing.T) {
	valid := `
service: {id: t, title: T, manager: a, start: 2026-05-01, years: {from: 2026, to: 2027}}
members:
  - {id: a, label: A}
parameters:
  masse: {description: Masse salariale., unit: EUR, value: 1000}
rules:
  cle: {by_member: {a: "1"}}
pools:
  masse: {label: M, amount: masse, key: cle}
`
	keys := func(a, b string) string {
		return strings.Replace(strings.Replace(keyRules, "%s", a, 1), "%s", b, 1)
	}
	tests := []struct {
		name  string
		rules string
		opt   engine.Options
		code  diag.Code
		want  []string // substrings of the message
		// line is the line of the rules the error points to, 0 for none.
		line int
	}{
		{name: "a year before the rules' years", rules: valid, opt: engine.Options{From: 2025, To: 2027},
			code: diag.Invalid, want: []string{"years 2025–2027 are outside the years the rules cover, 2026–2027"}},
		{name: "a year after the rules' years", rules: valid, opt: engine.Options{From: 2026, To: 2028},
			code: diag.Invalid, want: []string{"years 2026–2028 are outside", "2026–2027"}},
		{name: "a default first year after an explicit last one", rules: valid, opt: engine.Options{To: 2025},
			code: diag.Invalid, want: []string{"the first year 2026 is after the last year 2025"}},
		{name: "first year after last year", rules: valid, opt: engine.Options{From: 2027, To: 2026},
			code: diag.Invalid, want: []string{"the first year 2027 is after the last year 2026"}},
		{name: "keys summing to 0.99 name the pool and the year", rules: keys("0.5", "0.49"),
			code: diag.Runtime, line: 9,
			want: []string{"key cle of pool masse sums to 0.99 in 2027, not to 1 (members: a, b)"}},
		{name: "keys summing to 1.01", rules: keys("0.5", "0.51"),
			code: diag.Runtime, line: 9, want: []string{"pool masse", "1.01 in 2027"}},
		{name: "keys just outside the tolerance", rules: keys("0.5", "0.5000000000011"),
			code: diag.Runtime, line: 9, want: []string{"pool masse", "sums to 1.0000000000011 in 2027"}},
		{name: "a negative key names the pool, the member and the year", rules: keys("1.1", "-0.1"),
			code: diag.Runtime, line: 14,
			want: []string{"pool masse, year 2027: key cle of member b is -0.1, below zero"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := buildModel(t, tt.rules)
			res, err := engine.Run(context.Background(), m, tt.opt)
			if err == nil {
				t.Fatalf("no error, %d years", len(res.Years))
			}
			if res != nil {
				t.Errorf("a result came with the error")
			}
			list := diag.Flatten(err)
			if len(list) != 1 {
				t.Fatalf("%d errors, want 1:\n%s", len(list), list.Detail())
			}
			e := list[0]
			if e.Code != tt.code {
				t.Errorf("code %s, want %s: %s", e.Code, tt.code, e)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Msg, w) {
					t.Errorf("message %q, want it to contain %q", e.Msg, w)
				}
			}
			if tt.line > 0 && (e.Pos.File != "test.yaml" || e.Pos.Line != tt.line) {
				t.Errorf("error at %s, want test.yaml:%d", e.Pos, tt.line)
			}
		})
	}
}

// TestRunKeyErrorYear checks that a key that goes wrong in 2027 spoils
// neither the years before it nor a run that stops before it.
func TestRunKeyErrorYear(t *testing.T) {
	m := buildModel(t, strings.Replace(strings.Replace(keyRules, "%s", "0.5", 1), "%s", "0.49", 1))
	res := runChecked(t, m, engine.Options{From: 2026, To: 2026})
	if len(res.Years) != 1 || !res.Years[0].Total.Equal(dec("1000")) {
		t.Errorf("2026 alone: %d years, want 1 with a total of 1000", len(res.Years))
	}
	if _, err := engine.Run(context.Background(), m, engine.Options{From: 2028, To: 2028}); err == nil {
		t.Error("2028 alone runs, but 2027 must be evaluated first and fails")
	}
}

func TestRunCanceled(t *testing.T) {
	m := buildModel(t, runTests[0].rules)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := engine.Run(ctx, m, engine.Options{})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Errorf("Run on a canceled context = %v, %v; want nil, context.Canceled", res, err)
	}
}
