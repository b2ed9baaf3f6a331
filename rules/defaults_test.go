package rules_test

import (
	"context"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
)

// runDefaults loads the embedded Rouen rules and runs 2024–2030.
func runDefaults(tb testing.TB) (*rules.Set, map[int]*engine.Year) {
	tb.Helper()
	set, err := rules.LoadDefaults()
	if err != nil {
		tb.Fatalf("the default rules do not load:\n%s", diag.Flatten(err).Detail())
	}
	res, err := engine.Run(context.Background(), set.Model, engine.Options{From: 2024, To: 2030})
	if err != nil {
		tb.Fatalf("the default rules do not run:\n%s", diag.Flatten(err).Detail())
	}
	years := map[int]*engine.Year{}
	for i := range res.Years {
		years[res.Years[i].Year] = &res.Years[i]
	}
	for y := 2024; y <= 2030; y++ {
		if years[y] == nil {
			tb.Fatalf("no result for %d", y)
		}
	}
	return set, years
}

func TestDefaultsLoad(t *testing.T) {
	set, err := rules.LoadDefaults()
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	// Every figure of the defaults says where it comes from.
	if len(set.Warnings) > 0 {
		t.Errorf("warnings:\n%s", set.Warnings.Detail())
	}
	for _, f := range set.Files {
		if len(f.Path) <= len(rules.DefaultDir) || f.Path[:len(rules.DefaultDir)] != rules.DefaultDir {
			t.Errorf("file %s is not reported under %s", f.Path, rules.DefaultDir)
		}
	}
}

func TestDefaultsReferenceKeys(t *testing.T) {
	_, years := runDefaults(t)
	tests := []struct {
		year   int
		shares map[string]string
	}{
		// Until 2025-12-31: the Ville 46.68 %, the Métropole the rest.
		{2025, map[string]string{"metropole": "0.5332", "ville": "0.4668"}},
		// From 2026-01-01: the Métropole unchanged, the CCAS 0.48 %, the
		// Ville 46.20 %.
		{2026, map[string]string{"metropole": "0.5332", "ville": "0.4620", "ccas": "0.0048"}},
	}
	for _, tt := range tests {
		y := years[tt.year]
		if len(y.Members) != len(tt.shares) {
			t.Errorf("%d: %d members, want %d", tt.year, len(y.Members), len(tt.shares))
		}
		for _, m := range y.Members {
			want, ok := tt.shares[m.ID]
			if !ok {
				t.Errorf("%d: unexpected member %s", tt.year, m.ID)
				continue
			}
			if !m.Share.Equal(decimal.RequireFromString(want)) {
				t.Errorf("%d: share of %s = %s, want exactly %s", tt.year, m.ID, m.Share, want)
			}
		}
	}
}

func TestDefaultsCCASPayroll(t *testing.T) {
	// The CCAS share is computed to match the ~20,000 EUR a year re-billed
	// in recent years: its part of the payroll (fees excluded) in 2026.
	_, years := runDefaults(t)
	target := decimal.NewFromInt(20000)
	found := false
	for _, p := range years[2026].Pools {
		if p.ID != "masse_salariale" {
			continue
		}
		for _, part := range p.Parts {
			if part.Member != "ccas" {
				continue
			}
			found = true
			gap := part.Amount.Sub(target).Abs()
			if gap.GreaterThan(target.Div(decimal.NewFromInt(100))) {
				t.Errorf("CCAS part of the 2026 payroll = %s EUR, more than 1 %% from %s", part.Amount, target)
			}
		}
	}
	if !found {
		t.Fatal("no CCAS part of pool masse_salariale in 2026")
	}
}

func TestDefaultsBillsAddUp(t *testing.T) {
	set, years := runDefaults(t)
	for y := 2024; y <= 2030; y++ {
		year := years[y]
		if !year.Total.IsPositive() {
			t.Errorf("%d: total %s", y, year.Total)
		}
		members := decimal.Zero
		managers := 0
		for _, m := range year.Members {
			members = members.Add(m.Amount)
			switch {
			case m.ID == set.Model.Manager:
				managers++
				if !m.Manager || !m.Billed.IsZero() {
					t.Errorf("%d: the manager %s is billed %s (manager flag %v), want 0", y, m.ID, m.Billed, m.Manager)
				}
			case !m.Billed.Equal(m.Amount):
				t.Errorf("%d: %s billed %s, want its amount %s", y, m.ID, m.Billed, m.Amount)
			}
		}
		if managers != 1 {
			t.Errorf("%d: %d managers among the members", y, managers)
		}
		if !members.Equal(year.Total) {
			t.Errorf("%d: the members' amounts sum to %s, not to the total %s", y, members, year.Total)
		}
		pools := decimal.Zero
		for _, p := range year.Pools {
			pools = pools.Add(p.Amount).Add(p.Fees)
			amounts, fees := decimal.Zero, decimal.Zero
			for _, part := range p.Parts {
				amounts, fees = amounts.Add(part.Amount), fees.Add(part.Fees)
			}
			if !amounts.Equal(p.Amount) || !fees.Equal(p.Fees) {
				t.Errorf("%d, pool %s: parts sum to %s + %s, not to %s + %s", y, p.ID, amounts, fees, p.Amount, p.Fees)
			}
		}
		if !pools.Equal(year.Total) {
			t.Errorf("%d: the pools sum to %s, not to the total %s", y, pools, year.Total)
		}
	}
}
