package engine

import (
	"errors"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
)

// Model is a rule set ready to run: every expression compiled, every name
// resolved, rules in an order in which each comes after what it reads.
type Model struct {
	ID    string
	Title string
	// Description says what the service is; Source and URL the text
	// that founds it (a deliberation, a convention), when the rules say.
	Description, Source, URL string
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
	// At maps a rune offset inside the expression to where that rune is
	// written and the text of its line, so that an error can point at the
	// operator that failed; the loader sets it (an expression may span
	// several lines of a YAML scalar). Nil: errors point at Pos.
	At func(offset int) (diag.Pos, string)
}

// PosAt returns where the rune at offset in the expression is written, and
// the text of that line; Pos and Line for offset 0 or when At is unset.
func (f *Formula) PosAt(offset int) (diag.Pos, string) {
	if f.At == nil || offset <= 0 {
		return f.Pos, f.Line
	}
	return f.At(offset)
}

// runtimeError words an evaluation error of f: at the operator or call
// that failed when err says which (a *formula.RuntimeError), at the start
// of the expression otherwise.
func (f *Formula) runtimeError(err error, msg string) *diag.Error {
	pos, line := f.PosAt(failedAt(err))
	code := diag.Runtime
	if err != nil {
		code = errorCode(err)
	}
	return &diag.Error{Pos: pos, Code: code, Source: line, Msg: msg}
}

// failedAt is the rune offset in its expression at which an evaluation
// failed, 0 (the start) when err does not say.
func failedAt(err error) int {
	var re *formula.RuntimeError
	if errors.As(err, &re) {
		return re.Offset
	}
	return 0
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
	// Description, Source and Assumption are shown in explanations; URL
	// is the address of the source, when the file gives one.
	Description, Source, Assumption, URL string
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
	// Source is the text the rule implements (a deliberation, an
	// article) and URL its address, when the file gives them.
	Source, URL string
	// Param marks a per-member parameter: dated figures by member (units
	// of use, populations...), run as a per-member rule whose versions
	// give each member a constant; Assumption then says why its figures
	// are estimates, when they are.
	Param      bool
	Assumption string
}

// Version is a rule's formula in force from a date. For a per-member rule,
// ByMember gives a member its own formula and Expr serves the others.
type Version struct {
	From     Date
	Expr     *Formula
	ByMember map[string]*Formula
	Pos      diag.Pos
	// Description says what the version changes; Source and URL are the
	// text it implements, when the file gives them.
	Description, Source, URL string
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
	// Actuals are the pool's actual amounts of closed years (the
	// compte administratif), by year: in such a year the amount formula
	// is not evaluated, and the actual amount, spread evenly over the
	// months the service ran, is shared month by month with the key in
	// force. Nil on the budget basis.
	Actuals map[int]Actual
}

// Actual is a pool's actual amount for a year, in cents, and where the
// figure is written.
type Actual struct {
	Amount decimal.Decimal
	Pos    diag.Pos
	// Source says where the figure comes from ("Compte administratif
	// 2026, chapitre 012"); Assumption why it is an estimate, when it is.
	Source, Assumption string
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
