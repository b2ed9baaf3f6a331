package whatif

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/shopspring/decimal"
)

// Simulator computes what-ifs on a workspace. It is read-only once built
// and safe for concurrent use.
type Simulator struct {
	ws       *app.Workspace
	bases    []*Base
	byID     map[string]*Base
	projects []Project
	// fileID is the id of the generated scenario, one the catalog lacks.
	fileID string
}

// Base is a scenario the page starts from, built and run once. Its Job is
// the rules alone when the workspace has no scenario: the what-if then
// applies to the rules.
type Base struct {
	*app.Job
	Model  *engine.Model
	Result *engine.Result
	// Portfolio is the one the chain adopts, or nil.
	Portfolio *scenarios.Portfolio
	// Units are the staff units (parameters counted in ETC that a pool's
	// amount reads); KeyParams the other parameters the reference key
	// reads; FeeParam the parameter the fee rate is, when it is one.
	Units     []Param
	KeyParams []Param
	FeeParam  *Param
}

// Param is a parameter the page lets the user change.
type Param struct {
	Name, Label, Unit string
	// Percent says the page shows and reads the value × 100, with a %.
	Percent bool
	Values  []engine.Dated
}

// Project is a project request the page offers, with its net over the
// evaluation's horizon in each dimension.
type Project struct {
	ID, Title, Category string
	Nets                []engine.DimensionFigures
}

// New builds and runs every scenario of the workspace (or the rules alone
// when there is none), as the baselines of the what-ifs.
func New(ctx context.Context, ws *app.Workspace) (*Simulator, error) {
	if ws == nil || ws.Rules == nil || ws.Rules.Model == nil {
		return nil, errors.New("whatif: no rule set")
	}
	s := &Simulator{ws: ws, byID: map[string]*Base{}}
	jobs, err := ws.Resolve(ctx, nil)
	if err != nil {
		return nil, err
	}
	for _, j := range jobs {
		res, err := j.Run(ctx, 0, 0)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", j.ID, err)
		}
		b := &Base{Job: j, Model: j.Model(), Result: res, Portfolio: j.Portfolio()}
		b.Units, b.KeyParams, b.FeeParam = adjustable(b.Model)
		s.bases = append(s.bases, b)
		s.byID[b.ID] = b
	}
	if ws.HasProjects() {
		a, err := ws.AssessRequests(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("project requests: %w", err)
		}
		for i := range a.Set {
			p := a.Set[i].Project
			s.projects = append(s.projects, Project{ID: p.ID, Title: p.Title, Category: p.Category,
				Nets: engine.Figures(a.Set[i : i+1]).Dimensions})
		}
		slices.SortFunc(s.projects, func(a, b Project) int { return strings.Compare(a.ID, b.ID) })
	}
	s.fileID = "simulation"
	for i := 2; s.byID[s.fileID] != nil; i++ {
		s.fileID = fmt.Sprintf("simulation-%d", i)
	}
	return s, nil
}

// Base returns the scenario with the given id, or nil.
func (s *Simulator) Base(id string) *Base { return s.byID[id] }

// Default is the scenario the page shows first: the baseline.
func (s *Simulator) Default() *Base { return s.bases[0] }

// adjustable finds what the page offers on a model: the staff units (ETC
// parameters a pool's amount reads), the parameters the reference key
// reads (the others), and the fee-rate parameter, each in the order of
// the rule files.
func adjustable(m *engine.Model) (units, keyParams []Param, fee *Param) {
	rulesByName := map[string]*engine.Rule{}
	for i := range m.Rules {
		rulesByName[m.Rules[i].Name] = &m.Rules[i]
	}
	reach := func(start []*engine.Formula) map[string]bool {
		seen := map[string]bool{}
		var visit func(f *engine.Formula)
		visitName := func(name string) {
			if seen[name] {
				return
			}
			seen[name] = true
			if r := rulesByName[name]; r != nil {
				for _, v := range r.Versions {
					visit(v.Expr)
					for _, f := range v.ByMember {
						visit(f)
					}
				}
			}
		}
		visit = func(f *engine.Formula) {
			if f == nil || f.Program == nil {
				return
			}
			for _, ref := range f.Program.Refs() {
				switch ref.Name {
				case formula.Previous:
					if ref.Field != "" {
						visitName(ref.Field)
					}
				case formula.Member, formula.Year:
				default:
					visitName(ref.Name)
				}
			}
		}
		for _, f := range start {
			visit(f)
		}
		return seen
	}
	var amounts []*engine.Formula
	for _, p := range m.Pools {
		amounts = append(amounts, p.Amount)
	}
	fromAmounts := reach(amounts)
	var keyStart []*engine.Formula
	if r := rulesByName[m.ReferenceKey]; r != nil {
		for _, v := range r.Versions {
			keyStart = append(keyStart, v.Expr)
			for _, id := range sortedKeys(v.ByMember) {
				keyStart = append(keyStart, v.ByMember[id])
			}
		}
	}
	fromKey := reach(keyStart)
	feeName := ""
	if m.FeeRate != nil && m.FeeRate.Program != nil {
		if src := strings.TrimSpace(m.FeeRate.Program.Source()); formula.ValidName(src) {
			feeName = src
		}
	}
	for _, p := range m.Params {
		param := Param{Name: p.Name, Label: p.Label, Unit: p.Unit, Values: p.Values,
			Percent: strings.EqualFold(p.Unit, "taux") || strings.EqualFold(p.Unit, "part") || p.Unit == "%"}
		if param.Label == "" {
			param.Label = p.Name
		}
		switch {
		case p.Name == feeName:
			fee = &param
		case strings.EqualFold(p.Unit, "ETC") && fromAmounts[p.Name]:
			units = append(units, param)
		case fromKey[p.Name]:
			keyParams = append(keyParams, param)
		}
	}
	return units, keyParams, fee
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// valueAt is the value of a dated parameter in force on day d (zero
// before its first value).
func valueAt(values []engine.Dated, d engine.Date) decimal.Decimal {
	v := decimal.Zero
	for _, x := range values {
		if x.From.After(d) {
			break
		}
		v = x.Value
	}
	return v
}

// Outcome is a computed what-if.
type Outcome struct {
	State State
	// File is the generated scenario file and FileName the name it is
	// decoded and downloaded under.
	File     []byte
	FileName string
	// Changes says what the what-if changes, one French sentence each.
	Changes []string
	Result  *engine.Result
	// Baseline is the result the what-if is compared with.
	Baseline   *engine.Result
	Comparison *reports.Comparison
	// Job is the what-if built on its scenario's chain, as run builds the
	// file: what the API explains and records the files of.
	Job *app.Job
	// Elapsed is the time taken to build and run the what-if.
	Elapsed time.Duration
}

// Evaluate turns a valid state into its scenario file and runs that file
// the way `quotepart run FILE` does: decoded into a catalog, applied on the
// chain of the scenario it extends, built (portfolio included) and run over
// the scenario's years.
func (s *Simulator) Evaluate(ctx context.Context, st State) (*Outcome, error) {
	start := time.Now()
	b := s.byID[st.Scenario]
	if b == nil {
		return nil, Problems{{Field: "scenario", Message: fmt.Sprintf("scénario inconnu « %s »", st.Scenario)}}
	}
	data, changes, err := s.file(st)
	if err != nil {
		return nil, err
	}
	name := s.FileName(st)
	job, err := s.extend(ctx, b, name, data)
	if err != nil {
		return nil, err
	}
	res, err := job.Run(ctx, 0, 0)
	if err != nil {
		return nil, &ComputeError{Err: err}
	}
	baseline := b.Result
	if c := s.byID[st.Compare]; c != nil {
		baseline = c.Result
	}
	return &Outcome{State: st, File: data, FileName: name, Changes: changes, Result: res, Baseline: baseline,
		Comparison: reports.Compare(baseline, res), Job: job, Elapsed: time.Since(start)}, nil
}

// FileName is the name a state's scenario file is downloaded under.
func (s *Simulator) FileName(st State) string {
	return s.fileID + "-" + st.Scenario + ".yaml"
}

// ComputeError is a what-if whose input was valid but which the rules
// refuse (a key that no longer sums to 1, a value out of a parameter's
// bounds...); Err is the error of the scenarios or engine package.
type ComputeError struct{ Err error }

func (e *ComputeError) Error() string { return e.Err.Error() }
func (e *ComputeError) Unwrap() error { return e.Err }

// job builds the what-if of a valid state on its scenario's chain, as
// Evaluate does, without running it.
func (s *Simulator) job(ctx context.Context, st State) (*app.Job, error) {
	b := s.byID[st.Scenario]
	if b == nil {
		return nil, Problems{{Field: "scenario", Message: fmt.Sprintf("scénario inconnu « %s »", st.Scenario)}}
	}
	data, _, err := s.file(st)
	if err != nil {
		return nil, err
	}
	return s.extend(ctx, b, s.FileName(st), data)
}

// extend builds the scenario file of a what-if on b's chain.
func (s *Simulator) extend(ctx context.Context, b *Base, name string, data []byte) (*app.Job, error) {
	job, err := s.ws.Extend(ctx, b.Job, name, data)
	if err != nil {
		return nil, &ComputeError{Err: err}
	}
	return job, nil
}
