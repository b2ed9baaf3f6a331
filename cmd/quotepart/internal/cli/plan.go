package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
)

// workspace is what a command works on: a base rule set and, when there
// are any, the scenarios written for it.
type workspace struct {
	base     *rules.Set
	catalog  *scenarios.Catalog // nil when there are no scenarios
	projects *scenarios.Projects
	rulesDir string
}

// openWorkspace loads the --rules folder (or the embedded rules) and the
// --scenarios folder; the embedded scenarios go with the embedded rules
// only, since they name the Rouen members and parameters.
func (a *app) openWorkspace(cmd *cobra.Command) (*workspace, error) {
	return loadWorkspace(a.path(cmd, "rules"), a.path(cmd, "scenarios"))
}

// loadWorkspace loads a rules folder and a scenarios folder; empty names
// mean the embedded defaults.
func loadWorkspace(rulesDir, scenariosDir string) (*workspace, error) {
	ws := &workspace{rulesDir: rulesDir}
	var err error
	if ws.base, err = loadRules(ws.rulesDir); err != nil {
		return nil, err
	}
	switch dir := scenariosDir; {
	case dir != "":
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return nil, diag.Errorf(diag.Pos{File: dir}, diag.NotFound, "no such scenarios folder")
		}
		ws.catalog, err = scenarios.LoadDir(os.DirFS(dir), ".", filepath.ToSlash(filepath.Clean(dir)))
		if err == nil {
			ws.projects, err = scenarios.LoadProjects(os.DirFS(dir), scenarios.ProjectsDir, filepath.ToSlash(filepath.Join(dir, scenarios.ProjectsDir)))
		}
	case ws.rulesDir == "":
		ws.catalog, err = scenarios.LoadDir(scenarios.Defaults(), ".", scenarios.DefaultDir)
		if err == nil {
			ws.projects, err = scenarios.LoadProjects(scenarios.Defaults(), scenarios.ProjectsDir, scenarios.DefaultDir+"/"+scenarios.ProjectsDir)
		}
	}
	if err != nil {
		return nil, err
	}
	return ws, nil
}

// assess runs the scenario the evaluation reads its values from over the
// evaluation's years, compiles the chosen projects (all when ids is empty)
// and evaluates their lines.
func (ws *workspace) assess(ctx context.Context, ids []string) (*scenarios.Compiled, []engine.Assessed, error) {
	j, err := ws.valuesJob()
	if err != nil {
		return nil, nil, err
	}
	compiled, err := ws.projects.Compile(j.set.Model, ids)
	if err != nil {
		return nil, nil, err
	}
	res, err := j.run(ctx, compiled.Horizon.From, compiled.Horizon.To)
	if err != nil {
		return nil, nil, err
	}
	set, err := engine.Assess(compiled.Projects, compiled.Valuation, compiled.Horizon, engine.EnvFromResult(res))
	if err != nil {
		return nil, nil, err
	}
	return compiled, set, nil
}

// valuesJob is the scenario named by the evaluation settings, or the
// rules alone.
func (ws *workspace) valuesJob() (job, error) {
	name := ws.projects.Evaluation.Scenario.Value
	if name == "" {
		m := ws.base.Model
		return job{id: m.ID, title: m.Title, set: ws.base, from: m.From, to: m.To}, nil
	}
	jobs, err := ws.resolve([]string{name})
	if err != nil {
		return job{}, err
	}
	return jobs[0], nil
}

// discountRate evaluates the discount rate in the base year, for display.
func (ws *workspace) discountRate(c *scenarios.Compiled) (decimal.Decimal, error) {
	j, err := ws.valuesJob()
	if err != nil {
		return decimal.Decimal{}, err
	}
	res, err := j.run(context.Background(), c.Valuation.BaseYear, c.Valuation.BaseYear)
	if err != nil {
		return decimal.Decimal{}, err
	}
	env, err := engine.EnvFromResult(res)(c.Valuation.BaseYear)
	if err != nil {
		return decimal.Decimal{}, err
	}
	var vm formula.VM
	return vm.Number(c.Valuation.DiscountRate.Program, env)
}

// job is one scenario ready to run.
type job struct {
	id, title string
	set       *rules.Set
	from, to  int
}

// resolve turns command-line names into jobs: a scenario id, or the path
// of a scenario file. With no name, every scenario runs, or the rules
// alone when there is no scenario.
func (ws *workspace) resolve(names []string) ([]job, error) {
	var chosen []*scenarios.Scenario
	for _, name := range names {
		s, err := ws.scenario(name)
		if err != nil {
			return nil, err
		}
		chosen = append(chosen, s)
	}
	if len(names) == 0 {
		if ws.catalog == nil || len(ws.catalog.All()) == 0 {
			m := ws.base.Model
			return []job{{id: m.ID, title: m.Title, set: ws.base, from: m.From, to: m.To}}, nil
		}
		chosen = ws.catalog.All()
	}
	jobs := make([]job, 0, len(chosen))
	for _, s := range chosen {
		j, err := ws.build(s)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}

// scenario finds a scenario by id, or reads it from a file when name is a
// path; its extends are resolved against the catalog.
func (ws *workspace) scenario(name string) (*scenarios.Scenario, error) {
	if strings.ContainsAny(name, `/\`) || rules.IsRuleFile(name) {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, diag.Errorf(diag.Pos{File: name}, diag.NotFound, "cannot read the scenario file: %v", unwrapPath(err))
		}
		if ws.catalog == nil {
			ws.catalog = scenarios.NewCatalog()
		}
		return ws.catalog.Add(filepath.ToSlash(name), data)
	}
	if ws.catalog == nil {
		return nil, diag.Errorf(diag.Pos{}, diag.NotFound, "unknown scenario %q: with --rules, give --scenarios DIR or a scenario file path", name)
	}
	return ws.catalog.Get(name)
}

func (ws *workspace) build(s *scenarios.Scenario) (job, error) {
	chain, err := ws.catalog.Chain(s)
	if err != nil {
		return job{}, err
	}
	set, applied, err := scenarios.Build(context.Background(), ws.base.Files, chain, ws.projects)
	if err != nil {
		return job{}, err
	}
	return job{id: s.ID, title: s.Title, set: set, from: applied.From, to: applied.To}, nil
}

// run evaluates a job; from and to, when set, override its years.
func (j job) run(ctx context.Context, from, to int) (*engine.Result, error) {
	if from == 0 {
		from = j.from
	}
	if to == 0 {
		to = j.to
	}
	res, err := engine.Run(ctx, j.set.Model, engine.Options{From: from, To: to})
	if err != nil {
		return nil, err
	}
	res.ID, res.Title = j.id, j.title
	return res, nil
}

// scenarioRequest is what the commands that print results read first: the
// output format, the years asked for (zero: the default) and the named
// scenarios, ready to run.
type scenarioRequest struct {
	format   reports.Format
	from, to int
	ws       *workspace
	jobs     []job
}

func (a *app) scenarioRequest(cmd *cobra.Command, names []string) (*scenarioRequest, error) {
	r := &scenarioRequest{}
	var err error
	if r.format, err = reports.ParseFormat(a.v.GetString("format")); err != nil {
		return nil, err
	}
	if r.from, r.to, err = a.years(); err != nil {
		return nil, err
	}
	if r.ws, err = a.openWorkspace(cmd); err != nil {
		return nil, err
	}
	if r.jobs, err = r.ws.resolve(names); err != nil {
		return nil, err
	}
	return r, nil
}
