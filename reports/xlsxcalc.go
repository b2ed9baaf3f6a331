package reports

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// The workbook's formula sheets let a finance officer check a bill the
// way they check everything else, by following the formula, and change a
// parameter to see every amount move. For each scenario they are:
//
//   - a sheet of its parameters, one row per dated value: the inputs;
//   - per year, a sheet that computes the year: the parameters in force
//     (references to the parameters sheet), the rules, each pool's amount
//     and the fee rate, per period of the year with the same values; the
//     per-member rules, one row per member; then, per pool, each member's
//     exact part, its rounding down to the cent, the remainder, its rank,
//     the cent the largest remainder gives it, the fees the same way; and
//     the members' bills;
//   - one summary sheet of every member's bill per scenario and year, its
//     cells formulas over the year sheets.
//
// The rules' expressions are written as spreadsheet formulas (see
// xlTranslate); one that cannot be (a let, a text) keeps the value
// quotepart computed, in a grey italic cell with a note that says why, and
// every formula downstream of it is still a formula. A spreadsheet computes
// in binary floating point with 15 significant digits: each rounding to the
// cent first rounds six places further (so that 192536189.99999997 cents is
// read 192536190), and remainders are compared to a millionth of a cent.
// Where two remainders differ only beyond that (two thirds of a cent that
// quotepart tells apart at the 20th decimal), the spreadsheet would break
// the tie by member id where quotepart looked further: the column
// "adjustment" then holds the cent quotepart moved, with a note; it is 0
// everywhere else. So the workbook, recalculated, gives run's amounts to
// the cent (TestReportWorkbookRecalculates).

// maxNames bounds the defined names of the formula sheets: beyond it, a
// year's formulas read cell references ($C$12) instead of names. A
// spreadsheet handles thousands; the bound keeps the workbook of a huge
// report readable by the tools that list them all.
const maxNames = 10000

// maxCalcRows bounds the formula sheets of a report: a rule set of
// thousands of members over many scenarios and years would make a
// workbook no spreadsheet opens; beyond it the sheets are left out and a
// sheet says so.
const maxCalcRows = 200_000

type calcWords struct {
	params, summary, summaryTitle, yearTitle, intro, paramsIntro, too                                  string
	name, label, since, value, unit, source, assumption, formula, note, months, year, period, scenario string
	member, sheet, key, share, exact, floor, rest, rank, cent, adjust, part, fees, feesExact, amount   string
	billed, total, missing, order, perMember, allocation, bills, computed, translated, previous        string
	restNote, adjustNote, adjustCell, previousValue, pool, feeRate, manager                            string
}

var calcVocabulary = map[Lang]calcWords{
	French: {
		params: "Paramètres", summary: "Factures (formules)", summaryTitle: "Factures de chaque membre, par scénario et par année : chaque montant est une formule sur la feuille de l'année.",
		yearTitle:   "%s — %d : le calcul des factures, formule par formule",
		intro:       "Les paramètres viennent de la feuille « %s » : changez-y une valeur et toutes les cellules se recalculent. Une cellule grise en italique n'a pas de formule : quotepart l'a calculée (voir sa note).",
		paramsIntro: "Les valeurs des paramètres, par date d'effet : ce sont les seules données du calcul. Changez une valeur (cellules jaunes) : les feuilles des années se recalculent.",
		too:         "Les feuilles de calcul en formules sont omises : elles compteraient %d lignes, plus que la limite de %d. Les autres feuilles donnent tous les montants.",
		name:        "Nom", label: "Libellé", since: "Depuis", value: "Valeur", unit: "Unité", source: "Source", assumption: "Hypothèse",
		formula: "Formule des règles", note: "Note", months: "mois", year: "année", period: "%s–%s (%d mois)", scenario: "Scénario",
		member: "Membre", sheet: "Feuille", key: "Clé", share: "Clé de l'année", exact: "Part exacte", floor: "Arrondi au centime inférieur",
		rest: "Reste (centimes)", rank: "Rang du reste", cent: "Centime du plus fort reste", adjust: "Ajustement", part: "Part",
		fees: "Frais", feesExact: "Frais exacts", amount: "Montant", billed: "Facturé", total: "Total", missing: "Centimes à répartir",
		order: "Ordre des identifiants", perMember: "Par membre — %s", allocation: "Répartition du poste « %s » (clé %s)", bills: "Factures de l'année",
		computed:   "Valeur calculée par quotepart : la formule n'a pas d'équivalent dans le tableur (%s).",
		translated: "", previous: "valeur de l'année précédente",
		restNote:      "Chaque part est d'abord arrondie au centime inférieur ; les centimes qui manquent pour atteindre le total vont, un par un, aux plus forts restes (méthode du plus fort reste), les égalités étant départagées par l'ordre des identifiants des membres. Ainsi les parts font exactement le total.",
		adjustNote:    "0, sauf quand deux restes ne diffèrent qu'au-delà du millionième de centime : le tableur ne les distingue pas, quotepart si ; la colonne porte alors le centime qu'il déplace.",
		adjustCell:    "quotepart donne ce centime autrement que le tableur : deux restes ne diffèrent qu'au-delà du millionième de centime.",
		previousValue: "Valeur de %d calculée par quotepart (l'année %d n'est pas dans ce classeur).",
		pool:          "poste %s", feeRate: "taux des frais de gestion", manager: "gestionnaire, ne se facture pas",
	},
	English: {
		params: "Parameters", summary: "Bills (formulas)", summaryTitle: "Each member's bill per scenario and year: every amount is a formula over the year's sheet.",
		yearTitle:   "%s — %d: the bills computed, formula by formula",
		intro:       "The parameters come from the sheet \"%s\": change a value there and every cell recalculates. A grey italic cell has no formula: quotepart computed it (see its note).",
		paramsIntro: "The parameters' values by effective date: the only inputs of the computation. Change a value (yellow cells): the years' sheets recalculate.",
		too:         "The formula sheets are left out: they would count %d rows, more than the limit of %d. The other sheets give every amount.",
		name:        "Name", label: "Label", since: "Since", value: "Value", unit: "Unit", source: "Source", assumption: "Assumption",
		formula: "Formula in the rules", note: "Note", months: "months", year: "year", period: "%s–%s (%d months)", scenario: "Scenario",
		member: "Member", sheet: "Sheet", key: "Key", share: "Key of the year", exact: "Exact part", floor: "Rounded down to the cent",
		rest: "Remainder (cents)", rank: "Rank of the remainder", cent: "Cent of the largest remainder", adjust: "Adjustment", part: "Part",
		fees: "Fees", feesExact: "Exact fees", amount: "Amount", billed: "Billed", total: "Total", missing: "Cents to share",
		order: "Order of the ids", perMember: "Per member — %s", allocation: "Sharing of the pool \"%s\" (key %s)", bills: "Bills of the year",
		computed:   "Value computed by quotepart: the formula has no equivalent in the spreadsheet (%s).",
		translated: "", previous: "last year's value",
		restNote:      "Each part is first rounded down to the cent; the cents still missing to reach the total go, one each, to the largest remainders (largest remainder method), ties broken by the order of the members' ids. So the parts sum exactly to the total.",
		adjustNote:    "0, except when two remainders differ only beyond a millionth of a cent: the spreadsheet cannot tell them apart, quotepart can; the column then holds the cent it moves.",
		adjustCell:    "quotepart gives this cent differently from the spreadsheet: two remainders differ only beyond a millionth of a cent.",
		previousValue: "Value of %d computed by quotepart (the year %d is not in this workbook).",
		pool:          "pool %s", feeRate: "management fee rate", manager: "manager, not billed",
	},
}

func calcWordsFor(lang Lang) calcWords {
	if w, ok := calcVocabulary[lang]; ok {
		return w
	}
	return calcVocabulary[French]
}

// calcBook writes the formula sheets of one workbook.
type calcBook struct {
	x      *xlsxWriter
	f      *excelize.File
	w      calcWords
	lang   Lang
	sheets map[string]bool // names taken, lower case
	styles map[string]int
	// names counts the defined names of the workbook.
	names int
	// summary rows, written last
	summary [][]calcSummaryCell
}

type calcSummaryCell struct {
	text    string
	formula string
	number  *int
	style   string
}

// calcSheets adds the formula sheets to the workbook.
func (x *xlsxWriter) calcSheets(r *Report) error {
	b := &calcBook{x: x, f: x.f, w: calcWordsFor(x.lang), lang: x.lang, sheets: map[string]bool{}, styles: map[string]int{}}
	for _, s := range x.f.GetSheetList() {
		b.sheets[strings.ToLower(s)] = true
	}
	if n := calcRows(r); n > maxCalcRows {
		sheet := b.sheetName(b.w.summary)
		if _, err := b.f.NewSheet(sheet); err != nil {
			return err
		}
		return b.f.SetCellStr(sheet, "A1", fmt.Sprintf(b.w.too, n, maxCalcRows))
	}
	for _, p := range r.Parts {
		params, err := b.paramSheet(p)
		if err != nil {
			return err
		}
		var prev *yearCalc
		for yi := range p.Result.Years {
			y := &p.Result.Years[yi]
			if prev != nil && prev.year != y.Year-1 {
				prev = nil
			}
			yc, err := b.yearSheet(p, params, y, prev)
			if err != nil {
				return fmt.Errorf("%s %d: %w", p.Result.ID, y.Year, err)
			}
			prev = yc
		}
	}
	if err := b.summarySheet(); err != nil {
		return err
	}
	full := true
	return b.f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full})
}

// calcRows is about how many rows the formula sheets of r would hold.
func calcRows(r *Report) int {
	n := 0
	for _, p := range r.Parts {
		m := p.Model
		n += len(m.Params) * 2
		for _, y := range p.Result.Years {
			n += 10 + len(m.Params) + len(m.Rules) + len(m.Pools)
			n += len(y.Segments)*(len(y.Members)+3) + (len(m.Pools)+1)*(len(y.Members)+4)
		}
	}
	return n
}

// sheetName makes a sheet name from want: at most 31 characters, none of
// those a sheet name cannot hold, unique in the workbook.
func (b *calcBook) sheetName(want string) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < ' ' {
			return '-'
		}
		return r
	}, want)
	clean = strings.Trim(clean, "'")
	base := []rune(clean)
	if len(base) > 31 {
		base = base[:31]
	}
	name := string(base)
	for i := 2; b.sheets[strings.ToLower(name)]; i++ {
		suffix := fmt.Sprintf("~%d", i)
		name = string(base[:min(len(base), 31-len(suffix))]) + suffix
	}
	b.sheets[strings.ToLower(name)] = true
	return name
}

// quoteSheet is a sheet name as a formula writes it: 'Paramètres x'.
func quoteSheet(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// cellName is the A1 name of column col (from 1) and row.
func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

// absCell is $A$1.
func absCell(col, row int) string {
	c, _ := excelize.ColumnNumberToName(col)
	return fmt.Sprintf("$%s$%d", c, row)
}

func colName(col int) string {
	c, _ := excelize.ColumnNumberToName(col)
	return c
}

// Styles of the formula sheets.
func (b *calcBook) style(kind string) (int, error) {
	if id, ok := b.styles[kind]; ok {
		return id, nil
	}
	s := &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}
	money := `#,##0.00\ "€";\-#,##0.00\ "€"`
	key := `0.000000`
	number := `#,##0.######`
	integer := `0`
	switch kind {
	case "title":
		s.Font = &excelize.Font{Bold: true, Size: 13}
	case "note":
		s.Font = &excelize.Font{Italic: true, Color: "555555"}
	case "head":
		s.Font = &excelize.Font{Bold: true}
		s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE5EE"}}
		s.Border = []excelize.Border{{Type: "bottom", Color: "777777", Style: 1}}
		s.Alignment = &excelize.Alignment{Vertical: "top", WrapText: true}
	case "input":
		s.NumFmt = 0
		s.CustomNumFmt = &number
		s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF3C4"}}
	case "computed":
		s.CustomNumFmt = &number
		s.Font = &excelize.Font{Italic: true, Color: "555555"}
		s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEEEEE"}}
	case "number":
		s.CustomNumFmt = &number
	case "key":
		s.CustomNumFmt = &key
	case "money", "money-strong":
		s.CustomNumFmt = &money
		s.Font = &excelize.Font{Bold: kind == "money-strong"}
	case "integer":
		s.CustomNumFmt = &integer
	case "code":
		s.Font = &excelize.Font{Family: "Consolas"}
	case "strong":
		s.Font = &excelize.Font{Bold: true}
	case "date":
		f := `yyyy-mm-dd`
		s.CustomNumFmt = &f
	}
	id, err := b.f.NewStyle(s)
	if err != nil {
		return 0, err
	}
	b.styles[kind] = id
	return id, nil
}

// sheetWriter writes cells of one sheet, keeping the first error.
type sheetWriter struct {
	b      *calcBook
	name   string
	err    error
	widths map[int]float64
}

func (s *sheetWriter) styled(col, row int, kind string) {
	if s.err != nil || kind == "" {
		return
	}
	id, err := s.b.style(kind)
	if err == nil {
		ref := cellName(col, row)
		err = s.b.f.SetCellStyle(s.name, ref, ref, id)
	}
	s.err = err
}

func (s *sheetWriter) text(col, row int, v, kind string) {
	if s.err != nil || v == "" {
		return
	}
	s.err = s.b.f.SetCellStr(s.name, cellName(col, row), SafeCell(SafeText(v)))
	s.styled(col, row, kind)
}

func (s *sheetWriter) number(col, row int, v decimal.Decimal, kind string) {
	if s.err != nil {
		return
	}
	s.err = s.b.f.SetCellFloat(s.name, cellName(col, row), v.InexactFloat64(), -1, 64)
	s.styled(col, row, kind)
}

func (s *sheetWriter) integer(col, row, v int, kind string) {
	if s.err != nil {
		return
	}
	s.err = s.b.f.SetCellInt(s.name, cellName(col, row), int64(v))
	s.styled(col, row, kind)
}

func (s *sheetWriter) formula(col, row int, f, kind string) {
	if s.err != nil {
		return
	}
	s.err = s.b.f.SetCellFormula(s.name, cellName(col, row), f)
	s.styled(col, row, kind)
}

func (s *sheetWriter) comment(col, row int, text string) {
	if s.err != nil || text == "" {
		return
	}
	s.err = s.b.f.AddComment(s.name, excelize.Comment{Author: "quotepart", Cell: cellName(col, row), Text: SafeText(text), Width: 320, Height: 120})
}

func (s *sheetWriter) width(col int, w float64) {
	if s.widths == nil {
		s.widths = map[int]float64{}
	}
	s.widths[col] = max(s.widths[col], w)
}

func (s *sheetWriter) finish() error {
	for col, w := range s.widths {
		if s.err == nil {
			s.err = s.b.f.SetColWidth(s.name, colName(col), colName(col), w)
		}
	}
	return s.err
}

// paramCells are where a scenario's parameters are: the cell of each
// dated value, by parameter and index in Values.
type paramCells struct {
	sheet string
	cells map[string][]string
}

func (b *calcBook) paramSheet(p *ScenarioPart) (*paramCells, error) {
	name := b.sheetName(b.w.params + " " + p.Result.ID)
	if _, err := b.f.NewSheet(name); err != nil {
		return nil, err
	}
	s := &sheetWriter{b: b, name: name}
	w := b.w
	s.text(1, 1, fmt.Sprintf("%s — %s", p.Result.Title, p.Result.ID), "title")
	s.text(1, 2, w.paramsIntro, "note")
	for i, h := range []string{w.name, w.label, w.since, w.value, w.unit, w.source, w.assumption} {
		s.text(i+1, 4, h, "head")
	}
	pc := &paramCells{sheet: name, cells: map[string][]string{}}
	row := 5
	for _, prm := range p.Model.Params {
		for _, v := range prm.Values {
			s.text(1, row, prm.Name, "code")
			s.text(2, row, cmpOr(prm.Label, oneLine(prm.Description)), "")
			if s.err == nil {
				s.err = b.f.SetCellValue(name, cellName(3, row), time.Date(v.From.Year, v.From.Month, v.From.Day, 0, 0, 0, 0, time.UTC))
				s.styled(3, row, "date")
			}
			s.number(4, row, v.Value, "input")
			s.text(5, row, prm.Unit, "")
			s.text(6, row, oneLine(prm.Source), "")
			s.text(7, row, oneLine(prm.Assumption), "")
			pc.cells[prm.Name] = append(pc.cells[prm.Name], quoteSheet(name)+"!"+absCell(4, row))
			row++
		}
	}
	for col, wd := range []float64{28, 36, 12, 16, 10, 50, 50} {
		s.width(col+1, wd)
	}
	if s.err == nil {
		s.err = b.f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 4, TopLeftCell: "A5", ActivePane: "bottomLeft"})
	}
	return pc, s.finish()
}

// yearCalc is a year sheet, as the next year's previous.<name> reads it:
// the cell of each parameter and global rule in the year's last period.
type yearCalc struct {
	year  int
	sheet string
	last  map[string]string
}

// segmentCalc is where one period of a year is.
type segmentCalc struct {
	seg     *engine.Segment
	day     engine.Date
	col     int            // its column in the global block
	members []string       // the members present, in the rules' order
	rows    map[string]int // the row of each member present in its per-member block
	first   int            // the first and last member rows
	last    int
}

// The columns of the global block and of the per-member blocks.
const (
	calcNameCol  = 1
	calcLabelCol = 2
	calcFirstCol = 3
)

func (b *calcBook) yearSheet(p *ScenarioPart, params *paramCells, y *engine.Year, prev *yearCalc) (*yearCalc, error) {
	m := p.Model
	w := b.w
	name := b.sheetName(fmt.Sprintf("%s %d", p.Result.ID, y.Year))
	if _, err := b.f.NewSheet(name); err != nil {
		return nil, err
	}
	s := &sheetWriter{b: b, name: name}
	segs := make([]*segmentCalc, len(y.Segments))
	for i := range y.Segments {
		sg := &y.Segments[i]
		sc := &segmentCalc{seg: sg, day: engine.NewDate(y.Year, time.Month(sg.FromMonth), 1), col: calcFirstCol + i, rows: map[string]int{}}
		for _, mem := range m.Members {
			if _, ok := sg.MemberValues[mem.ID]; ok {
				sc.members = append(sc.members, mem.ID)
			}
		}
		segs[i] = sc
	}
	formulaCol := calcFirstCol + len(segs)
	noteCol := formulaCol + 1
	single := len(segs) == 1

	// The names of the global block, in order.
	type globalRow struct {
		key, name, label, unit string
		row                    int
	}
	var rows []*globalRow
	byKey := map[string]*globalRow{}
	add := func(key, name, label, unit string) {
		g := &globalRow{key: key, name: name, label: label, unit: unit}
		rows = append(rows, g)
		byKey[key] = g
	}
	add("months", w.months, "", "")
	add("year", w.year, "", "")
	for _, prm := range m.Params {
		add("p:"+prm.Name, prm.Name, cmpOr(prm.Label, oneLine(prm.Description)), prm.Unit)
	}
	prevNames := previousReads(m)
	for _, n := range prevNames {
		add("prev:"+n, "previous."+n, w.previous, "")
	}
	var memberRules []*engine.Rule
	for i := range m.Rules {
		r := &m.Rules[i]
		if r.PerMember {
			memberRules = append(memberRules, r)
			continue
		}
		add("r:"+r.Name, r.Name, cmpOr(r.Label, oneLine(r.Description)), r.Unit)
	}
	for _, pl := range m.Pools {
		add("pool:"+pl.ID, fmt.Sprintf(w.pool, pl.ID), pl.Label, "EUR")
	}
	add("fee", w.feeRate, "", "")
	const head = 4
	for i, g := range rows {
		g.row = head + 1 + i
	}
	attrs := attributesRead(m)

	// The per-member blocks, one per period, below the global block.
	row := head + len(rows) + 3
	blockHead := make([]int, len(segs))
	for i, sc := range segs {
		blockHead[i] = row
		sc.first = row + 1
		for k, id := range sc.members {
			sc.rows[id] = row + 1 + k
		}
		sc.last = row + len(sc.members)
		row += len(sc.members) + 3
	}
	attrCol := func(a string) int { return calcFirstCol + slices.Index(attrs, a) }
	ruleCol := func(r string) int {
		return calcFirstCol + len(attrs) + slices.IndexFunc(memberRules, func(x *engine.Rule) bool { return x.Name == r })
	}
	isMemberRule := func(n string) bool {
		return slices.ContainsFunc(memberRules, func(x *engine.Rule) bool { return x.Name == n })
	}

	// Defined names: in a year of one period, each parameter, global rule
	// and previous value is a name of the sheet, so that formulas read as
	// the rules do (=etc_service*cout_moyen_etc).
	// Only the names formulas read are defined, once the sheet is
	// written (see below), and no more than maxNames in a workbook:
	// excelize checks each new name against every name already defined,
	// sheet by sheet, which makes defining names quadratic.
	names := map[string]string{}
	used := map[string]bool{}
	if single && b.names < maxNames {
		taken := map[string]int{}
		for _, g := range rows {
			if strings.HasPrefix(g.key, "p:") || strings.HasPrefix(g.key, "r:") {
				taken[strings.ToLower(g.name)]++
			}
		}
		for _, g := range rows {
			if !(strings.HasPrefix(g.key, "p:") || strings.HasPrefix(g.key, "r:")) || !excelName(g.name) || taken[strings.ToLower(g.name)] > 1 {
				continue
			}
			names[g.key] = g.name
		}
	}
	ref := func(key string, sc *segmentCalc) (string, bool) {
		g := byKey[key]
		if g == nil {
			return "", false
		}
		if n, ok := names[key]; ok {
			used[key] = true
			return n, true
		}
		return absCell(sc.col, g.row), true
	}
	namesFor := func(sc *segmentCalc, member string) *xlNames {
		n := &xlNames{
			global: func(nm string) (string, bool) {
				if r, ok := ref("p:"+nm, sc); ok {
					return r, true
				}
				return ref("r:"+nm, sc)
			},
			perMember: isMemberRule,
			own: func(r string) (string, bool) {
				row, ok := sc.rows[member]
				return absCell(ruleCol(r), row), ok && member != ""
			},
			column: func(r string) (string, bool) {
				if len(sc.members) == 0 {
					return "", false
				}
				return absCell(ruleCol(r), sc.first) + ":" + absCell(ruleCol(r), sc.last), true
			},
			at: func(r, mem string) (string, bool) {
				row, ok := sc.rows[mem]
				return absCell(ruleCol(r), row), ok
			},
			attr: func(a string) (string, bool) {
				row, ok := sc.rows[member]
				return absCell(attrCol(a), row), ok && member != "" && slices.Contains(attrs, a)
			},
			previous: func(nm string) (string, bool) { return ref("prev:"+nm, sc) },
			year:     absCell(sc.col, byKey["year"].row),
			inMember: member != "",
		}
		return n
	}
	// put writes a formula, or the value quotepart computed with a note.
	put := func(col, row int, f *engine.Formula, n *xlNames, value decimal.Decimal) {
		if f == nil {
			s.number(col, row, value, "computed")
			return
		}
		text, err := translate(f, n)
		if err != nil {
			s.number(col, row, value, "computed")
			s.comment(col, row, fmt.Sprintf(w.computed, err))
			return
		}
		s.formula(col, row, text, "number")
	}

	// Title and header.
	s.text(1, 1, fmt.Sprintf(w.yearTitle, p.Result.Title+" ("+p.Result.ID+")", y.Year), "title")
	s.text(1, 2, fmt.Sprintf(w.intro, params.sheet), "note")
	s.text(calcNameCol, head, w.name, "head")
	s.text(calcLabelCol, head, w.label, "head")
	for _, sc := range segs {
		last := sc.seg.FromMonth + sc.seg.Months - 1
		s.text(sc.col, head, fmt.Sprintf(w.period, monthName(sc.seg.FromMonth, b.lang), monthName(last, b.lang), sc.seg.Months), "head")
	}
	s.text(formulaCol, head, w.formula, "head")
	s.text(noteCol, head, w.note, "head")

	// The global block.
	for _, g := range rows {
		s.text(calcNameCol, g.row, g.name, "code")
		label := g.label
		if g.unit != "" {
			label = strings.TrimSpace(label + " (" + g.unit + ")")
		}
		s.text(calcLabelCol, g.row, label, "")
	}
	last := map[string]string{}
	for si, sc := range segs {
		sg := sc.seg
		n := namesFor(sc, "")
		s.integer(sc.col, byKey["months"].row, sg.Months, "integer")
		s.integer(sc.col, byKey["year"].row, y.Year, "integer")
		for _, prm := range m.Params {
			g := byKey["p:"+prm.Name]
			j := -1
			for k, v := range prm.Values {
				if !sc.day.Before(v.From) {
					j = k
				}
			}
			if j >= 0 {
				s.formula(sc.col, g.row, params.cells[prm.Name][j], "number")
				if si == 0 && len(prm.Values) > 1 {
					s.text(noteCol, g.row, fmt.Sprintf("%s %s", w.since, Date(prm.Values[j].From, b.lang)), "note")
				}
			}
			if si == len(segs)-1 {
				last[prm.Name] = quoteSheet(name) + "!" + absCell(sc.col, g.row)
			}
		}
		for _, pn := range prevNames {
			g := byKey["prev:"+pn]
			if prev != nil && prev.last[pn] != "" {
				s.formula(sc.col, g.row, prev.last[pn], "number")
				continue
			}
			if v, ok := y.Previous[pn]; ok {
				s.number(sc.col, g.row, v, "computed")
				s.comment(sc.col, g.row, fmt.Sprintf(w.previousValue, y.Year-1, y.Year-1))
			}
		}
		for _, r := range m.Rules {
			if r.PerMember {
				continue
			}
			g := byKey["r:"+r.Name]
			if v := versionAt(&r, sc.day); v != nil {
				put(sc.col, g.row, v.Expr, n, sg.Values[r.Name])
				if si == 0 && v.Expr != nil {
					s.text(formulaCol, g.row, oneLine(v.Expr.Program.Source()), "code")
				}
			}
			if si == len(segs)-1 {
				last[r.Name] = quoteSheet(name) + "!" + absCell(sc.col, g.row)
			}
		}
		for _, pl := range m.Pools {
			g := byKey["pool:"+pl.ID]
			put(sc.col, g.row, pl.Amount, n, sg.PoolAmounts[pl.ID])
			if si == 0 && pl.Amount != nil {
				s.text(formulaCol, g.row, oneLine(pl.Amount.Program.Source()), "code")
			}
		}
		g := byKey["fee"]
		if m.FeeRate != nil {
			put(sc.col, g.row, m.FeeRate, n, sg.FeeRate)
			if si == 0 {
				s.text(formulaCol, g.row, oneLine(m.FeeRate.Program.Source()), "code")
			}
		} else {
			s.integer(sc.col, g.row, 0, "number")
		}
	}

	// The per-member blocks.
	for i, sc := range segs {
		h := blockHead[i]
		last := sc.seg.FromMonth + sc.seg.Months - 1
		s.text(calcNameCol, h-1, fmt.Sprintf(w.perMember, fmt.Sprintf(w.period, monthName(sc.seg.FromMonth, b.lang), monthName(last, b.lang), sc.seg.Months)), "strong")
		s.text(calcNameCol, h, w.member, "head")
		s.text(calcLabelCol, h, w.label, "head")
		for _, a := range attrs {
			s.text(attrCol(a), h, "member."+a, "head")
		}
		for _, r := range memberRules {
			s.text(ruleCol(r.Name), h, r.Name, "head")
		}
		for _, id := range sc.members {
			row := sc.rows[id]
			mem := memberByID(m, id)
			s.text(calcNameCol, row, id, "code")
			s.text(calcLabelCol, row, mem.Label, "")
			for _, a := range attrs {
				if v, ok := mem.Attributes[a]; ok {
					s.number(attrCol(a), row, v, "input")
				}
			}
			n := namesFor(sc, id)
			for _, r := range memberRules {
				v := versionAt(r, sc.day)
				if v == nil {
					continue
				}
				f := v.Expr
				if bm := v.ByMember[id]; bm != nil {
					f = bm
				}
				if f == nil {
					continue
				}
				put(ruleCol(r.Name), row, f, n, sc.seg.MemberValues[id][r.Name])
			}
		}
	}

	// The allocation of each pool, then the bills.
	row++
	members := y.Members
	order := idOrder(members)
	weighted := func(term func(sc *segmentCalc) string, divideBy int) string {
		if single && segs[0].seg.Months == 12 {
			return term(segs[0])
		}
		var parts []string
		for _, sc := range segs {
			if t := term(sc); t != "" {
				parts = append(parts, t+"*"+absCell(sc.col, byKey["months"].row))
			}
		}
		if len(parts) == 0 {
			return "0"
		}
		return "(" + strings.Join(parts, "+") + ")/" + fmt.Sprint(divideBy)
	}
	totalMonths := 0
	for _, sc := range segs {
		totalMonths += sc.seg.Months
	}
	keyCell := func(sc *segmentCalc, key, id string) string {
		r, ok := sc.rows[id]
		if !ok || !isMemberRule(key) {
			return ""
		}
		return absCell(ruleCol(key), r)
	}
	partCols := map[string][2]int{} // pool → the row range of its members
	amountCol, feeCol := 10, 17
	for pi, pl := range m.Pools {
		py := &y.Pools[pi]
		s.text(calcNameCol, row, fmt.Sprintf(w.allocation, pl.Label, pl.Key), "strong")
		row++
		heads := []string{w.member, w.label, w.share, w.exact, w.floor, w.rest, w.rank, w.cent, w.adjust, w.part,
			w.feesExact, w.floor, w.rest, w.rank, w.cent, w.adjust, w.fees, w.order}
		for c, h := range heads {
			s.text(c+1, row, h, "head")
		}
		s.comment(6, row, w.restNote)
		s.comment(8, row, w.restNote)
		s.comment(9, row, w.adjustNote)
		first := row + 1
		lastRow := row + len(members)
		totalRow := lastRow + 1
		amountCell := func(sc *segmentCalc) string { return absCell(sc.col, byKey["pool:"+pl.ID].row) }
		rateCell := func(sc *segmentCalc) string { return absCell(sc.col, byKey["fee"].row) }
		adj, feeAdj := adjustments(py, members, order)
		for k, mem := range members {
			r := first + k
			id := mem.ID
			s.text(1, r, id, "code")
			s.text(2, r, mem.Label, "")
			share := weighted(func(sc *segmentCalc) string { return keyCell(sc, pl.Key, id) }, totalMonths)
			s.formula(3, r, share, "key")
			exact := weighted(func(sc *segmentCalc) string {
				if kc := keyCell(sc, pl.Key, id); kc != "" {
					return amountCell(sc) + "*" + kc
				}
				return ""
			}, 12)
			s.formula(4, r, exact, "number")
			b.cents(s, r, 4, first, lastRow, totalRow, adj[k], 18)
			s.formula(amountCol, r, fmt.Sprintf("%s+%s+%s", cellName(5, r), cellName(8, r), cellName(9, r)), "money")
			if pl.Fees {
				fexact := weighted(func(sc *segmentCalc) string {
					if kc := keyCell(sc, pl.Key, id); kc != "" {
						return amountCell(sc) + "*" + rateCell(sc) + "*" + kc
					}
					return ""
				}, 12)
				s.formula(11, r, fexact, "number")
			} else {
				s.integer(11, r, 0, "number")
			}
			b.cents(s, r, 11, first, lastRow, totalRow, feeAdj[k], 18)
			s.formula(feeCol, r, fmt.Sprintf("%s+%s+%s", cellName(12, r), cellName(15, r), cellName(16, r)), "money")
			s.integer(18, r, order[k], "integer")
		}
		// The totals: the pool rounded to the cent, and the cents the
		// largest remainders get.
		s.text(1, totalRow, w.total, "strong")
		// Rounded half away from zero, as quotepart does: first to six
		// places, so that 1100000.0049999999 (the binary float of
		// 13,200,000.06 / 12) reads 1100000.005 and goes up.
		total := "ROUND(ROUND(" + weighted(func(sc *segmentCalc) string { return amountCell(sc) }, 12) + ",6),2)"
		s.formula(4, totalRow, total, "money-strong")
		s.formula(amountCol, totalRow, fmt.Sprintf("SUM(%s:%s)", cellName(amountCol, first), cellName(amountCol, lastRow)), "money-strong")
		s.formula(5, totalRow+1, fmt.Sprintf("ROUND(ABS(%s-SUM(%s:%s))*100,0)", absCell(4, totalRow), cellName(5, first), cellName(5, lastRow)), "integer")
		s.text(4, totalRow+1, w.missing, "note")
		if pl.Fees {
			ftotal := "ROUND(ROUND(" + weighted(func(sc *segmentCalc) string { return amountCell(sc) + "*" + rateCell(sc) }, 12) + ",6),2)"
			s.formula(11, totalRow, ftotal, "money-strong")
		} else {
			s.integer(11, totalRow, 0, "money-strong")
		}
		s.formula(feeCol, totalRow, fmt.Sprintf("SUM(%s:%s)", cellName(feeCol, first), cellName(feeCol, lastRow)), "money-strong")
		s.formula(12, totalRow+1, fmt.Sprintf("ROUND(ABS(%s-SUM(%s:%s))*100,0)", absCell(11, totalRow), cellName(12, first), cellName(12, lastRow)), "integer")
		partCols[pl.ID] = [2]int{first, lastRow}
		row = totalRow + 3
	}

	// The bills.
	s.text(calcNameCol, row, w.bills, "strong")
	row++
	for c, h := range []string{w.member, w.label, w.key, w.amount, w.fees, w.billed} {
		s.text(c+1, row, h, "head")
	}
	refKey := m.ReferenceKey
	if refKey == "" && len(m.Pools) > 0 {
		refKey = m.Pools[0].Key
	}
	first := row + 1
	yc := &yearCalc{year: y.Year, sheet: name, last: last}
	for k, mem := range members {
		r := first + k
		s.text(1, r, mem.ID, "code")
		s.text(2, r, mem.Label, "")
		s.formula(3, r, weighted(func(sc *segmentCalc) string { return keyCell(sc, refKey, mem.ID) }, totalMonths), "key")
		var amounts, fees []string
		for _, pl := range m.Pools {
			pr := partCols[pl.ID][0] + k
			amounts = append(amounts, cellName(amountCol, pr), cellName(feeCol, pr))
			fees = append(fees, cellName(feeCol, pr))
		}
		s.formula(4, r, "SUM("+strings.Join(amounts, ",")+")", "money")
		s.formula(5, r, "SUM("+strings.Join(fees, ",")+")", "money")
		if mem.Manager {
			s.formula(6, r, "0", "money")
			s.comment(6, r, w.manager)
		} else {
			s.formula(6, r, cellName(4, r), "money")
		}
		b.summary = append(b.summary, []calcSummaryCell{{text: p.Result.ID}, {number: &y.Year}, {text: mem.ID}, {text: mem.Label}, {text: name},
			{formula: quoteSheet(name) + "!" + cellName(3, r), style: "key"},
			{formula: quoteSheet(name) + "!" + cellName(4, r), style: "money"},
			{formula: quoteSheet(name) + "!" + cellName(5, r), style: "money"},
			{formula: quoteSheet(name) + "!" + cellName(6, r), style: "money"}})
	}
	lastRow := first + len(members) - 1
	tr := lastRow + 1
	s.text(1, tr, w.total, "strong")
	for _, c := range []int{4, 5, 6} {
		s.formula(c, tr, fmt.Sprintf("SUM(%s:%s)", cellName(c, first), cellName(c, lastRow)), "money-strong")
	}
	b.summary = append(b.summary, []calcSummaryCell{{text: p.Result.ID}, {number: &y.Year}, {text: w.total}, {text: w.total}, {text: name}, {},
		{formula: quoteSheet(name) + "!" + cellName(4, tr), style: "money-strong"},
		{formula: quoteSheet(name) + "!" + cellName(5, tr), style: "money-strong"},
		{formula: quoteSheet(name) + "!" + cellName(6, tr), style: "money-strong"}})

	for _, g := range rows {
		if used[g.key] {
			b.x.names = append(b.x.names, definedName{name: names[g.key], sheet: name, ref: quoteSheet(name) + "!" + absCell(calcFirstCol, g.row)})
			b.names++
		}
	}
	s.width(1, 30)
	s.width(2, 34)
	for c := 3; c <= 18; c++ {
		s.width(c, 17)
	}
	s.width(formulaCol, 40)
	if s.err == nil {
		s.err = b.f.SetPanes(name, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: head, TopLeftCell: cellName(3, head+1), ActivePane: "bottomRight"})
	}
	return yc, s.finish()
}

// cents writes, for the member on row r whose exact part is in column
// exactCol, its rounding down to the cent, the remainder, its rank among
// the rows first–last (ties by the order in column orderCol), the cent of
// the largest remainder and quotepart's adjustment.
func (b *calcBook) cents(s *sheetWriter, r, exactCol, first, last, totalRow int, adjust decimal.Decimal, orderCol int) {
	floor, rest, rank, cent, adj := exactCol+1, exactCol+2, exactCol+3, exactCol+4, exactCol+5
	x := cellName(exactCol, r)
	s.formula(floor, r, fmt.Sprintf("TRUNC(ROUND(%s*100,6))/100", x), "money")
	s.formula(rest, r, fmt.Sprintf("ROUND(ABS(%s-%s)*100,6)", x, cellName(floor, r)), "number")
	rests := absCell(rest, first) + ":" + absCell(rest, last)
	orders := absCell(orderCol, first) + ":" + absCell(orderCol, last)
	s.formula(rank, r, fmt.Sprintf(`COUNTIF(%s,">"&%s)+COUNTIFS(%s,%s,%s,"<"&%s)+1`, rests, cellName(rest, r), rests, cellName(rest, r), orders, cellName(orderCol, r)), "integer")
	s.formula(cent, r, fmt.Sprintf("IF(%s<=%s,0.01,0)*SIGN(%s)", cellName(rank, r), absCell(floor, totalRow+1), absCell(exactCol, totalRow)), "money")
	s.number(adj, r, adjust, "money")
	if !adjust.IsZero() {
		s.comment(adj, r, b.w.adjustCell)
	}
}

// adjustments are the cents quotepart gives otherwise than the
// spreadsheet's formulas, per member, for the amount and the fees of a
// pool: what the formulas compute is worked out here from the exact parts,
// in decimals, with the spreadsheet's rule (remainders compared to a
// millionth of a cent, ties by the order of the ids).
func adjustments(py *engine.PoolYear, members []engine.MemberYear, order []int) (amounts, fees []decimal.Decimal) {
	exact := make([]decimal.Decimal, len(members))
	exactFees := make([]decimal.Decimal, len(members))
	got := make([]decimal.Decimal, len(members))
	gotFees := make([]decimal.Decimal, len(members))
	for k := range members {
		if k < len(py.Parts) {
			exact[k], exactFees[k] = py.Parts[k].Exact, py.Parts[k].ExactFees
			got[k], gotFees[k] = py.Parts[k].Amount, py.Parts[k].Fees
		}
	}
	return sheetAdjust(py.Amount, exact, got, order), sheetAdjust(py.Fees, exactFees, gotFees, order)
}

func sheetAdjust(total decimal.Decimal, exact, engineParts []decimal.Decimal, order []int) []decimal.Decimal {
	n := len(exact)
	hundred := decimal.NewFromInt(100)
	floor := make([]decimal.Decimal, n)
	rest := make([]decimal.Decimal, n)
	sum := decimal.Zero
	for k, x := range exact {
		floor[k] = x.Mul(hundred).Round(6).Truncate(0).Div(hundred)
		rest[k] = x.Sub(floor[k]).Abs().Mul(hundred).Round(6)
		sum = sum.Add(floor[k])
	}
	missing := total.Sub(sum).Abs().Mul(hundred).Round(0).IntPart()
	idx := make([]int, n)
	for k := range idx {
		idx[k] = k
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmp.Or(rest[b].Cmp(rest[a]), cmp.Compare(order[a], order[b]))
	})
	cent := decimal.New(int64(total.Sign()), -2)
	out := make([]decimal.Decimal, n)
	sheet := slices.Clone(floor)
	for i, k := range idx {
		if int64(i) < missing {
			sheet[k] = sheet[k].Add(cent)
		}
	}
	for k := range out {
		out[k] = decimal.Zero
		if k < len(engineParts) {
			out[k] = engineParts[k].Sub(sheet[k])
		}
	}
	return out
}

// idOrder ranks the members by id in byte order, as quotepart breaks the
// ties of equal remainders: 1 for the first.
func idOrder(members []engine.MemberYear) []int {
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = slices.Index(sorted, id) + 1
	}
	return out
}

func (b *calcBook) summarySheet() error {
	if len(b.summary) == 0 {
		return nil
	}
	name := b.sheetName(b.w.summary)
	if _, err := b.f.NewSheet(name); err != nil {
		return err
	}
	w := b.w
	s := &sheetWriter{b: b, name: name}
	s.text(1, 1, w.summaryTitle, "note")
	for c, h := range []string{w.scenario, w.year, w.member, w.label, w.sheet, w.key, w.amount, w.fees, w.billed} {
		s.text(c+1, 3, h, "head")
	}
	for i, row := range b.summary {
		r := 4 + i
		for c, cell := range row {
			switch {
			case cell.formula != "":
				s.formula(c+1, r, cell.formula, cell.style)
			case cell.number != nil:
				s.integer(c+1, r, *cell.number, "integer")
			default:
				s.text(c+1, r, cell.text, cell.style)
			}
		}
	}
	for c, wd := range []float64{22, 8, 26, 34, 24, 12, 18, 16, 18} {
		s.width(c+1, wd)
	}
	if s.err == nil {
		s.err = b.f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"})
	}
	return s.finish()
}

// translate writes a compiled formula as a spreadsheet formula.
func translate(f *engine.Formula, n *xlNames) (string, error) {
	env := f.Program.Env()
	if env == nil {
		return "", errors.New("no environment")
	}
	tree, err := env.Tree(f.Program.Source())
	if err != nil {
		return "", err
	}
	return xlTranslate(tree, f.Program.Source(), n)
}

// versionAt is the version of r in force on day.
func versionAt(r *engine.Rule, day engine.Date) *engine.Version {
	var v *engine.Version
	for i := range r.Versions {
		if !day.Before(r.Versions[i].From) {
			v = &r.Versions[i]
		}
	}
	return v
}

func memberByID(m *engine.Model, id string) *engine.Member {
	for i := range m.Members {
		if m.Members[i].ID == id {
			return &m.Members[i]
		}
	}
	return &engine.Member{ID: id}
}

// previousReads lists the names the model's formulas read as previous.x.
func previousReads(m *engine.Model) []string {
	return modelRefs(m, formula.Previous)
}

// attributesRead lists the member attributes the model's formulas read.
func attributesRead(m *engine.Model) []string {
	return modelRefs(m, formula.Member)
}

func modelRefs(m *engine.Model, base string) []string {
	var out []string
	visit := func(f *engine.Formula) {
		if f == nil {
			return
		}
		for _, r := range f.Program.Refs() {
			if r.Name == base && r.Field != "" && !slices.Contains(out, r.Field) {
				out = append(out, r.Field)
			}
		}
	}
	for _, r := range m.Rules {
		for _, v := range r.Versions {
			visit(v.Expr)
			for _, id := range slices.Sorted(mapKeys(v.ByMember)) {
				visit(v.ByMember[id])
			}
		}
	}
	for _, p := range m.Pools {
		visit(p.Amount)
	}
	visit(m.FeeRate)
	return out
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// excelName reports whether a rule's name can be a defined name of a
// spreadsheet: not a cell reference (pop2026 is column POP, row 2026;
// R1C1, R, C), not a function or a logical value.
func excelName(name string) bool {
	if len(name) > 255 || !formula.ValidName(name) {
		return false
	}
	if m := cellLike.FindStringSubmatch(name); m != nil {
		col, err := excelize.ColumnNameToNumber(m[1])
		if err == nil && col <= 16384 {
			return false
		}
	}
	if r1c1.MatchString(name) {
		return false
	}
	return !excelReserved[strings.ToUpper(name)]
}

var (
	cellLike = regexp.MustCompile(`^([A-Za-z]{1,3})([0-9]+)$`)
	r1c1     = regexp.MustCompile(`^[RrCc]$|^[Rr][0-9]*[Cc][0-9]*$`)
	// excelReserved are the logical values and the functions the
	// workbook's formulas call, and a few common ones a name could hide.
	excelReserved = map[string]bool{"TRUE": true, "FALSE": true, "ROUND": true, "TRUNC": true, "INT": true, "MIN": true, "MAX": true,
		"ABS": true, "POWER": true, "SUM": true, "IF": true, "AND": true, "OR": true, "NOT": true, "COUNTIF": true, "COUNTIFS": true,
		"SIGN": true, "YEAR": true, "MONTH": true, "DAY": true, "DATE": true, "INDEX": true, "RANK": true, "PI": true, "RAND": true, "NA": true}
)

// monthName is the short name of a month.
func monthName(m int, lang Lang) string {
	fr := []string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}
	if lang == English {
		return time.Month(m).String()[:3]
	}
	if m < 1 || m > 12 {
		return fmt.Sprint(m)
	}
	return fr[m-1]
}
