package engine

import (
	"fmt"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/shopspring/decimal"
)

// Scoring is how requests are weighed beyond money: criteria, each scored
// on its scale and weighted. A committee reads the weighted score beside
// the monetized value; a selection may maximize it (ByScore, Mixed).
type Scoring struct {
	Criteria []Criterion
	// OutOf, when positive, says the score is out of OutOf points: each
	// criterion's score is brought to 0–1 on its scale (1 at its best
	// end), the weights sum to 1, and the weighted sum is multiplied by
	// OutOf. When zero, the score is the weighted sum of the points above
	// the worst end of each scale, and the weights are free.
	OutOf decimal.Decimal
}

// Criterion is one way requests are scored: strategic alignment, risk
// reduction, users served...
type Criterion struct {
	ID               string
	LabelFR, LabelEN string
	Description      string
	Weight           decimal.Decimal
	// Min and Max are the ends of the scale (0 and 3).
	Min, Max decimal.Decimal
	// Better says which end of the scale is the good one.
	Better Direction
}

// Direction says which way is better for a criterion or a commitment.
type Direction int

const (
	// Higher is better (alignment 3 beats 0; a longer device lifetime).
	Higher Direction = iota
	// Lower is better (a risk of 0 beats 3; fewer kgCO2e).
	Lower
)

// Label names the criterion in French, or in English when english is set.
func (c *Criterion) Label(english bool) string {
	if english && c.LabelEN != "" {
		return c.LabelEN
	}
	return c.LabelFR
}

// Score is a request's score on one criterion, and why.
type Score struct {
	Value         decimal.Decimal
	Justification string
	Pos           diag.Pos
}

// scorePlaces is the number of decimals a weighted score is kept to.
const scorePlaces = 4

// points is what a score on criterion c counts before weighting: its
// distance from the worst end of the scale, as a share of the scale when
// the scoring is out of a number of points.
func (s *Scoring) points(c *Criterion, v decimal.Decimal) decimal.Decimal {
	p := v.Sub(c.Min)
	if c.Better == Lower {
		p = c.Max.Sub(v)
	}
	if s.OutOf.IsPositive() {
		p = p.DivRound(c.Max.Sub(c.Min), 20)
	}
	return p
}

// Weighted returns a request's weighted score (0 without criteria): the
// weighted sum of each criterion's points, times OutOf when the scoring is
// out of a number of points, to 4 decimals.
func (s *Scoring) Weighted(p *Project) decimal.Decimal {
	total := decimal.Zero
	if s == nil {
		return total
	}
	for i := range s.Criteria {
		if i >= len(p.Scores) {
			break
		}
		c := &s.Criteria[i]
		total = total.Add(c.Weight.Mul(s.points(c, p.Scores[i].Value)))
	}
	if s.OutOf.IsPositive() {
		total = total.Mul(s.OutOf)
	}
	return total.Round(scorePlaces)
}

// Contribution returns what criterion i adds to a request's weighted
// score, to 4 decimals.
func (s *Scoring) Contribution(p *Project, i int) decimal.Decimal {
	if s == nil || i >= len(p.Scores) {
		return decimal.Zero
	}
	c := &s.Criteria[i]
	v := c.Weight.Mul(s.points(c, p.Scores[i].Value))
	if s.OutOf.IsPositive() {
		v = v.Mul(s.OutOf)
	}
	return v.Round(scorePlaces)
}

// Max returns the highest weighted score a request can get: OutOf, or the
// weighted sum of each scale's length.
func (s *Scoring) Max() decimal.Decimal {
	if s == nil {
		return decimal.Zero
	}
	if s.OutOf.IsPositive() {
		return s.OutOf
	}
	total := decimal.Zero
	for _, c := range s.Criteria {
		total = total.Add(c.Weight.Mul(c.Max.Sub(c.Min)))
	}
	return total.Round(scorePlaces)
}

// HasCriteria reports whether requests are scored at all.
func (s *Scoring) HasCriteria() bool { return s != nil && len(s.Criteria) > 0 }

// Validate checks a scoring: scales in order, positive weights summing to
// 1 when the scoring is out of a number of points, and every project's
// scores within their scales.
func (s *Scoring) Validate(projects []Project) error {
	if s == nil {
		return nil
	}
	sum := decimal.Zero
	for _, c := range s.Criteria {
		if !c.Min.LessThan(c.Max) {
			return fmt.Errorf("criterion %s: the scale must go from a lower to a higher number, found %s to %s", c.ID, c.Min, c.Max)
		}
		if !c.Weight.IsPositive() {
			return fmt.Errorf("criterion %s: the weight must be positive, found %s", c.ID, c.Weight)
		}
		sum = sum.Add(c.Weight)
	}
	if s.OutOf.IsPositive() && !sum.Equal(decimal.NewFromInt(1)) {
		return fmt.Errorf("the weights of the criteria sum to %s, not 1, and the score is out of %s", sum, s.OutOf)
	}
	for pi := range projects {
		p := &projects[pi]
		if len(p.Scores) != len(s.Criteria) {
			return fmt.Errorf("project %s has %d scores for %d criteria", p.ID, len(p.Scores), len(s.Criteria))
		}
		for i, c := range s.Criteria {
			if v := p.Scores[i].Value; v.LessThan(c.Min) || v.GreaterThan(c.Max) {
				return fmt.Errorf("project %s: the score %s on %s is outside its scale, %s to %s", p.ID, v, c.ID, c.Min, c.Max)
			}
		}
	}
	return nil
}
