package actuals

import (
	"io/fs"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
)

// Dir is the folder, inside a rules folder, that holds its actuals files.
const Dir = "comptes"

// Year is a decoded actuals file: the actual figures of one year.
type Year struct {
	Year  int
	Title string
	// Source, URL and Assumption are the file's, which its figures
	// inherit when they give none of their own.
	Source, URL, Assumption string
	Path                    string
	File                    *File
	lines                   []string
	data                    []byte
}

// Input is the file the figures were read from.
func (y *Year) Input() rules.Input { return rules.NewInput(y.Path, y.data) }

// Catalog holds the actuals files of a folder, by year.
type Catalog struct {
	years []*Year // sorted by year
	// Skipped are the files of the folder not read because quotepart
	// wrote them (rules.OutputSchema): warnings.
	Skipped diag.List
}

// LoadDir reads every actuals file directly inside dir of fsys (*.yaml,
// *.yml, *.json, *.toml, as rules.ReadFolder reads them), reporting them
// as display/name. Every error of every file is returned together.
func LoadDir(fsys fs.FS, dir, display string) (*Catalog, error) {
	sources, err := rules.ReadFolder(fsys, dir, display, "the actuals folder", rules.IsRuleFile)
	if err != nil {
		return nil, err
	}
	c := &Catalog{}
	var errs diag.List
	for _, src := range sources {
		switch {
		case src.Skipped != nil:
			c.Skipped = append(c.Skipped, src.Skipped)
		case src.Err != nil:
			errs = append(errs, src.Err)
		default:
			errs.Add(c.Add(src.Path, src.Data))
		}
	}
	return c, errs.Sort().Err()
}

// Add decodes an actuals file and adds it to the catalog: its figures are
// checked for what can be checked without the rules (amounts in cents, a
// source or an assumption for every figure); Apply checks the rest.
func (c *Catalog) Add(name string, data []byte) error {
	f := new(File)
	if err := rules.Decode(name, data, f); err != nil {
		return err
	}
	if f.Actuals == nil {
		return diag.Errorf(diag.Pos{File: name}, diag.Invalid, "not an actuals file: the top-level actuals: section (year, title, source) is missing")
	}
	h := f.Actuals
	y := &Year{Year: h.Year.Value, Title: h.Title.Value, Source: h.Source.Value, URL: h.URL.Value, Assumption: h.Assumption.Value,
		Path: name, File: f, data: data, lines: splitLines(string(data))}
	var errs diag.List
	if prev := c.Year(y.Year); prev != nil {
		errs = append(errs, y.errorf(h.Year.Pos, "the actual figures of %d are given twice: first in %s", y.Year, prev.Path))
	}
	sourced := h.Source.Set || h.Assumption.Set
	need := func(pos diag.Pos, what string, source, assumption rules.Text) {
		if !sourced && !source.Set && !assumption.Set {
			errs = append(errs, y.errorf(pos, "%s: say where the figure comes from (source:, or assumption: for an estimate), here or for the whole file under actuals:", what))
		}
	}
	for _, e := range f.Pools.Entries {
		need(e.KeyPos, "pool "+e.Key, e.Value.Source, e.Value.Assumption)
		errs = append(errs, y.cents(e.Value.Amount, "pool "+e.Key)...)
	}
	for _, e := range f.Parameters.Entries {
		need(e.KeyPos, "parameter "+e.Key, e.Value.Source, e.Value.Assumption)
	}
	for _, e := range f.Rules.Entries {
		need(e.KeyPos, "rule "+e.Key, e.Value.Source, e.Value.Assumption)
	}
	for _, e := range f.Issued.Entries {
		for i, in := range e.Value {
			errs = append(errs, y.cents(in.Amount, "instalment "+itoa(i+1)+" issued to "+e.Key)...)
			if in.Date.Set && in.Date.Value.Year != y.Year && h.Year.Set {
				// Titles for a year are issued in it, or early the next
				// one (the journée complémentaire): later is a mistake.
				if in.Date.Value.Year != y.Year+1 {
					errs = append(errs, y.errorf(in.Date.Pos, "instalment %d issued to %s on %s: the figures are for %d", i+1, e.Key, in.Date.Value, y.Year))
				}
			}
		}
	}
	if err := errs.Sort().Err(); err != nil {
		return err
	}
	i, _ := slices.BinarySearchFunc(c.years, y.Year, func(x *Year, year int) int { return x.Year - year })
	c.years = slices.Insert(c.years, i, y)
	return nil
}

// cents reports an amount with more than two decimals.
func (y *Year) cents(n rules.Number, what string) diag.List {
	if n.Set && !n.Value.Equal(n.Value.Round(2)) {
		return diag.List{y.errorf(n.Pos, "%s: %s EUR has more than two decimals: an amount of the accounts is in cents", what, n.Value)}
	}
	return nil
}

// Year returns the figures of a year, or nil.
func (c *Catalog) Year(year int) *Year {
	if c == nil {
		return nil
	}
	for _, y := range c.years {
		if y.Year == year {
			return y
		}
	}
	return nil
}

// Years returns the years the catalog has figures for, in order.
func (c *Catalog) Years() []int {
	if c == nil {
		return nil
	}
	out := make([]int, len(c.years))
	for i, y := range c.years {
		out[i] = y.Year
	}
	return out
}

// All returns the files in year order.
func (c *Catalog) All() []*Year {
	if c == nil {
		return nil
	}
	return slices.Clone(c.years)
}

// Inputs are the files of the catalog, in year order.
func (c *Catalog) Inputs() []rules.Input {
	var out []rules.Input
	for _, y := range c.All() {
		out = append(out, y.Input())
	}
	return out
}

// errorf is an error at pos in the file, with its line for the caret.
func (y *Year) errorf(pos diag.Pos, format string, args ...any) *diag.Error {
	e := diag.Errorf(pos, diag.Invalid, format, args...)
	if pos.File == y.Path && pos.Line >= 1 && pos.Line <= len(y.lines) {
		e.Source = y.lines[pos.Line-1]
	}
	return e
}

// splitLines cuts a file into lines, without their line breaks.
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Split(strings.ReplaceAll(s, "\r", "\n"), "\n")
}

func itoa(n int) string { return decimal.NewFromInt(int64(n)).String() }
