package scenarios

import (
	"embed"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/quotepart/quotepart/rules"
)

//go:embed rouen
var defaults embed.FS

// DefaultDir is the path under which the embedded default scenarios are
// reported in messages.
const DefaultDir = "scenarios/rouen"

// Defaults returns the embedded default scenario files, written for the
// embedded default rules.
func Defaults() fs.FS {
	sub, err := fs.Sub(defaults, "rouen")
	if err != nil {
		panic(err) // the folder is embedded at build time
	}
	return sub
}

// Scenario is a decoded scenario file.
type Scenario struct {
	ID, Title, Description, Assumption string
	// Extends is the id of the parent scenario, or empty.
	Extends string
	Path    string
	File    *File
	data    []byte
}

// Catalog holds the scenarios of a folder, by id.
type Catalog struct {
	byID map[string]*Scenario
	list []*Scenario
	// Skipped are the files of the folder not read because quotepart
	// wrote them (rules.OutputSchema): warnings.
	Skipped diag.List
}

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog { return &Catalog{byID: map[string]*Scenario{}} }

// LoadDir reads every scenario file directly inside dir of fsys (*.yaml,
// *.yml, *.json, *.toml except *.test.yaml and hidden files, as
// rules.ReadFolder reads them), reporting them as display/name. Outputs of
// quotepart found there are skipped, and listed in Skipped.
func LoadDir(fsys fs.FS, dir, display string) (*Catalog, error) {
	sources, err := rules.ReadFolder(fsys, dir, display, "the scenarios folder", rules.IsRuleFile)
	if err != nil {
		return nil, err
	}
	c := NewCatalog()
	var errs diag.List
	for _, src := range sources {
		if src.Skipped != nil {
			c.Skipped = append(c.Skipped, src.Skipped)
			continue
		}
		if src.Err != nil {
			errs = append(errs, src.Err)
			continue
		}
		_, err := c.Add(src.Path, src.Data)
		errs.Add(err)
	}
	return c, errs.Err()
}

// Add decodes a scenario file and adds it to the catalog.
func (c *Catalog) Add(name string, data []byte) (*Scenario, error) {
	f := new(File)
	if err := rules.Decode(name, data, f); err != nil {
		return nil, err
	}
	if f.Scenario == nil {
		return nil, diag.Errorf(diag.Pos{File: name}, diag.Invalid, "not a scenario file: the top-level scenario: section (id, title) is missing")
	}
	h := f.Scenario
	if err := yearSpan(h.Years, "scenario "+h.ID.Value); err != nil {
		return nil, err
	}
	if prev, ok := c.byID[h.ID.Value]; ok {
		return nil, diag.Errorf(h.ID.Pos, diag.Invalid, "scenario %s is declared twice: first in %s", h.ID.Value, prev.Path)
	}
	if f.Add != nil {
		f.Add.SetSource(name, data)
	}
	s := &Scenario{ID: h.ID.Value, Title: h.Title.Value, Description: h.Description.Value,
		Assumption: h.Assumption.Value, Extends: h.Extends.Value, Path: name, File: f, data: data}
	c.byID[s.ID] = s
	c.list = append(c.list, s)
	return s, nil
}

// Input is the file the scenario was read from.
func (s *Scenario) Input() rules.Input { return rules.NewInput(s.Path, s.data) }

// With returns a copy of the catalog with one more scenario, decoded from
// a file, and that scenario; the catalog itself is left unchanged, so that
// concurrent what-ifs can each extend it.
func (c *Catalog) With(name string, data []byte) (*Catalog, *Scenario, error) {
	out := &Catalog{byID: maps.Clone(c.byID), list: slices.Clone(c.list)}
	s, err := out.Add(name, data)
	if err != nil {
		return nil, nil, err
	}
	return out, s, nil
}

// Get returns the scenario with the given id.
func (c *Catalog) Get(id string) (*Scenario, error) {
	if s, ok := c.byID[id]; ok {
		return s, nil
	}
	return nil, diag.Errorf(diag.Pos{}, diag.NotFound, "unknown scenario %q%s; known: %s", id, diag.Suggest(id, c.IDs()), strings.Join(c.IDs(), ", "))
}

// IDs returns the ids of the catalog in the order of All.
func (c *Catalog) IDs() []string {
	var ids []string
	for _, s := range c.All() {
		ids = append(ids, s.ID)
	}
	return ids
}

// All returns the scenarios with every scenario after the one it extends,
// and otherwise by id: the baseline comes first.
func (c *Catalog) All() []*Scenario {
	sorted := slices.Clone(c.list)
	slices.SortFunc(sorted, func(a, b *Scenario) int { return strings.Compare(a.ID, b.ID) })
	var out []*Scenario
	placed := map[string]bool{}
	var place func(s *Scenario, depth int)
	place = func(s *Scenario, depth int) {
		if placed[s.ID] || depth > len(sorted) {
			return
		}
		if parent, ok := c.byID[s.Extends]; ok && s.Extends != s.ID {
			place(parent, depth+1)
		}
		if !placed[s.ID] {
			placed[s.ID] = true
			out = append(out, s)
		}
	}
	for _, s := range sorted {
		if s.Extends == "" {
			place(s, 0)
		}
	}
	for _, s := range sorted {
		place(s, 0)
	}
	return out
}

// Chain returns the scenarios to apply for s, from the root of its
// extends chain to s itself.
func (c *Catalog) Chain(s *Scenario) ([]*Scenario, error) {
	chain := []*Scenario{s}
	seen := map[string]bool{s.ID: true}
	for cur := s; cur.Extends != ""; {
		ext := cur.File.Scenario.Extends
		parent, ok := c.byID[cur.Extends]
		if !ok {
			return nil, diag.Errorf(ext.Pos, diag.NotFound, "scenario %s extends %q, which is not a scenario%s", cur.ID, cur.Extends, diag.Suggest(cur.Extends, c.IDs()))
		}
		if seen[parent.ID] {
			var ids []string
			for _, x := range chain {
				ids = append(ids, x.ID)
			}
			return nil, diag.Errorf(ext.Pos, diag.Invalid, "scenarios extend each other in a cycle: %s → %s", strings.Join(ids, " → "), parent.ID)
		}
		seen[parent.ID] = true
		chain = append(chain, parent)
		cur = parent
	}
	slices.Reverse(chain)
	return chain, nil
}

// yearSpan refuses years spanning more than rules.MaxYears: a scenario's,
// an evaluation's or a project's years lie within those of the rules,
// which are held to that limit, but saying so at once names the file.
func yearSpan(y *rules.YearRange, what string) *diag.Error {
	if y == nil || y.From.Value > y.To.Value {
		return nil
	}
	if span := y.To.Value - y.From.Value + 1; span > rules.MaxYears {
		return diag.Errorf(y.To.Pos, diag.Limit, "%s: years %d–%d: %s years, beyond the limit of %d years a rule set may cover", what, y.From.Value, y.To.Value, formula.Thousands(span), rules.MaxYears)
	}
	return nil
}
