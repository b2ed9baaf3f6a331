package spreadsheet

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/tabular"
	"github.com/quotepart/quotepart/internal/territory"
	"github.com/shopspring/decimal"
)

// FormOptions are what reading a form checks values against.
type FormOptions struct {
	Spec FormSpec
	// Expr checks a value written as a formula of the rules
	// (600 * facteur_papier): nil when it compiles, otherwise why not.
	// Without it, values are numbers only.
	Expr func(src string) error
	Lang tabular.Lang
}

// FormSheets lists the sheets of a workbook that are request forms.
func FormSheets(b *Book) []string {
	var out []string
	for _, s := range b.Sheets() {
		if hasMarker(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// formReader reads one form sheet.
type formReader struct {
	b     *Book
	sheet string
	opt   FormOptions
	errs  diag.List
	rows  int
	cols  int
}

func (r *formReader) say(fr, en string) string { return r.opt.Lang.Say(fr, en) }

func (r *formReader) fail(f tabular.Field, msg string) { r.errs.Add(f.Errorf("%s", msg)) }

// cell reads a cell, reporting a formula error once.
func (r *formReader) cell(col, row int) (tabular.Field, bool) {
	if col <= 0 {
		return tabular.Field{Pos: r.b.pos(r.sheet, 1, row)}, true
	}
	f := r.b.Cell(r.sheet, col, row)
	f.Text = strings.TrimSpace(f.Text)
	if f.Problem != "" {
		r.fail(f, f.Problem)
		return f, false
	}
	return f, true
}

// findRow returns the row whose column A folds to label, from row from.
func (r *formReader) findRow(label string, from int) int {
	want := territory.Fold(label)
	for row := from; row <= r.rows; row++ {
		if territory.Fold(r.b.Cell(r.sheet, 1, row).Text) == want {
			return row
		}
	}
	return 0
}

// Form reads every request form of a workbook into project files, one per
// request, named after its id. Every mistake of every sheet is reported,
// at its cell.
func Forms(b *Book, opt FormOptions) ([]*File, error) {
	sheets := FormSheets(b)
	if len(sheets) == 0 {
		return nil, diag.Errorf(diag.Pos{File: b.Name}, diag.Invalid, "%s", opt.Lang.Say(
			"aucune feuille n'est une fiche de demande de projet (la marque "+FormMarker+" de quotepart template projet manque en A2)",
			"no sheet is a project request form (the mark "+FormMarker+" of quotepart template projet is missing from A2)"))
	}
	var errs diag.List
	var files []*File
	ids := map[string]diag.Pos{}
	for _, s := range sheets {
		f, err := readForm(b, s, opt)
		if err != nil {
			errs.Add(err)
			continue
		}
		id := f.IDs[0]
		if prev, ok := ids[id]; ok {
			errs.Add(diag.Errorf(diag.Pos{File: b.Name + "!" + s}, diag.Invalid, "%s", opt.Lang.Say(
				fmt.Sprintf("la demande %s est aussi sur la feuille de %s : un identifiant par demande", id, prev),
				fmt.Sprintf("request %s is also on the sheet of %s: one id per request", id, prev))))
			continue
		}
		ids[id] = diag.Pos{File: b.Name + "!" + s}
		files = append(files, f)
	}
	if err := Errors(errs); err != nil {
		return nil, err
	}
	return files, nil
}

var projectID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

func readForm(b *Book, sheet string, opt FormOptions) (*File, error) {
	r := &formReader{b: b, sheet: sheet, opt: opt}
	var err error
	if r.rows, r.cols, err = b.Size(sheet); err != nil {
		return nil, err
	}
	sheetPos := diag.Pos{File: b.Name + "!" + sheet}
	w := &yamlWriter{}
	w.line("# Demande importée de " + b.Name + "!" + sheet + " par quotepart import.")
	w.line("project:")
	values := map[string]tabular.Field{}
	rowOf := map[string]int{}
	next := 3
	for _, id := range identity {
		row := r.findRow(id.label, next)
		if row == 0 {
			row = r.findRow(id.label, 1)
		}
		if row == 0 {
			if id.required {
				r.errs.Add(diag.Errorf(sheetPos, diag.Invalid, "%s", r.say(
					fmt.Sprintf("la ligne %s manque en colonne A : la fiche vient-elle de quotepart template projet ?", r.opt.Lang.Quote(id.label)),
					fmt.Sprintf("the row %s is missing from column A: does the form come from quotepart template projet?", r.opt.Lang.Quote(id.label)))))
			}
			continue
		}
		rowOf[id.key] = row
		next = row
		if f, ok := r.cell(2, row); ok {
			values[id.key] = f
			if id.required && f.Text == "" {
				r.fail(f, r.say(id.label+" : la cellule est vide, elle est obligatoire", id.label+": the cell is empty, it is required"))
			}
		}
	}
	idf := values["id"]
	if idf.Text != "" && !projectID.MatchString(idf.Text) {
		r.fail(idf, r.say(fmt.Sprintf("%s n'est pas un identifiant : lettres minuscules sans accent, chiffres et tirets (ged-archives)", r.opt.Lang.Quote(idf.Text)),
			fmt.Sprintf("%s is not an id: lower-case ASCII letters, digits and dashes (ged-archives)", r.opt.Lang.Quote(idf.Text))))
	}
	w.line("  id: "+yamlText(idf.Text), idf.Pos)
	w.line("  title: "+yamlText(values["title"].Text), values["title"].Pos)
	// Requesting members: one per cell, B to D.
	var requesters []string
	var requesterAt diag.Pos
	if row := rowOf["requested_by"]; row > 0 {
		for col := 2; col <= 4; col++ {
			f, ok := r.cell(col, row)
			if !ok || f.Text == "" {
				continue
			}
			for _, part := range strings.Split(f.Text, ",") {
				id := strings.TrimSpace(part)
				if id == "" {
					continue
				}
				if !r.member(f, id) {
					continue
				}
				if requesterAt.IsZero() {
					requesterAt = f.Pos
				}
				requesters = append(requesters, id)
			}
		}
	}
	w.line("  requested_by: ["+strings.Join(requesters, ", ")+"]", requesterAt)
	w.line("  category: "+yamlText(values["category"].Text), values["category"].Pos)
	for _, key := range []string{"description", "assumption", "source"} {
		if f := values[key]; f.Text != "" {
			w.line("  "+key+": "+yamlText(f.Text), f.Pos)
		}
	}
	from, okFrom := r.year(values["from"], true)
	to, okTo := r.year(values["to"], true)
	if okFrom && okTo && from > to {
		r.fail(values["to"], r.say(fmt.Sprintf("la dernière année, %d, est avant la première, %d", to, from), fmt.Sprintf("the last year, %d, is before the first, %d", to, from)))
	}
	w.line(fmt.Sprintf("  years: {from: %d, to: %d}", from, to), values["from"].Pos)
	if f := values["mandatory"]; f.Text != "" {
		switch territory.Fold(f.Text) {
		case "oui", "yes", "vrai", "true":
			w.line("  mandatory: true", f.Pos)
		case "non", "no", "faux", "false":
		default:
			r.fail(f, r.say(fmt.Sprintf("%s : écrivez oui ou non", r.opt.Lang.Quote(f.Text)), fmt.Sprintf("%s: write oui (yes) or non (no)", r.opt.Lang.Quote(f.Text))))
		}
	}
	if f := values["mandatory_reason"]; f.Text != "" {
		w.line("  mandatory_reason: "+yamlText(f.Text), f.Pos)
	}
	sf, st := values["start_from"], values["start_to"]
	if sf.Text != "" || st.Text != "" {
		a, okA := r.year(sf, true)
		z, okZ := r.year(st, true)
		if okA && okZ {
			w.line(fmt.Sprintf("  start: {from: %d, to: %d}", a, z), sf.Pos)
		}
	}
	if row := rowOf["requires"]; row > 0 {
		var lines []string
		var at []diag.Pos
		for k := range requiresRows {
			if territory.Fold(r.b.Cell(r.sheet, 1, row+k).Text) != territory.Fold("Prérequis") {
				break
			}
			pf, ok1 := r.cell(2, row+k)
			lf, ok2 := r.cell(3, row+k)
			if !ok1 || !ok2 || pf.Text == "" {
				continue
			}
			item := "    - {project: " + yamlText(pf.Text)
			if lf.Text != "" {
				lag, err := strconv.Atoi(lf.Text)
				if err != nil || lag < 0 {
					r.fail(lf, r.say(fmt.Sprintf("%s n'est pas un nombre d'années (0, 1, 2…)", r.opt.Lang.Quote(lf.Text)), fmt.Sprintf("%s is not a number of years (0, 1, 2…)", r.opt.Lang.Quote(lf.Text))))
					continue
				}
				item += fmt.Sprintf(", lag: %d", lag)
			}
			lines = append(lines, item+"}")
			at = append(at, pf.Pos)
		}
		if len(lines) > 0 {
			w.line("  requires:")
			for i, l := range lines {
				w.line(l, at[i])
			}
		}
	}
	if f := values["excludes"]; f.Text != "" {
		var ids []string
		for _, part := range strings.Split(f.Text, ",") {
			if id := strings.TrimSpace(part); id != "" {
				ids = append(ids, yamlText(id))
			}
		}
		w.line("  excludes: ["+strings.Join(ids, ", ")+"]", f.Pos)
	}
	r.lines(w, from, to)
	r.scores(w)
	r.commitments(w)
	if err := Errors(r.errs); err != nil {
		return nil, err
	}
	return &File{Name: idf.Text + ".yaml", Kind: "projet", From: b.Name + "!" + sheet, Data: w.bytes(), Origins: w.origins, IDs: []string{idf.Text}}, nil
}

// member checks a member id.
func (r *formReader) member(f tabular.Field, id string) bool {
	var ids []string
	for _, m := range r.opt.Spec.Members {
		if m.ID == id {
			return true
		}
		ids = append(ids, m.ID)
	}
	r.fail(f, r.say(fmt.Sprintf("%s n'est pas un membre%s ; les membres sont : %s", r.opt.Lang.Quote(id), diag.Suggest(id, ids), strings.Join(ids, ", ")),
		fmt.Sprintf("%s is not a member%s; the members are: %s", r.opt.Lang.Quote(id), diag.Suggest(id, ids), strings.Join(ids, ", "))))
	return false
}

// year reads a year of the evaluation.
func (r *formReader) year(f tabular.Field, inHorizon bool) (int, bool) {
	if f.Text == "" {
		return 0, false
	}
	y, err := strconv.Atoi(strings.TrimSuffix(f.Text, ".0"))
	if err != nil || y < 1000 || y > 9999 {
		r.fail(f, r.say(fmt.Sprintf("%s n'est pas une année (2027)", r.opt.Lang.Quote(f.Text)), fmt.Sprintf("%s is not a year (2027)", r.opt.Lang.Quote(f.Text))))
		return 0, false
	}
	if ys := r.opt.Spec.Years; inHorizon && len(ys) > 0 && (y < ys[0] || y > ys[len(ys)-1]) {
		r.fail(f, r.say(fmt.Sprintf("%d n'est pas une année de l'évaluation, %d–%d", y, ys[0], ys[len(ys)-1]),
			fmt.Sprintf("%d is not a year of the evaluation, %d–%d", y, ys[0], ys[len(ys)-1])))
		return y, false
	}
	return y, true
}

// value reads a value of a year: a number, positive, or a formula of the
// rules.
func (r *formReader) value(f tabular.Field, positive bool) (string, bool) {
	v, err := tabular.ParseNumber(f.Text, r.opt.Lang)
	if err == nil {
		if positive && v.IsNegative() {
			r.fail(f, r.say(fmt.Sprintf("%s est négatif : écrivez les efforts et les gains en positif, chacun de son côté (une économie est un gain)", r.opt.Lang.Quote(f.Text)),
				fmt.Sprintf("%s is negative: write efforts and gains as positive amounts on their side (a saving is a gain)", r.opt.Lang.Quote(f.Text))))
			return "", false
		}
		return v.String(), true
	}
	msg := err.Error()
	if r.opt.Expr != nil && exprLike.MatchString(f.Text) {
		if xerr := r.opt.Expr(f.Text); xerr == nil {
			return f.Text, true
		} else if strings.ContainsAny(f.Text, "+-*/()^") || strings.Contains(xerr.Error(), "did you mean") {
			msg += r.say(" ni une formule des règles : ", " nor a formula of the rules: ") + xerr.Error()
		}
	}
	r.fail(f, msg)
	return "", false
}

var exprLike = regexp.MustCompile(`^[A-Za-z0-9_ .,()+\-*/^]+$`)

// number reads a plain number.
func (r *formReader) number(f tabular.Field) (decimal.Decimal, bool) {
	v, err := tabular.ParseNumber(f.Text, r.opt.Lang)
	if err != nil {
		r.fail(f, err.Error())
		return decimal.Decimal{}, false
	}
	return v, true
}

// header reads the header row of a table: the columns whose title is a
// year (column → year), and the others by their folded title.
func (r *formReader) header(row int) (cols map[string]int, years map[int]int) {
	cols, years = map[string]int{}, map[int]int{}
	for c := 1; c <= r.cols; c++ {
		t := strings.TrimSpace(r.b.Cell(r.sheet, c, row).Text)
		if y, err := strconv.Atoi(t); err == nil && y >= 1000 && y <= 9999 {
			years[c] = y
		} else if t != "" {
			cols[territory.Fold(t)] = c
		}
	}
	return cols, years
}

// yearValues reads a row's values in the year columns, in column order,
// as the items of a YAML map by year (2027: 1500), and where the first
// is. inYears, when set, refuses a value of a year (and says why) before
// it is read.
func (r *formReader) yearValues(row int, years map[int]int, positive bool, inYears func(y int, f tabular.Field) bool) (parts []string, first diag.Pos) {
	for c := 1; c <= r.cols; c++ {
		y, ok := years[c]
		if !ok {
			continue
		}
		vf, ok := r.cell(c, row)
		if !ok || vf.Text == "" || inYears != nil && !inYears(y, vf) {
			continue
		}
		if v, ok := r.value(vf, positive); ok {
			parts = append(parts, fmt.Sprintf("%d: %s", y, yamlExpr(v)))
			if first.IsZero() {
				first = vf.Pos
			}
		}
	}
	return parts, first
}

// lines reads the table of lines.
func (r *formReader) lines(w *yamlWriter, from, to int) {
	head := r.findRow(linesHeader, 1)
	if head == 0 {
		r.errs.Add(diag.Errorf(diag.Pos{File: r.b.Name + "!" + r.sheet}, diag.Invalid, "%s", r.say(
			"le tableau des lignes manque (l'en-tête "+r.opt.Lang.Quote(linesHeader)+" en colonne A)",
			"the table of lines is missing (the header "+r.opt.Lang.Quote(linesHeader)+" in column A)")))
		return
	}
	cols, years := r.header(head)
	col := func(name string) int { return cols[territory.Fold(name)] }
	last := head
	for row := head + 1; row <= r.rows; row++ {
		a := strings.TrimSpace(r.b.Cell(r.sheet, 1, row).Text)
		if a == scoresTitle || a == commitmentsTitle {
			break
		}
		last = row
	}
	if err := r.b.Merged(r.sheet, 1, head, max(r.cols, 1), last); err != nil {
		r.errs.Add(err)
		return
	}
	w.line("")
	w.line("lines:")
	n := 0
	for row := head + 1; row <= last; row++ {
		empty := true
		for c := 1; c <= r.cols; c++ {
			if t := strings.TrimSpace(r.b.Cell(r.sheet, c, row).Text); t != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		label, _ := r.cell(1, row)
		if label.Text == "" {
			r.fail(label, r.say("la ligne n'a pas de libellé", "the line has no label"))
			continue
		}
		n++
		w.line("  - label: "+yamlText(label.Text), label.Pos)
		dimf, _ := r.cell(col("Dimension"), row)
		if dim, ok := r.choice(dimf, r.opt.Spec.Dimensions, true); ok {
			w.line("    dimension: "+dim, dimf.Pos)
		}
		sidef, _ := r.cell(col("Sens"), row)
		if side, ok := r.choice(sidef, sides, false); ok {
			w.line("    side: "+side, sidef.Pos)
		}
		if kf, _ := r.cell(col("Nature"), row); kf.Text != "" {
			w.line("    kind: "+yamlText(kf.Text), kf.Pos)
		}
		parts, at := r.yearValues(row, years, true, func(y int, vf tabular.Field) bool {
			if y < from || y > to {
				r.fail(vf, r.say(fmt.Sprintf("une valeur en %d, hors des années du projet, %d–%d", y, from, to),
					fmt.Sprintf("a value in %d, outside the project's years, %d–%d", y, from, to)))
				return false
			}
			return true
		})
		if len(parts) == 0 {
			r.fail(label, r.say("la ligne n'a aucune valeur dans ses années", "the line has no value in its years"))
		}
		w.line("    values: {"+strings.Join(parts, ", ")+"}", at)
		r.uncertainty(w, row, col)
		for _, k := range []struct{ key, head string }{{"source", "Source"}, {"assumption", "Hypothèse"}} {
			if f, _ := r.cell(col(k.head), row); f.Text != "" {
				w.line("    "+k.key+": "+yamlText(f.Text), f.Pos)
			}
		}
	}
	if n == 0 {
		r.errs.Add(diag.Errorf(r.b.pos(r.sheet, 1, head+1), diag.Invalid, "%s", r.say(
			"aucune ligne d'effort ou de gain : la demande en a au moins une", "no line of effort or gain: a request has at least one")))
	}
}

// choice reads a word of a list: its id, its label, or the form's text.
func (r *formReader) choice(f tabular.Field, list []Choice, dimension bool) (string, bool) {
	if f.Text == "" {
		r.fail(f, r.say("la cellule est vide, elle est obligatoire", "the cell is empty, it is required"))
		return "", false
	}
	want := territory.Fold(f.Text)
	var names []string
	for _, c := range list {
		text := c.Label
		if dimension {
			text = dimensionText(c)
		}
		if want == territory.Fold(c.ID) || want == territory.Fold(c.Label) || want == territory.Fold(text) {
			return c.ID, true
		}
		names = append(names, text)
	}
	r.fail(f, r.say(fmt.Sprintf("%s n'est pas dans la liste : %s", r.opt.Lang.Quote(f.Text), strings.Join(names, ", ")),
		fmt.Sprintf("%s is not in the list: %s", r.opt.Lang.Quote(f.Text), strings.Join(names, ", "))))
	return "", false
}

// uncertainty reads a line's law and its parameters.
func (r *formReader) uncertainty(w *yamlWriter, row int, col func(string) int) {
	lf, _ := r.cell(col("Loi d'incertitude"), row)
	if lf.Text == "" || territory.Fold(lf.Text) == "aucune" {
		return
	}
	law, ok := r.choice(lf, laws, false)
	if !ok {
		return
	}
	params := map[string][]string{"triangular": {"low", "mode", "high"}, "pert": {"low", "mode", "high"},
		"uniform": {"low", "high"}, "normal": {"mean", "sd"}, "lognormal": {"mean", "sd"}}[law]
	heads := map[string]string{"low": "Bas", "mode": "Mode", "high": "Haut", "mean": "Moyenne", "sd": "Écart-type"}
	parts := []string{"distribution: " + law}
	for _, p := range []string{"low", "mode", "high", "mean", "sd"} {
		f, _ := r.cell(col(heads[p]), row)
		wanted := slices.Contains(params, p)
		switch {
		case wanted && f.Text == "":
			r.fail(f, r.say(fmt.Sprintf("la loi %s demande %s", lf.Text, strings.ToLower(heads[p])), fmt.Sprintf("the law %s needs %s", lf.Text, strings.ToLower(heads[p]))))
		case !wanted && f.Text != "":
			r.fail(f, r.say(fmt.Sprintf("la loi %s ne prend pas de %s : videz la cellule", lf.Text, strings.ToLower(heads[p])), fmt.Sprintf("the law %s takes no %s: empty the cell", lf.Text, strings.ToLower(heads[p]))))
		case wanted:
			if v, ok := r.number(f); ok {
				parts = append(parts, p+": "+v.String())
			}
		}
	}
	w.line("    uncertainty: {"+strings.Join(parts, ", ")+"}", lf.Pos)
}

// scores reads the scores of the criteria.
func (r *formReader) scores(w *yamlWriter) {
	if len(r.opt.Spec.Criteria) == 0 {
		return
	}
	head := r.findRow(scoresHeader, 1)
	if head == 0 {
		return
	}
	var lines []string
	var at []diag.Pos
	for row := head + 1; row <= r.rows; row++ {
		idf, _ := r.cell(1, row)
		if idf.Text == "" || idf.Text == commitmentsTitle {
			break
		}
		if !slices.ContainsFunc(r.opt.Spec.Criteria, func(c Criterion) bool { return c.ID == idf.Text }) {
			continue
		}
		sf, _ := r.cell(4, row)
		jf, _ := r.cell(5, row)
		if sf.Text == "" && jf.Text == "" {
			continue
		}
		v, ok := r.number(sf)
		if !ok {
			continue
		}
		if jf.Text == "" {
			r.fail(jf, r.say("une note se justifie : la justification est vide", "a score needs a justification: the cell is empty"))
			continue
		}
		lines = append(lines, fmt.Sprintf("  %s: {score: %s, justification: %s}", idf.Text, v, yamlText(jf.Text)))
		at = append(at, sf.Pos)
	}
	if len(lines) > 0 {
		w.line("")
		w.line("scores:")
		for i, l := range lines {
			w.line(l, at[i])
		}
	}
}

// commitments reads the effects on the commitments.
func (r *formReader) commitments(w *yamlWriter) {
	if len(r.opt.Spec.Commitments) == 0 {
		return
	}
	head := r.findRow(commitmentsHead, 1)
	if head == 0 {
		return
	}
	cols, years := r.header(head)
	var out []string
	var at []diag.Pos
	for row := head + 1; row <= r.rows; row++ {
		idf, _ := r.cell(1, row)
		if idf.Text == "" {
			break
		}
		parts, first := r.yearValues(row, years, false, nil)
		if len(parts) == 0 {
			continue
		}
		jf, _ := r.cell(cols[territory.Fold("Justification")], row)
		if jf.Text == "" {
			r.fail(jf, r.say("un effet se justifie : la justification est vide", "an effect needs a justification: the cell is empty"))
			continue
		}
		item := []string{"  " + idf.Text + ":", "    values: {" + strings.Join(parts, ", ") + "}", "    justification: " + yamlText(jf.Text)}
		for _, k := range []struct{ key, head string }{{"source", "Source"}, {"assumption", "Hypothèse"}} {
			if f, _ := r.cell(cols[territory.Fold(k.head)], row); f.Text != "" && cols[territory.Fold(k.head)] > 0 {
				item = append(item, "    "+k.key+": "+yamlText(f.Text))
			}
		}
		out = append(out, item...)
		for range item {
			at = append(at, first)
		}
	}
	if len(out) > 0 {
		w.line("")
		w.line("commitments:")
		for i, l := range out {
			w.line(l, at[i])
		}
	}
}
