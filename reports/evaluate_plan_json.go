package reports

import (
	"maps"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// The JSON of the committee's decisions in quotepart/evaluate/v1: fields
// added to the request, the selection and the document (docs/output.md).

type (
	// planDoc is what a request adds: its constraints and scores.
	planDoc struct {
		Mandatory       bool             `json:"mandatory,omitempty"`
		MandatoryReason string           `json:"mandatory_reason,omitempty"`
		Start           int              `json:"start,omitempty"`
		Window          *windowDoc       `json:"start_window,omitempty"`
		Requires        []requirementDoc `json:"requires,omitempty"`
		Excludes        []string         `json:"excludes,omitempty"`
		Score           string           `json:"score,omitempty"`
		Scores          []scoreDoc       `json:"scores,omitempty"`
	}
	windowDoc struct {
		From int `json:"from"`
		To   int `json:"to"`
	}
	requirementDoc struct {
		Project string `json:"project"`
		Lag     int    `json:"lag"`
	}
	scoreDoc struct {
		Criterion     string `json:"criterion"`
		Score         string `json:"score"`
		Weighted      string `json:"weighted"`
		Justification string `json:"justification"`
	}
	scoringDoc struct {
		OutOf    string         `json:"out_of,omitempty"`
		Max      string         `json:"max"`
		Criteria []criterionDoc `json:"criteria"`
	}
	criterionDoc struct {
		ID     string `json:"id"`
		Label  string `json:"label"`
		Weight string `json:"weight"`
		From   string `json:"from"`
		To     string `json:"to"`
		Better string `json:"better"`
	}
	trajectoryDoc struct {
		ID       string     `json:"id"`
		Label    string     `json:"label"`
		Unit     string     `json:"unit"`
		Better   string     `json:"better"`
		Years    []int      `json:"years"`
		Baseline []string   `json:"baseline"`
		Target   []*string  `json:"target"`
		Value    []string   `json:"value"`
		Margin   []*string  `json:"margin"`
		Met      []*bool    `json:"met"`
		Movers   []moverDoc `json:"movers"`
	}
	moverDoc struct {
		Project string   `json:"project"`
		Start   int      `json:"start"`
		Delta   []string `json:"delta"`
	}
	selectionPlanDoc struct {
		Objective   string          `json:"objective"`
		Total       string          `json:"objective_total"`
		Score       string          `json:"score,omitempty"`
		Starts      map[string]int  `json:"starts"`
		Exact       bool            `json:"exact"`
		Bound       string          `json:"bound,omitempty"`
		Gap         string          `json:"gap,omitempty"`
		Portfolio   *projectDoc     `json:"portfolio,omitempty"`
		Commitments []trajectoryDoc `json:"commitments,omitempty"`
	}
	rankedPlanDoc struct {
		Start     int    `json:"start"`
		Score     string `json:"score,omitempty"`
		Objective string `json:"objective"`
		Mandatory bool   `json:"mandatory,omitempty"`
		Because   string `json:"because,omitempty"`
	}
)

func direction(d engine.Direction) string {
	if d == engine.Lower {
		return "lower"
	}
	return "higher"
}

// objectiveJSON writes an amount of an objective: cents for the value,
// exact decimals for the others.
func objectiveJSON(o engine.Objective, v decimal.Decimal) string {
	if o.Kind == engine.ByValue {
		return Cents(v)
	}
	return v.String()
}

func (e *Evaluation) planJSON(p EvaluatedProject) planDoc {
	pr := p.Project
	d := planDoc{Mandatory: pr.Mandatory, MandatoryReason: pr.MandatoryReason, Excludes: pr.Excludes}
	if starts := pr.Starts(); len(starts) > 1 {
		d.Window = &windowDoc{From: starts[0], To: starts[len(starts)-1]}
	}
	d.Start = pr.Starts()[0]
	for _, r := range pr.Requires {
		d.Requires = append(d.Requires, requirementDoc{Project: r.ID, Lag: r.Lag})
	}
	if s := e.Scoring; s.HasCriteria() {
		d.Score = s.Weighted(pr).String()
		for i, c := range s.Criteria {
			if i < len(pr.Scores) {
				d.Scores = append(d.Scores, scoreDoc{Criterion: c.ID, Score: pr.Scores[i].Value.String(),
					Weighted: s.Contribution(pr, i).String(), Justification: pr.Scores[i].Justification})
			}
		}
	}
	return d
}

func (e *Evaluation) scoringJSON() *scoringDoc {
	s := e.Scoring
	if !s.HasCriteria() {
		return nil
	}
	d := &scoringDoc{Max: s.Max().String()}
	if s.OutOf.IsPositive() {
		d.OutOf = s.OutOf.String()
	}
	for _, c := range s.Criteria {
		d.Criteria = append(d.Criteria, criterionDoc{ID: c.ID, Label: c.LabelFR, Weight: c.Weight.String(), From: c.Min.String(),
			To: c.Max.String(), Better: direction(c.Better)})
	}
	return d
}

func trajectoriesJSON(ts []engine.Trajectory) []trajectoryDoc {
	var out []trajectoryDoc
	strs := func(xs []decimal.Decimal) []string {
		s := make([]string, len(xs))
		for i, x := range xs {
			s[i] = x.String()
		}
		return s
	}
	for _, t := range ts {
		c := t.Commitment
		d := trajectoryDoc{ID: c.ID, Label: c.LabelFR, Unit: c.Unit, Better: direction(c.Better), Years: t.Years,
			Baseline: strs(c.Baseline), Value: strs(t.Value), Movers: []moverDoc{}}
		for yi := range t.Years {
			if !c.HasTarget[yi] {
				d.Target, d.Margin, d.Met = append(d.Target, nil), append(d.Margin, nil), append(d.Met, nil)
				continue
			}
			target, margin, met := c.Target[yi].String(), t.Margin[yi].String(), t.Met[yi]
			d.Target, d.Margin, d.Met = append(d.Target, &target), append(d.Margin, &margin), append(d.Met, &met)
		}
		for _, m := range t.Movers {
			d.Movers = append(d.Movers, moverDoc{Project: m.ID, Start: m.Start, Delta: strs(m.Delta)})
		}
		out = append(out, d)
	}
	return out
}

func rankedPlanJSON(r engine.Ranked) rankedPlanDoc {
	d := rankedPlanDoc{Start: r.Start, Objective: r.Objective.String(), Mandatory: r.Mandatory, Because: r.Because}
	if !r.Chosen {
		d.Start = 0
	}
	if !r.Score.IsZero() {
		d.Score = r.Score.String()
	}
	return d
}

func (e *Evaluation) selectionPlanJSON() selectionPlanDoc {
	sel := e.Selection
	d := selectionPlanDoc{Objective: sel.Objective.String(), Total: objectiveJSON(sel.Objective, sel.Total), Exact: sel.Exact, Starts: map[string]int{}}
	maps.Copy(d.Starts, sel.Starts)
	if e.Scoring.HasCriteria() {
		d.Score = sel.Score.String()
	}
	if !sel.Exact {
		d.Bound, d.Gap = objectiveJSON(sel.Objective, sel.Bound), objectiveJSON(sel.Objective, sel.Gap)
	}
	if s := e.Selected; s != nil {
		pd := projectJSON(EvaluatedProject{Figures: s.Figures})
		pd.ID = "selection"
		d.Portfolio = &pd
		d.Commitments = trajectoriesJSON(s.Trajectories)
	}
	return d
}
