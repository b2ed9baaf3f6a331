package rulediff

import (
	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
)

// Diff is the effect of a rule change on every scenario.
type Diff struct {
	// Before and After name the two rule sets (a folder, a git revision).
	Before, After string
	Scenarios     []Scenario
	Gate          Gate
}

// Scenario is the effect on one scenario.
type Scenario struct {
	ID, Title string
	// Rows are every member and year of either run, in the order of the
	// years then of the members (reports.Compare).
	Rows []Row
	// Skipped says why the scenario could not run on the previous rules
	// (it reads something the change adds); Rows is then empty.
	Skipped string
}

// Row is a member's amount in a year before and after the change.
type Row struct {
	reports.Delta
	Manager bool
	// Exceeded is set when the change passes a gate.
	Exceeded bool
}

// Changed reports whether the amount moved.
func (r Row) Changed() bool { return !r.Change.IsZero() || r.InBase != r.InOther }

// Gate is the largest change allowed per member and year, in EUR and in
// percent of the previous amount; nil means no limit. A member that only
// one side bills has no percentage: it passes a percentage gate only if the
// amount is zero.
type Gate struct {
	Amount, Pct *decimal.Decimal
}

// exceeded reports whether a row passes a limit of the gate.
func (g Gate) exceeded(r Row) bool {
	if g.Amount != nil && r.Change.Abs().GreaterThan(*g.Amount) {
		return true
	}
	if g.Pct != nil {
		if !r.HasPct {
			return !r.Change.IsZero()
		}
		if r.ChangePct.Abs().GreaterThan(*g.Pct) {
			return true
		}
	}
	return false
}

// Compare lines up a scenario's run on the previous rules (before) with its
// run on the changed ones (after), member by member and year by year. Both
// runs cover the same years.
func Compare(id, title string, before, after *engine.Result, g Gate) Scenario {
	s := Scenario{ID: id, Title: title}
	managers := map[string]bool{}
	for _, res := range []*engine.Result{before, after} {
		for _, y := range res.Years {
			for _, m := range y.Members {
				if m.Manager {
					managers[m.ID] = true
				}
			}
		}
	}
	for _, d := range reports.Compare(before, after).Rows {
		row := Row{Delta: d, Manager: managers[d.Member]}
		row.Exceeded = g.exceeded(row)
		s.Rows = append(s.Rows, row)
	}
	return s
}

// Changes returns the rows whose amount moved.
func (s *Scenario) Changes() []Row {
	var out []Row
	for _, r := range s.Rows {
		if r.Changed() {
			out = append(out, r)
		}
	}
	return out
}

// Exceeded returns the rows of every scenario that pass a gate.
func (d *Diff) Exceeded() []Row {
	var out []Row
	for _, s := range d.Scenarios {
		for _, r := range s.Rows {
			if r.Exceeded {
				out = append(out, r)
			}
		}
	}
	return out
}

// Changed reports whether any amount moved.
func (d *Diff) Changed() bool {
	for _, s := range d.Scenarios {
		if len(s.Changes()) > 0 {
			return true
		}
	}
	return false
}
