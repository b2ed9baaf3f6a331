package reports

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// docBuilder lays out the chapters of a report's document: what every
// chapter needs (the words, the names of ids, the members' colours) is
// gathered once.
type docBuilder struct {
	r       *Report
	d       *document
	lang    Lang
	charts  bool
	w       reportWords
	ew      evalWords
	mw      messageWords
	names   names
	colours map[string]int
}

// document lays the report out; charts are drawn only when asked (HTML).
func (r *Report) document(lang Lang, charts bool) (*document, error) {
	b := &docBuilder{r: r, lang: lang, charts: charts, w: reportWordsFor(lang), ew: wordsIn(evalVocabulary, lang)}
	b.d = &document{Lang: lang, Title: cmpOr(r.Title, b.w.title), Contents: b.w.contents}
	b.names = r.names()
	b.colours = r.memberColours()
	b.mw = messageWordsFor(lang)
	b.d.Meta = b.meta()
	chapters := []func() error{b.summaryChapter, b.glossaryChapter, b.scenariosChapter, b.portfolioChapter, b.sensitivityChapter, b.parametersChapter, b.rulesChapter}
	for _, chapter := range chapters {
		if err := chapter(); err != nil {
			return nil, err
		}
	}
	b.d.nameRegions()
	return b.d, nil
}

// meta are the lines under the title: the rules' title, the baseline,
// the years and the date, and where the figures come from.
func (b *docBuilder) meta() []string {
	r, w, lang := b.r, b.w, b.lang
	base := r.Baseline()
	years := r.Years()
	meta := fmt.Sprintf("%s%s %s", w.baseline, colon(lang), base.Result.Title)
	if len(years) > 0 {
		meta += fmt.Sprintf(" · %s %s", w.years, yearSpanText(years))
	}
	if !r.Date.IsZero() {
		meta += " · " + w.issued + " " + Date(r.Date, lang)
	}
	lines := []string{meta, w.amounts}
	if t := base.Model.Title; t != "" {
		lines = append([]string{t}, lines...)
	}
	if s := r.Provenance.sentence(lang); s != "" {
		lines = append(lines, s)
	}
	return lines
}

// summaryChapter is the first chapter: the key messages, the baseline's
// bills, then how the scenarios change them and the balance of the
// portfolio.
func (b *docBuilder) summaryChapter() error {
	r, w, lang := b.r, b.w, b.lang
	base := r.Baseline()
	s := b.d.open(&section{ID: "synthese", Title: w.summary, Level: 1})
	s.list(b.mw.heading, append(memberMessages(r, lang), portfolioMessages(r, lang)...), true)
	s.para(w.summaryIntro)
	s.add(memberYearTable(base.Result, lang, w))
	if b.charts {
		c, err := stackedBillsChart(base.Result, lang, w.billsChart, b.colours)
		if err != nil {
			return err
		}
		c.Note = b.mw.valuesAbove
		s.addChart(c)
	}
	if len(r.Parts) > 1 {
		if err := b.changesSection(); err != nil {
			return err
		}
	}
	if r.Evaluation != nil || slices.ContainsFunc(r.Parts, func(p *ScenarioPart) bool { return p.Portfolio != nil }) {
		b.balanceSection()
	}
	return nil
}

// changesSection is the section of the summary on what each scenario
// changes against the baseline.
func (b *docBuilder) changesSection() error {
	r, w, lang := b.r, b.w, b.lang
	cs := b.d.open(&section{ID: "ecarts", Title: w.changes, Level: 2})
	cs.para(w.changesIntro)
	cs.add(changesTable(r, lang, w))
	if b.charts {
		c, err := deltaChart(r, lang, w.deltaChart)
		if err != nil {
			return err
		}
		c.Note = b.mw.valuesAbove
		cs.addChart(c)
	}
	return nil
}

// balanceSection is the section of the summary on the portfolio: the
// projects each scenario adopts, or, when none does, all the projects
// evaluated.
func (b *docBuilder) balanceSection() {
	r, w, ew, lang := b.r, b.w, b.ew, b.lang
	bs := b.d.open(&section{ID: "bilan-portefeuille", Title: w.balance, Level: 2})
	bs.para(w.balanceIntro)
	adopted := false
	for _, p := range r.Parts {
		if p.Portfolio == nil {
			continue
		}
		adopted = true
		label := p.Portfolio.Label
		if label == "" {
			label = p.Result.Title
		}
		t := balanceTable(p.Portfolio.Figures, p.Portfolio.Spread, lang, w, ew)
		t.Caption = label
		bs.add(t)
		bs.note(fmt.Sprintf("%s%s %s.", label, colon(lang), strings.Join(b.names.projects(p.Portfolio.Projects), " ; ")))
	}
	if !adopted && r.Evaluation != nil {
		bs.note(w.balanceAll)
		bs.add(balanceTable(r.Evaluation.Portfolio.Figures, r.Evaluation.Portfolio.Spread, lang, w, ew))
	}
}

// glossaryChapter is the chapter of the words of the report.
func (b *docBuilder) glossaryChapter() error {
	gl := b.d.open(&section{ID: "lexique", Title: b.mw.glossary, Level: 1, Break: true})
	gl.para(b.mw.glossaryIntro)
	gl.defs(glossary(b.r, b.lang))
	return nil
}

// scenariosChapter is the chapter of the scenarios in detail, one section
// each.
func (b *docBuilder) scenariosChapter() error {
	ds := b.d.open(&section{ID: "scenarios", Title: b.w.details, Level: 1, Break: true})
	ds.para(b.w.detailsIntro)
	for i, p := range b.r.Parts {
		if err := b.scenarioSection(i, p); err != nil {
			return err
		}
	}
	return nil
}

// scenarioSection is the section of the i-th scenario: what it is, its
// bills and pools, and its comparison with the baseline.
func (b *docBuilder) scenarioSection(i int, p *ScenarioPart) error {
	w, lang := b.w, b.lang
	ps := b.d.open(&section{ID: anchor("scenario", p.Result.ID), Title: p.Result.Title, Level: 2})
	var defs [][2]string
	if p.Description != "" {
		defs = append(defs, [2]string{w.description, oneLine(p.Description)})
	}
	if p.Assumption != "" {
		defs = append(defs, [2]string{w.assumption, oneLine(p.Assumption)})
	}
	if p.Extends != "" {
		defs = append(defs, [2]string{w.extends, b.names.scenario(p.Extends)})
	}
	if len(defs) > 0 {
		ps.defs(defs)
	}
	ps.add(billsTable(p.Result, lang, w))
	ps.add(poolsTable(p.Result, p.Model, lang, w))
	// The baseline's chart is already in the summary.
	if i > 0 && b.charts {
		c, err := stackedBillsChart(p.Result, lang, w.billsChart, b.colours)
		if err != nil {
			return err
		}
		c.Note = b.mw.valuesBills
		ps.addChart(c)
	}
	if p.Comparison != nil {
		ps.add(comparisonTable(p.Comparison, lang, w, b.r.Baseline().Result.Title))
	}
	return nil
}

// portfolioChapter is the chapter of the project portfolio, when projects
// were evaluated: the indicators, the gains and efforts per dimension, the
// plan, then one section per project.
func (b *docBuilder) portfolioChapter() error {
	r, w, ew, lang := b.r, b.w, b.ew, b.lang
	ev := r.Evaluation
	if ev == nil {
		return nil
	}
	pf := b.d.open(&section{ID: "portefeuille", Title: w.portfolio, Level: 1, Break: true})
	pf.para(w.portfolioIntro)
	pf.defs(evaluationDefs(r, lang, w, ew, b.names))
	pf.add(indicatorsTable(r, lang, w, ew, b.names))
	if b.charts {
		for dim, d := range ev.dimensions() {
			c, err := gainsEffortsChart(ev, dim, lang, fmt.Sprintf("%s — %s", w.gainsEffortsChart, dimensionLabel(d, lang)), w, b.names)
			if err != nil {
				return err
			}
			c.Note = b.mw.valuesProjects
			pf.addChart(c)
		}
	}
	r.planSections(b.d, lang, b.names)
	for _, p := range ev.Projects {
		if p.Project != nil {
			b.projectSection(p)
		}
	}
	return nil
}

// projectSection is the section of one project of the portfolio.
func (b *docBuilder) projectSection(p EvaluatedProject) {
	r, w, ew, lang := b.r, b.w, b.ew, b.lang
	ps := b.d.open(&section{ID: anchor("projet", p.Project.ID), Title: cmpOr(p.Project.Title, p.Project.ID), Level: 2})
	defs := [][2]string{
		{capitalize(ew.category), p.Project.Category},
		{capitalize(ew.requestedBy), strings.Join(b.names.members(p.Project.RequestedBy), ", ")},
		{capitalize(w.years), fmt.Sprintf("%d–%d", p.Project.FirstYear, p.Project.LastYear)},
	}
	if ids := r.Adopted[p.Project.ID]; len(ids) > 0 {
		defs = append(defs, [2]string{w.adoptedBy, strings.Join(b.names.scenarios(ids), " ; ")})
	}
	defs = append(defs, [2]string{b.mw.identifier, p.Project.ID})
	if p.Project.Description != "" {
		defs = append(defs, [2]string{w.description, oneLine(p.Project.Description)})
	}
	if p.Project.Assumption != "" {
		defs = append(defs, [2]string{w.assumption, oneLine(p.Project.Assumption)})
	}
	ps.defs(defs)
	r.projectPlan(ps, p, lang)
	ps.add(projectYearsTable(p, lang, w, ew))
	ps.note(projectFiguresLine(r.Evaluation, p, lang, w, ew))
}

// sensitivityChapter is the chapter of the bills' sensitivity to the
// parameters, one section per scenario analysed.
func (b *docBuilder) sensitivityChapter() error {
	if !slices.ContainsFunc(b.r.Parts, func(p *ScenarioPart) bool { return p.Sensitivity != nil }) {
		return nil
	}
	ss := b.d.open(&section{ID: "sensibilite", Title: b.w.sensitivity, Level: 1, Break: true})
	ss.para(b.w.sensitivityIntro)
	for _, p := range b.r.Parts {
		if p.Sensitivity == nil {
			continue
		}
		if err := b.sensitivitySection(p); err != nil {
			return err
		}
	}
	return nil
}

// sensitivitySection is the section of one scenario's sensitivity: a
// tornado chart per target, the table, and the factors that move nothing.
func (b *docBuilder) sensitivitySection(p *ScenarioPart) error {
	w, lang, sens := b.w, b.lang, p.Sensitivity
	sp := b.d.open(&section{ID: anchor("sensibilite", p.Result.ID), Title: p.Result.Title, Level: 2})
	if len(sens.Moving()) == 0 {
		sp.para(w.sensitivityNone)
		return nil
	}
	if b.charts {
		for i, t := range sens.Targets {
			title := w.tornadoTotal
			if i > 0 {
				title = w.tornadoMember + " — " + t.Label
			}
			c, err := tornadoChart(sens, i, lang, title, w)
			if err != nil {
				return err
			}
			if c != nil {
				c.Note = b.mw.valuesSection
				sp.addChart(c)
			}
		}
	}
	sp.add(sensitivityTable(sens, lang, w))
	if still := sens.Still(); len(still) > 0 {
		var labels []string
		for _, f := range still {
			labels = append(labels, factorLabel(f))
		}
		sp.note(fmt.Sprintf("%s%s %s.", w.stillFactors, colon(lang), strings.Join(labels, " ; ")))
	}
	return nil
}

// parametersChapter is the chapter of the baseline's parameters, valuation
// and members, then what each other scenario changes of them.
func (b *docBuilder) parametersChapter() error {
	r, w, lang := b.r, b.w, b.lang
	base := r.Baseline()
	pa := b.d.open(&section{ID: "parametres", Title: w.parameters, Level: 1, Break: true})
	pa.para(w.parametersIntro)
	t := paramsTable(base.Params, lang, w)
	t.Caption = fmt.Sprintf("%s (%s)", base.Result.Title, base.Result.ID)
	pa.add(t)
	if r.Valuation != nil {
		vs := b.d.open(&section{ID: "valorisation", Title: w.valuation, Level: 2})
		vs.defs(valuationDefs(r, lang, w))
	}
	ms := b.d.open(&section{ID: "membres", Title: w.membersT, Level: 2})
	ms.add(membersTable(base.Model, base.Members, lang, w))
	for _, p := range r.Parts[1:] {
		cp := b.d.open(&section{ID: anchor("parametres", p.Result.ID), Title: fmt.Sprintf("%s — %s (%s)", w.changedParams, p.Result.Title, p.Result.ID), Level: 2})
		if len(p.Params) == 0 && len(p.Members) == 0 {
			cp.para(w.noChange)
			continue
		}
		if len(p.Params) > 0 {
			cp.add(paramsTable(p.Params, lang, w))
		}
		if len(p.Members) > 0 {
			cp.add(membersTable(p.Model, p.Members, lang, w))
		}
	}
	return nil
}

// rulesChapter is the appendix of the rules as written: the baseline's,
// then those each other scenario changes.
func (b *docBuilder) rulesChapter() error {
	r, w, lang := b.r, b.w, b.lang
	base := r.Baseline()
	ap := b.d.open(&section{ID: "regles", Title: w.appendix, Level: 1, Break: true})
	ap.para(w.appendixIntro)
	rs, pls := rulesTables(base.Rules, lang, w)
	rs.Caption = fmt.Sprintf("%s — %s (%s)", w.rulesT, base.Result.Title, base.Result.ID)
	ap.add(rs)
	pls.Caption = w.poolsT
	ap.add(pls)
	for _, p := range r.Parts[1:] {
		cr := b.d.open(&section{ID: anchor("regles", p.Result.ID), Title: fmt.Sprintf("%s — %s (%s)", w.changedRules, p.Result.Title, p.Result.ID), Level: 2})
		if len(p.Rules) == 0 {
			cr.para(w.noChange)
			continue
		}
		rs, pls := rulesTables(p.Rules, lang, w)
		if len(rs.Rows) > 0 {
			cr.add(rs)
		}
		if len(pls.Rows) > 0 {
			cr.add(pls)
		}
	}
	return nil
}

// nameRegions gives every table a name of its own for screen readers (the
// landmarks of a page must differ): a caption shared by several tables
// takes its section's title, and a name still taken a number.
func (d *document) nameRegions() {
	seen := map[string]int{}
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if b.Table == nil {
				continue
			}
			t := b.Table
			if t.Caption != "" && t.Caption != s.Title {
				t.Name = t.Caption + " — " + s.Title
			}
			seen[t.Name]++
			if n := seen[t.Name]; n > 1 {
				t.Name = fmt.Sprintf("%s (%d)", t.Name, n)
			}
		}
	}
}

func colon(lang Lang) string {
	if lang == English {
		return ":"
	}
	return "\u00a0:"
}

func yearSpanText(years []int) string {
	if len(years) == 1 {
		return strconv.Itoa(years[0])
	}
	return fmt.Sprintf("%d–%d", years[0], years[len(years)-1])
}

func memberLabel(m engine.MemberYear, wd words) string {
	if m.Manager {
		return m.Label + " (" + wd.manager + ")"
	}
	return m.Label
}

// memberYearTable shows each member's amount per year, with the totals.
func memberYearTable(res *engine.Result, lang Lang, w reportWords) *table {
	wd := wordsFor(lang)
	t := &table{Head: []string{wd.member}}
	type row struct {
		label   string
		amounts map[int]decimal.Decimal
		total   decimal.Decimal
	}
	var order []string
	rows := map[string]*row{}
	grand := decimal.Zero
	for _, y := range res.Years {
		t.Head = append(t.Head, strconv.Itoa(y.Year))
		for _, m := range y.Members {
			rw, ok := rows[m.ID]
			if !ok {
				rw = &row{label: memberLabel(m, wd), amounts: map[int]decimal.Decimal{}}
				rows[m.ID] = rw
				order = append(order, m.ID)
			}
			rw.amounts[y.Year] = m.Amount
			rw.total = rw.total.Add(m.Amount)
		}
		grand = grand.Add(y.Total)
	}
	t.Head = append(t.Head, w.horizonTotal)
	for _, id := range order {
		rw := rows[id]
		cells := []cell{textC(rw.label)}
		for _, y := range res.Years {
			if a, ok := rw.amounts[y.Year]; ok {
				cells = append(cells, moneyC(a))
			} else {
				cells = append(cells, emptyC())
			}
		}
		t.Rows = append(t.Rows, append(cells, strongC(moneyC(rw.total))))
	}
	totals := []cell{strongC(textC(wd.total))}
	for _, y := range res.Years {
		totals = append(totals, strongC(moneyC(y.Total)))
	}
	t.Rows = append(t.Rows, append(totals, strongC(moneyC(grand))))
	return t
}

// changesTable sets each other scenario against the baseline, per member
// over all the years.
func changesTable(r *Report, lang Lang, w reportWords) *table {
	wd := wordsFor(lang)
	t := &table{Head: []string{wd.member}, Small: len(r.Parts) > 3}
	var order []string
	labels := map[string]string{}
	for _, p := range r.Parts[1:] {
		t.Head = append(t.Head, p.Result.Title, "%")
		for _, m := range p.Comparison.Members {
			if _, ok := labels[m.Member]; !ok {
				order = append(order, m.Member)
				labels[m.Member] = m.Label
			}
		}
	}
	for _, id := range order {
		cells := []cell{textC(labels[id])}
		for _, p := range r.Parts[1:] {
			i := slices.IndexFunc(p.Comparison.Members, func(d Delta) bool { return d.Member == id })
			if i < 0 {
				cells = append(cells, emptyC(), emptyC())
				continue
			}
			d := p.Comparison.Members[i]
			cells = append(cells, signedMoneyC(d.Change), pctC(d))
		}
		t.Rows = append(t.Rows, cells)
	}
	totals := []cell{strongC(textC(wd.total))}
	for _, p := range r.Parts[1:] {
		totals = append(totals, strongC(signedMoneyC(p.Comparison.Total.Change)), strongC(pctC(p.Comparison.Total)))
	}
	t.Rows = append(t.Rows, totals)
	return t
}

// dimensionCell formats a figure of a dimension: money as money, the
// others with their decimals (ETC to two places, kgCO2e to one).
func dimensionCell(d *engine.Dimension, v decimal.Decimal) cell {
	if d.Valued == engine.AsMoney {
		return moneyC(v)
	}
	return numberC(v, d.Decimals)
}

func balanceTable(f engine.Indicators, spread *engine.Simulated, lang Lang, w reportWords, ew evalWords) *table {
	t := &table{Head: []string{w.dimension, w.efforts, w.gains, w.net, w.unit}}
	for _, df := range f.Dimensions {
		dim := df.Dimension
		t.Rows = append(t.Rows, []cell{textC(dimensionLabel(dim, lang)), dimensionCell(dim, df.TotalEfforts), dimensionCell(dim, df.TotalGains),
			strongC(dimensionCell(dim, df.TotalNet)), textC(dim.Unit)})
	}
	t.Rows = append(t.Rows, []cell{textC(w.npv), emptyC(), emptyC(), strongC(moneyC(f.NPV)), textC("EUR")})
	t.Rows = append(t.Rows, []cell{textC(w.monetized), emptyC(), emptyC(), moneyC(f.Monetized), textC("EUR")})
	if spread != nil {
		t.Rows = append(t.Rows,
			[]cell{textC(w.npv + " P10"), emptyC(), emptyC(), floatMoneyC(spread.NPV.P10), textC("EUR")},
			[]cell{textC(w.npv + " P50"), emptyC(), emptyC(), floatMoneyC(spread.NPV.P50), textC("EUR")},
			[]cell{textC(w.npv + " P90"), emptyC(), emptyC(), floatMoneyC(spread.NPV.P90), textC("EUR")},
			[]cell{textC(w.probPositive), emptyC(), emptyC(), keyC(decimal.NewFromFloat(spread.NPV.Positive).Round(4)), textC("")})
	}
	return t
}

func billsTable(res *engine.Result, lang Lang, w reportWords) *table {
	wd := wordsFor(lang)
	t := &table{Caption: w.bills, Head: []string{wd.year, wd.member, wd.key, wd.amount, wd.fees, wd.billed}}
	// The regularisation of a closed year carried into a bill (package
	// billing) has a column of its own, when a year carries one.
	regul := slices.ContainsFunc(res.Years, func(y engine.Year) bool { return y.Settled != 0 })
	if regul {
		t.Head = []string{wd.year, wd.member, wd.key, wd.amount, wd.fees, wd.regul, wd.billed}
	}
	for _, y := range res.Years {
		shares, fees, billed, carried := decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero
		year := strconv.Itoa(y.Year)
		if y.Months < 12 {
			year += fmt.Sprintf(" (%d %s)", y.Months, wd.months)
		}
		for _, m := range y.Members {
			row := []cell{textC(year), textC(memberLabel(m, wd)), keyC(m.Share), moneyC(m.Amount), moneyC(m.Fees), moneyC(m.Billed)}
			if regul {
				row = []cell{textC(year), textC(memberLabel(m, wd)), keyC(m.Share), moneyC(m.Amount), moneyC(m.Fees), moneyC(m.Regularisation.Round(2)), moneyC(m.Billed)}
			}
			t.Rows = append(t.Rows, row)
			shares, fees, billed, carried = shares.Add(m.Share), fees.Add(m.Fees), billed.Add(m.Billed), carried.Add(m.Regularisation)
		}
		total := []cell{strongC(textC(year)), strongC(textC(wd.total)), strongC(keyC(shares)), strongC(moneyC(y.Total)), strongC(moneyC(fees)), strongC(moneyC(billed))}
		if regul {
			total = []cell{strongC(textC(year)), strongC(textC(wd.total)), strongC(keyC(shares)), strongC(moneyC(y.Total)), strongC(moneyC(fees)), strongC(moneyC(carried.Round(2))), strongC(moneyC(billed))}
		}
		t.Rows = append(t.Rows, total)
	}
	return t
}

func poolsTable(res *engine.Result, m *engine.Model, lang Lang, w reportWords) *table {
	wd := wordsFor(lang)
	keyLabels := map[string]string{}
	for _, r := range m.Rules {
		keyLabels[r.Name] = cmpOr(r.Label, r.Name)
	}
	t := &table{Caption: w.pools, Head: []string{wd.year, w.pool, w.poolKey, wd.amount, w.poolFees, w.poolTotal}}
	for _, y := range res.Years {
		for _, p := range y.Pools {
			t.Rows = append(t.Rows, []cell{yearC(y.Year), textC(p.Label), textC(cmpOr(keyLabels[p.Key], p.Key)), moneyC(p.Amount), moneyC(p.Fees), moneyC(p.Amount.Add(p.Fees))})
		}
	}
	return t
}

func comparisonTable(c *Comparison, lang Lang, w reportWords, baseTitle string) *table {
	wd := wordsFor(lang)
	t := &table{Caption: fmt.Sprintf("%s (%s)", w.against, baseTitle), Head: []string{wd.year, wd.member, w.baselineCol, w.otherCol, wd.delta, wd.deltaPct}}
	for _, d := range c.Rows {
		t.Rows = append(t.Rows, []cell{yearC(d.Year), textC(d.Label), moneyC(d.Base), moneyC(d.Other), signedMoneyC(d.Change), pctC(d)})
	}
	for _, d := range c.Years {
		t.Rows = append(t.Rows, []cell{strongC(yearC(d.Year)), strongC(textC(wd.total)), strongC(moneyC(d.Base)), strongC(moneyC(d.Other)), strongC(signedMoneyC(d.Change)), strongC(pctC(d))})
	}
	if len(c.Base.Years) > 0 {
		span := yearSpanText([]int{c.Base.Years[0].Year, c.Base.Years[len(c.Base.Years)-1].Year})
		for _, d := range c.Members {
			t.Rows = append(t.Rows, []cell{textC(span), textC(d.Label), moneyC(d.Base), moneyC(d.Other), signedMoneyC(d.Change), pctC(d)})
		}
		t.Rows = append(t.Rows, []cell{strongC(textC(span)), strongC(textC(wd.total)), strongC(moneyC(c.Total.Base)), strongC(moneyC(c.Total.Other)), strongC(signedMoneyC(c.Total.Change)), strongC(pctC(c.Total))})
	}
	return t
}

func evaluationDefs(r *Report, lang Lang, w reportWords, ew evalWords, names names) [][2]string {
	ev := r.Evaluation
	var defs [][2]string
	if len(ev.Portfolio.Figures.Years) > 0 {
		defs = append(defs, [2]string{capitalize(w.years), yearSpanText(ev.Portfolio.Figures.Years)})
	}
	defs = append(defs, [2]string{w.npv, fmt.Sprintf("%s %s, base %d", w.discountRate, Percent(ev.DiscountRate, lang), ev.BaseYear)})
	if ev.Scenario != "" {
		defs = append(defs, [2]string{w.scenario, names.scenario(ev.Scenario)})
	}
	if ev.Draws > 0 {
		defs = append(defs, [2]string{w.spreadOf, fmt.Sprintf("%d %s, %s %d", ev.Draws, w.draws, ew.seed, ev.Seed)})
	}
	return defs
}

func indicatorsTable(r *Report, lang Lang, w reportWords, ew evalWords, names names) *table {
	ev := r.Evaluation
	t := &table{Caption: w.indicators, Small: true, Head: []string{w.project, w.adoptedBy}}
	for _, dim := range ev.dimensions() {
		t.Head = append(t.Head, dimensionLabel(dim, lang))
	}
	t.Head = append(t.Head, w.npv)
	if ev.Draws > 0 {
		t.Head = append(t.Head, "P10", "P50", "P90", w.probPositive)
	}
	row := func(title string, adopted string, p EvaluatedProject, bold bool) []cell {
		cells := []cell{textC(title), textC(adopted)}
		for _, df := range p.Figures.Dimensions {
			cells = append(cells, dimensionCell(df.Dimension, df.TotalNet))
		}
		cells = append(cells, moneyC(p.Figures.NPV))
		if ev.Draws > 0 {
			if s := p.Spread; s != nil {
				cells = append(cells, floatMoneyC(s.NPV.P10), floatMoneyC(s.NPV.P50), floatMoneyC(s.NPV.P90), keyC(decimal.NewFromFloat(s.NPV.Positive).Round(4)))
			} else {
				cells = append(cells, emptyC(), emptyC(), emptyC(), emptyC())
			}
		}
		if bold {
			for i := range cells {
				cells[i].Strong = true
			}
		}
		return cells
	}
	for _, p := range ev.Projects {
		if p.Project == nil {
			continue
		}
		adopted := strings.Join(names.scenarios(r.Adopted[p.Project.ID]), " ; ")
		if adopted == "" {
			adopted = w.notAdopted
		}
		t.Rows = append(t.Rows, row(cmpOr(p.Project.Title, p.Project.ID), adopted, p, false))
	}
	t.Rows = append(t.Rows, row(ew.portfolio, "", ev.Portfolio, true))
	return t
}

func projectYearsTable(p EvaluatedProject, lang Lang, w reportWords, ew evalWords) *table {
	t := &table{Head: []string{w.dimension, messageWordsFor(lang).flow}}
	for _, y := range p.Figures.Years {
		t.Head = append(t.Head, strconv.Itoa(y))
	}
	t.Head = append(t.Head, ew.total, w.ratio, w.payback)
	for _, df := range p.Figures.Dimensions {
		dim := df.Dimension
		for k, series := range [][]decimal.Decimal{df.Efforts, df.Gains, df.Net} {
			label := ""
			if k == 0 {
				label = dimensionLabel(dim, lang)
			}
			cells := []cell{textC(label), textC([]string{w.efforts, w.gains, w.net}[k])}
			for _, v := range series {
				cells = append(cells, dimensionCell(dim, v))
			}
			cells = append(cells, dimensionCell(dim, []decimal.Decimal{df.TotalEfforts, df.TotalGains, df.TotalNet}[k]))
			if k < 2 {
				cells = append(cells, textC(""), textC(""))
			} else {
				ratio, payback := emptyC(), emptyC()
				if df.HasRatio {
					ratio = numberC(df.Ratio, 2)
				}
				if df.Payback > 0 {
					payback = yearC(df.Payback)
				}
				cells = append(cells, ratio, payback)
				for i := range cells {
					cells[i].Strong = true
				}
			}
			t.Rows = append(t.Rows, cells)
		}
	}
	return t
}

func projectFiguresLine(ev *Evaluation, p EvaluatedProject, lang Lang, w reportWords, ew evalWords) string {
	s := fmt.Sprintf("%s (%s, base %d)%s %s · %s%s %s", w.npv, Percent(ev.DiscountRate, lang), ev.BaseYear, colon(lang),
		Money(p.Figures.NPV, lang), w.monetized, colon(lang), Money(p.Figures.Monetized, lang))
	if sp := p.Spread; sp != nil {
		s += fmt.Sprintf(" · %s P10 %s · P50 %s · P90 %s · %s = %s", w.npv, floatMoney(sp.NPV.P10, lang), floatMoney(sp.NPV.P50, lang),
			floatMoney(sp.NPV.P90, lang), w.probPositive, share(sp.NPV.Positive, lang))
	}
	return s
}

func factorKind(f engine.Factor, w reportWords) string {
	if f.Kind == engine.ProjectFactor {
		return w.projectKind
	}
	return w.paramKind
}

func sensitivityTable(s *engine.Sensitivity, lang Lang, w reportWords) *table {
	t := &table{Small: true, Head: []string{w.factor, w.kind, w.low, w.high}}
	for i, tg := range s.Targets {
		label := tg.Label
		if i == 0 {
			label = wordsFor(lang).total
		}
		t.Head = append(t.Head, label)
	}
	for _, r := range s.Moving() {
		cells := []cell{textC(factorLabel(r.Factor)), textC(factorKind(r.Factor, w)), numberC(r.Factor.Low, 2), numberC(r.Factor.High, 2)}
		if r.Factor.Kind == engine.ProjectFactor {
			cells[2], cells[3] = numberC(r.Factor.Low, 4), numberC(r.Factor.High, 4)
		}
		if r.Err != "" {
			cells = append(cells, textC(w.failed+colon(lang)+" "+r.Err))
			for range s.Targets[1:] {
				cells = append(cells, textC(""))
			}
			t.Rows = append(t.Rows, cells)
			continue
		}
		for i := range s.Targets {
			cells = append(cells, textC(SignedMoney(r.Low[i], lang)+" / "+SignedMoney(r.High[i], lang)))
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// paramSource is a parameter's source, linked to its URL, and its
// assumption.
func paramSource(p engine.Param, lang Lang, w reportWords) cell {
	var parts []span
	if p.Source != "" {
		parts = append(parts, span{Text: w.source + colon(lang)}, span{Text: oneLine(p.Source), URL: p.URL})
	}
	if p.Assumption != "" {
		parts = append(parts, span{Text: w.assumption + colon(lang) + " " + oneLine(p.Assumption)})
	}
	return spansC(parts...)
}

func usedText(p ParamEntry, w reportWords) string {
	var parts []string
	if p.Bills {
		parts = append(parts, w.usedBills)
	}
	if p.Projects {
		parts = append(parts, w.usedProjects)
	}
	if len(parts) == 0 {
		return w.usedNone
	}
	return strings.Join(parts, ", ")
}

func paramsTable(params []ParamEntry, lang Lang, w reportWords) *table {
	t := &table{Small: true, Head: []string{w.parameter, w.label, w.value, w.unit, w.since, w.usedBy, w.sourceOr}}
	for _, p := range params {
		for i, v := range p.Values {
			if i == 0 {
				t.Rows = append(t.Rows, []cell{codeC(p.Name), textC(cmpOr(p.Label, oneLine(p.Description))), numberC(v.Value, decimalsOf(v.Value)), textC(p.Unit), dateC(v.From),
					textC(usedText(p, w)), paramSource(p.Param, lang, w)})
				continue
			}
			t.Rows = append(t.Rows, []cell{textC(""), textC(""), numberC(v.Value, decimalsOf(v.Value)), textC(p.Unit), dateC(v.From), textC(""), textC("")})
		}
		if len(p.Values) == 0 {
			t.Rows = append(t.Rows, []cell{codeC(p.Name), textC(cmpOr(p.Label, oneLine(p.Description))), emptyC(), textC(p.Unit), textC(""), textC(usedText(p, w)), paramSource(p.Param, lang, w)})
		}
	}
	return t
}

// decimalsOf returns the number of decimals a value is written with, so
// that 0.4668 shows as 0,4668 and 44100 as 44 100.
func decimalsOf(d decimal.Decimal) int32 {
	if e := d.Exponent(); e < 0 {
		// Drop trailing zeros: 0.0300 → 2 decimals.
		s := d.String()
		if _, frac, ok := strings.Cut(s, "."); ok {
			return int32(len(frac))
		}
	}
	return 0
}

func valuationDefs(r *Report, lang Lang, w reportWords) [][2]string {
	v := r.Valuation
	defs := [][2]string{{w.baseYear, strconv.Itoa(v.BaseYear)}}
	add := func(label string, f *engine.Formula) {
		if f != nil {
			defs = append(defs, [2]string{label, fmt.Sprintf("%s   [%s]", source(f), f.Pos)})
		}
	}
	add(w.discountRate, v.DiscountRate)
	for i := range v.Dimensions {
		if d := &v.Dimensions[i]; d.Price != nil {
			add(d.PriceLabel(lang == English), d.Price)
		}
	}
	return defs
}

func membersTable(m *engine.Model, members []engine.Member, lang Lang, w reportWords) *table {
	wd := wordsFor(lang)
	t := &table{Head: []string{wd.member, w.label, w.kindT, w.joined, w.left, w.attributes}}
	for _, mem := range members {
		label := mem.Label
		if mem.ID == m.Manager {
			label += " (" + wd.manager + ")"
		}
		var attrs []string
		for _, k := range slices.Sorted(maps.Keys(mem.Attributes)) {
			v := mem.Attributes[k]
			attrs = append(attrs, k+" = "+Number(v, decimalsOf(v), lang))
		}
		left := textC("")
		if !mem.Left.IsZero() {
			left = dateC(mem.Left)
		}
		t.Rows = append(t.Rows, []cell{codeC(mem.ID), textC(label), textC(mem.Kind), dateC(mem.Joined), left, textC(strings.Join(attrs, " ; "))})
	}
	return t
}

// rulesTables lays rule entries out as a table of rules (and the fee rate)
// and a table of pools.
func rulesTables(entries []RuleEntry, lang Lang, w reportWords) (rules, pools *table) {
	mw := messageWordsFor(lang)
	rules = &table{Small: true, Head: []string{w.rule, w.label, w.since, w.forMember, mw.text, w.formula, w.position}}
	pools = &table{Small: true, Head: []string{w.pool, w.label, w.formula, w.key, w.poolFees, w.position}}
	for _, e := range entries {
		switch e.Kind {
		case PoolRule:
			expr, pos := "", ""
			if len(e.Versions) > 0 {
				expr, pos = e.Versions[0].Expr, e.Versions[0].Pos
			}
			fees := w.feesNo
			if e.Fees {
				fees = w.feesYes
			}
			pools.Rows = append(pools.Rows, []cell{codeC(e.Name), textC(e.Label), formulaC(expr), codeC(e.Key), textC(fees), codeC(pos)})
		default:
			label := e.Label
			if e.Kind == FeeRateRule {
				label = w.feeRate
			}
			if e.Unit != "" {
				label += " (" + e.Unit + ")"
			}
			for i, v := range e.Versions {
				// The rule's label, what it does and the text it
				// implements on its first row; each version's on the
				// first row of the version: the law next to the code.
				name, lbl := codeC(e.Name), textC(label)
				if i == 0 {
					lbl = ruleText(label, e.Descr, e.Source, e.URL, lang, w)
				} else {
					name, lbl = textC(""), textC("")
				}
				text := textC("")
				if i == 0 || v.From != e.Versions[i-1].From {
					text = ruleText("", v.Description, v.Source, v.URL, lang, w)
				}
				since := textC(w.always)
				if !v.From.IsZero() {
					since = dateC(v.From)
				}
				member := textC("")
				switch {
				case v.Member != "":
					member = codeC(v.Member)
				case v.Others:
					member = textC(w.others)
				case e.Kind == MemberRule:
					member = textC(w.allMembers)
				}
				rules.Rows = append(rules.Rows, []cell{name, lbl, since, member, text, formulaC(v.Expr), codeC(v.Pos)})
			}
		}
	}
	return rules, pools
}

// ruleText is a rule's (or a version's) label, description and source,
// the source linked to its URL.
func ruleText(label, description, source, url string, lang Lang, w reportWords) cell {
	var parts []span
	if label != "" {
		parts = append(parts, span{Text: label})
		if description == label {
			description = ""
		}
	}
	if description != "" {
		if label != "" {
			parts = append(parts, span{Text: "—"})
		}
		parts = append(parts, span{Text: description})
	}
	if source != "" {
		parts = append(parts, span{Text: w.source + colon(lang)}, span{Text: source, URL: url})
	}
	return spansC(parts...)
}

// factorLabel names a factor of the sensitivity analysis in words: the
// parameter's label, or the project and line; its id when it has none.
func factorLabel(f engine.Factor) string {
	return cmpOr(oneLine(f.Label), f.Name)
}

// names turns the ids a report refers to into the words people read:
// scenario titles, project titles, member labels. An id it does not know
// stays as it is.
type names struct {
	scenarioTitles, projectTitles, memberLabels map[string]string
}

func (r *Report) names() names {
	n := names{scenarioTitles: map[string]string{}, projectTitles: map[string]string{}, memberLabels: map[string]string{}}
	for _, p := range r.Parts {
		n.scenarioTitles[p.Result.ID] = cmpOr(p.Result.Title, p.Result.ID)
		for _, m := range p.Model.Members {
			if _, ok := n.memberLabels[m.ID]; !ok {
				n.memberLabels[m.ID] = cmpOr(m.Label, m.ID)
			}
		}
	}
	if ev := r.Evaluation; ev != nil {
		for _, p := range ev.Projects {
			if p.Project != nil {
				n.projectTitles[p.Project.ID] = cmpOr(p.Project.Title, p.Project.ID)
			}
		}
	}
	return n
}

func (n names) scenario(id string) string { return cmpOr(n.scenarioTitles[id], id) }

func lookup(ids []string, m map[string]string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = cmpOr(m[id], id)
	}
	return out
}

func (n names) scenarios(ids []string) []string { return lookup(ids, n.scenarioTitles) }
func (n names) projects(ids []string) []string  { return lookup(ids, n.projectTitles) }
func (n names) members(ids []string) []string   { return lookup(ids, n.memberLabels) }

// portfolioMessages are the key messages on the project portfolios: one
// per scenario adopting one, or one on all the requests when none does.
func portfolioMessages(r *Report, lang Lang) []string {
	var out []string
	draws := 0
	if r.Evaluation != nil {
		draws = r.Evaluation.Draws
	}
	for _, p := range r.Parts {
		if p.Portfolio == nil {
			continue
		}
		label := cmpOr(p.Portfolio.Label, p.Result.Title)
		out = append(out, portfolioMessage(label, p.Portfolio.Figures, p.Portfolio.Spread, draws, lang)...)
	}
	if len(out) == 0 && r.Evaluation != nil && len(r.Evaluation.Projects) > 0 {
		ew := wordsIn(evalVocabulary, lang)
		out = portfolioMessage(capitalize(ew.portfolio), r.Evaluation.Portfolio.Figures, r.Evaluation.Portfolio.Spread, draws, lang)
	}
	return out
}
