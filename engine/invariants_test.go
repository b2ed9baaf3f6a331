package engine_test

import (
	"context"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// buildModel decodes one inline rule file and builds its model.
func buildModel(tb rapid.TB, src string) *engine.Model {
	tb.Helper()
	const name = "test.yaml"
	f, err := rules.DecodeFile(name, []byte(src))
	if err != nil {
		tb.Fatalf("decoding the test rules:\n%s\n%s", diag.Flatten(err).Detail(), src)
	}
	set, err := rules.Build([]rules.NamedFile{{Path: name, File: f}})
	if err != nil {
		tb.Fatalf("building the test rules:\n%s\n%s", diag.Flatten(err).Detail(), src)
	}
	return set.Model
}

// runChecked runs m and checks the invariants of every year it returns.
func runChecked(tb rapid.TB, m *engine.Model, opt engine.Options) *engine.Result {
	tb.Helper()
	res, err := engine.Run(context.Background(), m, opt)
	if err != nil {
		tb.Fatalf("run: %s", diag.Flatten(err).Detail())
	}
	checkResult(tb, m, res)
	return res
}

// checkResult checks what every result must satisfy whatever the rules:
// amounts in cents; for every year, each pool's parts sum exactly to its
// amount and its fee parts to its fees, the members' amounts sum exactly to
// the total, which is the pools' amounts and fees; each member's amount is
// its parts; the manager is billed nothing and the others their amount.
func checkResult(tb rapid.TB, m *engine.Model, res *engine.Result) {
	tb.Helper()
	if res == nil {
		tb.Fatal("nil result")
	}
	for i := range res.Years {
		if i > 0 && res.Years[i].Year != res.Years[i-1].Year+1 {
			tb.Errorf("year %d follows year %d", res.Years[i].Year, res.Years[i-1].Year)
		}
		checkYear(tb, m, &res.Years[i])
	}
}

func checkYear(tb rapid.TB, m *engine.Model, y *engine.Year) {
	tb.Helper()
	fail := func(format string, args ...any) {
		tb.Helper()
		tb.Errorf("%d: "+format, append([]any{y.Year}, args...)...)
	}
	inCents := func(what string, x decimal.Decimal) {
		tb.Helper()
		if !x.Equal(x.Round(2)) {
			fail("%s = %s is not in cents", what, x)
		}
	}
	withinCent := func(what string, got, exact decimal.Decimal) {
		tb.Helper()
		if got.Sub(exact).Abs().GreaterThanOrEqual(cent) {
			fail("%s = %s, a cent or more from its exact value %s", what, got, exact)
		}
	}

	months := 0
	for _, s := range y.Segments {
		if s.Months < 1 || s.FromMonth < 1 || s.FromMonth+s.Months > 13 {
			fail("segment of %d months from month %d", s.Months, s.FromMonth)
		}
		months += s.Months
	}
	if months != y.Months || y.Months < 0 || y.Months > 12 {
		fail("Months = %d, but the segments cover %d months", y.Months, months)
	}

	index := map[string]int{}
	for i, my := range y.Members {
		if _, dup := index[my.ID]; dup {
			fail("member %s listed twice", my.ID)
		}
		index[my.ID] = i
		if my.Manager != (my.ID == m.Manager) {
			fail("member %s: Manager = %v, but the manager is %s", my.ID, my.Manager, m.Manager)
		}
	}

	if len(y.Pools) != len(m.Pools) {
		fail("%d pools, the model has %d", len(y.Pools), len(m.Pools))
	}
	total := decimal.Zero
	amounts, fees := zeros(len(y.Members)), zeros(len(y.Members))
	for pi, p := range y.Pools {
		if pi < len(m.Pools) && p.ID != m.Pools[pi].ID {
			fail("pool %d is %s, want %s (model order)", pi, p.ID, m.Pools[pi].ID)
		}
		inCents("pool "+p.ID+" amount", p.Amount)
		inCents("pool "+p.ID+" fees", p.Fees)
		if pi < len(m.Pools) && !m.Pools[pi].Fees && !p.Fees.IsZero() {
			fail("pool %s carries no fees but has fees %s", p.ID, p.Fees)
		}
		total = total.Add(p.Amount).Add(p.Fees)
		if len(p.Parts) != len(y.Members) {
			fail("pool %s has %d parts for %d members", p.ID, len(p.Parts), len(y.Members))
			continue
		}
		sum, feeSum, shareSum := decimal.Zero, decimal.Zero, decimal.Zero
		exactSum, exactFeeSum := decimal.Zero, decimal.Zero
		for k, part := range p.Parts {
			what := "pool " + p.ID + ", member " + part.Member
			if part.Member != y.Members[k].ID {
				fail("%s: part %d is for %s, but member %d is %s", what, k, part.Member, k, y.Members[k].ID)
			}
			inCents(what+" part", part.Amount)
			inCents(what+" fees", part.Fees)
			withinCent(what+" part", part.Amount, part.Exact)
			withinCent(what+" fees", part.Fees, part.ExactFees)
			if part.Share.IsNegative() {
				fail("%s: share %s below zero", what, part.Share)
			}
			sum, feeSum, shareSum = sum.Add(part.Amount), feeSum.Add(part.Fees), shareSum.Add(part.Share)
			exactSum, exactFeeSum = exactSum.Add(part.Exact), exactFeeSum.Add(part.ExactFees)
			amounts[k] = amounts[k].Add(part.Amount).Add(part.Fees)
			fees[k] = fees[k].Add(part.Fees)
		}
		if !sum.Equal(p.Amount) {
			fail("pool %s: the parts sum to %s, not to the amount %s", p.ID, sum, p.Amount)
		}
		if !feeSum.Equal(p.Fees) {
			fail("pool %s: the fee parts sum to %s, not to the fees %s", p.ID, feeSum, p.Fees)
		}
		// The amount is the exact amount rounded to the cent, so the exact
		// parts sum to within half a cent of it (a hair more, for keys that
		// sum to 1 within engine.KeyTolerance).
		halfCent := decimal.New(5, -3).Add(decimal.New(1, -9))
		if exactSum.Sub(p.Amount).Abs().GreaterThan(halfCent) {
			fail("pool %s: the exact parts sum to %s, more than half a cent from the amount %s", p.ID, exactSum, p.Amount)
		}
		if exactFeeSum.Sub(p.Fees).Abs().GreaterThan(halfCent) {
			fail("pool %s: the exact fee parts sum to %s, more than half a cent from the fees %s", p.ID, exactFeeSum, p.Fees)
		}
		if len(y.Members) > 0 && shareSum.Sub(decimal.NewFromInt(1)).Abs().GreaterThan(engine.KeyTolerance) {
			fail("pool %s: the shares sum to %s", p.ID, shareSum)
		}
	}
	inCents("total", y.Total)
	if !total.Equal(y.Total) {
		fail("Total = %s, but the pools' amounts and fees sum to %s", y.Total, total)
	}

	sum, shareSum := decimal.Zero, decimal.Zero
	for k, my := range y.Members {
		shareSum = shareSum.Add(my.Share)
		inCents("member "+my.ID+" amount", my.Amount)
		sum = sum.Add(my.Amount)
		if !my.Amount.Equal(amounts[k]) {
			fail("member %s: Amount = %s, but its parts and fee parts sum to %s", my.ID, my.Amount, amounts[k])
		}
		if !my.Fees.Equal(fees[k]) {
			fail("member %s: Fees = %s, but its fee parts sum to %s", my.ID, my.Fees, fees[k])
		}
		want := my.Amount
		if my.ID == m.Manager {
			want = decimal.Zero
		}
		if !my.Billed.Equal(want) {
			fail("member %s: billed %s, want %s (manager %s)", my.ID, my.Billed, want, m.Manager)
		}
		if my.Share.IsNegative() {
			fail("member %s: share %s below zero", my.ID, my.Share)
		}
	}
	if !sum.Equal(y.Total) {
		fail("the members' amounts sum to %s, not to the total %s", sum, y.Total)
	}
	if len(y.Members) > 0 && shareSum.Sub(decimal.NewFromInt(1)).Abs().GreaterThan(engine.KeyTolerance) {
		fail("the members' reference shares sum to %s", shareSum)
	}
}

func zeros(n int) []decimal.Decimal {
	z := make([]decimal.Decimal, n)
	for i := range z {
		z[i] = decimal.Zero
	}
	return z
}
