package reports

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// The report's parts on what a committee decides: the criteria and their
// weights, each request's scores, the commitments of the Numérique
// Responsable label and their trajectories, each request's constraints.

// reportPlanWords are the words of these parts of the report.
type reportPlanWords struct {
	criteria, criteriaIntro, scoresT, weighted, commitments, commitmentsIntro, adoptedIn, allRequests string
	framework, constraints, scoresOf, effects, noEffect, sheetScores, sheetCommitments                string
	commitment, year, scenario                                                                        string
}

var reportPlanVocabulary = map[Lang]reportPlanWords{
	French: {criteria: "Critères et pondérations",
		criteriaIntro:    "Au-delà de la valeur monétisée, le comité note chaque demande sur des critères pondérés ; chaque note est justifiée dans la demande. Le score pondéré se lit à côté de la valeur monétisée, jamais à sa place.",
		scoresT:          "Notes par critère, score pondéré et valeur monétisée",
		weighted:         "Score pondéré",
		commitments:      "Engagements Numérique Responsable",
		commitmentsIntro: "Les engagements mesurables du plan d'action du label Numérique Responsable niveau 2 : pour chacun, la valeur sans aucun projet, l'effet de chaque projet, la trajectoire obtenue et la cible de chaque année. Le label ne fixe pas de chiffres : les cibles sont celles que le service se donne, avec leur source ou l'hypothèse qui les fonde.",
		adoptedIn:        "portefeuille adopté par", allRequests: "ensemble des demandes, chacune à sa première année de démarrage possible",
		framework: "Référentiel", constraints: "Contraintes", scoresOf: "Notes",
		effects: "Effets sur les engagements", noEffect: "aucun", sheetScores: "Notes", sheetCommitments: "Engagements",
		commitment: "Engagement", year: "Année", scenario: "Scénario"},
	English: {criteria: "Criteria and weights",
		criteriaIntro:    "Beyond the monetized value, the committee scores each request on weighted criteria; each score is justified in the request. The weighted score is read beside the monetized value, never instead of it.",
		scoresT:          "Scores per criterion, weighted score and monetized value",
		weighted:         "Weighted score",
		commitments:      "Numérique Responsable commitments",
		commitmentsIntro: "The measurable commitments of the action plan of the Numérique Responsable label, level 2: for each, the value without any project, each project's effect, the trajectory and the target of each year. The label sets no figures: the targets are the service's own, with their source or the assumption behind them.",
		adoptedIn:        "portfolio adopted by", allRequests: "all the requests, each at its first possible start",
		framework: "Framework", constraints: "Constraints", scoresOf: "Scores",
		effects: "Effects on the commitments", noEffect: "none", sheetScores: "Scores", sheetCommitments: "Commitments",
		commitment: "Commitment", year: "Year", scenario: "Scenario"},
}

func reportPlanWordsFor(lang Lang) reportPlanWords { return wordsIn(reportPlanVocabulary, lang) }

// planSections adds the criteria and the commitments to the portfolio
// chapter.
func (r *Report) planSections(d *document, lang Lang, names names) {
	ev := r.Evaluation
	if ev == nil {
		return
	}
	pw, rw := planWordsFor(lang), reportPlanWordsFor(lang)
	if s := ev.Scoring; s.HasCriteria() {
		cs := d.open(&section{ID: "criteres", Title: rw.criteria, Level: 2})
		cs.para(rw.criteriaIntro)
		if s.OutOf.IsPositive() {
			cs.note(fmt.Sprintf(pw.scoringOutOf, Number(s.OutOf, decimalsOf(s.OutOf), lang)))
		} else {
			cs.note(pw.scoringRaw)
		}
		cs.add(criteriaTable(s, lang))
		cs.add(scoresTable(ev, lang, names))
	}
	trajectories := r.commitmentTrajectories(lang)
	if len(trajectories) == 0 {
		return
	}
	es := d.open(&section{ID: "engagements", Title: rw.commitments, Level: 2})
	es.para(rw.commitmentsIntro)
	for _, group := range trajectories {
		c := group[0].t.Commitment
		cs := d.open(&section{ID: anchor("engagement", c.ID), Title: commitmentTitle(c, lang), Level: 3})
		var defs [][2]string
		if c.Description != "" {
			defs = append(defs, [2]string{pw.description, oneLine(c.Description)})
		}
		if c.Framework != "" {
			defs = append(defs, [2]string{rw.framework, oneLine(c.Framework)})
		}
		if dims := ev.Portfolio.Figures.Dimensions; c.Dim >= 0 && c.Dim < len(dims) {
			defs = append(defs, [2]string{capitalize(pw.followsDimension), fmt.Sprintf("%s × %s", dimensionLabel(dims[c.Dim].Dimension, lang), Number(c.Scale, decimalsOf(c.Scale), lang))})
		}
		if c.Source != "" {
			defs = append(defs, [2]string{pw.source, oneLine(c.Source)})
		}
		if c.Assumption != "" {
			defs = append(defs, [2]string{pw.assumption, oneLine(c.Assumption)})
		}
		if len(defs) > 0 {
			cs.defs(defs)
		}
		for _, g := range group {
			t := trajectoryTable(g.t, lang, names)
			t.Caption = g.caption
			cs.add(t)
		}
	}
}

// trajectoryGroup is one trajectory of a commitment and what it is of.
type trajectoryGroup struct {
	t       *engine.Trajectory
	caption string
}

// commitmentTrajectories gives, for each commitment, its trajectory with
// the portfolio of each scenario that adopts one, or with all the
// requests when none does.
func (r *Report) commitmentTrajectories(lang Lang) [][]trajectoryGroup {
	rw := reportPlanWordsFor(lang)
	ev := r.Evaluation
	var out [][]trajectoryGroup
	for ci := range ev.Trajectories {
		var group []trajectoryGroup
		for _, p := range r.Parts {
			if p.Portfolio == nil || ci >= len(p.Portfolio.Trajectories) {
				continue
			}
			label := cmpOr(p.Portfolio.Label, p.Result.Title)
			group = append(group, trajectoryGroup{t: &p.Portfolio.Trajectories[ci],
				caption: fmt.Sprintf("%s (%s %s)", label, rw.adoptedIn, p.Result.Title)})
		}
		if len(group) == 0 {
			group = append(group, trajectoryGroup{t: &ev.Trajectories[ci], caption: capitalize(rw.allRequests)})
		}
		out = append(out, group)
	}
	return out
}

// trajectoryTable lays a trajectory out as trajectoryRows does, as a
// table of the report.
func trajectoryTable(t *engine.Trajectory, lang Lang, names names) *table {
	rows := trajectoryRows(t, lang, func(id string) string { return names.projects([]string{id})[0] })
	tb := &table{Head: rows[0]}
	for _, row := range rows[1:] {
		cells := []cell{textC(row[0])}
		for _, v := range row[1:] {
			cells = append(cells, textC(v))
		}
		tb.Rows = append(tb.Rows, cells)
	}
	// The trajectory and the verdict stand out.
	for i := len(tb.Rows) - 3; i < len(tb.Rows); i += 2 {
		for j := range tb.Rows[i] {
			tb.Rows[i][j].Strong = true
		}
	}
	return tb
}

// criteriaTable lists the criteria: weight, scale, direction, meaning.
func criteriaTable(s *engine.Scoring, lang Lang) *table {
	pw := planWordsFor(lang)
	t := &table{Head: []string{pw.criterion, pw.weight, pw.scale, pw.better, pw.description}}
	for _, c := range s.Criteria {
		dir := pw.higher
		if c.Better == engine.Lower {
			dir = pw.lower
		}
		weight := keyC(c.Weight)
		if !s.OutOf.IsPositive() {
			weight = numberC(c.Weight, decimalsOf(c.Weight))
		}
		t.Rows = append(t.Rows, []cell{textC(c.Label(lang == English)), weight,
			textC(fmt.Sprintf("%s – %s", Number(c.Min, decimalsOf(c.Min), lang), Number(c.Max, decimalsOf(c.Max), lang))), textC(dir), textC(oneLine(c.Description))})
	}
	return t
}

// scoresTable sets each request's scores, its weighted score and its
// monetized value side by side.
func scoresTable(ev *Evaluation, lang Lang, names names) *table {
	s := ev.Scoring
	ew := wordsIn(evalVocabulary, lang)
	rw := reportPlanWordsFor(lang)
	t := &table{Caption: rw.scoresT, Small: true, Head: []string{reportWordsFor(lang).project}}
	for _, c := range s.Criteria {
		t.Head = append(t.Head, c.Label(lang == English))
	}
	t.Head = append(t.Head, rw.weighted, capitalize(ew.monetized))
	for _, p := range ev.Projects {
		if p.Project == nil {
			continue
		}
		cells := []cell{textC(names.projects([]string{p.Project.ID})[0])}
		for i := range s.Criteria {
			v := decimal.Zero
			if i < len(p.Project.Scores) {
				v = p.Project.Scores[i].Value
			}
			cells = append(cells, numberC(v, decimalsOf(v)))
		}
		cells = append(cells, strongC(numberC(s.Weighted(p.Project), 2)), moneyC(p.Figures.Monetized))
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// projectPlan is what a request's section says of the committee's
// decisions: its constraints, its scores with their justifications and
// its effects on the commitments.
func (r *Report) projectPlan(ps *section, p EvaluatedProject, lang Lang) {
	ev := r.Evaluation
	pw, rw := planWordsFor(lang), reportPlanWordsFor(lang)
	var defs [][2]string
	if notes := ev.planNotes(p.Project, lang); len(notes) > 0 {
		defs = append(defs, [2]string{rw.constraints, notes[0]})
	}
	if s := ev.Scoring; s.HasCriteria() {
		defs = append(defs, [2]string{rw.weighted, scoreText(s, s.Weighted(p.Project), lang)})
	}
	var effects []string
	for _, t := range ev.Trajectories {
		for _, m := range t.Movers {
			if m.ID != p.Project.ID {
				continue
			}
			var years []string
			for yi, y := range t.Years {
				if !m.Delta[yi].IsZero() {
					years = append(years, fmt.Sprintf("%d %s", y, signedNumber(m.Delta[yi], t.Commitment.Decimals, lang)))
				}
			}
			effects = append(effects, fmt.Sprintf("%s (%s)%s %s", t.Commitment.Label(lang == English), t.Commitment.Unit, colon(lang), strings.Join(years, ", ")))
		}
	}
	if len(ev.Trajectories) > 0 {
		e := rw.noEffect
		if len(effects) > 0 {
			e = strings.Join(effects, " ; ")
		}
		defs = append(defs, [2]string{rw.effects, e})
	}
	if len(defs) > 0 {
		ps.defs(defs)
	}
	if s := ev.Scoring; s.HasCriteria() && len(p.Project.Scores) > 0 {
		t := &table{Caption: rw.scoresOf, Head: []string{pw.criterion, reportWordsFor(lang).value, rw.weighted, pw.justification}}
		for i, c := range s.Criteria {
			if i >= len(p.Project.Scores) {
				break
			}
			sc := p.Project.Scores[i]
			t.Rows = append(t.Rows, []cell{textC(c.Label(lang == English)), numberC(sc.Value, decimalsOf(sc.Value)),
				numberC(s.Contribution(p.Project, i), 2), textC(oneLine(sc.Justification))})
		}
		ps.add(t)
	}
}

// planSheets are the workbook's sheets of the scores and the
// commitments' trajectories, in long format.
func (r *Report) planSheets(lang Lang) []*table {
	ev := r.Evaluation
	if ev == nil {
		return nil
	}
	pw, rw := planWordsFor(lang), reportPlanWordsFor(lang)
	var out []*table
	if s := ev.Scoring; s.HasCriteria() {
		t := &table{Sheet: rw.sheetScores, Head: []string{reportWordsFor(lang).project, pw.criterion, pw.weight, reportWordsFor(lang).value, rw.weighted, pw.justification}}
		for _, p := range ev.Projects {
			if p.Project == nil {
				continue
			}
			for i, c := range s.Criteria {
				if i >= len(p.Project.Scores) {
					break
				}
				sc := p.Project.Scores[i]
				t.Rows = append(t.Rows, []cell{codeC(p.Project.ID), codeC(c.ID), numberC(c.Weight, decimalsOf(c.Weight)), numberC(sc.Value, decimalsOf(sc.Value)),
					numberC(s.Contribution(p.Project, i), 4), textC(oneLine(sc.Justification))})
			}
		}
		out = append(out, t)
	}
	groups := r.commitmentTrajectories(lang)
	if len(groups) > 0 {
		t := &table{Sheet: rw.sheetCommitments, Head: []string{rw.commitment, rw.scenario, rw.year, pw.baseline, pw.trajectory, pw.target, pw.met}}
		for _, group := range groups {
			for _, g := range group {
				c := g.t.Commitment
				for yi, y := range g.t.Years {
					target, met := emptyC(), textC("")
					if c.HasTarget[yi] {
						target = numberC(c.Target[yi], c.Decimals)
						met = textC(strconv.FormatBool(g.t.Met[yi]))
					}
					t.Rows = append(t.Rows, []cell{codeC(c.ID), textC(g.caption), yearC(y), numberC(c.Baseline[yi], c.Decimals), numberC(g.t.Value[yi], c.Decimals), target, met})
				}
			}
		}
		out = append(out, t)
	}
	return out
}
