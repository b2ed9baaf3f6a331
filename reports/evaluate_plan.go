package reports

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// What evaluate shows of the committee's decisions: the constraints of
// each request, its score, the commitments' trajectories and the selected
// portfolio with its schedule.

// planWords are the words of these parts.
type planWords struct {
	mandatory, window, requires, excludes, lagYear, lagYears, score, outOf, points, start, objective string
	objValue, objScore, objMixed, mandatoryMark, approx, commitmentsAll, commitmentsSel, baseline    string
	trajectory, target, met, higherBetter, lowerBetter, selectedBalance, valueOf, scoreOf            string
	reasonNoScore, reasonNoObjective, reasonAlternative, reasonNeeds, followsDimension, noTarget     string
	criterion, weight, scale, justification, better, higher, lower, source                           string
	assumption, description, scoringOutOf, scoringRaw                                                string
	indicator                                                                                        string
}

var planVocabulary = map[Lang]planWords{
	French: {mandatory: "obligatoire", window: "démarrage possible", requires: "nécessite", excludes: "alternative à",
		lagYear: "an avant", lagYears: "ans avant", score: "score pondéré", outOf: "sur", points: "points", start: "démarrage",
		objective: "objectif", objValue: "valeur monétisée", objScore: "score pondéré", objMixed: "mixte, %s de valeur",
		mandatoryMark:  "obligatoire",
		approx:         "Sélection approchée : la recherche s'est arrêtée après %d nœuds sans prouver l'optimum ; aucune sélection ne dépasse %s (écart au plus %s).",
		commitmentsAll: "Engagements Numérique Responsable — ensemble des demandes", commitmentsSel: "Engagements Numérique Responsable — portefeuille retenu",
		baseline: "sans les demandes", trajectory: "trajectoire", target: "cible", met: "atteinte",
		higherBetter: "plus haut est mieux", lowerBetter: "plus bas est mieux", selectedBalance: "Bilan du portefeuille retenu",
		valueOf: "valeur monétisée", scoreOf: "score", reasonNoScore: "score nul", reasonNoObjective: "apport nul à l'objectif",
		reasonAlternative: "alternative retenue", reasonNeeds: "nécessite", followsDimension: "suit la dimension",
		noTarget: "—", criterion: "Critère", weight: "Poids", scale: "Échelle", justification: "Justification", better: "Sens", higher: "plus haut est mieux", lower: "plus bas est mieux", source: "Source",
		assumption: "Hypothèse", description: "Description", scoringOutOf: "Chaque critère compte la part de son échelle atteinte (1 au bon bout), pondérée ; les poids font 1 et le score est sur %s points.",
		scoringRaw: "Le score est la somme pondérée des points au-dessus du plus mauvais bout de chaque échelle.",
		indicator:  "indicateur"},
	English: {mandatory: "mandatory", window: "may start", requires: "requires", excludes: "alternative to",
		lagYear: "year before", lagYears: "years before", score: "weighted score", outOf: "out of", points: "points", start: "start",
		objective: "objective", objValue: "monetized value", objScore: "weighted score", objMixed: "mixed, %s value",
		mandatoryMark:  "mandatory",
		approx:         "Approximate selection: the search stopped after %d nodes without proving the optimum; no selection exceeds %s (gap at most %s).",
		commitmentsAll: "Numérique Responsable commitments — all the requests", commitmentsSel: "Numérique Responsable commitments — selected portfolio",
		baseline: "without the requests", trajectory: "trajectory", target: "target", met: "met",
		higherBetter: "higher is better", lowerBetter: "lower is better", selectedBalance: "Balance of the selected portfolio",
		valueOf: "monetized value", scoreOf: "score", reasonNoScore: "no score", reasonNoObjective: "adds nothing to the objective",
		reasonAlternative: "alternative chosen", reasonNeeds: "requires", followsDimension: "follows the dimension",
		noTarget: "—", criterion: "Criterion", weight: "Weight", scale: "Scale", justification: "Justification", better: "Direction", higher: "higher is better", lower: "lower is better", source: "Source",
		assumption: "Assumption", description: "Description", scoringOutOf: "Each criterion counts the share of its scale reached (1 at the good end), weighted; the weights sum to 1 and the score is out of %s points.",
		scoringRaw: "The score is the weighted sum of the points above the worst end of each scale.",
		indicator:  "indicator"},
}

func planWordsFor(lang Lang) planWords { return wordsIn(planVocabulary, lang) }

// lagText words a requirement: "identite-mfa (1 an avant)".
func lagText(name string, lag int, pw planWords) string {
	switch lag {
	case 0:
		return name
	case 1:
		return fmt.Sprintf("%s (1 %s)", name, pw.lagYear)
	}
	return fmt.Sprintf("%s (%d %s)", name, lag, pw.lagYears)
}

// planNotes are the lines that say what a committee must know of a
// request's constraints: mandatory (and why), its start window, what it
// requires, its alternatives.
func (e *Evaluation) planNotes(p *engine.Project, lang Lang) []string {
	pw := planWordsFor(lang)
	colon := colon(lang)
	var parts []string
	if p.Mandatory {
		s := pw.mandatory
		if p.MandatoryReason != "" {
			s += colon + " " + oneLine(p.MandatoryReason)
		}
		parts = append(parts, s)
	}
	if starts := p.Starts(); len(starts) > 1 {
		parts = append(parts, fmt.Sprintf("%s%s %d–%d", pw.window, colon, starts[0], starts[len(starts)-1]))
	}
	if len(p.Requires) > 0 {
		var rs []string
		for _, r := range p.Requires {
			rs = append(rs, lagText(e.projectTitle(r.ID), r.Lag, pw))
		}
		parts = append(parts, fmt.Sprintf("%s%s %s", pw.requires, colon, strings.Join(rs, ", ")))
	}
	if len(p.Excludes) > 0 {
		var xs []string
		for _, x := range p.Excludes {
			xs = append(xs, e.projectTitle(x))
		}
		parts = append(parts, fmt.Sprintf("%s%s %s", pw.excludes, colon, strings.Join(xs, ", ")))
	}
	if len(parts) == 0 {
		return nil
	}
	return []string{capitalize(strings.Join(parts, " · "))}
}

// scoreText formats a weighted score: "66,67 sur 100" or "2,30 points".
func scoreText(s *engine.Scoring, v decimal.Decimal, lang Lang) string {
	pw := planWordsFor(lang)
	if s.OutOf.IsPositive() {
		return fmt.Sprintf("%s %s %s", Number(v, 2, lang), pw.outOf, Number(s.OutOf, decimalsOf(s.OutOf), lang))
	}
	return fmt.Sprintf("%s %s", Number(v, 2, lang), pw.points)
}

// scoreLine gives a request's weighted score and its score on each
// criterion.
func (e *Evaluation) scoreLine(p *engine.Project, lang Lang) string {
	pw := planWordsFor(lang)
	s := e.Scoring
	var parts []string
	for i := range s.Criteria {
		if i >= len(p.Scores) {
			break
		}
		c := &s.Criteria[i]
		parts = append(parts, fmt.Sprintf("%s %s", c.Label(lang == English), Number(p.Scores[i].Value, decimalsOf(p.Scores[i].Value), lang)))
	}
	return fmt.Sprintf("%s%s %s (%s)", pw.score, colon(lang), scoreText(s, s.Weighted(p), lang), strings.Join(parts, " · "))
}

// commitmentTitle names a commitment with its unit and direction.
func commitmentTitle(c *engine.Commitment, lang Lang) string {
	pw := planWordsFor(lang)
	dir := pw.higherBetter
	if c.Better == engine.Lower {
		dir = pw.lowerBetter
	}
	return fmt.Sprintf("%s (%s, %s)", c.Label(lang == English), c.Unit, dir)
}

// signedNumber formats a change with its sign: +1,0, −0,5.
func signedNumber(v decimal.Decimal, places int32, lang Lang) string {
	return Signed(Number(v, places, lang), v.Round(places))
}

// trajectoryRows lays a trajectory out: the baseline, each request that
// moves it, the trajectory, the target, the margin and whether it is met.
func trajectoryRows(t *engine.Trajectory, lang Lang, name func(id string) string) [][]string {
	pw := planWordsFor(lang)
	c := t.Commitment
	head := []string{capitalize(pw.indicator)}
	for _, y := range t.Years {
		head = append(head, strconv.Itoa(y))
	}
	rows := [][]string{head}
	row := func(label string, f func(yi int) string) {
		r := []string{label}
		for yi := range t.Years {
			r = append(r, f(yi))
		}
		rows = append(rows, r)
	}
	row(pw.baseline, func(yi int) string { return Number(c.Baseline[yi], c.Decimals, lang) })
	for _, m := range t.Movers {
		row(name(m.ID), func(yi int) string {
			if m.Delta[yi].IsZero() {
				return ""
			}
			return signedNumber(m.Delta[yi], c.Decimals, lang)
		})
	}
	row(pw.trajectory, func(yi int) string { return Number(t.Value[yi], c.Decimals, lang) })
	row(pw.target, func(yi int) string {
		if !c.HasTarget[yi] {
			return pw.noTarget
		}
		return Number(c.Target[yi], c.Decimals, lang)
	})
	row(pw.met, func(yi int) string {
		if !c.HasTarget[yi] {
			return pw.noTarget
		}
		ew := wordsIn(evalVocabulary, lang)
		yes, no := ew.yes, ew.no
		verdict := yes
		if !t.Met[yi] {
			verdict = no
		}
		return fmt.Sprintf("%s (%s)", verdict, signedNumber(t.Margin[yi], c.Decimals, lang))
	})
	return rows
}

// trajectories writes each commitment's trajectory.
func (t *evalText) trajectories(title string, ts []engine.Trajectory) {
	t.b.WriteString("\n")
	t.heading(1, title)
	for i := range ts {
		tr := &ts[i]
		t.line(commitmentTitle(tr.Commitment, t.lang))
		rows := trajectoryRows(tr, t.lang, t.e.projectTitle)
		right := make([]bool, len(rows[0]))
		for j := 1; j < len(right); j++ {
			right[j] = true
		}
		t.table(rows, right)
	}
}

// objectiveText words what a selection maximizes.
func objectiveText(o engine.Objective, lang Lang) string {
	pw := planWordsFor(lang)
	switch o.Kind {
	case engine.ByScore:
		return pw.objScore
	case engine.Mixed:
		return fmt.Sprintf(pw.objMixed, Percent(o.Alpha, lang))
	case engine.ByValue:
	}
	return pw.objValue
}

// objectiveAmount formats an amount of the objective: money, a score, or
// the mixed objective's unitless number.
func (e *Evaluation) objectiveAmount(o engine.Objective, v decimal.Decimal, lang Lang) string {
	switch o.Kind {
	case engine.ByScore:
		return Number(v, 2, lang)
	case engine.Mixed:
		return Number(v, 4, lang)
	case engine.ByValue:
	}
	return Money(v, lang)
}

// reasonText words why a request is left out.
func (e *Evaluation) reasonText(r engine.Ranked, o engine.Objective, lang Lang) string {
	ew, pw := wordsIn(evalVocabulary, lang), planWordsFor(lang)
	switch r.Reason {
	case engine.ReasonNoValue:
		switch o.Kind {
		case engine.ByScore:
			return pw.reasonNoScore
		case engine.Mixed:
			return pw.reasonNoObjective
		case engine.ByValue:
		}
	case engine.ReasonAlternative:
		return fmt.Sprintf("%s%s %s", pw.reasonAlternative, colon(lang), e.projectTitle(r.Because))
	case engine.ReasonNeeds:
		return fmt.Sprintf("%s %s", pw.reasonNeeds, e.projectTitle(r.Because))
	}
	return ew.reason(r.Reason)
}

// selection writes the selected portfolio: the ranking with each
// request's start, value, score and whether it is chosen; the limits and
// what raising each binding one would bring; the balance of the selected
// requests and the commitments' trajectories with them.
func (t *evalText) selection() {
	e, lang, ew := t.e, t.lang, t.ew
	pw := planWordsFor(lang)
	sel := e.Selection
	o := sel.Objective
	t.b.WriteString("\n")
	title := fmt.Sprintf("%s (%s%s %s)%s %s", ew.selection, pw.objective, ew.colon, objectiveText(o, lang), ew.colon, e.objectiveAmount(o, sel.Total, lang))
	if o.Kind != engine.ByValue {
		title += fmt.Sprintf(" · %s %s", pw.valueOf, Money(sel.Value, lang))
	}
	if e.Scoring.HasCriteria() && o.Kind != engine.ByScore {
		title += fmt.Sprintf(" · %s %s", pw.scoreOf, Number(sel.Score, 2, lang))
	}
	t.heading(1, title)
	if !sel.Exact {
		t.line(fmt.Sprintf(pw.approx, sel.Nodes, e.objectiveAmount(o, sel.Bound, lang), e.objectiveAmount(o, sel.Gap, lang)))
	}
	head := []string{ew.rank, ew.project, pw.start, ew.monetized, ew.perEuro}
	right := []bool{true, false, true, true, true}
	scored := e.Scoring.HasCriteria()
	if scored {
		head, right = append(head, pw.scoreOf), append(right, true)
	}
	if o.Kind == engine.Mixed {
		head, right = append(head, pw.objective), append(right, true)
	}
	head, right = append(head, ew.chosen), append(right, false)
	rows := [][]string{head}
	for i, r := range sel.Ranking {
		chosen := ew.no
		switch {
		case r.Chosen && r.Mandatory:
			chosen = ew.yes + " (" + pw.mandatoryMark + ")"
		case r.Chosen:
			chosen = ew.yes
		case r.Reason != "":
			chosen += " (" + e.reasonText(r, o, lang) + ")"
		}
		start := ""
		if r.Chosen {
			start = strconv.Itoa(r.Start)
		}
		row := []string{strconv.Itoa(i + 1), e.projectTitle(r.ID), start, Money(r.Value, lang), Number(r.PerEuro, 2, lang)}
		if scored {
			row = append(row, Number(r.Score, 2, lang))
		}
		if o.Kind == engine.Mixed {
			row = append(row, Number(r.Objective, 4, lang))
		}
		rows = append(rows, append(row, chosen))
	}
	t.table(rows, right)
	rows = [][]string{{"", ew.limit, ew.used, ew.binding, ew.relief}}
	for _, c := range sel.Constraints {
		if cm := c.Commitment; cm != nil {
			// A target: the indicator's target and the value reached.
			yi := slices.Index(cm.Years, c.Year)
			reached := cm.Baseline[yi].Sub(c.Used)
			if cm.Better == engine.Lower {
				reached = cm.Baseline[yi].Add(c.Used)
			}
			bind := ew.no
			if c.Binding {
				bind = ew.yes
			}
			rows = append(rows, []string{fmt.Sprintf("%s %d (%s)", cm.Label(lang == English), c.Year, cm.Unit),
				Number(cm.Target[yi], cm.Decimals, lang), Number(reached, cm.Decimals, lang), bind, ""})
			continue
		}
		name := map[string]string{engine.KindBudget: ew.budget, engine.KindStaff: ew.staff, engine.KindCarbon: ew.carbon, engine.KindCarbonYear: ew.carbon}[c.Kind]
		if c.Year > 0 {
			name += " " + strconv.Itoa(c.Year)
		}
		unit := e.dimensions()[c.Dim]
		bind, relief := ew.no, ""
		if c.Binding {
			bind = ew.yes
			if r := c.Relief; r != nil {
				gain := "+" + e.objectiveAmount(o, r.Gain, lang)
				if o.Kind != engine.ByValue {
					gain += fmt.Sprintf(" (%s %s)", pw.valueOf, SignedMoney(r.Value, lang))
				}
				relief = fmt.Sprintf("%s ; %s %s ; %s %s", gain, ew.entering, listOr(e.titles(r.Entering), ew.none), ew.leaving, listOr(e.titles(r.Leaving), ew.none))
			}
		}
		rows = append(rows, []string{name, dimensionNumber(unit, c.Limit, lang), dimensionNumber(unit, c.Used, lang), bind, relief})
	}
	if len(sel.Constraints) > 0 {
		t.table(rows, []bool{false, true, true, false, false})
	}
	if s := e.Selected; s != nil {
		t.b.WriteString("\n")
		t.heading(1, pw.selectedBalance)
		t.figures(s.Figures)
		t.line(fmt.Sprintf("%s (%s, base %d)%s %s · %s%s %s", ew.npv, Percent(e.DiscountRate, lang), e.BaseYear, ew.colon,
			Money(s.Figures.NPV, lang), ew.monetized, ew.colon, Money(s.Figures.Monetized, lang)))
		if len(s.Trajectories) > 0 {
			t.trajectories(pw.commitmentsSel, s.Trajectories)
		}
	}
}

// titles returns the titles of requests named by id.
func (e *Evaluation) titles(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = e.projectTitle(id)
	}
	return out
}
