package scenarios_test

import (
	"context"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
)

// FuzzProjectFile loads a project (or evaluation) file beside the default
// project requests, compiles the requests against the default rules,
// assesses them on the default run and selects a portfolio. Whatever the
// input, nothing may panic, and an error is never an internal one.
//
//	go test ./scenarios/ -run '^$' -fuzz FuzzProjectFile -fuzztime 5m
func FuzzProjectFile(f *testing.F) {
	defaults := scenarios.Defaults()
	dir := scenarios.ProjectsDir
	names, err := fs.Glob(defaults, dir+"/*.yaml")
	if err != nil || len(names) == 0 {
		f.Fatalf("no default project to seed with: %v", err)
	}
	files := fstest.MapFS{}
	for _, name := range names {
		data, err := fs.ReadFile(defaults, name)
		if err != nil {
			f.Fatal(err)
		}
		files[name] = &fstest.MapFile{Data: data}
		f.Add(data)
	}
	f.Add([]byte("project:\n  id: x\nlines: []\n"))
	f.Add([]byte("project:\n  id: y\n  title: Y\n  requested_by: [ville]\n  category: c\n  years: {from: 2027, to: 2028}\n" +
		"  mandatory: true\n  start: {from: 2027, to: 2030}\n  requires: [{project: portail-ccas, lag: 2}]\n  excludes: [soc-mutualise]\n" +
		"lines:\n  - {label: L, dimension: hr, side: effort, values: {2027: 9}}\n" +
		"scores: {alignement: {score: 3, justification: J}}\ncommitments: {duree_vie_portables: {values: {2028: -1}, justification: J}}\n"))
	f.Add([]byte("evaluation: {}\n"))
	base, err := rules.LoadDefaults()
	if err != nil {
		f.Fatal(err)
	}
	res, err := engine.Run(context.Background(), base.Model, engine.Options{From: base.Model.FirstYear, To: base.Model.LastYear})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{}
		for k, v := range files {
			fsys[k] = v
		}
		// Under its own name (a new request) and in place of the first
		// default file (so that a broken evaluation file is loaded alone).
		fsys[dir+"/zz-fuzz.yaml"] = &fstest.MapFile{Data: data}
		check := func(err error) {
			for _, e := range diag.Flatten(err) {
				if e.Code == diag.Internal {
					t.Errorf("internal error: %v", e)
				}
			}
		}
		ps, err := scenarios.LoadProjects(fsys, dir, dir)
		if err != nil {
			check(err)
			return
		}
		if ps == nil || ps.Evaluation == nil {
			return
		}
		c, err := ps.Compile(base.Model, nil)
		if err != nil {
			check(err)
			return
		}
		set, err := engine.Assess(c.Projects, c.Valuation, c.Horizon, engine.EnvFromResult(res))
		if err != nil {
			check(err)
			return
		}
		_ = engine.Figures(set)
		_ = engine.Trajectories(c.Commitments, set)
		if _, err := engine.MonteCarlo(context.Background(), set, engine.MonteCarloOptions{Draws: 20, Seed: 1, Workers: 1}); err != nil {
			check(err)
		}
		// The selection, each request at every start, within the
		// settings' limits and the commitments' targets, by value and by
		// score: an answer, or an infeasibility explained.
		cands, err := engine.AssessStarts(context.Background(), c.Projects, c.Valuation, c.Horizon, engine.EnvFromResult(res))
		if err != nil {
			check(err)
			return
		}
		lim := c.Limits
		lim.Commitments = c.Commitments
		for _, o := range []engine.Objective{{Kind: engine.ByValue}, {Kind: engine.ByScore}} {
			if o.Kind == engine.ByScore && !c.Scoring.HasCriteria() {
				continue
			}
			sel, err := engine.Select(context.Background(), cands, engine.SelectOptions{Limits: lim, Objective: o, Scoring: c.Scoring, MaxNodes: 20_000})
			if err != nil {
				check(err)
				continue
			}
			_ = engine.Trajectories(c.Commitments, sel.Set)
		}
	})
}
