package billing_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/engine/billing"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// quarters is four instalments of 25 %, at the end of each quarter.
var quarters = &billing.Schedule{Label: "Trimestres", Dues: []billing.Due{
	{Month: time.March, Day: 31, Fraction: d("0.25")},
	{Month: time.June, Day: 30, Fraction: d("0.25")},
	{Month: time.September, Day: 30, Fraction: d("0.25")},
	{Month: time.December, Day: 31, Fraction: d("0.25")},
}}

func months(from, to time.Month) [12]bool {
	var m [12]bool
	for mo := from; mo <= to; mo++ {
		m[mo-1] = true
	}
	return m
}

func amounts(ins []billing.Instalment) []string {
	var out []string
	for _, in := range ins {
		out = append(out, in.Amount.StringFixed(2))
	}
	return out
}

func TestInstalments(t *testing.T) {
	for _, tc := range []struct {
		name     string
		s        *billing.Schedule
		bill     string
		months   [12]bool
		want     []string
		wantDues []string
	}{
		{"whole year, the leftover cent to the first", quarters, "20603.87", months(1, 12),
			[]string{"5150.97", "5150.97", "5150.97", "5150.96"}, []string{"2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"}},
		{"exact quarters", quarters, "1000.00", months(1, 12), []string{"250.00", "250.00", "250.00", "250.00"}, nil},
		{"joins on 1 July: the instalments of its months only", quarters, "600.01", months(7, 12),
			[]string{"300.01", "300.00"}, []string{"2026-09-30", "2026-12-31"}},
		{"joins in May: the second quarter is partly its", quarters, "900.00", months(5, 12),
			[]string{"300.00", "300.00", "300.00"}, []string{"2026-06-30", "2026-09-30", "2026-12-31"}},
		{"leaves after February: the first quarter only", quarters, "123.45", months(1, 2), []string{"123.45"}, []string{"2026-03-31"}},
		{"no schedule: one bill on 31 December", nil, "99.99", months(1, 12), []string{"99.99"}, []string{"2026-12-31"}},
		{"a credit is split like a bill", quarters, "-10.01", months(1, 12), []string{"-2.51", "-2.50", "-2.50", "-2.50"}, nil},
		{"a zero bill", quarters, "0.00", months(1, 12), []string{"0.00", "0.00", "0.00", "0.00"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ins, err := billing.Instalments(tc.s, 2026, d(tc.bill), tc.months)
			if err != nil {
				t.Fatal(err)
			}
			if got := amounts(ins); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("amounts %v, want %v", got, tc.want)
			}
			if tc.wantDues != nil {
				var dues []string
				for _, in := range ins {
					dues = append(dues, in.Due.String())
				}
				if fmt.Sprint(dues) != fmt.Sprint(tc.wantDues) {
					t.Errorf("dues %v, want %v", dues, tc.wantDues)
				}
			}
		})
	}
}

func TestInstalmentsNoMonth(t *testing.T) {
	if _, err := billing.Instalments(quarters, 2026, d("10.00"), [12]bool{}); err == nil {
		t.Error("a bill with no month of membership: no error")
	}
	if ins, err := billing.Instalments(quarters, 2026, d("0.00"), [12]bool{}); err != nil || ins != nil {
		t.Errorf("no month, no bill: %v, %v", ins, err)
	}
}

// TestInstalmentsSum checks, on random schedules, bills and months of
// membership, that the instalments sum exactly to the bill, are each in
// cents, fall only in periods that hold a month of membership, and are
// within one cent of bill × fraction.
func TestInstalmentsSum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "instalments")
		dueMonths := rapid.SliceOfNDistinct(rapid.IntRange(1, 12), n, n, func(m int) int { return m }).Draw(t, "months")
		sortInts(dueMonths)
		weights := rapid.SliceOfN(rapid.IntRange(1, 1000), n, n).Draw(t, "weights")
		total := 0
		for _, w := range weights {
			total += w
		}
		s := &billing.Schedule{}
		for i, m := range dueMonths {
			s.Dues = append(s.Dues, billing.Due{Month: time.Month(m), Day: 28,
				Fraction: decimal.NewFromInt(int64(weights[i])).DivRound(decimal.NewFromInt(int64(total)), 40)})
		}
		var member [12]bool
		any := false
		for i := range member {
			member[i] = rapid.Bool().Draw(t, fmt.Sprintf("month%d", i+1))
			any = any || member[i]
		}
		bill := decimal.New(rapid.Int64Range(-1e12, 1e12).Draw(t, "cents"), -2)
		if !any {
			return
		}
		ins, err := billing.Instalments(s, 2026, bill, member)
		if err != nil {
			t.Fatal(err)
		}
		sum := decimal.Zero
		for _, in := range ins {
			if !in.Amount.Equal(in.Amount.Round(2)) {
				t.Fatalf("instalment %s not in cents", in.Amount)
			}
			covers := false
			for mo := in.FirstMonth; mo <= in.LastMonth; mo++ {
				covers = covers || member[mo-1]
			}
			if !covers {
				t.Fatalf("instalment of %s covers no month of membership", in.Due)
			}
			if diff := in.Amount.Sub(bill.Mul(in.Fraction)).Abs(); diff.GreaterThanOrEqual(d("0.01")) {
				t.Fatalf("instalment %s is %s from its exact value", in.Amount, diff)
			}
			sum = sum.Add(in.Amount)
		}
		if !sum.Equal(bill) {
			t.Fatalf("instalments sum to %s, bill %s", sum, bill)
		}
	})
}

func sortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func year(members ...engine.MemberYear) *engine.Year {
	return &engine.Year{Year: 2026, Members: members}
}

func TestSettle(t *testing.T) {
	budget := year(
		engine.MemberYear{ID: "epci", Manager: true, Amount: d("600.00")},
		engine.MemberYear{ID: "a", Amount: d("300.00")},
		engine.MemberYear{ID: "b", Amount: d("100.00")},
	)
	actual := year(
		engine.MemberYear{ID: "epci", Manager: true, Amount: d("630.00")},
		engine.MemberYear{ID: "a", Amount: d("315.55")},
		engine.MemberYear{ID: "b", Amount: d("95.12")},
	)
	issued := map[string][]billing.Issued{"b": {{Amount: d("50.00")}, {Amount: d("49.99")}}}
	s, err := billing.Settle(budget, actual, issued)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]string{"epci": {"0.00", "0.00", "0.00"}, "a": {"300.00", "315.55", "15.55"}, "b": {"99.99", "95.12", "-4.87"}}
	for _, m := range s.Members {
		got := [3]string{m.Billed.StringFixed(2), m.Due.StringFixed(2), m.Difference.StringFixed(2)}
		if got != want[m.ID] {
			t.Errorf("%s: billed, due, difference %v, want %v", m.ID, got, want[m.ID])
		}
	}
	if s.Difference.StringFixed(2) != "10.68" || !s.Difference.Equal(s.Due.Sub(s.Billed)) {
		t.Errorf("difference %s, due %s, billed %s", s.Difference, s.Due, s.Billed)
	}
	if _, err := billing.Settle(budget, year(engine.MemberYear{ID: "a"}), nil); err == nil {
		t.Error("members differ: no error")
	}
	if _, err := billing.Settle(budget, actual, map[string][]billing.Issued{"z": nil}); err == nil {
		t.Error("instalments issued to a non-member: no error")
	}
}

func TestCarry(t *testing.T) {
	s := &billing.Settlement{Year: 2026, Members: []billing.MemberSettlement{
		{ID: "a", Difference: d("15.55")}, {ID: "gone", Difference: d("-3.00")}, {ID: "b", Difference: d("0.00")}}}
	res := &engine.Result{Years: []engine.Year{{Year: 2027, Members: []engine.MemberYear{
		{ID: "epci", Manager: true, Billed: d("0")}, {ID: "a", Amount: d("320.00"), Billed: d("320.00")}, {ID: "b", Amount: d("90.00"), Billed: d("90.00")}}}}}
	left := billing.Carry(res, s)
	y := res.Years[0]
	if y.Settled != 2026 || y.Members[1].Billed.StringFixed(2) != "335.55" || y.Members[1].Regularisation.StringFixed(2) != "15.55" ||
		y.Members[2].Billed.StringFixed(2) != "90.00" {
		t.Errorf("carried: %+v", y)
	}
	if len(left) != 1 || left[0].ID != "gone" {
		t.Errorf("left: %+v", left)
	}
}

func TestImpute(t *testing.T) {
	terms := &billing.Terms{Imputations: []billing.Imputation{{Member: "a", Parameter: "ac_a"}, {Member: "b", Parameter: "ac_b"}}}
	res := &engine.Result{Years: []engine.Year{{Year: 2026,
		Segments: []engine.Segment{{Values: map[string]decimal.Decimal{"ac_a": d("1000"), "ac_b": d("50")}}},
		Members:  []engine.MemberYear{{ID: "a", Billed: d("300.00")}, {ID: "b", Billed: d("80.00")}, {ID: "c", Billed: d("1.00")}}}}}
	warns := billing.Impute(res, terms)
	ms := res.Years[0].Members
	if ms[0].Imputation == nil || ms[0].Imputation.After.StringFixed(2) != "700.00" || ms[2].Imputation != nil {
		t.Errorf("imputations: %+v %+v", ms[0].Imputation, ms[2].Imputation)
	}
	if len(warns) != 1 || ms[1].Imputation.After.StringFixed(2) != "-30.00" {
		t.Errorf("warnings %v, b after %s", warns, ms[1].Imputation.After)
	}
}

func TestScheduleFor(t *testing.T) {
	terms := &billing.Terms{Schedules: []billing.Schedule{
		{From: engine.NewDate(2024, 5, 1), Label: "a"}, {From: engine.NewDate(2027, 1, 1), Label: "b"}}}
	start := engine.NewDate(2024, 5, 1)
	for year, want := range map[int]string{2024: "a", 2026: "a", 2027: "b", 2030: "b"} {
		if got := terms.ScheduleFor(year, start); got == nil || got.Label != want {
			t.Errorf("%d: %v, want %s", year, got, want)
		}
	}
	if got := terms.ScheduleFor(2023, start); got != nil {
		t.Errorf("before the first schedule: %v", got)
	}
}

func BenchmarkInstalments(b *testing.B) {
	b.ReportAllocs()
	bill := d("2008122.76")
	m := months(1, 12)
	for b.Loop() {
		if _, err := billing.Instalments(quarters, 2026, bill, m); err != nil {
			b.Fatal(err)
		}
	}
}
