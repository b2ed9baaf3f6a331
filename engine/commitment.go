package engine

import (
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/shopspring/decimal"
)

// Commitment is an indicator the service has committed to move, with a
// target per year: the commitments of the Numérique Responsable label's
// action plan (device lifetime, share of equipment reused, a carbon
// trajectory...). Requests move it by their effects, or, for one that
// follows a dimension, by their net in that dimension.
type Commitment struct {
	ID               string
	LabelFR, LabelEN string
	Unit             string
	Decimals         int32
	Better           Direction
	// Years are the evaluation's; Baseline[yi] is the indicator without
	// any request, and Target[yi] the target where HasTarget[yi].
	Years     []int
	Baseline  []decimal.Decimal
	Target    []decimal.Decimal
	HasTarget []bool
	// Dim is, for a commitment that follows a dimension, its place in
	// Valuation.Dimensions; -1 otherwise. Such a commitment moves by each
	// request's yearly net in the dimension times Scale, in its good
	// direction: a gain raises an indicator where higher is better and
	// lowers one where lower is better.
	Dim   int
	Scale decimal.Decimal
	// Framework names what of the label's framework it answers;
	// Description, Source and Assumption document it.
	Framework, Description, Source, Assumption string
	Pos                                        diag.Pos
}

// Label names the commitment in French, or in English when english is set.
func (c *Commitment) Label(english bool) string {
	if english && c.LabelEN != "" {
		return c.LabelEN
	}
	return c.LabelFR
}

// Effect is what a request does to a commitment's indicator, per year of
// the request as written (moved with its start, like its lines).
type Effect struct {
	// Commitment is the commitment's place in the evaluation's list.
	Commitment   int
	CommitmentID string
	Values       map[int]*Formula
	// Justification says why the request moves the indicator so.
	Justification string
	Pos           diag.Pos
}

// Trajectory is a commitment's indicator year by year for a set of
// requests: the baseline moved by each request, against the target.
type Trajectory struct {
	Commitment *Commitment
	Years      []int
	// Value[yi] is the baseline plus every request's contribution.
	Value []decimal.Decimal
	// Margin[yi] is how far Value is on the good side of the target (a
	// negative margin is a target missed); Met[yi] says whether it is at
	// or beyond it. Both only where the commitment has a target.
	Margin []decimal.Decimal
	Met    []bool
	// Movers are the requests that move the indicator, in the set's
	// order, with their contribution per year.
	Movers []Mover
}

// Mover is one request's contribution to a trajectory.
type Mover struct {
	ID    string
	Start int
	Delta []decimal.Decimal
}

// Missed returns the years whose target the trajectory misses.
func (t *Trajectory) Missed() []int {
	var out []int
	for yi, y := range t.Years {
		if t.Commitment.HasTarget[yi] && !t.Met[yi] {
			out = append(out, y)
		}
	}
	return out
}

// Contribution returns what an assessed request adds to commitment ci's
// indicator, per year of the horizon.
func Contribution(commitments []Commitment, ci int, a *Assessed) []decimal.Decimal {
	c := &commitments[ci]
	out := zeros(len(a.Years))
	if c.Dim >= 0 {
		for li, l := range a.Project.Lines {
			if l.Dim != c.Dim {
				continue
			}
			for yi, v := range a.Values[li] {
				// A gain moves the indicator the good way.
				if (l.Side == Gain) == (c.Better == Higher) {
					out[yi] = out[yi].Add(v.Mul(c.Scale))
				} else {
					out[yi] = out[yi].Sub(v.Mul(c.Scale))
				}
			}
		}
		return out
	}
	for ei, e := range a.Project.Effects {
		if e.Commitment != ci || ei >= len(a.Effects) {
			continue
		}
		for yi, v := range a.Effects[ei] {
			out[yi] = out[yi].Add(v)
		}
	}
	return out
}

// Trajectories computes each commitment's trajectory for a set of
// assessed requests taken together.
func Trajectories(commitments []Commitment, set []Assessed) []Trajectory {
	out := make([]Trajectory, len(commitments))
	for ci := range commitments {
		c := &commitments[ci]
		t := Trajectory{Commitment: c, Years: c.Years, Value: make([]decimal.Decimal, len(c.Years)),
			Margin: make([]decimal.Decimal, len(c.Years)), Met: make([]bool, len(c.Years))}
		copy(t.Value, c.Baseline)
		for i := range set {
			delta := Contribution(commitments, ci, &set[i])
			moves := false
			for yi := range t.Value {
				if yi < len(delta) && !delta[yi].IsZero() {
					moves = true
					t.Value[yi] = t.Value[yi].Add(delta[yi])
				}
			}
			if moves {
				t.Movers = append(t.Movers, Mover{ID: set[i].Project.ID, Start: set[i].Start, Delta: delta})
			}
		}
		for yi := range t.Value {
			if !c.HasTarget[yi] {
				continue
			}
			m := t.Value[yi].Sub(c.Target[yi])
			if c.Better == Lower {
				m = m.Neg()
			}
			t.Margin[yi], t.Met[yi] = m, !m.IsNegative()
		}
		out[ci] = t
	}
	return out
}
