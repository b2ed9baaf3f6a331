package scenarios

import (
	"cmp"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/quotepart/quotepart/rules"
)

// ProjectsDir is the folder, inside a scenarios folder, that holds the
// project requests and the evaluation settings.
const ProjectsDir = "projets"

// ProjectFile is a project request file, or the evaluation settings file
// (evaluation:) of a projects folder.
type ProjectFile struct {
	Project    *ProjectHeader  `yaml:"project" doc:"the request: id, title, requesting members, category, years"`
	Lines      []ProjectLine   `yaml:"lines" doc:"efforts and gains, one line each"`
	Evaluation *EvaluationSpec `yaml:"evaluation" doc:"how requests are valued and discounted (in one file of the folder)"`
	// Scores and Commitments weigh the request beyond its lines.
	Scores      rules.Map[ScoreSpec]  `yaml:"scores" doc:"the request's score on each criterion of the evaluation, with its justification"`
	Commitments rules.Map[EffectSpec] `yaml:"commitments" doc:"the request's effect on commitments of the evaluation (Numérique Responsable indicators), per year"`
}

// ProjectHeader names and describes a project request.
type ProjectHeader struct {
	ID          rules.Text       `yaml:"id" required:"true" doc:"identifier, e.g. ged-archives"`
	Title       rules.Text       `yaml:"title" required:"true" doc:"title shown in reports"`
	RequestedBy []rules.Text     `yaml:"requested_by" required:"true" doc:"ids of the members asking for it"`
	Category    rules.Text       `yaml:"category" required:"true" doc:"category, e.g. sécurité, archives, sobriété"`
	Description rules.Text       `yaml:"description" doc:"what the project does"`
	Assumption  rules.Text       `yaml:"assumption" doc:"what is estimated or illustrative"`
	Source      rules.Text       `yaml:"source" doc:"where the figures come from"`
	Years       *rules.YearRange `yaml:"years" required:"true" doc:"years the project runs"`
	// The constraints of a selection: see projects_plan.go.
	Mandatory       *rules.Bool       `yaml:"mandatory" doc:"true: in every selected portfolio (security, a legal obligation)"`
	MandatoryReason rules.Text        `yaml:"mandatory_reason" doc:"why it is mandatory"`
	Start           *rules.YearRange  `yaml:"start" doc:"years it may start in, e.g. {from: 2027, to: 2029}: a selection schedules it; its values move with its start"`
	Requires        []RequirementSpec `yaml:"requires" doc:"requests that must have started before it"`
	Excludes        []rules.Text      `yaml:"excludes" doc:"alternatives: requests that cannot be selected with it"`
}

// ProjectLine is one effort or gain.
type ProjectLine struct {
	Label       rules.Text            `yaml:"label" required:"true" doc:"what the line is"`
	Dimension   rules.Text            `yaml:"dimension" required:"true" doc:"financial (EUR), hr (ETC) or environmental (kgCO2e)"`
	Side        rules.Text            `yaml:"side" required:"true" doc:"effort or gain"`
	Kind        rules.Text            `yaml:"kind" doc:"investment, running, savings; build, run, freed; manufacturing, energy, avoided"`
	Values      rules.Map[rules.Expr] `yaml:"values" required:"true" doc:"value per year (a number or an expression over the rules' parameters), positive"`
	Uncertainty *UncertaintySpec      `yaml:"uncertainty" doc:"the law of a factor scaling every year's value (1 = as written)"`
	Source      rules.Text            `yaml:"source" doc:"where the figure comes from"`
	Assumption  rules.Text            `yaml:"assumption" doc:"why the figure is an estimate"`
}

// UncertaintySpec is the law of a line's factor.
type UncertaintySpec struct {
	Distribution rules.Text    `yaml:"distribution" required:"true" doc:"triangular, pert, normal, lognormal or uniform"`
	Low          *rules.Number `yaml:"low" doc:"lowest factor (triangular, pert, uniform)"`
	Mode         *rules.Number `yaml:"mode" doc:"most likely factor (triangular, pert)"`
	High         *rules.Number `yaml:"high" doc:"highest factor (triangular, pert, uniform)"`
	Mean         *rules.Number `yaml:"mean" doc:"mean factor (normal); mean of the factor's logarithm (lognormal)"`
	SD           *rules.Number `yaml:"sd" doc:"standard deviation of the factor (normal), of its logarithm (lognormal)"`
}

// EvaluationSpec says how requests are valued: expressions over the rules.
type EvaluationSpec struct {
	Scenario     rules.Text       `yaml:"scenario" doc:"scenario whose values (costs, parameters) the evaluation reads"`
	Years        *rules.YearRange `yaml:"years" required:"true" doc:"the horizon of the evaluation"`
	BaseYear     rules.Int        `yaml:"base_year" required:"true" doc:"year amounts are discounted to"`
	DiscountRate rules.Expr       `yaml:"discount_rate" required:"true" doc:"discount rate, e.g. taux_actualisation"`
	ETCCost      rules.Expr       `yaml:"etc_cost" required:"true" doc:"cost of an ETC for a year, EUR"`
	CarbonValue  rules.Expr       `yaml:"carbon_value" required:"true" doc:"value of a kgCO2e for a year, EUR"`
	Description  rules.Text       `yaml:"description" doc:"notes on the method"`
	// Dimensions declares dimensions beyond the three standard ones.
	Dimensions rules.Map[DimensionSpec] `yaml:"dimensions" doc:"more ways to weigh the requests, by id (e.g. social): unit, label and value"`
	// Scoring, Commitments and Limits: see projects_plan.go.
	Scoring     *ScoringSpec              `yaml:"scoring" doc:"criteria beyond money, with their weights and scales"`
	Commitments rules.Map[CommitmentSpec] `yaml:"commitments" doc:"indicators the service has committed to (Numérique Responsable label), with a target per year"`
	Limits      *LimitsSpec               `yaml:"limits" doc:"limits of a selection per year, unless the command line gives others"`
}

// DimensionSpec declares a dimension of its own: what it counts, how it is
// shown and what a unit is worth, if anything.
type DimensionSpec struct {
	Label       rules.Text `yaml:"label" required:"true" doc:"name shown in French, e.g. Usagers servis"`
	LabelEN     rules.Text `yaml:"label_en" doc:"name shown in English (the French one when left out)"`
	Unit        rules.Text `yaml:"unit" required:"true" doc:"what it counts, e.g. personnes"`
	Decimals    *rules.Int `yaml:"decimals" doc:"places its figures are shown with, 0 to 6 (2 when left out)"`
	Value       rules.Expr `yaml:"value" doc:"EUR one unit is worth in a year, an expression over the rules' parameters; left out, the dimension is shown but never monetized"`
	Description rules.Text `yaml:"description" doc:"what it measures"`
	Source      rules.Text `yaml:"source" doc:"where the value comes from"`
	Assumption  rules.Text `yaml:"assumption" doc:"why the value is an estimate"`
}

// Projects is a folder of project requests with its evaluation settings,
// decoded but not compiled: compiling needs the rule set the expressions
// read.
type Projects struct {
	Files      []NamedProject
	Evaluation *EvaluationSpec
	evalPath   string
	// Skipped are the files of the folder not read because quotepart
	// wrote them (rules.OutputSchema): warnings.
	Skipped diag.List
	inputs  []rules.Input
}

// Inputs are the files of the folder, the evaluation settings included,
// in name order.
func (p *Projects) Inputs() []rules.Input { return p.inputs }

// NamedProject is a decoded project file and its path.
type NamedProject struct {
	Path string
	File *ProjectFile
}

// IDs lists the project ids in file order.
func (p *Projects) IDs() []string {
	var ids []string
	for _, f := range p.Files {
		ids = append(ids, f.File.Project.ID.Value)
	}
	return ids
}

// LoadProjects reads the project files directly inside dir of fsys. A
// missing folder is no error: it means no project (nil, nil). Outputs of
// quotepart found there are skipped, and listed in Skipped.
func LoadProjects(fsys fs.FS, dir, display string) (*Projects, error) {
	if info, err := fs.Stat(fsys, dir); err != nil || !info.IsDir() {
		return nil, nil
	}
	sources, err := rules.ReadFolder(fsys, dir, display, "the projects folder", rules.IsRuleFile)
	if err != nil {
		return nil, err
	}
	ps := &Projects{}
	var errs diag.List
	seen := map[string]diag.Pos{}
	formulas := 0 // expressions read so far, against rules.MaxFormulas
	for _, src := range sources {
		name, data := src.Path, src.Data
		if src.Skipped != nil {
			ps.Skipped = append(ps.Skipped, src.Skipped)
			continue
		}
		if src.Err != nil {
			errs = append(errs, src.Err)
			continue
		}
		f := new(ProjectFile)
		if err := rules.Decode(name, data, f); err != nil {
			errs.Add(err)
			continue
		}
		if err := f.limits(&formulas); err != nil {
			errs = append(errs, err)
			break // past a limit, the rest of the folder is not read
		}
		ps.inputs = append(ps.inputs, rules.NewInput(name, data))
		switch {
		case f.Evaluation != nil && f.Project == nil && len(f.Lines) == 0:
			if ps.Evaluation != nil {
				errs.Addf(f.Evaluation.BaseYear.Pos, diag.Invalid, "evaluation settings are declared twice: first in %s", ps.evalPath)
				continue
			}
			ps.Evaluation, ps.evalPath = f.Evaluation, name
		case f.Project != nil && f.Evaluation == nil:
			id := f.Project.ID
			if prev, ok := seen[id.Value]; ok {
				errs.Addf(id.Pos, diag.Invalid, "project %s is declared twice: first at %s", id.Value, prev)
				continue
			}
			seen[id.Value] = id.Pos
			ps.Files = append(ps.Files, NamedProject{Path: name, File: f})
		default:
			errs.Addf(diag.Pos{File: name}, diag.Invalid, "a project file has a project: section and lines:, an evaluation file an evaluation: section, and not both")
		}
	}
	if len(ps.Files) > 0 && ps.Evaluation == nil {
		errs.Addf(diag.Pos{File: display}, diag.NotFound, "no evaluation settings (a file with an evaluation: section) among the project files")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return ps, nil
}

// limits checks the years of a project file and adds its expressions to
// count, against the limits of rule sets (rules.MaxYears,
// rules.MaxFormulas): every expression compiles once, for every rule set
// the requests are evaluated on.
func (f *ProjectFile) limits(count *int) *diag.Error {
	if f.Project != nil {
		if err := yearSpan(f.Project.Years, "project "+f.Project.ID.Value); err != nil {
			return err
		}
	}
	if ev := f.Evaluation; ev != nil {
		if err := yearSpan(ev.Years, "evaluation"); err != nil {
			return err
		}
		*count += 3 + 2*len(ev.Dimensions.Entries) // the rates, the cost of an ETC, the value of carbon; each dimension's
	}
	for i := range f.Lines {
		l := &f.Lines[i]
		before := *count
		*count += len(l.Values.Entries)
		if before <= rules.MaxFormulas && *count > rules.MaxFormulas {
			return diag.Errorf(l.Label.Pos, diag.Limit, "too many expressions among the project requests: more than %s, the limit of expressions in a rule set", formula.Thousands(rules.MaxFormulas))
		}
	}
	return nil
}

// Compiled is a projects folder compiled against a rule set.
type Compiled struct {
	Projects  []engine.Project
	Valuation engine.Valuation
	Horizon   engine.Horizon
	// Scenario is the scenario whose values the evaluation reads.
	Scenario string
	// Scoring scores the requests (nil without criteria); Commitments
	// are the indicators they move; Limits bound a selection unless the
	// command line gives others.
	Scoring     *engine.Scoring
	Commitments []engine.Commitment
	Limits      engine.Limits
}

var (
	sides = map[string]engine.Side{"effort": engine.Effort, "gain": engine.Gain}
	laws  = map[string]engine.Distribution{"triangular": engine.Triangular, "pert": engine.PERT,
		"normal": engine.Normal, "lognormal": engine.LogNormal, "uniform": engine.Uniform}
)

// Compile compiles every project line and the evaluation settings against
// a built rule set, in the environment opts choose (rules.WithFormulas) or
// in a new one. ids, when given, chooses the projects.
func (ps *Projects) Compile(m *engine.Model, ids []string, opts ...rules.Option) (*Compiled, error) {
	env := m.GlobalEnv()
	formulas := rules.WithFormulas(rules.Formulas(opts...))
	ev := ps.Evaluation
	var errs diag.List
	c := &Compiled{Horizon: engine.Horizon{From: ev.Years.From.Value, To: ev.Years.To.Value}, Scenario: ev.Scenario.Value}
	if c.Horizon.From > c.Horizon.To || c.Horizon.From < m.FirstYear || c.Horizon.To > m.LastYear {
		errs.Addf(ev.Years.From.Pos, diag.Invalid, "evaluation years %d–%d must lie within the years the rules cover, %d–%d", c.Horizon.From, c.Horizon.To, m.FirstYear, m.LastYear)
	}
	c.Valuation.BaseYear = ev.BaseYear.Value
	if c.Valuation.BaseYear < c.Horizon.From || c.Valuation.BaseYear > c.Horizon.To {
		errs.Addf(ev.BaseYear.Pos, diag.Invalid, "the base year %d is outside the evaluation years %d–%d", c.Valuation.BaseYear, c.Horizon.From, c.Horizon.To)
	}
	compile := func(x rules.Expr, what string) *engine.Formula {
		f, err := rules.CompileExpr(x, env, what, formulas)
		errs.Add(err)
		return f
	}
	c.Valuation.DiscountRate = compile(ev.DiscountRate, "the discount rate")
	c.Valuation.Dimensions = ev.dimensions(compile, &errs)
	c.Scoring = ev.scoring(&errs)
	c.Commitments = ev.commitments(c.Horizon, c.Valuation.Dimensions, &errs)
	c.Limits = ev.limits(c.Horizon, &errs)
	ps.checkPlan(c, &errs)
	known := ps.IDs()
	for _, id := range ids {
		if !slices.Contains(known, id) {
			errs.Addf(diag.Pos{}, diag.NotFound, "unknown project %q%s; known: %s", id, diag.Suggest(id, known), strings.Join(known, ", "))
		}
	}
	for _, nf := range ps.Files {
		h := nf.File.Project
		if len(ids) > 0 && !slices.Contains(ids, h.ID.Value) {
			continue
		}
		p := engine.Project{ID: h.ID.Value, Title: h.Title.Value, Category: h.Category.Value,
			Description: h.Description.Value, Assumption: h.Assumption.Value,
			FirstYear: h.Years.From.Value, LastYear: h.Years.To.Value, Pos: h.ID.Pos}
		if p.FirstYear > p.LastYear || p.FirstYear < c.Horizon.From || p.LastYear > c.Horizon.To {
			errs.Addf(h.Years.From.Pos, diag.Invalid, "project %s: years %d–%d must lie within the evaluation years %d–%d", p.ID, p.FirstYear, p.LastYear, c.Horizon.From, c.Horizon.To)
		}
		for _, r := range h.RequestedBy {
			if !slices.ContainsFunc(m.Members, func(mem engine.Member) bool { return mem.ID == r.Value }) {
				errs.Addf(r.Pos, diag.NotFound, "project %s: %q is not a member%s", p.ID, r.Value, diag.Suggest(r.Value, memberIDs(m)))
			}
			p.RequestedBy = append(p.RequestedBy, r.Value)
		}
		if len(nf.File.Lines) == 0 {
			errs.Addf(h.ID.Pos, diag.Invalid, "project %s has no line: give its efforts and gains under lines:", p.ID)
		}
		for li := range nf.File.Lines {
			if l, ok := compileLine(&nf.File.Lines[li], &p, c.Valuation.Dimensions, compile, &errs); ok {
				p.Lines = append(p.Lines, l)
			}
		}
		planProject(nf.File, &p, c, compile, &errs)
		c.Projects = append(c.Projects, p)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func memberIDs(m *engine.Model) []string {
	var ids []string
	for _, mem := range m.Members {
		ids = append(ids, mem.ID)
	}
	return ids
}

func compileLine(pl *ProjectLine, p *engine.Project, dims []engine.Dimension, compile func(rules.Expr, string) *engine.Formula, errs *diag.List) (engine.Line, bool) {
	what := fmt.Sprintf("project %s, line %q", p.ID, pl.Label.Value)
	l := engine.Line{Label: pl.Label.Value, Kind: pl.Kind.Value, Values: map[int]*engine.Formula{}, Pos: pl.Label.Pos}
	ok := true
	ids := make([]string, len(dims))
	for i := range dims {
		ids[i] = dims[i].ID
	}
	if d := slices.Index(ids, pl.Dimension.Value); d >= 0 {
		l.Dim = d
	} else {
		errs.Addf(pl.Dimension.Pos, diag.Invalid, "%s: unknown dimension %q%s; expected %s", what, pl.Dimension.Value, diag.Suggest(pl.Dimension.Value, ids), orList(ids))
		ok = false
	}
	if s, found := sides[pl.Side.Value]; found {
		l.Side = s
	} else {
		errs.Addf(pl.Side.Pos, diag.Invalid, "%s: unknown side %q; expected effort or gain", what, pl.Side.Value)
		ok = false
	}
	for _, e := range pl.Values.Entries {
		y, err := strconv.Atoi(e.Key)
		if err != nil || y < p.FirstYear || y > p.LastYear {
			errs.Addf(e.KeyPos, diag.Invalid, "%s: %q is not a year of the project, %d–%d", what, e.Key, p.FirstYear, p.LastYear)
			ok = false
			continue
		}
		if f := compile(e.Value, fmt.Sprintf("%s, year %d", what, y)); f != nil {
			l.Values[y] = f
		}
	}
	if u := pl.Uncertainty; u != nil {
		law, found := laws[u.Distribution.Value]
		if !found {
			errs.Addf(u.Distribution.Pos, diag.Invalid, "%s: unknown distribution %q%s; expected triangular, pert, normal, lognormal or uniform", what, u.Distribution.Value, diag.Suggest(u.Distribution.Value, []string{"triangular", "pert", "normal", "lognormal", "uniform"}))
			return l, false
		}
		eu := &engine.Uncertainty{Dist: law, Pos: u.Distribution.Pos}
		need := map[engine.Distribution][]string{engine.Triangular: {"low", "mode", "high"}, engine.PERT: {"low", "mode", "high"},
			engine.Uniform: {"low", "high"}, engine.Normal: {"mean", "sd"}, engine.LogNormal: {"mean", "sd"}}[law]
		given := map[string]*rules.Number{"low": u.Low, "mode": u.Mode, "high": u.High, "mean": u.Mean, "sd": u.SD}
		for name, n := range given {
			if n != nil && !slices.Contains(need, name) {
				errs.Addf(n.Pos, diag.Invalid, "%s: a %s law takes %s, not %s", what, u.Distribution.Value, strings.Join(need, ", "), name)
				ok = false
			}
		}
		for _, name := range need {
			if given[name] == nil {
				errs.Addf(u.Distribution.Pos, diag.Invalid, "%s: a %s law needs %s", what, u.Distribution.Value, strings.Join(need, ", "))
				return l, false
			}
		}
		f := func(n *rules.Number) float64 {
			if n == nil {
				return 0
			}
			return n.Value.InexactFloat64()
		}
		eu.Low, eu.Mode, eu.High, eu.Mean, eu.SD = f(u.Low), f(u.Mode), f(u.High), f(u.Mean), f(u.SD)
		if err := eu.Validate(); err != nil {
			errs.Addf(u.Distribution.Pos, diag.Invalid, "%s: %v", what, err)
			ok = false
		}
		l.Uncertainty = eu
	}
	return l, ok
}

// dimensions are the standard dimensions, priced by the evaluation's cost
// of an ETC and value of carbon, then those the evaluation declares.
func (ev *EvaluationSpec) dimensions(compile func(rules.Expr, string) *engine.Formula, errs *diag.List) []engine.Dimension {
	dims := engine.StandardDimensions()
	dims[engine.Staff].Price = compile(ev.ETCCost, dims[engine.Staff].PriceName)
	dims[engine.Carbon].Price = compile(ev.CarbonValue, dims[engine.Carbon].PriceName)
	for _, e := range ev.Dimensions.Entries {
		spec := &e.Value
		if slices.ContainsFunc(dims, func(d engine.Dimension) bool { return d.ID == e.Key }) {
			errs.Addf(e.KeyPos, diag.Invalid, "dimension %s is declared twice (financial, hr and environmental are standard)", e.Key)
			continue
		}
		if !formula.ValidName(e.Key) {
			errs.Addf(e.KeyPos, diag.Invalid, "dimension id %q: expected letters, digits and underscores, starting with a letter", e.Key)
			continue
		}
		d := engine.Dimension{ID: e.Key, Unit: spec.Unit.Value, Decimals: decimals(spec.Decimals, "dimension "+e.Key, 2, errs), LabelFR: spec.Label.Value, LabelEN: spec.LabelEN.Value,
			Valued: engine.NotValued, Flows: engine.NoFlow, PriceName: "the value of one " + spec.Unit.Value + " (" + e.Key + ")",
			PriceLabelFR: "Valeur d'une unité — " + spec.Label.Value + " (" + spec.Unit.Value + ")",
			PriceLabelEN: "Value of one unit — " + cmp.Or(spec.LabelEN.Value, spec.Label.Value) + " (" + spec.Unit.Value + ")",
			Description:  spec.Description.Value, Source: spec.Source.Value, Assumption: spec.Assumption.Value}
		if spec.Value.Set {
			d.Valued, d.Price = engine.ByPrice, compile(spec.Value, d.PriceName)
		}
		dims = append(dims, d)
	}
	return dims
}

// decimals reads the places a figure is shown with, 0 to 6; def when
// left out.
func decimals(n *rules.Int, what string, def int32, errs *diag.List) int32 {
	if n == nil {
		return def
	}
	if n.Value < 0 || n.Value > 6 {
		errs.Addf(n.Pos, diag.Invalid, "%s: decimals must be a whole number from 0 to 6, found %d", what, n.Value)
	}
	return int32(n.Value)
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
