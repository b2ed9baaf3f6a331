package app

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/rules/actuals"
	"github.com/quotepart/quotepart/scenarios"
)

// Workspace is what quotepart works on: a rule set, the scenarios written
// for it and the project requests beside them. It is read-only once
// loaded, so one workspace serves concurrent requests.
type Workspace struct {
	Rules *rules.Set
	// Scenarios is never nil; it is empty when there is no scenario.
	Scenarios *scenarios.Catalog
	// Projects is nil when there is no project request.
	Projects *scenarios.Projects
	// RulesDir is the folder (or file) the rules were read from, "" for
	// the embedded defaults.
	RulesDir string
	// Actuals are the actual figures of closed years (package actuals),
	// read from the actuals folder: ActualsDir, or the comptes folder of
	// the rules folder; nil when there is none.
	Actuals    *actuals.Catalog
	ActualsDir string
	// Formulas is the environment every expression of the workspace
	// compiles in: the rules, each scenario built on them, each what-if
	// and test case, the project requests. They share its cache of
	// compiled programs, so a build on the workspace compiles only the
	// expressions it changes. Nil compiles each build in an environment
	// of its own.
	Formulas *formula.Env
}

// Folders names where a workspace is read from on disk. An empty Rules
// means the embedded Rouen rules; an empty Scenarios means the embedded
// scenarios with the embedded rules, and no scenario with other rules
// (the embedded scenarios name the Rouen members and parameters).
type Folders struct {
	Rules, Scenarios string
	// Actuals is the folder of actuals files; empty means the comptes
	// folder of the rules folder (of the embedded rules), when it exists.
	Actuals string
}

// Source is a folder of quotepart files inside a file system, and the
// name messages give it.
type Source struct {
	FS      fs.FS
	Dir     string // the folder inside FS, "." for its root
	Display string // e.g. "rules/rouen", "./regles"
}

// Embedded returns the sources of the embedded defaults: the Rouen rules
// and their scenarios.
func Embedded() (rulesSrc, scenariosSrc Source) {
	return Source{FS: rules.Defaults(), Dir: ".", Display: rules.DefaultDir},
		Source{FS: scenarios.Defaults(), Dir: ".", Display: scenarios.DefaultDir}
}

// Open loads the workspace of folders on disk (or the embedded defaults).
// The rules may also be a single rule file.
func Open(f Folders) (*Workspace, error) { return OpenContext(context.Background(), f) }

// OpenContext is Open stopping when ctx is done, while the rules compile.
func OpenContext(ctx context.Context, f Folders) (*Workspace, error) {
	env := formula.NewEnv(formula.DefaultLimits)
	set, err := LoadRules(f.Rules, rules.WithFormulas(env), rules.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	ws := &Workspace{Rules: set, Scenarios: scenarios.NewCatalog(), RulesDir: f.Rules, Formulas: env, ActualsDir: f.Actuals}
	if err := ws.loadActuals(f); err != nil {
		return nil, err
	}
	switch {
	case f.Scenarios != "":
		if info, err := os.Stat(f.Scenarios); err != nil || !info.IsDir() {
			return nil, diag.Errorf(diag.Pos{File: f.Scenarios}, diag.NotFound, "no such scenarios folder")
		}
		err = ws.loadScenarios(dirSource(f.Scenarios))
	case f.Rules == "":
		_, embedded := Embedded()
		err = ws.loadScenarios(embedded)
	}
	if err != nil {
		return nil, err
	}
	return ws, nil
}

// Load loads a workspace from file systems; scenariosSrc may be nil for a
// rule set without scenarios.
func Load(rulesSrc Source, scenariosSrc *Source) (*Workspace, error) {
	env := formula.NewEnv(formula.DefaultLimits)
	set, err := rules.Load(rulesSrc.FS, rulesSrc.Dir, rulesSrc.Display, rules.WithFormulas(env))
	if err != nil {
		return nil, err
	}
	ws := &Workspace{Rules: set, Scenarios: scenarios.NewCatalog(), RulesDir: rulesSrc.Display, Formulas: env}
	if info, err := fs.Stat(rulesSrc.FS, path.Join(rulesSrc.Dir, actuals.Dir)); err == nil && info.IsDir() {
		if ws.Actuals, err = actuals.LoadDir(rulesSrc.FS, path.Join(rulesSrc.Dir, actuals.Dir), path.Join(rulesSrc.Display, actuals.Dir)); err != nil {
			return nil, err
		}
	}
	if scenariosSrc != nil {
		if err := ws.loadScenarios(*scenariosSrc); err != nil {
			return nil, err
		}
	}
	return ws, nil
}

// OpenDefaults loads the embedded Rouen rules and scenarios.
func OpenDefaults() (*Workspace, error) { return Open(Folders{}) }

// loadScenarios reads the scenarios of a folder and the project requests
// of its projects subfolder.
func (ws *Workspace) loadScenarios(src Source) error {
	catalog, err := scenarios.LoadDir(src.FS, src.Dir, src.Display)
	if err != nil {
		return err
	}
	projects, err := scenarios.LoadProjects(src.FS, path.Join(src.Dir, scenarios.ProjectsDir), path.Join(src.Display, scenarios.ProjectsDir))
	if err != nil {
		return err
	}
	ws.Scenarios, ws.Projects = catalog, projects
	return nil
}

// loadActuals reads the actuals folder of f: the one named, which must
// exist, or the comptes folder beside the rules files, when there is one.
func (ws *Workspace) loadActuals(f Folders) error {
	var src Source
	switch {
	case f.Actuals != "":
		if info, err := os.Stat(f.Actuals); err != nil || !info.IsDir() {
			return diag.Errorf(diag.Pos{File: f.Actuals}, diag.NotFound, "no such actuals folder")
		}
		src = dirSource(f.Actuals)
	case f.Rules == "":
		info, err := fs.Stat(rules.Defaults(), actuals.Dir)
		if err != nil || !info.IsDir() {
			return nil
		}
		src = Source{FS: rules.Defaults(), Dir: actuals.Dir, Display: rules.DefaultDir + "/" + actuals.Dir}
	default:
		dir := filepath.Join(f.Rules, actuals.Dir)
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return nil
		}
		src = dirSource(dir)
	}
	c, err := actuals.LoadDir(src.FS, src.Dir, src.Display)
	if err != nil {
		return err
	}
	ws.Actuals, ws.ActualsDir = c, src.Display
	return nil
}

// WithRules returns a workspace with other rules and the same scenarios
// and projects: the scenarios of a rule diff laid on the previous rules.
func (ws *Workspace) WithRules(set *rules.Set, dir string) *Workspace {
	c := *ws
	c.Rules, c.RulesDir = set, dir
	return &c
}

// formulas is the option that compiles in the workspace's environment.
func (ws *Workspace) formulas() rules.Option { return rules.WithFormulas(ws.Formulas) }

// RulesName is how messages and outputs name the rules of the workspace:
// their folder, or the embedded defaults.
func (ws *Workspace) RulesName() string { return DisplayName(ws.RulesDir) }

// DisplayName names a rules folder given on the command line, "" being
// the embedded defaults.
func DisplayName(dir string) string {
	if dir == "" {
		return rules.DefaultDir + " (embedded)"
	}
	return dir
}

func dirSource(dir string) Source {
	return Source{FS: rules.FolderFS(dir), Dir: ".", Display: filepath.ToSlash(filepath.Clean(dir))}
}

// LoadRules loads the rule set of a folder or of a single rule file; ""
// is the embedded defaults. opts choose the environment expressions
// compile in (rules.WithFormulas).
func LoadRules(dir string, opts ...rules.Option) (*rules.Set, error) {
	if dir == "" {
		return rules.LoadDefaults(opts...)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: dir}, diag.NotFound, "no such rules folder")
	}
	if !info.IsDir() {
		return LoadRuleFiles([]string{dir}, opts...)
	}
	src := dirSource(dir)
	return rules.Load(src.FS, src.Dir, src.Display, opts...)
}

// LoadRuleFiles builds one rule set from files given one by one. Each is
// read as the files of a folder are (rules.ReadPath): a regular file
// within the size limit; an output of quotepart is skipped with a warning.
func LoadRuleFiles(paths []string, opts ...rules.Option) (*rules.Set, error) {
	var errs, skipped diag.List
	var files []rules.NamedFile
	for _, p := range paths {
		src := rules.ReadPath(p)
		switch {
		case src.Skipped != nil:
			skipped = append(skipped, src.Skipped)
			continue
		case src.Err != nil:
			errs = append(errs, src.Err)
			files = append(files, rules.NamedFile{Path: src.Path})
			continue
		}
		f, err := rules.DecodeFile(src.Path, src.Data)
		errs.Add(err)
		if f != nil {
			dir := filepath.Dir(p)
			errs.Add(f.ReadData(rules.FSDataReader(rules.FolderFS(dir), ".", filepath.ToSlash(dir))))
		}
		files = append(files, rules.NamedFile{Path: src.Path, File: f})
	}
	if len(files) == 0 {
		return nil, skipped.Err() // every file is an output of quotepart
	}
	set, err := rules.BuildDecoded(files, errs, opts...)
	if err != nil {
		return nil, err
	}
	set.NoteSkipped(skipped)
	return set, nil
}

// Skipped lists the files of the workspace's folders not read because
// quotepart wrote them (rules.OutputSchema): warnings, which every command
// prints.
func (ws *Workspace) Skipped() diag.List {
	var out diag.List
	out = append(out, ws.Rules.Skipped...)
	out = append(out, ws.Scenarios.Skipped...)
	if ws.Actuals != nil {
		out = append(out, ws.Actuals.Skipped...)
	}
	if ws.Projects != nil {
		out = append(out, ws.Projects.Skipped...)
	}
	return out
}
