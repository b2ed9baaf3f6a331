package reports

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// The workbook holds one sheet per table, in long format (one row per
// scenario, year, member...) so that it filters and pivots well. Numbers
// are stored as numbers with number formats that a spreadsheet set to
// French shows as 1 234 567,89 € and 46,20 %; header rows are frozen and
// filtered; text that a spreadsheet would take for a formula is prefixed
// with an apostrophe (see SafeCell).

// reportXLSX writes the report as a workbook.
func reportXLSX(w io.Writer, lang Lang, r *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	sheets := r.sheets(lang)
	x := &xlsxWriter{f: f, lang: lang, styles: map[styleKey]int{}}
	for i, t := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", t.Sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(t.Sheet); err != nil {
			return err
		}
		if err := x.writeSheet(t); err != nil {
			return fmt.Errorf("sheet %s: %w", t.Sheet, err)
		}
	}
	if err := x.calcSheets(r); err != nil {
		return fmt.Errorf("formula sheets: %w", err)
	}
	f.SetActiveSheet(0)
	props := &excelize.DocProperties{Title: r.titleText(lang), Creator: "quotepart", LastModifiedBy: "quotepart",
		Language: string(lang), Created: "2000-01-01T00:00:00Z", Modified: "2000-01-01T00:00:00Z"}
	if !r.Date.IsZero() {
		props.Created = fmt.Sprintf("%sT00:00:00Z", r.Date)
		props.Modified = props.Created
	}
	// The workbook's properties (File > Info) say which quotepart wrote
	// it from which files; the sheets stay data only.
	if p := r.Provenance; !p.IsZero() {
		props.Version, props.Identifier, props.Description = p.Version, p.Digest, p.sentence(lang)
	}
	if err := f.SetDocProps(props); err != nil {
		return err
	}
	return x.writeTo(w)
}

func (r *Report) titleText(lang Lang) string {
	if r.Title != "" {
		return r.Title
	}
	return reportWordsFor(lang).title
}

type styleKey struct {
	kind     cellKind
	decimals int32
	strong   bool
	header   bool
}

type xlsxWriter struct {
	f      *excelize.File
	lang   Lang
	styles map[styleKey]int
	// names are the defined names of the formula sheets, written into
	// the workbook when it is saved (xlsxnames.go).
	names []definedName
}

// numberFormat is the Excel number format of a kind of cell; a
// spreadsheet shows the separators of its own locale.
func (x *xlsxWriter) numberFormat(k styleKey) string {
	switch k.kind {
	case moneyCell:
		return `#,##0.00\ "€";\-#,##0.00\ "€"`
	case signedMoneyCell:
		return `+#,##0.00\ "€";\-#,##0.00\ "€";0.00\ "€"`
	case keyCell:
		return `0.00\ %`
	case pctCell:
		return `+0.00\ %;\-0.00\ %;0.00\ %`
	case numberCell:
		if k.decimals <= 0 {
			return `#,##0`
		}
		return `#,##0.` + strings.Repeat("0", int(k.decimals))
	case yearCell:
		return `0`
	case dateCell:
		if x.lang == English {
			return `d mmmm yyyy`
		}
		return `[$-40C]d mmmm yyyy`
	}
	return ""
}

func (x *xlsxWriter) style(k styleKey) (int, error) {
	if id, ok := x.styles[k]; ok {
		return id, nil
	}
	s := &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}
	if nf := x.numberFormat(k); nf != "" {
		s.CustomNumFmt = &nf
	}
	if k.strong || k.header {
		s.Font = &excelize.Font{Bold: true}
	}
	if k.header {
		s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE5EE"}}
		s.Border = []excelize.Border{{Type: "bottom", Color: "777777", Style: 1}}
		s.Alignment = &excelize.Alignment{Vertical: "top", WrapText: true}
	}
	if k.kind == formulaCell {
		s.Font = &excelize.Font{Family: "Consolas", Bold: k.strong}
	}
	id, err := x.f.NewStyle(s)
	if err != nil {
		return 0, err
	}
	x.styles[k] = id
	return id, nil
}

func (x *xlsxWriter) writeSheet(t *table) error {
	f, sheet := x.f, t.Sheet
	widths := make([]int, len(t.Head))
	hs, err := x.style(styleKey{header: true})
	if err != nil {
		return err
	}
	for i, h := range t.Head {
		ref, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sheet, ref, SafeCell(h)); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, ref, ref, hs); err != nil {
			return err
		}
		widths[i] = max(widths[i], utf8.RuneCountInString(h))
	}
	for ri, row := range t.Rows {
		for ci, c := range row {
			ref, _ := excelize.CoordinatesToCellName(ci+1, ri+2)
			if err := x.setCell(sheet, ref, c); err != nil {
				return err
			}
			k := styleKey{kind: c.Kind, decimals: c.Decimals, strong: c.Strong}
			id, err := x.style(k)
			if err != nil {
				return err
			}
			if err := f.SetCellStyle(sheet, ref, ref, id); err != nil {
				return err
			}
			if ci < len(widths) {
				widths[ci] = max(widths[ci], utf8.RuneCountInString(c.Format(x.lang)))
			}
		}
	}
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		width := float64(min(max(wd+2, 8), 60))
		if i < len(t.Widths) && t.Widths[i] > 0 {
			width = t.Widths[i]
		}
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	if len(t.Head) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(t.Head), max(len(t.Rows)+1, 2))
		if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
			return err
		}
	}
	return nil
}

func (x *xlsxWriter) setCell(sheet, ref string, c cell) error {
	f := x.f
	switch c.Kind {
	case textCell, codeCell, formulaCell:
		if c.Text == "" {
			return nil
		}
		return f.SetCellStr(sheet, ref, SafeCell(SafeText(c.Text)))
	case emptyCell:
		return nil
	case dateCell:
		if c.Date.IsZero() {
			return nil
		}
		return f.SetCellValue(sheet, ref, time.Date(c.Date.Year, c.Date.Month, c.Date.Day, 0, 0, 0, 0, time.UTC))
	case yearCell:
		return f.SetCellInt(sheet, ref, c.Value.IntPart())
	case pctCell:
		return f.SetCellFloat(sheet, ref, c.Value.Shift(-2).InexactFloat64(), -1, 64)
	case moneyCell, signedMoneyCell:
		return f.SetCellFloat(sheet, ref, c.Value.Round(2).InexactFloat64(), -1, 64)
	}
	return f.SetCellFloat(sheet, ref, c.Value.InexactFloat64(), -1, 64)
}

// sheetBuilder lays the report out as the workbook's tables, in long
// format; it holds the words every table needs.
type sheetBuilder struct {
	r    *Report
	lang Lang
	w    reportWords
	wd   words
	ew   evalWords
	mw   messageWords
}

// sheets lays the report out as tables in long format, one per sheet.
func (r *Report) sheets(lang Lang) []*table {
	b := &sheetBuilder{r: r, lang: lang, w: reportWordsFor(lang), wd: wordsFor(lang), ew: wordsIn(evalVocabulary, lang), mw: messageWordsFor(lang)}
	out := []*table{b.summarySheet(), b.billsSheet(), b.poolsSheet()}
	if len(r.Parts) > 1 {
		out = append(out, b.changesSheet())
	}
	if ev := r.Evaluation; ev != nil {
		out = append(out, b.projectsSheet(ev), b.indicatorsSheet(ev))
	}
	if slices.ContainsFunc(r.Parts, func(p *ScenarioPart) bool { return p.Sensitivity != nil }) {
		out = append(out, b.sensitivitySheet())
	}
	// Parameters, members, rules: the baseline's all, the others' changes.
	out = append(out, b.paramsSheet(), b.membersSheet(), b.rulesSheet())
	return append(out, r.planSheets(lang)...)
}

// summarySheet has each member's amount per year, its total and its
// change; words first (the scenario's title, the member's label), the ids
// at the end for filters and lookups.
func (b *sheetBuilder) summarySheet() *table {
	w, wd := b.w, b.wd
	sum := &table{Sheet: w.sheetSummary, Head: []string{w.scenario, wd.member}}
	for _, y := range b.r.Years() {
		sum.Head = append(sum.Head, strconv.Itoa(y))
	}
	sum.Head = append(sum.Head, w.horizonTotal, wd.delta, wd.deltaPct, b.mw.scenarioID, b.mw.memberID)
	for _, p := range b.r.Parts {
		sum.Rows = append(sum.Rows, b.summaryRows(p)...)
	}
	return sum
}

// summaryRows are the rows of scenario p in the summary: one per member,
// then the total, in bold.
func (b *sheetBuilder) summaryRows(p *ScenarioPart) [][]cell {
	var rows [][]cell
	t := memberYearTable(p.Result, b.lang, b.w)
	ids := memberIDs(p.Result)
	for i, row := range t.Rows {
		id := b.wd.total
		if i < len(ids) {
			id = ids[i]
		}
		cells := append([]cell{textC(cmpOr(p.Result.Title, p.Result.ID))}, row...)
		change, pct := emptyC(), emptyC()
		if c := p.Comparison; c != nil {
			d := c.Total
			if i < len(ids) {
				if j := slices.IndexFunc(c.Members, func(d Delta) bool { return d.Member == ids[i] }); j >= 0 {
					d = c.Members[j]
				}
			}
			change, pct = signedMoneyC(d.Change), pctC(d)
		}
		cells = append(cells, change, pct, codeC(p.Result.ID), codeC(id))
		if i == len(ids) {
			for k := range cells {
				cells[k].Strong = true
			}
		}
		rows = append(rows, cells)
	}
	return rows
}

// billsSheet has the run's figures, one row per scenario, year and
// member.
func (b *sheetBuilder) billsSheet() *table {
	w, wd := b.w, b.wd
	bills := &table{Sheet: w.sheetBills, Head: []string{w.scenario, wd.year, wd.months, wd.member, w.label, wd.manager, wd.key, wd.amount, wd.fees, wd.billed}}
	for _, p := range b.r.Parts {
		for _, y := range p.Result.Years {
			for _, m := range y.Members {
				manager := w.feesNo
				if m.Manager {
					manager = w.feesYes
				}
				bills.Rows = append(bills.Rows, []cell{codeC(p.Result.ID), yearC(y.Year), numberC(decimal.NewFromInt(int64(y.Months)), 0), codeC(m.ID), textC(m.Label),
					textC(manager), keyC(m.Share), moneyC(m.Amount), moneyC(m.Fees), moneyC(m.Billed)})
			}
		}
	}
	return bills
}

// poolsSheet has each pool's amount and fees, one row per scenario, year
// and pool.
func (b *sheetBuilder) poolsSheet() *table {
	w, wd := b.w, b.wd
	pools := &table{Sheet: w.sheetPools, Head: []string{w.scenario, wd.year, w.pool, w.label, w.poolKey, wd.amount, w.poolFees, w.poolTotal}}
	for _, p := range b.r.Parts {
		for _, y := range p.Result.Years {
			for _, pl := range y.Pools {
				pools.Rows = append(pools.Rows, []cell{codeC(p.Result.ID), yearC(y.Year), codeC(pl.ID), textC(pl.Label), codeC(pl.Key), moneyC(pl.Amount), moneyC(pl.Fees), moneyC(pl.Amount.Add(pl.Fees))})
			}
		}
	}
	return pools
}

// changesSheet has each scenario's changes against the baseline.
func (b *sheetBuilder) changesSheet() *table {
	w, wd := b.w, b.wd
	ch := &table{Sheet: w.sheetChanges, Head: []string{w.baselineCol, w.scenario, wd.year, wd.member, w.label, w.baselineCol + " (EUR)", w.otherCol + " (EUR)", wd.delta, wd.deltaPct}}
	for _, p := range b.r.Parts[1:] {
		c := p.Comparison
		for _, d := range c.Rows {
			ch.Rows = append(ch.Rows, []cell{codeC(c.Base.ID), codeC(c.Other.ID), yearC(d.Year), codeC(d.Member), textC(d.Label), moneyC(d.Base), moneyC(d.Other), signedMoneyC(d.Change), pctC(d)})
		}
	}
	return ch
}

// projectsSheet has each project's figures (and the portfolio's), one
// row per dimension and year.
func (b *sheetBuilder) projectsSheet(ev *Evaluation) *table {
	w := b.w
	pr := &table{Sheet: w.sheetProjects, Head: []string{w.project, w.dimension, w.unit, b.wd.year, w.efforts, w.gains, w.net, b.ew.cumulative}}
	for _, p := range ev.all() {
		id := p.id()
		for _, df := range p.Figures.Dimensions {
			dim := df.Dimension
			for i, y := range p.Figures.Years {
				pr.Rows = append(pr.Rows, []cell{codeC(id), textC(dimensionLabel(dim, b.lang)), textC(dim.Unit), yearC(y),
					dimensionCell(dim, df.Efforts[i]), dimensionCell(dim, df.Gains[i]), dimensionCell(dim, df.Net[i]), dimensionCell(dim, df.Cumulative[i])})
			}
		}
	}
	return pr
}

// indicatorsSheet has each project's indicators (and the portfolio's),
// one row each: net and ratio per dimension, NPV and its spread.
func (b *sheetBuilder) indicatorsSheet(ev *Evaluation) *table {
	w := b.w
	ind := &table{Sheet: w.sheetIndicators, Head: []string{w.project, w.projectTitle, w.category, w.requestedBy, w.adoptedBy}}
	for _, dim := range ev.dimensions() {
		ind.Head = append(ind.Head, w.net+" — "+dimensionLabel(dim, b.lang))
	}
	for _, dim := range ev.dimensions() {
		ind.Head = append(ind.Head, w.ratio+" — "+dimensionLabel(dim, b.lang))
	}
	ind.Head = append(ind.Head, w.npv, w.monetized, w.npv+" P10", w.npv+" P50", w.npv+" P90", w.probPositive)
	for _, p := range ev.all() {
		ind.Rows = append(ind.Rows, b.indicatorRow(p))
	}
	return ind
}

// indicatorRow is project p's row of the indicators; the portfolio's
// when p has no project.
func (b *sheetBuilder) indicatorRow(p EvaluatedProject) []cell {
	cells := []cell{codeC("portfolio"), textC(b.ew.portfolio), textC(""), textC(""), textC("")}
	if p.Project != nil {
		cells = []cell{codeC(p.Project.ID), textC(p.Project.Title), textC(p.Project.Category), textC(strings.Join(p.Project.RequestedBy, ", ")),
			textC(strings.Join(b.r.Adopted[p.Project.ID], ", "))}
	}
	for _, df := range p.Figures.Dimensions {
		cells = append(cells, dimensionCell(df.Dimension, df.TotalNet))
	}
	for _, df := range p.Figures.Dimensions {
		if df.HasRatio {
			cells = append(cells, numberC(df.Ratio, 4))
		} else {
			cells = append(cells, emptyC())
		}
	}
	cells = append(cells, moneyC(p.Figures.NPV), moneyC(p.Figures.Monetized))
	if s := p.Spread; s != nil {
		cells = append(cells, floatMoneyC(s.NPV.P10), floatMoneyC(s.NPV.P50), floatMoneyC(s.NPV.P90), keyC(decimal.NewFromFloat(s.NPV.Positive).Round(4)))
	} else {
		cells = append(cells, emptyC(), emptyC(), emptyC(), emptyC())
	}
	return cells
}

// sensitivitySheet has, per scenario analysed, each factor that moves a
// bill: its effect on the total and on each member's amount.
func (b *sheetBuilder) sensitivitySheet() *table {
	w, wd := b.w, b.wd
	st := &table{Sheet: w.sheetSensitivity, Head: []string{w.scenario, w.factor, w.kind, w.low, w.high, wd.member, w.label,
		wd.amount, w.effectOn + " (" + w.low + ")", w.effectOn + " (" + w.high + ")", w.failed}}
	for _, p := range b.r.Parts {
		s := p.Sensitivity
		if s == nil {
			continue
		}
		for _, row := range s.Moving() {
			for i, tg := range s.Targets {
				id, label := tg.ID, tg.Label
				if i == 0 {
					id, label = wd.total, wd.total
				}
				cells := []cell{codeC(p.Result.ID), codeC(row.Factor.Name), textC(factorKind(row.Factor, w)), numberC(row.Factor.Low, 4), numberC(row.Factor.High, 4),
					codeC(id), textC(label), moneyC(tg.Base)}
				if row.Err != "" {
					cells = append(cells, emptyC(), emptyC(), textC(row.Err))
				} else {
					cells = append(cells, signedMoneyC(row.Low[i]), signedMoneyC(row.High[i]), textC(""))
				}
				st.Rows = append(st.Rows, cells)
			}
		}
	}
	return st
}

// paramsSheet has the parameters' values, one row per scenario,
// parameter and dated value.
func (b *sheetBuilder) paramsSheet() *table {
	w := b.w
	pa := &table{Sheet: w.sheetParams, Head: []string{w.scenario, w.parameter, w.label, w.since, w.value, w.unit, w.usedBy, w.source, w.assumption, w.position, "URL"}}
	for _, p := range b.r.Parts {
		for _, q := range p.Params {
			for _, v := range q.Values {
				pa.Rows = append(pa.Rows, []cell{codeC(p.Result.ID), codeC(q.Name), textC(cmpOr(q.Label, oneLine(q.Description))), dateC(v.From), numberC(v.Value, decimalsOf(v.Value)), textC(q.Unit),
					textC(usedText(q, w)), textC(oneLine(q.Source)), textC(oneLine(q.Assumption)), codeC(v.Pos.String()), codeC(q.URL)})
			}
		}
	}
	return pa
}

// membersSheet has the members, one row per scenario and member.
func (b *sheetBuilder) membersSheet() *table {
	w, wd := b.w, b.wd
	me := &table{Sheet: w.sheetMembers, Head: []string{w.scenario, wd.member, w.label, w.kindT, w.joined, w.left, w.attributes}}
	for _, p := range b.r.Parts {
		for _, m := range p.Members {
			var attrs []string
			for _, k := range slices.Sorted(maps.Keys(m.Attributes)) {
				attrs = append(attrs, k+" = "+m.Attributes[k].String())
			}
			left := emptyC()
			if !m.Left.IsZero() {
				left = dateC(m.Left)
			}
			me.Rows = append(me.Rows, []cell{codeC(p.Result.ID), codeC(m.ID), textC(m.Label), textC(m.Kind), dateC(m.Joined), left, textC(strings.Join(attrs, " ; "))})
		}
	}
	return me
}

// rulesSheet has the rules as written, one row per scenario, rule and
// version.
func (b *sheetBuilder) rulesSheet() *table {
	w := b.w
	ru := &table{Sheet: w.sheetRules, Head: []string{w.scenario, w.kind, w.rulesT, w.label, w.since, w.forMember, w.formula, w.key, w.poolFees, w.position,
		w.description, w.source, "URL"}}
	for _, p := range b.r.Parts {
		for _, e := range p.Rules {
			for _, v := range e.Versions {
				ru.Rows = append(ru.Rows, b.ruleRow(p, e, v))
			}
		}
	}
	return ru
}

// ruleRow is the row of version v of rule e of scenario p.
func (b *sheetBuilder) ruleRow(p *ScenarioPart, e RuleEntry, v RuleVersion) []cell {
	w := b.w
	kind := map[RuleKind]string{GlobalRule: w.rulesT, MemberRule: w.rulesT + " (" + w.perMember + ")", PoolRule: w.pool, FeeRateRule: w.feeRate}[e.Kind]
	since := textC(w.always)
	if !v.From.IsZero() {
		since = dateC(v.From)
	}
	member := v.Member
	if v.Others {
		member = w.others
	}
	fees := ""
	if e.Kind == PoolRule {
		fees = w.feesNo
		if e.Fees {
			fees = w.feesYes
		}
	}
	// What the text says: the version's description and source, else the
	// rule's.
	descr, src, url := cmpOr(v.Description, e.Descr), v.Source, v.URL
	if src == "" {
		src, url = e.Source, e.URL
	}
	return []cell{codeC(p.Result.ID), textC(kind), codeC(e.Name), textC(e.Label), since, codeC(member), formulaC(v.Expr), codeC(e.Key), textC(fees), codeC(v.Pos),
		textC(descr), textC(src), codeC(url)}
}

func memberIDs(res *engine.Result) []string {
	var ids []string
	for _, y := range res.Years {
		for _, m := range y.Members {
			if !slices.Contains(ids, m.ID) {
				ids = append(ids, m.ID)
			}
		}
	}
	return ids
}
