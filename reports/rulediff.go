package reports

// A rule diff shows what a change to the rule files does to the bills:
// every scenario run on the previous rules and on the changed ones, and,
// per scenario, member and year, the amount before, after and the change,
// with gates (a change above an amount or a percentage) that CI turns into
// a failed job. The amount compared is what each member pays: the billed
// amount, and for the manager, which bills itself nothing, the part it
// bears. The caller runs both rule sets and gives the two results of each
// scenario; rulediff_render.go renders the diff.

import (
	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// RuleDiff is the effect of a rule change on every scenario.
type RuleDiff struct {
	// Before and After name the two rule sets (a folder, a git revision).
	Before, After string
	Scenarios     []RuleDiffScenario
	Gate          Gate
	// Provenance records the files of the run on the current rules;
	// BeforeDigest is the digest of the same files with the previous
	// rules in place of the current ones (equal to Provenance.Digest
	// when the rules did not change).
	Provenance   Provenance
	BeforeDigest string
}

// RuleDiffScenario is the effect on one scenario.
type RuleDiffScenario struct {
	ID, Title string
	// Rows are every member and year of either run, in the order of the
	// years then of the members (Compare).
	Rows []RuleDiffRow
	// Skipped says why the scenario could not run on the previous rules
	// (it reads something the change adds); Rows is then empty.
	Skipped string
}

// RuleDiffRow is a member's amount in a year before and after the change.
type RuleDiffRow struct {
	Delta
	Manager bool
	// Exceeded is set when the change passes a gate.
	Exceeded bool
}

// Changed reports whether the amount moved.
func (r RuleDiffRow) Changed() bool { return !r.Change.IsZero() || r.InBase != r.InOther }

// Gate is the largest change allowed per member and year, in EUR and in
// percent of the previous amount; nil means no limit. A member that only
// one side bills has no percentage: it passes a percentage gate only if the
// amount is zero.
type Gate struct {
	Amount, Pct *decimal.Decimal
}

// exceeded reports whether a row passes a limit of the gate.
func (g Gate) exceeded(r RuleDiffRow) bool {
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

// CompareRules lines up a scenario's run on the previous rules (before) with its
// run on the changed ones (after), member by member and year by year. Both
// runs cover the same years.
func CompareRules(id, title string, before, after *engine.Result, g Gate) RuleDiffScenario {
	s := RuleDiffScenario{ID: id, Title: title}
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
	for _, d := range Compare(before, after).Rows {
		row := RuleDiffRow{Delta: d, Manager: managers[d.Member]}
		row.Exceeded = g.exceeded(row)
		s.Rows = append(s.Rows, row)
	}
	return s
}

// Changes returns the rows whose amount moved.
func (s *RuleDiffScenario) Changes() []RuleDiffRow {
	var out []RuleDiffRow
	for _, r := range s.Rows {
		if r.Changed() {
			out = append(out, r)
		}
	}
	return out
}

// Exceeded returns the rows of every scenario that pass a gate.
func (d *RuleDiff) Exceeded() []RuleDiffRow {
	var out []RuleDiffRow
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
func (d *RuleDiff) Changed() bool {
	for _, s := range d.Scenarios {
		if len(s.Changes()) > 0 {
			return true
		}
	}
	return false
}
