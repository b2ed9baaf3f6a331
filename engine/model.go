package engine

import (
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
)

// Model is a rule set ready to run: every expression compiled, every name
// resolved, rules in an order in which each comes after what it reads.
type Model struct {
	ID    string
	Title string
	// Start is the day the shared service took effect; nothing is billed
	// before the first month that begins on or after it.
	Start Date
	// FirstYear and LastYear bound the years the rule set covers.
	FirstYear, LastYear int
	// From and To are the years run when the caller does not choose.
	From, To int
	// Manager is the id of the member that manages the service and is
	// billed nothing.
	Manager string
	// ReferenceKey names the per-member rule reported as each member's
	// share (the clé de référence).
	ReferenceKey string
	// FeeRate is the management-fee rate applied to the pools that carry
	// fees; nil when the rule set has none.
	FeeRate *Formula

	Members []Member
	Params  []Param
	Rules   []Rule
	Pools   []Pool
}

// Formula is a compiled expression and where it is written.
type Formula struct {
	Program *formula.Program
	Pos     diag.Pos
	// Line is the source line at Pos, for error snippets.
	Line string
}

// Member is a body that shares the service.
type Member struct {
	ID, Label, Kind string
	// Attributes are the figures rules read as member.<name>.
	Attributes map[string]decimal.Decimal
	// Joined is the first day of membership; Left the last one, or zero.
	Joined, Left Date
	Pos          diag.Pos
}

// ActiveOn reports whether m is a member on day d.
func (m *Member) ActiveOn(d Date) bool {
	return !d.Before(m.Joined) && (m.Left.IsZero() || !m.Left.Before(d))
}

// Param is a dated parameter: each value is in force from its date until
// the next one.
type Param struct {
	Name, Label, Unit string
	Values            []Dated // sorted by date
	Pos               diag.Pos
	// Description, Source and Assumption are shown in explanations.
	Description, Source, Assumption string
}

// Dated is a value in force from a date.
type Dated struct {
	From  Date
	Value decimal.Decimal
	Pos   diag.Pos
}

// Rule is a named expression evaluated for each segment of each year, once
// (global) or once per active member (PerMember).
type Rule struct {
	Name, Label, Unit string
	PerMember         bool
	Versions          []Version // sorted by date
	Pos               diag.Pos
	Description       string
}

// Version is a rule's formula in force from a date. For a per-member rule,
// ByMember gives a member its own formula and Expr serves the others.
type Version struct {
	From     Date
	Expr     *Formula
	ByMember map[string]*Formula
	Pos      diag.Pos
}

// Pool is a cost the service bears each year, allocated by a key.
type Pool struct {
	ID, Label string
	Amount    *Formula
	// Key names the per-member rule that shares the pool.
	Key string
	// Fees says whether management fees apply to the pool.
	Fees bool
	Pos  diag.Pos
}

// GlobalEnv returns the names a formula outside any member may read, with
// sample values of their types: parameters and global rules as numbers,
// per-member rules as maps by member id, year and previous. Project lines
// and other formulas compiled against a built model use it.
func (m *Model) GlobalEnv() formula.Decls {
	env := formula.Decls{formula.Year: formula.Number, formula.Previous: formula.NumberMap}
	for _, p := range m.Params {
		env[p.Name] = formula.Number
	}
	for _, r := range m.Rules {
		if r.PerMember {
			env[r.Name] = formula.NumberMap
		} else {
			env[r.Name] = formula.Number
		}
	}
	return env
}
