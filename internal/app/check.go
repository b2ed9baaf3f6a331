package app

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/rules"
)

// DefaultStaleYears is how many years old a parameter's latest value may
// be before check calls it stale.
const DefaultStaleYears = rules.DefaultStaleYears

// CheckOptions choose what check reports.
type CheckOptions struct {
	// Strict counts warnings as errors.
	Strict bool
	// StaleYears: a parameter is stale when its latest value took effect
	// more than this many years before a simulated year; 0 or less turns
	// the check off.
	StaleYears int
}

func (o CheckOptions) strict() rules.StrictOptions {
	n := o.StaleYears
	if n <= 0 {
		n = -1
	}
	return rules.StrictOptions{StaleYears: n}
}

// Check validates rule files and runs every year they cover. With no path,
// it checks the workspace of folders: the rules, each scenario laid on
// them and the project requests. Each path is a rules folder, or a rule
// file; files given one by one are checked together as one rule set.
//
// The check records the digest of the files that loaded: the workspace's,
// or the rule files of each path.
func Check(ctx context.Context, folders Folders, paths []string, opt CheckOptions) *reports.Check {
	c := &reports.Check{Strict: opt.Strict}
	var read []reports.InputFile
	if len(paths) == 0 {
		c.Targets, read = checkWorkspace(ctx, folders, opt)
	}
	// The rule sets given as paths share one environment, as a
	// workspace's builds do.
	formulas := rules.WithFormulas(formula.NewEnv(formula.DefaultLimits))
	var files []string
	for _, p := range paths {
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			files = append(files, p)
			continue
		}
		set, err := LoadRules(p, formulas)
		c.Targets = append(c.Targets, checkRules(ctx, DisplayName(p), set, err, opt))
		read = append(read, ruleInputs(set)...)
		if err == nil {
			ws := &Workspace{Rules: set, RulesDir: p, Formulas: rules.Formulas(formulas)}
			if err := ws.loadActuals(Folders{Rules: p}); err != nil {
				c.Targets = append(c.Targets, reports.CheckTarget{Name: "actuals", Kind: "actuals", Errors: diag.Flatten(err)})
			} else if t, ok := checkActuals(ctx, ws, opt); ok {
				c.Targets = append(c.Targets, t)
				read = append(read, namedAll(RoleActuals, ws.Actuals.Inputs())...)
			}
		}
	}
	if len(files) > 0 {
		set, err := LoadRuleFiles(files, formulas)
		c.Targets = append(c.Targets, checkRules(ctx, strings.Join(files, " "), set, err, opt))
		read = append(read, ruleInputs(set)...)
	}
	dedupeWarnings(c.Targets)
	c.Provenance = NewProvenance(read)
	return c
}

// checkRules runs a loaded rule set over every year it covers and
// collects its errors and warnings.
func checkRules(ctx context.Context, name string, set *rules.Set, err error, opt CheckOptions) reports.CheckTarget {
	t := reports.CheckTarget{Name: name, Kind: "rules"}
	var res *engine.Result
	if err == nil {
		m := set.Model
		res, err = engine.Run(ctx, m, engine.Options{From: m.FirstYear, To: m.LastYear})
	}
	if err != nil {
		t.Errors = diag.Flatten(err)
		return t
	}
	t.Warnings = rules.Strict(set, res, opt.strict())
	m := set.Model
	t.Summary = fmt.Sprintf("%s, %s, %s, %s, %s, years %d–%d",
		reports.Plural(len(set.Files), "file"), reports.Plural(len(m.Members), "member"), reports.Plural(len(m.Params), "parameter"),
		reports.Plural(len(m.Rules), "rule"), reports.Plural(len(m.Pools), "pool"), m.FirstYear, m.LastYear)
	return t
}

// checkActuals lays the actual figures of the workspace on its rules and
// runs every year that has some; false when there are none.
func checkActuals(ctx context.Context, ws *Workspace, opt CheckOptions) (reports.CheckTarget, bool) {
	years := ws.Actuals.Years()
	if len(years) == 0 {
		return reports.CheckTarget{}, false
	}
	t := reports.CheckTarget{Name: "actuals", Kind: "actuals"}
	aj, applied, err := ws.OnActuals(ctx, ws.RulesJob())
	if err == nil {
		_, err = engine.Run(ctx, aj.Model(), engine.Options{From: aj.Model().FirstYear, To: years[len(years)-1]})
	}
	if err != nil {
		t.Errors = diag.Flatten(err)
		return t, true
	}
	for _, w := range applied.Warnings {
		t.Warnings = append(t.Warnings, diag.Finding{Check: rules.CheckWarning, Error: w})
	}
	what := "years"
	if len(years) == 1 {
		what = "year"
	}
	t.Summary = fmt.Sprintf("%d %s with actual figures (%s)", len(years), what, yearList(years))
	return t, true
}

// ruleInputs are the files of a rule set that loaded, none when it did
// not.
func ruleInputs(set *rules.Set) []reports.InputFile {
	if set == nil {
		return nil
	}
	return namedAll(RoleRules, set.Inputs())
}

// checkWorkspace checks the rules of the folders and each of their
// scenarios, then the project requests; it returns the files read.
func checkWorkspace(ctx context.Context, folders Folders, opt CheckOptions) ([]reports.CheckTarget, []reports.InputFile) {
	name := DisplayName(folders.Rules)
	ws, err := Open(folders)
	if err != nil {
		// Say which part failed to load: the rules, or the scenarios.
		set, rerr := LoadRules(folders.Rules)
		if rerr != nil {
			return []reports.CheckTarget{checkRules(ctx, name, nil, rerr, opt)}, nil
		}
		return []reports.CheckTarget{{Name: "scenarios", Kind: "scenarios", Errors: diag.Flatten(err)}}, ruleInputs(set)
	}
	return checkLoaded(ctx, ws, name, opt)
}

// checkLoaded checks a workspace already loaded: its rules, named name,
// each of its scenarios, then its project requests; it returns the files
// read.
func checkLoaded(ctx context.Context, ws *Workspace, name string, opt CheckOptions) ([]reports.CheckTarget, []reports.InputFile) {
	out := []reports.CheckTarget{checkRules(ctx, name, ws.Rules, nil, opt)}
	// The outputs of quotepart skipped in the scenarios and projects
	// folders are warnings of the workspace (the rules' own are the set's).
	for _, w := range ws.Skipped()[len(ws.Rules.Skipped):] {
		out[0].Warnings = append(out[0].Warnings, diag.Finding{Check: rules.CheckWarning, Error: w})
	}
	if t, ok := checkActuals(ctx, ws, opt); ok {
		out = append(out, t)
	}
	for _, s := range ws.Scenarios.All() {
		t := reports.CheckTarget{Name: "scenario " + s.ID, Kind: "scenario"}
		j, err := ws.Build(ctx, ws.Scenarios, s)
		var res *engine.Result
		if err == nil {
			res, err = j.Run(ctx, 0, 0)
		}
		if err != nil {
			t.Errors = diag.Flatten(err)
		} else {
			t.Warnings = ownWarnings(j, rules.Strict(j.Set, res, opt.strict()))
			t.Summary = fmt.Sprintf("%s, years %d–%d", s.Path, j.From, j.To)
		}
		out = append(out, t)
	}
	if ws.HasProjects() {
		t := reports.CheckTarget{Name: "projects", Kind: "projects"}
		a, err := ws.AssessRequests(ctx, nil)
		if err != nil {
			t.Errors = diag.Flatten(err)
		} else {
			t.Summary = fmt.Sprintf("%s, years %d–%d", reports.Plural(len(a.Set), "request"), a.Compiled.Horizon.From, a.Compiled.Horizon.To)
		}
		out = append(out, t)
	}
	return out, ws.Inputs()
}

// ownWarnings drops the unused rules a scenario leaves in the rules it is
// laid on: replacing a rule's formula may leave the rules the old one read
// unused, which is the point of the what-if, not a mistake. Rules the
// scenario files themselves declare are still reported.
func ownWarnings(j *Job, fs []diag.Finding) []diag.Finding {
	own := map[string]bool{}
	for _, c := range j.Chain {
		own[c.Path] = true
	}
	return slices.DeleteFunc(fs, func(f diag.Finding) bool { return f.Check == rules.CheckUnusedRule && !own[f.Pos.File] })
}

// dedupeWarnings keeps each warning once, in the first target that has
// it: a scenario repeats the warnings of the rules it is laid on.
func dedupeWarnings(ts []reports.CheckTarget) {
	type key struct {
		pos diag.Pos
		msg string
	}
	seen := map[key]bool{}
	for i := range ts {
		kept := ts[i].Warnings[:0]
		for _, f := range ts[i].Warnings {
			k := key{f.Pos, f.Msg}
			if !seen[k] {
				seen[k] = true
				kept = append(kept, f)
			}
		}
		ts[i].Warnings = kept
	}
}
