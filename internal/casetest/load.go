package casetest

import (
	"io/fs"
	"strings"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
)

// Loaded is a decoded test file and the path it is reported under.
type Loaded struct {
	Path string
	File *File
	// Input is the file as read, for the digest of the files read.
	Input rules.Input
}

// IsTestFile reports whether a file name is a test file: *.test.yaml or
// *.test.yml. Rule and scenario loaders skip these names.
func IsTestFile(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".test.yaml") || strings.HasSuffix(lower, ".test.yml")
}

// Decode decodes one test file. Every error found is returned, positioned
// file:line:col. When the file decoded but breaks rules of the format
// that need no rule set (a negative tolerance, a subject without a value),
// the file is returned with the errors, so that Validate can report the
// mistakes that need the rules in the same run; it is nil when the YAML
// did not decode.
func Decode(name string, data []byte) (*Loaded, error) {
	f := new(File)
	if err := rules.Decode(name, data, f); err != nil {
		return nil, err
	}
	var errs diag.List
	if len(f.Tests) == 0 {
		errs.Addf(diag.Pos{File: name}, diag.Invalid, "no test case: write them as a list under tests:")
	}
	names := map[string]diag.Pos{}
	for i := range f.Tests {
		c := &f.Tests[i]
		if c.Overrides != nil && c.Overrides.Add != nil {
			c.Overrides.Add.SetSource(name, data)
		}
		if prev, ok := names[c.Name.Value]; ok {
			errs.Addf(c.Name.Pos, diag.Invalid, "test case %q appears twice in this file (first at line %d): give each case its own name", c.Name.Value, prev.Line)
		}
		names[c.Name.Value] = c.Name.Pos
		errs = append(errs, c.checkShape()...)
	}
	return &Loaded{Path: name, File: f, Input: rules.NewInput(name, data)}, errs.Err()
}

// checkShape verifies what can be verified without the rules: names,
// tolerances, expectations that say what they expect.
func (c *Case) checkShape() diag.List {
	var errs diag.List
	if strings.TrimSpace(c.Name.Value) == "" {
		errs.Addf(c.Name.Pos, diag.Invalid, "name: give the case a name")
	}
	if len(c.Expect) == 0 {
		errs.Addf(c.Name.Pos, diag.Invalid, "test case %q expects nothing: list the expected values under expect:", c.Name.Value)
	}
	tolerance := func(n *rules.Number, key string) {
		if n != nil && n.Value.IsNegative() {
			errs.Addf(n.Pos, diag.Invalid, "%s: a tolerance cannot be negative, found %s", key, n.Value)
		}
	}
	tolerance(c.AbsoluteError, "absolute_error")
	tolerance(c.RelativeError, "relative_error")
	seen := map[int]bool{}
	for _, y := range c.Years {
		if seen[y.Value] {
			errs.Addf(y.Pos, diag.Invalid, "years: %d is listed twice", y.Value)
		}
		seen[y.Value] = true
	}
	for i := range c.Expect {
		e := &c.Expect[i]
		tolerance(e.AbsoluteError, "absolute_error")
		tolerance(e.RelativeError, "relative_error")
		at := e.pos()
		k, ok := kindOf(e)
		if !ok {
			errs.Addf(at, diag.Invalid, "expect: %s cannot go together; an expectation names one of: %s", strings.Join(e.subjects(), " and "), kindList())
			continue
		}
		ms := e.measures()
		if len(ms) == 0 {
			errs.Addf(at, diag.Invalid, "expect: no expected value; for %s, give %s", k.name, strings.Join(k.measures, ", "))
		}
		for _, m := range ms {
			if !contains(k.measures, m.key) {
				errs.Addf(m.value.Pos, diag.Invalid, "%s: not a measure of a %s; give %s", m.key, k.name, strings.Join(k.measures, ", "))
			}
		}
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// pos is where an expectation starts: its first subject or measure.
func (e *Expectation) pos() diag.Pos {
	var first diag.Pos
	consider := func(n rules.Node) {
		if n.Set && (first.IsZero() || n.Pos.Compare(first) < 0) {
			first = n.Pos
		}
	}
	for _, t := range []rules.Text{e.Member, e.Pool, e.Rule, e.Parameter} {
		consider(t.Node)
	}
	consider(e.Year.Node)
	for _, m := range e.measures() {
		consider(m.value.Node)
	}
	return first
}

// LoadDir reads the test files directly inside dir of fsys, in name order,
// reporting them as display/name, as rules.ReadFolder reads a folder
// (regular files only, within its limits; hidden files and outputs of
// quotepart skipped). A folder with no test file gives no error and no
// file. Files that decoded are returned even with errors, as Decode does.
func LoadDir(fsys fs.FS, dir, display string) ([]*Loaded, error) {
	sources, err := rules.ReadFolder(fsys, dir, display, "the folder", IsTestFile)
	if err != nil {
		return nil, err
	}
	var errs diag.List
	var out []*Loaded
	for _, src := range sources {
		name, data := src.Path, src.Data
		if src.Skipped != nil {
			continue // an output of quotepart named like a test file
		}
		if src.Err != nil {
			errs = append(errs, src.Err)
			continue
		}
		l, err := Decode(name, data)
		errs.Add(err)
		if l != nil {
			out = append(out, l)
		}
	}
	return out, errs.Err()
}
