package reports

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// RequestSheet is the one-page sheet a committee reads on a request
// (evaluate --request): what it is, its efforts and gains per year in
// each dimension, its NPV and spread, its score by criterion, its effect
// on the commitments, what it requires and excludes, and what each
// member's bills become if it is adopted.
type RequestSheet struct {
	Project *engine.Project
	// Start is the year it starts in on the sheet.
	Start        int
	Figures      engine.Indicators
	Spread       *engine.Simulated // nil without draws
	Draws        int
	Seed         uint64
	BaseYear     int
	DiscountRate decimal.Decimal
	// Scenario is the one the evaluation reads its values from.
	Scenario string
	Scoring  *engine.Scoring
	// Trajectories are the commitments moved by the request alone.
	Trajectories []engine.Trajectory
	// Titles names every request by id; Members every member.
	Titles, Members map[string]string
	// RequiredBy are the requests that require it; Alternatives those it
	// excludes or that exclude it.
	RequiredBy, Alternatives []string
	Bills                    *SheetBills
}

// SheetBills are the bills of a scenario without the request and with it.
type SheetBills struct {
	Scenario, Title string
	// Adopted says the scenario adopts the request already, starting in
	// AdoptedStart.
	Adopted      bool
	AdoptedStart int
	// Added enter with it (what it requires), Replaced leave with it (its
	// alternatives, what required them), Dependents leave without it
	// (what requires it).
	Added, Replaced, Dependents []string
	// Comparison is without → with.
	Comparison *Comparison
}

// SheetOutput is the request sheet of evaluate --request.
var SheetOutput = NewOutput(
	"request sheet", "",
	Renderer[*RequestSheet]{Markdown, func(w io.Writer, lang Lang, s *RequestSheet) error {
		return documentMarkdown(w, lang, s.document(lang))
	}},
	Renderer[*RequestSheet]{HTML, func(w io.Writer, lang Lang, s *RequestSheet) error {
		return documentHTML(w, lang, s.document(lang))
	}},
)

type sheetWords struct {
	title, what, figures, score, commitments, bills, billsIntroAdd, billsIntroAdopted, billsIntroMove, requiredBy string
	alternatives, added, replaced, dependents, start, noScore, noCommitment, effectOf, yes                        string
	without, with, changeByYear                                                                                   string
}

var sheetVocabulary = map[Lang]sheetWords{
	French: {title: "Fiche de demande", what: "La demande", figures: "Efforts et gains par année", score: "Score par critère",
		commitments: "Effet sur les engagements Numérique Responsable", bills: "Ce que paie chaque membre",
		billsIntroAdd:     "Montants de chaque membre dans le scénario « %s » sans la demande, puis avec elle, démarrée en %d : son coût net et ses ETC nets passent par les deux charges du portefeuille, comme pour un portefeuille adopté.",
		billsIntroAdopted: "Le scénario « %s » adopte déjà la demande, démarrée en %d : montants de chaque membre sans elle, puis avec elle.",
		billsIntroMove:    "Le scénario « %s » adopte déjà la demande, démarrée en %d : montants de chaque membre sans elle, puis avec elle démarrée en %d.",
		requiredBy:        "nécessaire à", alternatives: "alternatives", added: "Entrent avec elle (ce qu'elle nécessite)",
		replaced: "Sortent avec elle (ses alternatives, ce qui en dépendait)", dependents: "Sortent sans elle (ce qui la nécessite)",
		start: "démarrage", noScore: "Aucun critère n'est déclaré dans les paramètres d'évaluation.",
		noCommitment: "La demande ne déplace aucun engagement.", effectOf: "effet de la demande", yes: "oui", without: "sans la demande", with: "avec la demande", changeByYear: "Écart de chaque membre par année"},
	English: {title: "Request sheet", what: "The request", figures: "Efforts and gains per year", score: "Score by criterion",
		commitments: "Effect on the Numérique Responsable commitments", bills: "What each member pays",
		billsIntroAdd:     "Each member's amounts in the scenario “%s” without the request, then with it, starting in %d: its net cost and net ETC go through the portfolio's two pools, as for an adopted portfolio.",
		billsIntroAdopted: "The scenario “%s” adopts the request already, starting in %d: each member's amounts without it, then with it.",
		billsIntroMove:    "The scenario “%s” adopts the request already, starting in %d: each member's amounts without it, then with it starting in %d.",
		requiredBy:        "needed by", alternatives: "alternatives", added: "Entering with it (what it requires)",
		replaced: "Leaving with it (its alternatives, what depended on them)", dependents: "Leaving without it (what requires it)",
		start: "start", noScore: "The evaluation settings declare no criterion.",
		noCommitment: "The request moves no commitment.", effectOf: "effect of the request", yes: "yes", without: "without the request", with: "with the request", changeByYear: "Change of each member's amount per year"},
}

func (s *RequestSheet) title(id string) string {
	return cmpOr(s.Titles[id], id)
}

func (s *RequestSheet) titles(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = s.title(id)
	}
	return out
}

// document lays the sheet out: a few short sections, no table of
// contents, meant to fit a printed page or two.
func (s *RequestSheet) document(lang Lang) *document {
	sw := wordsIn(sheetVocabulary, lang)
	w, ew, pw := reportWordsFor(lang), wordsIn(evalVocabulary, lang), planWordsFor(lang)
	p := s.Project
	d := &document{Lang: lang, Title: fmt.Sprintf("%s — %s", sw.title, cmpOr(p.Title, p.ID))}
	members := memberNames(p.RequestedBy, s.Members)
	d.Meta = []string{fmt.Sprintf("%s · %s%s %s · %s%s %s · %s %d", p.ID, capitalize(ew.category), colon(lang), p.Category,
		capitalize(ew.requestedBy), colon(lang), strings.Join(members, ", "), sw.start, s.Start)}

	// What it is.
	what := d.open(&section{ID: "demande", Title: sw.what, Level: 1})
	var defs [][2]string
	if p.Description != "" {
		defs = append(defs, [2]string{w.description, oneLine(p.Description)})
	}
	if p.Assumption != "" {
		defs = append(defs, [2]string{w.assumption, oneLine(p.Assumption)})
	}
	if p.Mandatory {
		defs = append(defs, [2]string{capitalize(pw.mandatory), cmpOr(oneLine(p.MandatoryReason), sw.yes)})
	}
	if starts := p.Starts(); len(starts) > 1 {
		defs = append(defs, [2]string{capitalize(pw.window), fmt.Sprintf("%d–%d", starts[0], starts[len(starts)-1])})
	}
	if len(p.Requires) > 0 {
		var rs []string
		for _, r := range p.Requires {
			rs = append(rs, lagText(s.title(r.ID), r.Lag, pw))
		}
		defs = append(defs, [2]string{capitalize(pw.requires), strings.Join(rs, ", ")})
	}
	if len(s.RequiredBy) > 0 {
		defs = append(defs, [2]string{capitalize(sw.requiredBy), strings.Join(s.titles(s.RequiredBy), ", ")})
	}
	if len(s.Alternatives) > 0 {
		defs = append(defs, [2]string{capitalize(sw.alternatives), strings.Join(s.titles(s.Alternatives), ", ")})
	}
	if len(defs) > 0 {
		what.defs(defs)
	}

	// Figures.
	fs := d.open(&section{ID: "chiffres", Title: sw.figures, Level: 1})
	ep := EvaluatedProject{Project: p, Figures: s.Figures, Spread: s.Spread}
	fs.add(projectYearsTable(ep, lang, w, ew))
	ev := &Evaluation{BaseYear: s.BaseYear, DiscountRate: s.DiscountRate, Draws: s.Draws, Seed: s.Seed}
	fs.note(projectFiguresLine(ev, ep, lang, w, ew))

	// Score.
	ss := d.open(&section{ID: "score", Title: sw.score, Level: 1})
	if sc := s.Scoring; sc.HasCriteria() {
		ss.para(fmt.Sprintf("%s%s %s", capitalize(pw.score), colon(lang), scoreText(sc, sc.Weighted(p), lang)))
		t := &table{Head: []string{pw.criterion, pw.weight, w.value, reportPlanWordsFor(lang).weighted, pw.justification}}
		for i, c := range sc.Criteria {
			if i >= len(p.Scores) {
				break
			}
			v := p.Scores[i].Value
			t.Rows = append(t.Rows, []cell{textC(c.Label(lang == English)), keyC(c.Weight), numberC(v, decimalsOf(v)), numberC(sc.Contribution(p, i), 2), textC(oneLine(p.Scores[i].Justification))})
		}
		ss.add(t)
	} else {
		ss.para(sw.noScore)
	}

	// Commitments.
	cs := d.open(&section{ID: "engagements", Title: sw.commitments, Level: 1})
	moved := false
	for i := range s.Trajectories {
		tr := &s.Trajectories[i]
		if len(tr.Movers) == 0 {
			continue
		}
		moved = true
		c := tr.Commitment
		t := &table{Caption: commitmentTitle(c, lang), Head: []string{capitalize(pw.indicator)}}
		for _, y := range tr.Years {
			t.Head = append(t.Head, strconv.Itoa(y))
		}
		row := func(label string, f func(yi int) cell) {
			cells := []cell{textC(label)}
			for yi := range tr.Years {
				cells = append(cells, f(yi))
			}
			t.Rows = append(t.Rows, cells)
		}
		row(pw.baseline, func(yi int) cell { return numberC(c.Baseline[yi], c.Decimals) })
		row(sw.effectOf, func(yi int) cell { return textC(signedNumber(tr.Movers[0].Delta[yi], c.Decimals, lang)) })
		row(pw.target, func(yi int) cell {
			if !c.HasTarget[yi] {
				return emptyC()
			}
			return numberC(c.Target[yi], c.Decimals)
		})
		cs.add(t)
	}
	if !moved {
		cs.para(sw.noCommitment)
	}

	// Bills.
	if b := s.Bills; b != nil {
		bs := d.open(&section{ID: "factures", Title: sw.bills, Level: 1})
		switch {
		case b.Adopted && b.AdoptedStart != s.Start:
			bs.para(fmt.Sprintf(sw.billsIntroMove, b.Title, b.AdoptedStart, s.Start))
		case b.Adopted:
			bs.para(fmt.Sprintf(sw.billsIntroAdopted, b.Title, s.Start))
		default:
			bs.para(fmt.Sprintf(sw.billsIntroAdd, b.Title, s.Start))
		}
		var notes [][2]string
		for _, x := range []struct {
			label string
			ids   []string
		}{{sw.added, b.Added}, {sw.replaced, b.Replaced}, {sw.dependents, b.Dependents}} {
			if len(x.ids) > 0 {
				notes = append(notes, [2]string{x.label, strings.Join(s.titles(x.ids), ", ")})
			}
		}
		if len(notes) > 0 {
			bs.defs(notes)
		}
		for _, t := range sheetBillsTables(b.Comparison, lang) {
			bs.add(t)
		}
	}
	return d
}

// sheetBillsTables give each member's amount over the years without the
// request and with it, the change and its share; then the same per year.
func sheetBillsTables(c *Comparison, lang Lang) []*table {
	wd := wordsFor(lang)
	sw := wordsIn(sheetVocabulary, lang)
	t := &table{Head: []string{wd.member, sw.without, sw.with, wd.delta, wd.deltaPct}}
	if len(c.Base.Years) > 0 {
		t.Head[0] = fmt.Sprintf("%s, %s", wd.member, yearSpanText([]int{c.Base.Years[0].Year, c.Base.Years[len(c.Base.Years)-1].Year}))
	}
	for _, d := range c.Members {
		t.Rows = append(t.Rows, []cell{textC(d.Label), moneyC(d.Base), moneyC(d.Other), signedMoneyC(d.Change), pctC(d)})
	}
	t.Rows = append(t.Rows, []cell{strongC(textC(wd.total)), strongC(moneyC(c.Total.Base)), strongC(moneyC(c.Total.Other)),
		strongC(signedMoneyC(c.Total.Change)), strongC(pctC(c.Total))})
	// The change of each member's amount, year by year.
	years := &table{Caption: sw.changeByYear, Head: []string{wd.member}}
	var order []string
	labels := map[string]string{}
	byYear := map[string]map[int]decimal.Decimal{}
	var ys []int
	for _, d := range c.Rows {
		if _, ok := byYear[d.Member]; !ok {
			order = append(order, d.Member)
			labels[d.Member] = d.Label
			byYear[d.Member] = map[int]decimal.Decimal{}
		}
		byYear[d.Member][d.Year] = d.Change
		if !slices.Contains(ys, d.Year) {
			ys = append(ys, d.Year)
		}
	}
	for _, y := range ys {
		years.Head = append(years.Head, strconv.Itoa(y))
	}
	for _, m := range order {
		cells := []cell{textC(labels[m])}
		for _, y := range ys {
			if v, ok := byYear[m][y]; ok {
				cells = append(cells, signedMoneyC(v))
			} else {
				cells = append(cells, emptyC())
			}
		}
		years.Rows = append(years.Rows, cells)
	}
	totals := []cell{strongC(textC(wd.total))}
	for _, d := range c.Years {
		totals = append(totals, strongC(signedMoneyC(d.Change)))
	}
	years.Rows = append(years.Rows, totals)
	return []*table{t, years}
}
