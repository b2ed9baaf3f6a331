package engine_test

import (
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

func TestScoringWeighted(t *testing.T) {
	s := &engine.Scoring{OutOf: decimal.NewFromInt(100), Criteria: []engine.Criterion{
		{ID: "alignement", Weight: projDec("0.5"), Min: projDec("0"), Max: projDec("3")},
		{ID: "risque", Weight: projDec("0.3"), Min: projDec("0"), Max: projDec("3"), Better: engine.Lower},
		{ID: "usagers", Weight: projDec("0.2"), Min: projDec("1"), Max: projDec("5")},
	}}
	p := &engine.Project{ID: "p", Scores: []engine.Score{{Value: projDec("3")}, {Value: projDec("1")}, {Value: projDec("2")}}}
	// 100 × (0.5 × 3/3 + 0.3 × (3 − 1)/3 + 0.2 × (2 − 1)/4) = 50 + 20 + 5 = 75.
	projEqualDec(t, "weighted", s.Weighted(p), "75")
	projEqualDec(t, "risk's share", s.Contribution(p, 1), "20")
	projEqualDec(t, "max", s.Max(), "100")
	if err := s.Validate([]engine.Project{*p}); err != nil {
		t.Error(err)
	}
	// Without OutOf: the points above the worst end, weighted.
	raw := &engine.Scoring{Criteria: s.Criteria}
	projEqualDec(t, "raw", raw.Weighted(p), "2.3") // 0.5×3 + 0.3×2 + 0.2×1
	projEqualDec(t, "raw max", raw.Max(), "3.2")   // 0.5×3 + 0.3×3 + 0.2×4
	bad := *s
	bad.Criteria = append([]engine.Criterion(nil), s.Criteria...)
	bad.Criteria[2].Weight = projDec("0.3")
	if err := bad.Validate(nil); err == nil || err.Error() != "the weights of the criteria sum to 1.1, not 1, and the score is out of 100" {
		t.Errorf("weights: %v", err)
	}
	out := &engine.Project{ID: "q", Scores: []engine.Score{{Value: projDec("4")}, {Value: projDec("1")}, {Value: projDec("2")}}}
	if err := s.Validate([]engine.Project{*out}); err == nil || err.Error() != "project q: the score 4 on alignement is outside its scale, 0 to 3" {
		t.Errorf("scale: %v", err)
	}
}

// A trajectory is the baseline moved by each request, against the target;
// one that follows a dimension moves with the requests' net in it.
func TestTrajectories(t *testing.T) {
	years := []int{2027, 2028}
	cs := []engine.Commitment{
		{ID: "duree", Years: years, Baseline: projDecs("5", "5"), Target: projDecs("5", "6"), HasTarget: []bool{false, true}, Dim: -1, Better: engine.Higher},
		{ID: "carbone", Years: years, Baseline: projDecs("100", "100"), Target: projDecs("100", "90"), HasTarget: []bool{true, true},
			Dim: engine.Carbon, Scale: projDec("0.001"), Better: engine.Lower},
	}
	p := &engine.Project{ID: "p", Lines: []engine.Line{{Dim: engine.Carbon, Side: engine.Gain}, {Dim: engine.Carbon, Side: engine.Effort}},
		Effects: []engine.Effect{{Commitment: 0, CommitmentID: "duree"}}}
	a := engine.Assessed{Project: p, Years: years, Start: 2027, Values: [][]decimal.Decimal{projDecs("0", "12000"), projDecs("1000", "0")},
		Effects: [][]decimal.Decimal{projDecs("0.5", "1")}}
	ts := engine.Trajectories(cs, []engine.Assessed{a})
	projEqualDecs(t, "duree", ts[0].Value, projDecs("5.5", "6"))
	if !ts[0].Met[1] || len(ts[0].Missed()) != 0 || len(ts[0].Movers) != 1 {
		t.Errorf("duree: %+v", ts[0])
	}
	// 2027: +1 t made; 2028: −12 t avoided.
	projEqualDecs(t, "carbone", ts[1].Value, projDecs("101", "88"))
	projEqualDecs(t, "carbone margin", ts[1].Margin, projDecs("-1", "2"))
	if got := ts[1].Missed(); len(got) != 1 || got[0] != 2027 {
		t.Errorf("missed %v", got)
	}
}
