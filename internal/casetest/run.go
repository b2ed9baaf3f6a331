package casetest

import (
	"cmp"
	"context"
	"fmt"
	"github.com/quotepart/quotepart/internal/app"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/shopspring/decimal"
)

// Options choose what runs.
type Options struct {
	// Run selects the cases whose name it matches; nil runs every case.
	Run *regexp.Regexp
	// Coverage computes which rules and parameters the cases read.
	Coverage bool
}

// Status is the outcome of a case.
type Status string

const (
	Passed  Status = "passed"
	Failed  Status = "failed"  // some value differs from the expected one
	Errored Status = "errored" // the rules failed at run time (keys not summing to 1, division by zero)
)

// Report is the outcome of a run, in the order of the files and of the
// cases inside them.
type Report struct {
	Cases []CaseResult
	// Coverage is set when Options.Coverage asked for it.
	Coverage *Coverage
	// Provenance is the version and the files the cases read: the
	// rules, scenarios and projects they ran on, and the test files.
	Provenance reports.Provenance
	// Skipped are the files the loaders passed over (outputs of quotepart
	// left in a folder they read), for the caller to warn about.
	Skipped diag.List
}

// Counts returns the number of cases that passed, failed and errored.
func (r *Report) Counts() (passed, failed, errored int) {
	for _, c := range r.Cases {
		switch c.Status {
		case Passed:
			passed++
		case Failed:
			failed++
		case Errored:
			errored++
		}
	}
	return
}

// OK reports whether every case passed.
func (r *Report) OK() bool {
	_, f, e := r.Counts()
	return f == 0 && e == 0
}

// CaseResult is the outcome of one case.
type CaseResult struct {
	Name string
	// File is the test file; Pos is where the case's name is written.
	File     string
	Pos      diag.Pos
	Scenario string // "" for the rules alone
	Years    []int
	Status   Status
	Checks   []Check
	// Err is the run-time error of an Errored case.
	Err error
}

// Failures returns the checks that failed.
func (c *CaseResult) Failures() []Check {
	var out []Check
	for _, ch := range c.Checks {
		if !ch.Passed {
			out = append(out, ch)
		}
	}
	return out
}

// Check is one expected value in one year, compared with the actual one.
type Check struct {
	// Pos is where the expected value is written.
	Pos     diag.Pos
	Year    int
	Subject string // "member ville", "pool masse_salariale", "year"
	Measure string // key, amount, fees, billed, total, value
	// Months is set when the value changes within the year and this check
	// is about part of it ("months 5–12").
	Months                       string
	Expected, Actual, Difference decimal.Decimal
	// Absolute and Relative are the tolerances applied; both nil means
	// the values must be equal.
	Absolute, Relative *decimal.Decimal
	Passed             bool
	// Problem says why no actual value could be read; the check failed.
	Problem string
}

// Tolerance words the tolerance of a check: "exact", "±0.005",
// "±4.5 (relative 0.01)".
func (c *Check) Tolerance() string {
	var parts []string
	if c.Absolute != nil {
		parts = append(parts, "±"+c.Absolute.String())
	}
	if c.Relative != nil {
		parts = append(parts, fmt.Sprintf("±%s (relative %s)", c.Relative.Mul(c.Expected.Abs()).String(), c.Relative.String()))
	}
	if len(parts) == 0 {
		return "exact"
	}
	return strings.Join(parts, " and ")
}

// Run prepares every selected case, then runs them. Mistakes in the test
// files (an unknown scenario, member, pool, rule or parameter, a year the
// rules do not cover, a member absent in a year checked) are returned as an
// error, a diag.List, and nothing runs. Otherwise the Report says which
// cases passed.
func Run(ctx context.Context, ws *app.Workspace, files []*Loaded, opt Options) (*Report, error) {
	r, todo := prepareAll(ctx, ws, files, opt)
	if err := r.errs.Err(); err != nil {
		return nil, err
	}
	rep := &Report{}
	var cov *coverer
	if opt.Coverage {
		cov = newCoverer(ws.Rules.Model)
	}
	for _, p := range todo {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rep.Cases = append(rep.Cases, r.run(ctx, p, cov))
	}
	if cov != nil {
		rep.Coverage = cov.result()
	}
	return rep, nil
}

// Validate checks, without running them, that the selected cases name
// scenarios, members, pools, rules, parameters and years that exist; it
// returns every mistake found, as Run would.
func Validate(ctx context.Context, ws *app.Workspace, files []*Loaded, opt Options) error {
	r, _ := prepareAll(ctx, ws, files, opt)
	return r.errs.Err()
}

func prepareAll(ctx context.Context, ws *app.Workspace, files []*Loaded, opt Options) (*runner, []*preparedCase) {
	r := &runner{ws: ws, sets: map[string]*caseSet{}, results: map[resultKey]*runResult{}}
	var todo []*preparedCase
	for _, f := range files {
		for i := range f.File.Tests {
			c := &f.File.Tests[i]
			if opt.Run != nil && !opt.Run.MatchString(c.Name.Value) {
				continue
			}
			if p := r.prepare(ctx, f.Path, c); p != nil {
				todo = append(todo, p)
			}
		}
	}
	return r, todo
}

type runner struct {
	ws      *app.Workspace
	errs    diag.List
	sets    map[string]*caseSet
	results map[resultKey]*runResult
}

// caseSet is a rule set a case runs on, shared by the cases with the same
// scenario and no overrides.
type caseSet struct {
	scenario string
	set      *rules.Set
	from, to int
	err      error
}

type resultKey struct {
	set      *rules.Set
	from, to int
}

type runResult struct {
	res *engine.Result
	err error
}

type preparedCase struct {
	file  string
	c     *Case
	set   *caseSet
	years []int
	// years per expectation
	expectYears [][]int
	kinds       []*kind
}

// ruleSet builds the rule set of a case: the rules, the scenario chain,
// the case's overrides.
func (r *runner) ruleSet(ctx context.Context, file string, c *Case) *caseSet {
	key := "\x00" + c.Scenario.Value
	if c.Overrides == nil {
		if cs, ok := r.sets[key]; ok {
			return cs
		}
	}
	cs := &caseSet{scenario: c.Scenario.Value}
	var chain []*scenarios.Scenario
	if c.Scenario.Set {
		var s *scenarios.Scenario
		var err error
		if len(r.ws.Scenarios.All()) == 0 {
			err = diag.Errorf(c.Scenario.Pos, diag.NotFound, "scenario %q: there is no scenario folder (give --scenarios DIR)", c.Scenario.Value)
		} else if s, err = r.ws.Scenarios.Get(c.Scenario.Value); err != nil {
			err = diag.Errorf(c.Scenario.Pos, diag.NotFound, "scenario: %s", diag.Flatten(err)[0].Msg)
		}
		if err == nil {
			chain, err = r.ws.Scenarios.Chain(s)
		}
		if err != nil {
			cs.err = err
			return r.keep(key, c, cs)
		}
	}
	if o := c.Overrides; o != nil {
		chain = append(chain, &scenarios.Scenario{
			ID: "overrides", Title: c.Name.Value, Path: file,
			File: &scenarios.File{
				Scenario: &scenarios.Header{ID: rules.Text{Value: "overrides"}, Title: c.Name},
				Add:      o.Add, Parameters: o.Parameters, Rules: o.Rules, Members: o.Members, ETC: o.ETC, Amounts: o.Amounts, Portfolio: o.Portfolio,
			},
		})
	}
	job := r.ws.RulesJob()
	if len(chain) > 0 {
		var err error
		if job, err = r.ws.BuildChain(ctx, chain); err != nil {
			cs.err = err
			return r.keep(key, c, cs)
		}
	}
	cs.set, cs.from, cs.to = job.Set, job.From, job.To
	return r.keep(key, c, cs)
}

func (r *runner) keep(key string, c *Case, cs *caseSet) *caseSet {
	if c.Overrides == nil {
		r.sets[key] = cs
	}
	return cs
}

// prepare builds a case's rule set and checks every name and year it
// expects; it returns nil after recording errors.
func (r *runner) prepare(ctx context.Context, file string, c *Case) *preparedCase {
	cs := r.ruleSet(ctx, file, c)
	if cs.err != nil {
		r.errs.Add(cs.err)
		return nil
	}
	m := cs.set.Model
	p := &preparedCase{file: file, c: c, set: cs}
	nerr := len(r.errs)
	firstYear := max(m.FirstYear, m.Start.Year)
	if len(c.Years) == 0 {
		for y := cs.from; y <= cs.to; y++ {
			p.years = append(p.years, y)
		}
	}
	for _, y := range c.Years {
		if y.Value < firstYear || y.Value > m.LastYear {
			r.errs.Addf(y.Pos, diag.NotFound, "year %d is not a year the rules cover: %d–%d", y.Value, firstYear, m.LastYear)
			continue
		}
		p.years = append(p.years, y.Value)
	}
	slices.Sort(p.years)
	for i := range c.Expect {
		e := &c.Expect[i]
		k, ok := kindOf(e)
		p.kinds = append(p.kinds, k)
		if !ok {
			p.expectYears = append(p.expectYears, nil)
			continue // reported when decoding
		}
		if err := k.resolve(m, e); err != nil {
			r.errs.Add(err)
			p.expectYears = append(p.expectYears, nil)
			continue
		}
		years := p.years
		if e.Year.Set {
			if !slices.Contains(p.years, e.Year.Value) {
				r.errs.Addf(e.Year.Pos, diag.NotFound, "year %d is not among the years of the case: %s", e.Year.Value, yearList(p.years))
			}
			years = []int{e.Year.Value}
		}
		if e.Member.Set {
			for _, y := range years {
				if mem := member(m, e.Member.Value); mem != nil && !activeIn(m, mem, y) {
					r.errs.Addf(e.Member.Pos, diag.NotFound, "%s is not a member in %d (member from %s%s); the members that year are: %s",
						mem.ID, y, mem.Joined, prefixed(" to ", leftText(mem), ""), strings.Join(membersIn(m, y), ", "))
					break
				}
			}
		}
		p.expectYears = append(p.expectYears, years)
	}
	if len(r.errs) > nerr {
		return nil
	}
	return p
}

func leftText(m *engine.Member) string {
	if m.Left.IsZero() {
		return ""
	}
	return m.Left.String()
}

func yearList(years []int) string {
	s := make([]string, len(years))
	for i, y := range years {
		s[i] = fmt.Sprint(y)
	}
	return strings.Join(s, ", ")
}

func member(m *engine.Model, id string) *engine.Member {
	for i := range m.Members {
		if m.Members[i].ID == id {
			return &m.Members[i]
		}
	}
	return nil
}

// activeIn reports whether a member is billed in year y: a member on the
// first day of some month the service is in effect, as the engine counts.
func activeIn(m *engine.Model, mem *engine.Member, y int) bool {
	for month := time.January; month <= time.December; month++ {
		d := engine.NewDate(y, month, 1)
		if !d.Before(m.Start) && mem.ActiveOn(d) {
			return true
		}
	}
	return false
}

func membersIn(m *engine.Model, y int) []string {
	var ids []string
	for i := range m.Members {
		if activeIn(m, &m.Members[i], y) {
			ids = append(ids, m.Members[i].ID)
		}
	}
	return ids
}

// result runs a rule set over years, once per set and years.
func (r *runner) result(ctx context.Context, set *rules.Set, from, to int) (*engine.Result, error) {
	k := resultKey{set, from, to}
	if rr, ok := r.results[k]; ok {
		return rr.res, rr.err
	}
	res, err := engine.Run(ctx, set.Model, engine.Options{From: from, To: to})
	r.results[k] = &runResult{res, err}
	return res, err
}

func (r *runner) run(ctx context.Context, p *preparedCase, cov *coverer) CaseResult {
	c := p.c
	out := CaseResult{Name: c.Name.Value, File: p.file, Pos: c.Name.Pos, Scenario: c.Scenario.Value, Years: p.years, Status: Passed}
	m := p.set.set.Model
	res, err := r.result(ctx, p.set.set, p.years[0], p.years[len(p.years)-1])
	if err != nil {
		out.Status, out.Err = Errored, err
		return out
	}
	years := map[int]*engine.Year{}
	for i := range res.Years {
		years[res.Years[i].Year] = &res.Years[i]
	}
	for i := range c.Expect {
		e := &c.Expect[i]
		k := p.kinds[i]
		abs, rel := c.AbsoluteError, c.RelativeError
		if e.AbsoluteError != nil || e.RelativeError != nil {
			abs, rel = e.AbsoluteError, e.RelativeError
		}
		for _, y := range p.expectYears[i] {
			year := years[y]
			if cov != nil {
				cov.expectation(m, y, k, e)
			}
			for _, ms := range e.measures() {
				out.Checks = append(out.Checks, compare(m, year, k, e, ms, abs, rel)...)
			}
		}
	}
	if len(out.Failures()) > 0 {
		out.Status = Failed
	}
	return out
}

// compare reads a measure in a year and compares it with the expected
// value: one check, or one per part of the year that failed.
func compare(m *engine.Model, y *engine.Year, k *kind, e *Expectation, ms measure, abs, rel *rules.Number) []Check {
	base := Check{Pos: ms.value.Pos, Year: y.Year, Subject: e.subject(), Measure: ms.key, Expected: ms.value.Value}
	if abs != nil {
		v := abs.Value
		base.Absolute = &v
	}
	if rel != nil {
		v := rel.Value
		base.Relative = &v
	}
	readings, err := k.read(m, y, e, ms.key)
	if err != nil {
		base.Problem = err.Error()
		return []Check{base}
	}
	var failed []Check
	var spans [][]reading // the segments of each failure in failed
	var first Check
	for i, rd := range readings {
		ch := base
		ch.Actual = rd.value
		ch.Difference = rd.value.Sub(ch.Expected)
		ch.Passed = within(ch.Difference, ch.Expected, ch.Absolute, ch.Relative)
		if i == 0 {
			first = ch
		}
		if ch.Passed {
			continue
		}
		// The same wrong value in several segments is one failure.
		if j := slices.IndexFunc(failed, func(f Check) bool { return f.Actual.Equal(ch.Actual) }); j >= 0 {
			spans[j] = append(spans[j], rd)
			continue
		}
		ch.Months = rd.months
		failed = append(failed, ch)
		spans = append(spans, []reading{rd})
	}
	for j := range failed {
		if len(spans[j]) > 1 {
			failed[j].Months = monthSpans(spans[j], len(y.Segments))
		}
	}
	if len(failed) > 0 {
		return failed
	}
	return []Check{first}
}

// monthSpans words the segments that share one failure: "" when they are
// every segment of the year, otherwise their months, adjacent segments
// joined ("months 1–6", "months 1–4, 9–12").
func monthSpans(rs []reading, segments int) string {
	if len(rs) == segments {
		return ""
	}
	type span struct{ from, to int }
	var spans []span
	for _, r := range rs { // in the year's order
		if n := len(spans); n > 0 && spans[n-1].to+1 == r.from {
			spans[n-1].to = r.from + r.n - 1
			continue
		}
		spans = append(spans, span{r.from, r.from + r.n - 1})
	}
	if len(spans) == 1 {
		return monthRange(spans[0].from, spans[0].to-spans[0].from+1)
	}
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = strconv.Itoa(s.from)
		if s.to > s.from {
			parts[i] += "–" + strconv.Itoa(s.to)
		}
	}
	return "months " + strings.Join(parts, ", ")
}

// within reports whether diff is allowed: equal to zero when no tolerance
// is given, otherwise within every tolerance given.
func within(diff, expected decimal.Decimal, abs, rel *decimal.Decimal) bool {
	d := diff.Abs()
	if abs == nil && rel == nil {
		return d.IsZero()
	}
	if abs != nil && d.GreaterThan(*abs) {
		return false
	}
	if rel != nil && d.GreaterThan(rel.Mul(expected.Abs())) {
		return false
	}
	return true
}

// sortUnits orders coverage units by position.
func sortUnits(us []Unit) {
	slices.SortStableFunc(us, func(a, b Unit) int {
		if c := a.Pos.Compare(b.Pos); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
}
