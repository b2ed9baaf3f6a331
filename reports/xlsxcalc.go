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
	billed, total, missing, order, perMember, allocation, bills, computed, previous                    string
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
		computed:      "Valeur calculée par quotepart : la formule n'a pas d'équivalent dans le tableur (%s).",
		previous:      "valeur de l'année précédente",
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
		computed:      "Value computed by quotepart: the formula has no equivalent in the spreadsheet (%s).",
		previous:      "last year's value",
		restNote:      "Each part is first rounded down to the cent; the cents still missing to reach the total go, one each, to the largest remainders (largest remainder method), ties broken by the order of the members' ids. So the parts sum exactly to the total.",
		adjustNote:    "0, except when two remainders differ only beyond a millionth of a cent: the spreadsheet cannot tell them apart, quotepart can; the column then holds the cent it moves.",
		adjustCell:    "quotepart gives this cent differently from the spreadsheet: two remainders differ only beyond a millionth of a cent.",
		previousValue: "Value of %d computed by quotepart (the year %d is not in this workbook).",
		pool:          "pool %s", feeRate: "management fee rate", manager: "manager, not billed",
	},
}

func calcWordsFor(lang Lang) calcWords { return wordsIn(calcVocabulary, lang) }

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

// The rows and columns of a year sheet that are fixed.
const (
	calcHeadRow   = 4  // the header of the global block
	calcAmountCol = 10 // a member's part of a pool, in its allocation
	calcFeeCol    = 17 // a member's fees of a pool, in its allocation
	calcOrderCol  = 18 // the rank of a member's id, which breaks ties
)

// globalRow is a row of a year sheet's global block. Its key says what it
// holds: "months", "year", "fee", or a prefix ("p:" parameter, "prev:"
// previous value, "r:" rule, "pool:" pool) and a name.
type globalRow struct {
	key, name, label, unit string
	row                    int
}

// yearWriter writes one year sheet. The layout (every row and column) is
// worked out first, so that a formula can refer to a cell written later.
type yearWriter struct {
	b      *calcBook
	s      *sheetWriter
	w      calcWords
	p      *ScenarioPart
	m      *engine.Model
	y      *engine.Year
	params *paramCells
	prev   *yearCalc

	segs        []*segmentCalc
	formulaCol  int // the rule's formula as written, right of the periods
	noteCol     int
	rows        []*globalRow // the global block, in order
	byKey       map[string]*globalRow
	prevNames   []string // the names read as previous.x
	memberRules []*engine.Rule
	attrs       []string // the member attributes the formulas read
	blockHead   []int    // the header row of each period's per-member block
	poolsRow    int      // the first row of the pools' allocations
	totalMonths int

	names    map[string]string // the defined name of a global row, by key
	used     map[string]bool   // the keys whose name a formula reads
	last     map[string]string // see yearCalc
	order    []int             // see idOrder
	partRows map[string]int    // the first member row of each pool's allocation
}

// allocRows are the rows of a pool's allocation: its members' first and
// last, and the total below them (the cents to share below the total).
type allocRows struct{ first, last, total int }

// yearSheet writes the sheet that computes year y of scenario p. prev is
// the sheet of the year before, when the workbook has it: its values are
// what previous.x reads.
func (b *calcBook) yearSheet(p *ScenarioPart, params *paramCells, y *engine.Year, prev *yearCalc) (*yearCalc, error) {
	name := b.sheetName(fmt.Sprintf("%s %d", p.Result.ID, y.Year))
	if _, err := b.f.NewSheet(name); err != nil {
		return nil, err
	}
	yw := &yearWriter{b: b, s: &sheetWriter{b: b, name: name}, w: b.w, p: p, m: p.Model, y: y, params: params, prev: prev,
		byKey: map[string]*globalRow{}, names: map[string]string{}, used: map[string]bool{}, last: map[string]string{}}
	yw.layoutPeriods()
	yw.layoutGlobalBlock()
	yw.layoutMemberBlocks()
	yw.chooseNames()

	yw.header()
	yw.globalBlock()
	yw.memberBlocks()
	yw.bills(yw.allocations(yw.poolsRow))
	yw.defineNames()
	yw.frame()
	return &yearCalc{year: y.Year, sheet: name, last: yw.last}, yw.s.finish()
}

// layoutPeriods places the periods of the year, one column each in the
// global block, and lists the members present in each.
func (yw *yearWriter) layoutPeriods() {
	y := yw.y
	yw.segs = make([]*segmentCalc, len(y.Segments))
	for i := range y.Segments {
		sg := &y.Segments[i]
		sc := &segmentCalc{seg: sg, day: engine.NewDate(y.Year, time.Month(sg.FromMonth), 1), col: calcFirstCol + i, rows: map[string]int{}}
		for _, mem := range yw.m.Members {
			if _, ok := sg.MemberValues[mem.ID]; ok {
				sc.members = append(sc.members, mem.ID)
			}
		}
		yw.segs[i] = sc
		yw.totalMonths += sg.Months
	}
	yw.formulaCol = calcFirstCol + len(yw.segs)
	yw.noteCol = yw.formulaCol + 1
}

// single reports whether the year has one period.
func (yw *yearWriter) single() bool { return len(yw.segs) == 1 }

// layoutGlobalBlock lists the rows of the global block, in order.
func (yw *yearWriter) layoutGlobalBlock() {
	m, w := yw.m, yw.w
	add := func(key, name, label, unit string) {
		g := &globalRow{key: key, name: name, label: label, unit: unit}
		yw.rows = append(yw.rows, g)
		yw.byKey[key] = g
	}
	add("months", w.months, "", "")
	add("year", w.year, "", "")
	for _, prm := range m.Params {
		add("p:"+prm.Name, prm.Name, cmpOr(prm.Label, oneLine(prm.Description)), prm.Unit)
	}
	yw.prevNames = previousReads(m)
	for _, n := range yw.prevNames {
		add("prev:"+n, "previous."+n, w.previous, "")
	}
	for i := range m.Rules {
		r := &m.Rules[i]
		if r.PerMember {
			yw.memberRules = append(yw.memberRules, r)
			continue
		}
		add("r:"+r.Name, r.Name, cmpOr(r.Label, oneLine(r.Description)), r.Unit)
	}
	for _, pl := range m.Pools {
		add("pool:"+pl.ID, fmt.Sprintf(w.pool, pl.ID), pl.Label, "EUR")
	}
	add("fee", w.feeRate, "", "")
	for i, g := range yw.rows {
		g.row = calcHeadRow + 1 + i
	}
	yw.attrs = attributesRead(m)
}

// layoutMemberBlocks places the per-member blocks, one per period, below
// the global block, and the pools' allocations below them.
func (yw *yearWriter) layoutMemberBlocks() {
	row := calcHeadRow + len(yw.rows) + 3
	yw.blockHead = make([]int, len(yw.segs))
	for i, sc := range yw.segs {
		yw.blockHead[i] = row
		sc.first = row + 1
		for k, id := range sc.members {
			sc.rows[id] = row + 1 + k
		}
		sc.last = row + len(sc.members)
		row += len(sc.members) + 3
	}
	yw.poolsRow = row + 1
}

// attrCol is the column of member attribute a in the per-member blocks.
func (yw *yearWriter) attrCol(a string) int { return calcFirstCol + slices.Index(yw.attrs, a) }

// ruleCol is the column of per-member rule r in the per-member blocks.
func (yw *yearWriter) ruleCol(r string) int {
	return calcFirstCol + len(yw.attrs) + slices.IndexFunc(yw.memberRules, func(x *engine.Rule) bool { return x.Name == r })
}

func (yw *yearWriter) isMemberRule(n string) bool {
	return slices.ContainsFunc(yw.memberRules, func(x *engine.Rule) bool { return x.Name == n })
}

// chooseNames picks the defined names of the sheet.
//
// In a year of one period, each parameter, global rule and previous value
// is a name of the sheet, so that formulas read as the rules do
// (=etc_service*cout_moyen_etc). Only the names formulas read are defined,
// once the sheet is written (defineNames), and no more than maxNames in a
// workbook: excelize checks each new name against every name already
// defined, sheet by sheet, which makes defining names quadratic.
func (yw *yearWriter) chooseNames() {
	if !yw.single() || yw.b.names >= maxNames {
		return
	}
	nameable := func(g *globalRow) bool { return strings.HasPrefix(g.key, "p:") || strings.HasPrefix(g.key, "r:") }
	// A spreadsheet's names ignore case: two rules that differ only by it
	// keep their cell references.
	taken := map[string]int{}
	for _, g := range yw.rows {
		if nameable(g) {
			taken[strings.ToLower(g.name)]++
		}
	}
	for _, g := range yw.rows {
		if !nameable(g) || !excelName(g.name) || taken[strings.ToLower(g.name)] > 1 {
			continue
		}
		yw.names[g.key] = g.name
	}
}

// ref is how a formula of period sc refers to the global row key: its
// defined name, or its cell.
func (yw *yearWriter) ref(key string, sc *segmentCalc) (string, bool) {
	g := yw.byKey[key]
	if g == nil {
		return "", false
	}
	if n, ok := yw.names[key]; ok {
		yw.used[key] = true
		return n, true
	}
	return absCell(sc.col, g.row), true
}

// namesFor are the cells a formula of period sc reads, in the row of
// member (or in the global block, when member is "").
func (yw *yearWriter) namesFor(sc *segmentCalc, member string) *xlNames {
	return &xlNames{
		global: func(nm string) (string, bool) {
			if r, ok := yw.ref("p:"+nm, sc); ok {
				return r, true
			}
			return yw.ref("r:"+nm, sc)
		},
		perMember: yw.isMemberRule,
		own: func(r string) (string, bool) {
			row, ok := sc.rows[member]
			return absCell(yw.ruleCol(r), row), ok && member != ""
		},
		column: func(r string) (string, bool) {
			if len(sc.members) == 0 {
				return "", false
			}
			return absCell(yw.ruleCol(r), sc.first) + ":" + absCell(yw.ruleCol(r), sc.last), true
		},
		at: func(r, mem string) (string, bool) {
			row, ok := sc.rows[mem]
			return absCell(yw.ruleCol(r), row), ok
		},
		attr: func(a string) (string, bool) {
			row, ok := sc.rows[member]
			return absCell(yw.attrCol(a), row), ok && member != "" && slices.Contains(yw.attrs, a)
		},
		previous: func(nm string) (string, bool) { return yw.ref("prev:"+nm, sc) },
		year:     absCell(sc.col, yw.byKey["year"].row),
		inMember: member != "",
	}
}

// put writes a formula, or the value quotepart computed with a note.
func (yw *yearWriter) put(col, row int, f *engine.Formula, n *xlNames, value decimal.Decimal) {
	s := yw.s
	if f == nil {
		s.number(col, row, value, "computed")
		return
	}
	text, err := translate(f, n)
	if err != nil {
		s.number(col, row, value, "computed")
		s.comment(col, row, fmt.Sprintf(yw.w.computed, err))
		return
	}
	s.formula(col, row, text, "number")
}

// periodLabel is "janv.–juin (6 mois)".
func (yw *yearWriter) periodLabel(sc *segmentCalc) string {
	last := sc.seg.FromMonth + sc.seg.Months - 1
	return fmt.Sprintf(yw.w.period, monthName(sc.seg.FromMonth, yw.b.lang), monthName(last, yw.b.lang), sc.seg.Months)
}

// header writes the title and the header of the global block.
func (yw *yearWriter) header() {
	s, w, res := yw.s, yw.w, yw.p.Result
	s.text(1, 1, fmt.Sprintf(w.yearTitle, res.Title+" ("+res.ID+")", yw.y.Year), "title")
	s.text(1, 2, fmt.Sprintf(w.intro, yw.params.sheet), "note")
	s.text(calcNameCol, calcHeadRow, w.name, "head")
	s.text(calcLabelCol, calcHeadRow, w.label, "head")
	for _, sc := range yw.segs {
		s.text(sc.col, calcHeadRow, yw.periodLabel(sc), "head")
	}
	s.text(yw.formulaCol, calcHeadRow, w.formula, "head")
	s.text(yw.noteCol, calcHeadRow, w.note, "head")
}

// globalBlock writes the global block: its names and labels, then the
// values of each period.
func (yw *yearWriter) globalBlock() {
	s := yw.s
	for _, g := range yw.rows {
		s.text(calcNameCol, g.row, g.name, "code")
		label := g.label
		if g.unit != "" {
			label = strings.TrimSpace(label + " (" + g.unit + ")")
		}
		s.text(calcLabelCol, g.row, label, "")
	}
	for si, sc := range yw.segs {
		n := yw.namesFor(sc, "")
		s.integer(sc.col, yw.byKey["months"].row, sc.seg.Months, "integer")
		s.integer(sc.col, yw.byKey["year"].row, yw.y.Year, "integer")
		yw.globalParams(si, sc)
		yw.globalPrevious(sc)
		yw.globalRules(si, sc, n)
		yw.globalPools(si, sc, n)
	}
}

// globalParams refers to the parameters' values in force in period si.
// The last period's cells are what the next year's previous.x reads.
func (yw *yearWriter) globalParams(si int, sc *segmentCalc) {
	s, w := yw.s, yw.w
	for _, prm := range yw.m.Params {
		g := yw.byKey["p:"+prm.Name]
		j := -1
		for k, v := range prm.Values {
			if !sc.day.Before(v.From) {
				j = k
			}
		}
		if j >= 0 {
			s.formula(sc.col, g.row, yw.params.cells[prm.Name][j], "number")
			if si == 0 && len(prm.Values) > 1 {
				s.text(yw.noteCol, g.row, fmt.Sprintf("%s %s", w.since, Date(prm.Values[j].From, yw.b.lang)), "note")
			}
		}
		if si == len(yw.segs)-1 {
			yw.last[prm.Name] = quoteSheet(yw.s.name) + "!" + absCell(sc.col, g.row)
		}
	}
}

// globalPrevious refers to the previous year's sheet when the workbook
// has it; otherwise it holds the value quotepart computed.
func (yw *yearWriter) globalPrevious(sc *segmentCalc) {
	s, y, prev := yw.s, yw.y, yw.prev
	for _, pn := range yw.prevNames {
		g := yw.byKey["prev:"+pn]
		if prev != nil && prev.last[pn] != "" {
			s.formula(sc.col, g.row, prev.last[pn], "number")
			continue
		}
		if v, ok := y.Previous[pn]; ok {
			s.number(sc.col, g.row, v, "computed")
			s.comment(sc.col, g.row, fmt.Sprintf(yw.w.previousValue, y.Year-1, y.Year-1))
		}
	}
}

// globalRules writes the global rules of period si, and their formulas as
// written next to the first.
func (yw *yearWriter) globalRules(si int, sc *segmentCalc, n *xlNames) {
	s := yw.s
	for _, r := range yw.m.Rules {
		if r.PerMember {
			continue
		}
		g := yw.byKey["r:"+r.Name]
		if v := versionAt(&r, sc.day); v != nil {
			yw.put(sc.col, g.row, v.Expr, n, sc.seg.Values[r.Name])
			if si == 0 && v.Expr != nil {
				s.text(yw.formulaCol, g.row, oneLine(v.Expr.Program.Source()), "code")
			}
		}
		if si == len(yw.segs)-1 {
			yw.last[r.Name] = quoteSheet(yw.s.name) + "!" + absCell(sc.col, g.row)
		}
	}
}

// globalPools writes the pools' amounts and the fee rate of period si.
func (yw *yearWriter) globalPools(si int, sc *segmentCalc, n *xlNames) {
	s, m, sg := yw.s, yw.m, sc.seg
	for _, pl := range m.Pools {
		g := yw.byKey["pool:"+pl.ID]
		yw.put(sc.col, g.row, pl.Amount, n, sg.PoolAmounts[pl.ID])
		if si == 0 && pl.Amount != nil {
			s.text(yw.formulaCol, g.row, oneLine(pl.Amount.Program.Source()), "code")
		}
	}
	g := yw.byKey["fee"]
	if m.FeeRate != nil {
		yw.put(sc.col, g.row, m.FeeRate, n, sg.FeeRate)
		if si == 0 {
			s.text(yw.formulaCol, g.row, oneLine(m.FeeRate.Program.Source()), "code")
		}
	} else {
		s.integer(sc.col, g.row, 0, "number")
	}
}

// memberBlocks writes the per-member blocks, one per period: each member's
// attributes and per-member rules.
func (yw *yearWriter) memberBlocks() {
	s, w := yw.s, yw.w
	for i, sc := range yw.segs {
		h := yw.blockHead[i]
		s.text(calcNameCol, h-1, fmt.Sprintf(w.perMember, yw.periodLabel(sc)), "strong")
		s.text(calcNameCol, h, w.member, "head")
		s.text(calcLabelCol, h, w.label, "head")
		for _, a := range yw.attrs {
			s.text(yw.attrCol(a), h, "member."+a, "head")
		}
		for _, r := range yw.memberRules {
			s.text(yw.ruleCol(r.Name), h, r.Name, "head")
		}
		for _, id := range sc.members {
			yw.memberRow(sc, id)
		}
	}
}

// memberRow writes member id's row of the per-member block of period sc.
func (yw *yearWriter) memberRow(sc *segmentCalc, id string) {
	s := yw.s
	row := sc.rows[id]
	mem := memberByID(yw.m, id)
	s.text(calcNameCol, row, id, "code")
	s.text(calcLabelCol, row, mem.Label, "")
	for _, a := range yw.attrs {
		if v, ok := mem.Attributes[a]; ok {
			s.number(yw.attrCol(a), row, v, "input")
		}
	}
	n := yw.namesFor(sc, id)
	for _, r := range yw.memberRules {
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
		yw.put(yw.ruleCol(r.Name), row, f, n, sc.seg.MemberValues[id][r.Name])
	}
}

// weighted is the year's value of a term computed per period: the
// periods' terms weighted by their months, divided by divideBy.
func (yw *yearWriter) weighted(term func(sc *segmentCalc) string, divideBy int) string {
	if yw.single() && yw.segs[0].seg.Months == 12 {
		return term(yw.segs[0])
	}
	var parts []string
	for _, sc := range yw.segs {
		if t := term(sc); t != "" {
			parts = append(parts, t+"*"+absCell(sc.col, yw.byKey["months"].row))
		}
	}
	if len(parts) == 0 {
		return "0"
	}
	return "(" + strings.Join(parts, "+") + ")/" + fmt.Sprint(divideBy)
}

// keyCell is the cell of member id's key in period sc, or "" when the
// member is not there.
func (yw *yearWriter) keyCell(sc *segmentCalc, key, id string) string {
	r, ok := sc.rows[id]
	if !ok || !yw.isMemberRule(key) {
		return ""
	}
	return absCell(yw.ruleCol(key), r)
}

// poolCell is the cell of a pool's amount in period sc.
func (yw *yearWriter) poolCell(sc *segmentCalc, pl *engine.Pool) string {
	return absCell(sc.col, yw.byKey["pool:"+pl.ID].row)
}

// feeRateCell is the cell of the fee rate in period sc.
func (yw *yearWriter) feeRateCell(sc *segmentCalc) string {
	return absCell(sc.col, yw.byKey["fee"].row)
}

// allocations writes the allocation of each pool from row on, and
// returns the row after them.
func (yw *yearWriter) allocations(row int) int {
	yw.order = idOrder(yw.y.Members)
	yw.partRows = map[string]int{}
	for pi := range yw.m.Pools {
		row = yw.allocation(&yw.m.Pools[pi], &yw.y.Pools[pi], row)
	}
	return row
}

// allocation writes the allocation of pool pl on row and below, and
// returns the row after it.
func (yw *yearWriter) allocation(pl *engine.Pool, py *engine.PoolYear, row int) int {
	s, w, members := yw.s, yw.w, yw.y.Members
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
	a := allocRows{first: row + 1, last: row + len(members)}
	a.total = a.last + 1
	adj, feeAdj := adjustments(py, members, yw.order)
	for k := range members {
		yw.allocationRow(pl, a, k, adj[k], feeAdj[k])
	}
	yw.allocationTotals(pl, a)
	yw.partRows[pl.ID] = a.first
	return a.total + 3
}

// allocationRow writes the k-th member's row of the allocation of pl:
// its key, its exact part and the cents, then the same for the fees.
func (yw *yearWriter) allocationRow(pl *engine.Pool, a allocRows, k int, adj, feeAdj decimal.Decimal) {
	s, b := yw.s, yw.b
	mem := yw.y.Members[k]
	r := a.first + k
	id := mem.ID
	s.text(1, r, id, "code")
	s.text(2, r, mem.Label, "")
	share := yw.weighted(func(sc *segmentCalc) string { return yw.keyCell(sc, pl.Key, id) }, yw.totalMonths)
	s.formula(3, r, share, "key")
	exact := yw.weighted(func(sc *segmentCalc) string {
		if kc := yw.keyCell(sc, pl.Key, id); kc != "" {
			return yw.poolCell(sc, pl) + "*" + kc
		}
		return ""
	}, 12)
	s.formula(4, r, exact, "number")
	b.cents(s, r, 4, a.first, a.last, a.total, adj, calcOrderCol)
	s.formula(calcAmountCol, r, fmt.Sprintf("%s+%s+%s", cellName(5, r), cellName(8, r), cellName(9, r)), "money")
	if pl.Fees {
		fexact := yw.weighted(func(sc *segmentCalc) string {
			if kc := yw.keyCell(sc, pl.Key, id); kc != "" {
				return yw.poolCell(sc, pl) + "*" + yw.feeRateCell(sc) + "*" + kc
			}
			return ""
		}, 12)
		s.formula(11, r, fexact, "number")
	} else {
		s.integer(11, r, 0, "number")
	}
	b.cents(s, r, 11, a.first, a.last, a.total, feeAdj, calcOrderCol)
	s.formula(calcFeeCol, r, fmt.Sprintf("%s+%s+%s", cellName(12, r), cellName(15, r), cellName(16, r)), "money")
	s.integer(calcOrderCol, r, yw.order[k], "integer")
}

// allocationTotals writes the totals of the allocation of pl: the pool
// rounded to the cent, and the cents the largest remainders get.
func (yw *yearWriter) allocationTotals(pl *engine.Pool, a allocRows) {
	s := yw.s
	s.text(1, a.total, yw.w.total, "strong")
	// Rounded half away from zero, as quotepart does: first to six
	// places, so that 1100000.0049999999 (the binary float of
	// 13,200,000.06 / 12) reads 1100000.005 and goes up.
	total := "ROUND(ROUND(" + yw.weighted(func(sc *segmentCalc) string { return yw.poolCell(sc, pl) }, 12) + ",6),2)"
	s.formula(4, a.total, total, "money-strong")
	s.formula(calcAmountCol, a.total, fmt.Sprintf("SUM(%s:%s)", cellName(calcAmountCol, a.first), cellName(calcAmountCol, a.last)), "money-strong")
	s.formula(5, a.total+1, fmt.Sprintf("ROUND(ABS(%s-SUM(%s:%s))*100,0)", absCell(4, a.total), cellName(5, a.first), cellName(5, a.last)), "integer")
	s.text(4, a.total+1, yw.w.missing, "note")
	if pl.Fees {
		ftotal := "ROUND(ROUND(" + yw.weighted(func(sc *segmentCalc) string { return yw.poolCell(sc, pl) + "*" + yw.feeRateCell(sc) }, 12) + ",6),2)"
		s.formula(11, a.total, ftotal, "money-strong")
	} else {
		s.integer(11, a.total, 0, "money-strong")
	}
	s.formula(calcFeeCol, a.total, fmt.Sprintf("SUM(%s:%s)", cellName(calcFeeCol, a.first), cellName(calcFeeCol, a.last)), "money-strong")
	s.formula(12, a.total+1, fmt.Sprintf("ROUND(ABS(%s-SUM(%s:%s))*100,0)", absCell(11, a.total), cellName(12, a.first), cellName(12, a.last)), "integer")
}

// bills writes the members' bills of the year from row on, the sum of
// their parts of the pools, and adds them to the summary sheet.
func (yw *yearWriter) bills(row int) {
	s, w, m, members := yw.s, yw.w, yw.m, yw.y.Members
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
	for k := range members {
		yw.billRow(first+k, k, refKey)
	}
	yw.billTotals(first, first+len(members)-1)
}

// billRow writes the k-th member's bill on row r.
func (yw *yearWriter) billRow(r, k int, refKey string) {
	s, name, mem := yw.s, yw.s.name, yw.y.Members[k]
	s.text(1, r, mem.ID, "code")
	s.text(2, r, mem.Label, "")
	s.formula(3, r, yw.weighted(func(sc *segmentCalc) string { return yw.keyCell(sc, refKey, mem.ID) }, yw.totalMonths), "key")
	var amounts, fees []string
	for _, pl := range yw.m.Pools {
		pr := yw.partRows[pl.ID] + k
		amounts = append(amounts, cellName(calcAmountCol, pr), cellName(calcFeeCol, pr))
		fees = append(fees, cellName(calcFeeCol, pr))
	}
	s.formula(4, r, "SUM("+strings.Join(amounts, ",")+")", "money")
	s.formula(5, r, "SUM("+strings.Join(fees, ",")+")", "money")
	if mem.Manager {
		s.formula(6, r, "0", "money")
		s.comment(6, r, yw.w.manager)
	} else {
		s.formula(6, r, cellName(4, r), "money")
	}
	yw.b.summary = append(yw.b.summary, []calcSummaryCell{{text: yw.p.Result.ID}, {number: &yw.y.Year}, {text: mem.ID}, {text: mem.Label}, {text: name},
		{formula: quoteSheet(name) + "!" + cellName(3, r), style: "key"},
		{formula: quoteSheet(name) + "!" + cellName(4, r), style: "money"},
		{formula: quoteSheet(name) + "!" + cellName(5, r), style: "money"},
		{formula: quoteSheet(name) + "!" + cellName(6, r), style: "money"}})
}

// billTotals writes the total of the bills on rows first–last, below
// them, and adds it to the summary sheet.
func (yw *yearWriter) billTotals(first, last int) {
	s, w, name := yw.s, yw.w, yw.s.name
	tr := last + 1
	s.text(1, tr, w.total, "strong")
	for _, c := range []int{4, 5, 6} {
		s.formula(c, tr, fmt.Sprintf("SUM(%s:%s)", cellName(c, first), cellName(c, last)), "money-strong")
	}
	yw.b.summary = append(yw.b.summary, []calcSummaryCell{{text: yw.p.Result.ID}, {number: &yw.y.Year}, {text: w.total}, {text: w.total}, {text: name}, {},
		{formula: quoteSheet(name) + "!" + cellName(4, tr), style: "money-strong"},
		{formula: quoteSheet(name) + "!" + cellName(5, tr), style: "money-strong"},
		{formula: quoteSheet(name) + "!" + cellName(6, tr), style: "money-strong"}})
}

// defineNames defines the names the sheet's formulas read: only once
// the sheet is written is it known which.
func (yw *yearWriter) defineNames() {
	name := yw.s.name
	for _, g := range yw.rows {
		if yw.used[g.key] {
			yw.b.x.names = append(yw.b.x.names, definedName{name: yw.names[g.key], sheet: name, ref: quoteSheet(name) + "!" + absCell(calcFirstCol, g.row)})
			yw.b.names++
		}
	}
}

// frame sets the columns' widths and freezes the names and the header.
func (yw *yearWriter) frame() {
	s := yw.s
	s.width(1, 30)
	s.width(2, 34)
	for c := 3; c <= 18; c++ {
		s.width(c, 17)
	}
	s.width(yw.formulaCol, 40)
	if s.err == nil {
		s.err = yw.b.f.SetPanes(s.name, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: calcHeadRow, TopLeftCell: cellName(3, calcHeadRow+1), ActivePane: "bottomRight"})
	}
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
