package rules

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/tabular"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// CSVSource says where a parameter's values are read from: a column of a
// CSV file beside the rules, so that refreshing the data (populations,
// unit counts, a budget series) is replacing a file, not editing YAML.
type CSVSource struct {
	File   Text `yaml:"file" required:"true" doc:"path of the CSV file, relative to the rules folder (donnees/populations.csv)"`
	Column Text `yaml:"column" required:"true" doc:"header of the column holding the values"`
	Date   Text `yaml:"date" doc:"header of the column of effective dates (2026-01-01, 01/01/2026 or a year, 2026 for 1 January); without it, the values are in force from the service's start"`
	Member Text `yaml:"member" doc:"header of the column of member ids: the parameter then has a value per member (and per date), read by per-member rules under its name"`

	// read is set once ReadData has put the file's values in the
	// parameter.
	read bool
}

// DataReader reads a data file named by a rule file (csv: file:), by its
// slash-separated path relative to the rules folder. It returns the bytes
// and the name messages give the file, or a positioned error.
type DataReader func(rel string) (data []byte, display string, err error)

// FSDataReader reads data files from the rules folder dir of fsys, named
// display/rel in messages, as the rule files themselves are read
// (ReadFolder): regular files only, refused by kind before they are
// opened, of at most MaxFileSize bytes; and never outside the folder.
func FSDataReader(fsys fs.FS, dir, display string) DataReader {
	return func(rel string) ([]byte, string, error) {
		shown := path.Join(display, rel)
		name := path.Join(dir, rel)
		data, err := readRegular(shown, func() (fs.FileInfo, error) { return fs.Stat(fsys, name) }, func() (fs.File, error) { return fsys.Open(name) })
		if err != nil {
			return nil, shown, err
		}
		return data, shown, nil
	}
}

// ReadData reads the CSV files the parameters of f take their values from
// (csv:), through read, and puts the values in f: a parameter without a
// member column gets its dated values, as if written under values:, each
// positioned on its CSV cell; a parameter with a member column becomes a
// per-member rule of the same name, with one version per date and one
// formula, the number, per member. Every error is positioned on the YAML
// key or the CSV cell at fault; a parameter whose data could not be read
// is left with a placeholder of 0, so that the build reports nothing more
// about it.
func (f *File) ReadData(read DataReader) error {
	var errs diag.List
	tables := map[string]*csvTable{}
	var params []Entry[Parameter]
	for _, e := range f.Parameters.Entries {
		c := e.Value.CSV
		if c == nil {
			params = append(params, e)
			continue
		}
		c.read = true
		rule, err := f.readParam(e.Key, &e.Value, tables, read)
		switch {
		case err != nil:
			if err != errAlreadySaid {
				errs.Add(err)
			}
			zero := Expr{Node: Node{Set: true, Pos: e.KeyPos}, Source: "0"}
			if c.Member.Set {
				f.Rules.Entries = append(f.Rules.Entries, Entry[Rule]{Key: e.Key, KeyPos: e.KeyPos,
					Value: Rule{PerMember: Bool{Node: Node{Set: true}, Value: true}, Expr: zero}})
				continue
			}
			e.Value.Value, e.Value.Values = &Number{Node: zero.Node, Value: decimal.Zero}, Map[Number]{}
		case rule != nil:
			f.Rules.Entries = append(f.Rules.Entries, Entry[Rule]{Key: e.Key, KeyPos: e.KeyPos, Value: *rule})
			continue
		}
		params = append(params, e)
	}
	f.Parameters.Entries = params
	return errs.Err()
}

// readParam reads the values of one parameter from its CSV file, read
// once for all the parameters that name it.
func (f *File) readParam(name string, p *Parameter, tables map[string]*csvTable, read DataReader) (*Rule, error) {
	c := p.CSV
	if p.Value != nil || p.Values.Set || p.ByMember.Set {
		return nil, f.errorAt(c.File.Pos, "parameter %s: give value, values, by_member or csv, only one", name)
	}
	rel := path.Clean(strings.ReplaceAll(c.File.Value, `\`, "/"))
	if c.File.Value == "" || path.IsAbs(rel) || !fs.ValidPath(rel) || strings.Contains(rel, ":") {
		return nil, f.errorAt(c.File.Pos, "parameter %s: csv file %q must be a path inside the rules folder, such as donnees/populations.csv", name, c.File.Value)
	}
	t, ok := tables[rel]
	if !ok {
		t = &csvTable{}
		tables[rel] = t
		data, shown, err := read(rel)
		if err != nil {
			return nil, err
		}
		tab, err := tabular.ReadCSV(shown, data, tabular.DefaultLimits, tabular.English)
		if err != nil {
			return nil, err
		}
		*t = *newCSVTable(tab)
	}
	if t.table == nil {
		// Its reading failed, and said so for the first parameter.
		return nil, errAlreadySaid
	}
	return f.csvValues(name, p, t)
}

func (f *File) errorAt(pos diag.Pos, format string, args ...any) *diag.Error {
	e := diag.Errorf(pos, diag.Invalid, format, args...)
	if f.source != nil {
		e.Source = f.source.line(pos.Line)
	}
	return e
}

// csvTable is a CSV file read for parameters: its header and rows, and its
// lines for the snippets of errors.
type csvTable struct {
	table  *tabular.Table
	header []tabular.Field
	src    *source
}

func newCSVTable(t *tabular.Table) *csvTable {
	c := &csvTable{table: t, src: &source{path: t.Name}}
	for _, r := range t.Rows {
		for len(c.src.lines) < r.Line {
			c.src.lines = append(c.src.lines, "")
		}
		if len(r.Fields) > 0 {
			c.src.lines[r.Line-1] = r.Fields[0].Source
		}
	}
	if len(t.Rows) > 0 {
		c.header = t.Rows[0].Fields
	}
	return c
}

// column finds the header named by want; -1 with an error when there is
// none.
func (t *csvTable) column(f *File, want Text, param, what string) (int, error) {
	var names []string
	for i, h := range t.header {
		name := strings.TrimSpace(h.Text)
		if name == strings.TrimSpace(want.Value) {
			return i, nil
		}
		names = append(names, name)
	}
	if len(t.header) == 0 {
		return -1, f.errorAt(want.Pos, "parameter %s: %s is empty: it needs a header line and a line per value", param, t.table.Name)
	}
	return -1, f.errorAt(want.Pos, "parameter %s: %s has no %s column %q%s; its columns are: %s", param, t.table.Name, what, want.Value,
		diag.Suggest(want.Value, names), strings.Join(names, ", "))
}

// csvRow is a line of data: its date, member and value, read.
type csvRow struct {
	date    engine.Date
	dateAt  tabular.Field
	member  tabular.Field
	value   decimal.Decimal
	valueAt tabular.Field
}

// csvValues reads the values of parameter name from t into p, or, with a
// member column, into the per-member rule it returns.
func (f *File) csvValues(name string, p *Parameter, t *csvTable) (*Rule, error) {
	c := p.CSV
	var errs diag.List
	col, err := t.column(f, c.Column, name, "value")
	errs.Add(err)
	dateCol, memberCol := -1, -1
	if c.Date.Set {
		dateCol, err = t.column(f, c.Date, name, "date")
		errs.Add(err)
	}
	if c.Member.Set {
		memberCol, err = t.column(f, c.Member, name, "member")
		errs.Add(err)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var rows []csvRow
	type key struct {
		date   engine.Date
		member string
	}
	first := map[key]int{}
	for _, r := range t.table.Rows[1:] {
		field := func(i int, what string) (tabular.Field, bool) {
			if i < len(r.Fields) {
				return r.Fields[i], true
			}
			last := r.Fields[len(r.Fields)-1]
			errs.Add(&diag.Error{Pos: diag.Pos{File: t.table.Name, Line: r.Line}, Code: diag.Invalid, Source: last.Source,
				Msg: fmt.Sprintf("parameter %s: this line has %d fields and no %s (column %d, %q)", name, len(r.Fields), what, i+1, strings.TrimSpace(t.header[i].Text))})
			return tabular.Field{}, false
		}
		var row csvRow
		ok := true
		if dateCol >= 0 {
			fd, has := field(dateCol, "date")
			if ok = has; has {
				d, err := tabular.ParseDate(fd.Text, true, tabular.English)
				if err != nil {
					errs.Add(fd.Errorf("parameter %s: %v", name, err))
					ok = false
				}
				row.date, row.dateAt = d, fd
			}
		}
		if memberCol >= 0 {
			fm, has := field(memberCol, "member")
			if ok = ok && has; has {
				row.member = fm
				row.member.Text = strings.TrimSpace(fm.Text)
				if row.member.Text == "" {
					errs.Add(fm.Errorf("parameter %s: no member id", name))
					ok = false
				}
			}
		}
		fv, has := field(col, "value")
		if ok = ok && has; has {
			v, err := tabular.ParseNumber(fv.Text, tabular.English)
			if err != nil {
				errs.Add(fv.Errorf("parameter %s: %v", name, err))
				ok = false
			}
			row.value, row.valueAt = v, fv
			if err == nil {
				errs.Add(f.csvBounds(name, p, fv, v))
			}
		}
		if !ok {
			continue
		}
		k := key{row.date, row.member.Text}
		if line, seen := first[k]; seen {
			at := row.valueAt
			if dateCol >= 0 {
				at = row.dateAt
			}
			what := "a value"
			switch {
			case dateCol >= 0 && memberCol >= 0:
				what = fmt.Sprintf("member %s on %s", k.member, k.date)
			case dateCol >= 0:
				what = k.date.String()
			case memberCol >= 0:
				what = "member " + k.member
			}
			errs.Add(at.Errorf("parameter %s: %s is given twice (first on line %d)", name, what, line))
			continue
		}
		first[k] = r.Line
		rows = append(rows, row)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, f.errorAt(c.File.Pos, "parameter %s: %s has no line of values under its header", name, t.table.Name)
	}
	number := func(r csvRow) Number {
		return Number{Node: Node{Set: true, Pos: r.valueAt.Pos}, Value: r.value}
	}
	if memberCol < 0 {
		if dateCol < 0 {
			if len(rows) > 1 {
				return nil, rows[1].valueAt.Errorf("parameter %s: %s has %d lines of values; without a date column (csv: date:) it may have one", name, t.table.Name, len(rows))
			}
			v := number(rows[0])
			p.Value = &v
			return nil, nil
		}
		slices.SortStableFunc(rows, func(a, b csvRow) int { return a.date.Compare(b.date) })
		p.Values = Map[Number]{Node: Node{Set: true, Pos: c.File.Pos}}
		for _, r := range rows {
			p.Values.Entries = append(p.Values.Entries, Entry[Number]{Key: r.date.String(), KeyPos: r.dateAt.Pos, Value: number(r)})
		}
		return nil, nil
	}
	return f.csvRule(p, t, rows, dateCol >= 0), nil
}

// csvBounds checks a value against the parameter's min and max, and a
// staff count (unit ETC) against 0, at its cell.
func (f *File) csvBounds(name string, p *Parameter, at tabular.Field, v decimal.Decimal) error {
	lo := p.Min
	if lo == nil && strings.EqualFold(p.Unit.Value, etcUnit) {
		lo = &Number{Value: decimal.Zero}
	}
	switch {
	case lo != nil && v.LessThan(lo.Value):
		return at.Errorf("parameter %s: %s %s is below the minimum %s", name, v, p.Unit.Value, lo.Value)
	case p.Max != nil && v.GreaterThan(p.Max.Value):
		return at.Errorf("parameter %s: %s %s is above the maximum %s", name, v, p.Unit.Value, p.Max.Value)
	}
	return nil
}

// csvRule is the per-member rule of a parameter read with a member column:
// a version per date (a single formula set without dates), each member's
// formula its number, positioned on its cell.
func (f *File) csvRule(p *Parameter, t *csvTable, rows []csvRow, dated bool) *Rule {
	descr := p.Description
	if p.Assumption.Set {
		descr.Value = strings.TrimSpace(descr.Value + " Hypothèse : " + p.Assumption.Value)
	}
	r := &Rule{Label: p.Label, Description: descr, Unit: p.Unit, Source: p.Source,
		PerMember: Bool{Node: Node{Set: true, Pos: p.CSV.Member.Pos}, Value: true}, data: true}
	if p.Source.Set {
		r.Source.Value = strings.TrimSpace(p.Source.Value + " (" + t.table.Name + ")")
	} else {
		r.Source = Text{Node: Node{Set: true, Pos: p.CSV.File.Pos}, Value: t.table.Name}
	}
	formula := func(row csvRow) Entry[Expr] {
		at := row.valueAt
		node := &yaml.Node{Kind: yaml.ScalarNode, Value: row.value.String(), Line: at.Pos.Line, Column: at.Pos.Col}
		return Entry[Expr]{Key: row.member.Text, KeyPos: row.member.Pos,
			Value: Expr{Node: Node{Set: true, Pos: at.Pos}, Source: row.value.String(), scalar: node, file: t.src}}
	}
	if !dated {
		r.ByMember = Map[Expr]{Node: Node{Set: true, Pos: p.CSV.File.Pos}}
		for _, row := range rows {
			r.ByMember.Entries = append(r.ByMember.Entries, formula(row))
		}
		return r
	}
	// A member's value stays in force until its next date, as in a
	// by_member written by hand: a later date that lists only the
	// members whose figure changed keeps the others' last values, each
	// still positioned on its own cell.
	slices.SortStableFunc(rows, func(a, b csvRow) int { return a.date.Compare(b.date) })
	var inForce []Entry[Expr] // by member, in the order they first appear
	at := map[string]int{}    // a member's place in inForce
	first := 0                // the first row of the date being read
	for i, row := range rows {
		e := formula(row)
		if k, ok := at[e.Key]; ok {
			inForce[k] = e
		} else {
			at[e.Key] = len(inForce)
			inForce = append(inForce, e)
		}
		if i+1 < len(rows) && rows[i+1].date == row.date {
			continue // the date's other rows first
		}
		pos := rows[first].dateAt.Pos
		r.Versions = append(r.Versions, Version{From: Date{Node: Node{Set: true, Pos: pos}, Value: row.date},
			ByMember: Map[Expr]{Node: Node{Set: true, Pos: pos}, Entries: slices.Clone(inForce)}})
		first = i + 1
	}
	return r
}

// errAlreadySaid is a parameter whose CSV file could not be read, which
// the first parameter naming it reported.
var errAlreadySaid = errors.New("reported")

// errNotRead is reported for a csv: that no loader read: a file whose
// data files cannot be reached (a scenario's additions).
var errNotRead = errors.New("csv: is read in the rules folder's files only; give value: or values: here")
