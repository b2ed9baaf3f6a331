package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/quotepart/quotepart/internal/outfile"
	"github.com/quotepart/quotepart/internal/spreadsheet"
	"github.com/quotepart/quotepart/internal/tabular"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/rules/actuals"
	"github.com/quotepart/quotepart/scenarios"
)

// The kinds of spreadsheet import reads and template writes.
const (
	KindProjects   = "projet"
	KindParameters = "parametres"
	// KindActuals is the actual figures of a year (the actuals files of
	// the rules folder's comptes/).
	KindActuals = "realise"
)

// ImportOptions say what to import and where to write it.
type ImportOptions struct {
	// Files are the spreadsheets (.xlsx) and CSV files to read.
	Files []string
	// Dir is the folder the files are written to ("." when empty).
	Dir string
	// Kind forces what the files hold: KindProjects or KindParameters;
	// "" tells by their content.
	Kind string
	// Force replaces files that exist.
	Force bool
	Lang  reports.Lang
}

// Import turns filled spreadsheets into quotepart files: request forms
// into one project file per request, parameters tables into a rule file
// of parameters. Every value is checked at its cell, and the files made
// are loaded as quotepart loads them (project requests compiled and
// evaluated against the workspace's rules and evaluation settings) before
// anything is written; an error quotepart finds in them is told at the
// cell it came from. Nothing is written on any error.
func (ws *Workspace) Import(ctx context.Context, opt ImportOptions) (*reports.Imported, error) {
	lang := tabularLang(opt.Lang)
	if len(opt.Files) == 0 {
		return nil, errors.New(say(opt.Lang, "import lit un ou plusieurs fichiers : quotepart import fiche.xlsx", "import reads one or more files: quotepart import fiche.xlsx"))
	}
	switch opt.Kind {
	case "", KindProjects, KindParameters, KindActuals:
	default:
		return nil, fmt.Errorf("%s", say(opt.Lang, fmt.Sprintf("--kind : %q n'est pas un genre de fichier ; les genres sont %s, %s et %s", opt.Kind, KindProjects, KindParameters, KindActuals),
			fmt.Sprintf("--kind: %q is not a kind of file; the kinds are %s, %s and %s", opt.Kind, KindProjects, KindParameters, KindActuals)))
	}
	var files []*spreadsheet.File
	var errs diag.List
	for _, path := range opt.Files {
		got, err := ws.importFile(path, opt, lang)
		if err != nil {
			errs.Add(err)
			continue
		}
		files = append(files, got...)
	}
	if err := spreadsheet.Errors(errs); err != nil {
		return nil, err
	}
	out := &reports.Imported{}
	if err := ws.verifyImport(ctx, files, out, opt.Lang); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, writeImported(files, opt, out)
}

func tabularLang(l reports.Lang) tabular.Lang {
	if l == reports.English {
		return tabular.English
	}
	return tabular.French
}

// readInput reads a file named on the command line: a regular file of at
// most tabular.DefaultLimits.MaxBytes, checked before it is read.
// Messages name it by its base name, as they name its cells
// (fiche.xlsx!Projet!C12).
func readInput(path string, lang tabular.Lang) ([]byte, error) {
	name := filepath.Base(path)
	info, err := os.Stat(path)
	if err != nil {
		return nil, diag.ReadError(name, err)
	}
	if !info.Mode().IsRegular() {
		return nil, diag.Errorf(diag.Pos{File: name}, diag.Invalid, "%s", lang.Say("ce n'est pas un fichier ordinaire", "not a regular file"))
	}
	if err := tabular.DefaultLimits.CheckSize(name, info.Size(), lang); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, diag.ReadError(name, err)
	}
	return data, tabular.DefaultLimits.CheckSize(name, int64(len(data)), lang)
}

// importFile reads one spreadsheet into the files it makes.
func (ws *Workspace) importFile(path string, opt ImportOptions, lang tabular.Lang) ([]*spreadsheet.File, error) {
	name := filepath.Base(path)
	data, err := readInput(path, lang)
	if err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(name, filepath.Ext(name))
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		b, err := spreadsheet.OpenXLSX(name, data, tabular.DefaultLimits, lang)
		if err != nil {
			return nil, err
		}
		defer b.Close()
		forms := spreadsheet.FormSheets(b)
		if opt.Kind == KindProjects || (opt.Kind == "" && len(forms) > 0) {
			return spreadsheet.Forms(b, spreadsheet.FormOptions{Spec: ws.FormSpec(), Expr: ws.exprChecker(opt.Lang), Lang: lang})
		}
		var tables []*tabular.Table
		var empty []string
		for _, s := range b.Sheets() {
			t, err := b.Table(s)
			if err != nil {
				return nil, err
			}
			if len(t.Rows) == 0 {
				empty = append(empty, s)
				continue
			}
			if opt.Kind == KindActuals || (opt.Kind == "" && spreadsheet.IsActuals(t)) {
				return oneFile(spreadsheet.Actuals(t, lang))
			}
			if opt.Kind == KindParameters || spreadsheet.IsParameters(t) {
				tables = append(tables, t)
			}
		}
		switch {
		case len(tables) == 0 && len(empty) == len(b.Sheets()):
			return nil, diag.Errorf(diag.Pos{File: name + "!" + empty[0]}, diag.Invalid, "%s", lang.Say("la feuille est vide : rien à importer", "the sheet is empty: nothing to import"))
		case len(tables) == 0:
			return nil, notRecognised(name, lang)
		case len(tables) > 1 && opt.Kind == "":
			var names []string
			for _, t := range tables {
				names = append(names, t.Name)
			}
			return nil, diag.Errorf(diag.Pos{File: name}, diag.Invalid, "%s", lang.Say(
				"plusieurs feuilles sont des tableaux de paramètres ("+strings.Join(names, ", ")+") : gardez-en une",
				"several sheets are parameters tables ("+strings.Join(names, ", ")+"): keep one"))
		}
		return oneFile(spreadsheet.Parameters(tables[0], base+".yaml", lang))
	case ".csv", ".txt", ".tsv":
		t, err := tabular.ReadCSV(name, data, tabular.DefaultLimits, lang)
		if err != nil {
			return nil, err
		}
		if len(t.Rows) == 0 {
			return nil, diag.Errorf(diag.Pos{File: name}, diag.Invalid, "%s", lang.Say("le fichier est vide : rien à importer", "the file is empty: nothing to import"))
		}
		if opt.Kind == KindProjects {
			return nil, diag.Errorf(diag.Pos{File: name}, diag.Invalid, "%s", lang.Say(
				"une demande de projet s'importe de la fiche XLSX de quotepart template projet, pas d'un CSV",
				"a project request is imported from the XLSX form of quotepart template projet, not from a CSV"))
		}
		if opt.Kind == KindActuals || (opt.Kind == "" && spreadsheet.IsActuals(t)) {
			return oneFile(spreadsheet.Actuals(t, lang))
		}
		if opt.Kind == "" && !spreadsheet.IsParameters(t) {
			return nil, notRecognised(name, lang)
		}
		return oneFile(spreadsheet.Parameters(t, base+".yaml", lang))
	}
	return nil, diag.Errorf(diag.Pos{File: name}, diag.Invalid, "%s", lang.Say(
		"import lit les classeurs .xlsx et les fichiers .csv ; enregistrez le fichier dans l'un de ces formats",
		"import reads .xlsx workbooks and .csv files; save the file in one of them"))
}

func oneFile(f *spreadsheet.File, err error) ([]*spreadsheet.File, error) {
	if err != nil {
		return nil, err
	}
	return []*spreadsheet.File{f}, nil
}

func notRecognised(name string, lang tabular.Lang) error {
	return diag.Errorf(diag.Pos{File: name}, diag.Invalid, "%s", lang.Say(
		"ni une fiche de demande de projet (quotepart template projet), ni un tableau de paramètres (une première ligne qui nomme les colonnes paramètre, date, valeur, unité, description…), ni un réalisé (nature, nom, membre, valeur…)",
		"neither a project request form (quotepart template projet), nor a parameters table (a first row naming the columns parameter, date, value, unit, description…), nor actual figures (nature, nom, membre, valeur…)"))
}

// FormSpec is what the request form offers for this workspace: the
// evaluation's years (the rules' years to run without one), the members,
// the dimensions, the criteria, the commitments the requests move and the
// requests known.
func (ws *Workspace) FormSpec() spreadsheet.FormSpec {
	m := ws.Rules.Model
	spec := spreadsheet.FormSpec{}
	from, to := m.From, m.To
	var ev *scenarios.EvaluationSpec
	if ws.HasProjects() {
		ev = ws.Projects.Evaluation
		from, to = ev.Years.From.Value, ev.Years.To.Value
		spec.Projects = ws.Projects.IDs()
	}
	for y := from; y <= to && y-from < 200; y++ {
		spec.Years = append(spec.Years, y)
	}
	for _, mem := range m.Members {
		spec.Members = append(spec.Members, spreadsheet.Choice{ID: mem.ID, Label: mem.Label})
	}
	for _, d := range engine.StandardDimensions() {
		spec.Dimensions = append(spec.Dimensions, spreadsheet.Choice{ID: d.ID, Label: d.LabelFR, Unit: d.Unit})
	}
	if ev == nil {
		return spec
	}
	for _, e := range ev.Dimensions.Entries {
		spec.Dimensions = append(spec.Dimensions, spreadsheet.Choice{ID: e.Key, Label: e.Value.Label.Value, Unit: e.Value.Unit.Value})
	}
	if ev.Scoring != nil {
		for _, e := range ev.Scoring.Criteria.Entries {
			c := spreadsheet.Criterion{ID: e.Key, Label: e.Value.Label.Value}
			if e.Value.Scale != nil {
				c.From, c.To = e.Value.Scale.From.Value.String(), e.Value.Scale.To.Value.String()
			}
			spec.Criteria = append(spec.Criteria, c)
		}
	}
	for _, e := range ev.Commitments.Entries {
		if e.Value.Dimension.Value != "" {
			continue // moved by a dimension's net, not written in requests
		}
		spec.Commitments = append(spec.Commitments, spreadsheet.Choice{ID: e.Key, Label: e.Value.Label.Value, Unit: e.Value.Unit.Value})
	}
	return spec
}

// exprChecker compiles a value written as a formula against the rules'
// names, as a project line's values are.
func (ws *Workspace) exprChecker(lang reports.Lang) func(string) error {
	m := ws.Rules.Model
	env := m.GlobalEnv()
	var names []string
	for n := range env {
		names = append(names, n)
	}
	slices.Sort(names)
	formulas := ws.Formulas
	if formulas == nil {
		formulas = formula.NewEnv(formula.DefaultLimits)
	}
	return func(src string) error {
		_, err := formulas.Compile(src, env, formula.KindNumber)
		var fe *formula.Error
		if errors.As(err, &fe) {
			msg := fe.Msg
			if name, ok := strings.CutPrefix(msg, "unknown name "); ok {
				msg = say(lang, "nom inconnu ", "unknown name ") + name + diag.Suggest(name, names)
			}
			return errors.New(msg)
		}
		return err
	}
}

// verifyImport loads the files made as quotepart loads them: a rule file
// of parameters is decoded; project requests are compiled and evaluated
// with the workspace's requests, the ones of the same id replaced. An
// error is told at the cell its line came from.
func (ws *Workspace) verifyImport(ctx context.Context, files []*spreadsheet.File, out *reports.Imported, lang reports.Lang) error {
	var errs diag.List
	var projects []scenarios.NamedProject
	known := map[string]bool{}
	if ws.Rules != nil {
		for _, p := range ws.Rules.Model.Params {
			known[p.Name] = true
		}
	}
	seen := map[string]string{}
	for _, f := range files {
		if prev, ok := seen[f.Name]; ok {
			errs.Addf(diag.Pos{File: f.From}, diag.Invalid, "%s", say(lang,
				fmt.Sprintf("%s serait écrit deux fois (aussi de %s) : un identifiant par demande, un nom par fichier", f.Name, prev),
				fmt.Sprintf("%s would be written twice (also from %s): one id per request, one name per file", f.Name, prev)))
			continue
		}
		seen[f.Name] = f.From
		switch f.Kind {
		case KindParameters:
			rf, err := rules.DecodeFile(f.Name, f.Data)
			if err != nil {
				errs.Add(traceBack(err, f))
				continue
			}
			_ = rf
			var again []string
			for _, id := range f.IDs {
				if known[id] {
					again = append(again, id)
				}
			}
			if len(again) > 0 {
				out.Notices = append(out.Notices, say(lang,
					fmt.Sprintf("%s déclare des paramètres que les règles ont déjà (%s) : pour les remplacer, retirez-les de l'autre fichier ; pour un essai, écrivez plutôt un scénario", f.Name, strings.Join(again, ", ")),
					fmt.Sprintf("%s declares parameters the rules already have (%s): to replace them, remove them from the other file; to try values, write a scenario instead", f.Name, strings.Join(again, ", "))))
			}
		case KindActuals:
			if err := ws.verifyActuals(f, lang); err != nil {
				errs.Add(err)
			}
		case KindProjects:
			pf := new(scenarios.ProjectFile)
			if err := rules.Decode(f.Name, f.Data, pf); err != nil {
				errs.Add(traceBack(err, f))
				continue
			}
			projects = append(projects, scenarios.NamedProject{Path: f.Name, File: pf})
		}
	}
	if err := spreadsheet.Errors(errs); err != nil {
		return err
	}
	if len(projects) == 0 {
		return nil
	}
	if !ws.HasProjects() {
		out.Notices = append(out.Notices, say(lang,
			"les demandes n'ont pas été évaluées : le dossier des scénarios n'a pas de réglages d'évaluation (projets/evaluation.yaml)",
			"the requests were not evaluated: the scenarios folder has no evaluation settings (projets/evaluation.yaml)"))
		return nil
	}
	// The workspace's requests, those of the same ids replaced.
	var ids []string
	for _, p := range projects {
		ids = append(ids, p.File.Project.ID.Value)
	}
	all := &scenarios.Projects{Evaluation: ws.Projects.Evaluation}
	for _, nf := range ws.Projects.Files {
		if !slices.Contains(ids, nf.File.Project.ID.Value) {
			all.Files = append(all.Files, nf)
		}
	}
	all.Files = append(all.Files, projects...)
	c := *ws
	c.Projects = all
	if _, err := c.AssessRequests(ctx, ids); err != nil {
		var back diag.List
		for _, e := range diag.Flatten(err) {
			traced := false
			for _, f := range files {
				if o, ok := f.Origin(e.Pos); ok {
					back = append(back, &diag.Error{Pos: o, Code: e.Code, Msg: e.Msg})
					traced = true
					break
				}
			}
			if !traced {
				back = append(back, e)
			}
		}
		return spreadsheet.Errors(back)
	}
	return nil
}

// verifyActuals checks an actuals file made from a spreadsheet as the
// rules read it: decoded, every figure sourced, laid on the rules (pools,
// parameters and members that exist, every member of a per-member
// figure); and that its year is not already in another file of the
// workspace's actuals.
func (ws *Workspace) verifyActuals(f *spreadsheet.File, lang reports.Lang) error {
	c := &actuals.Catalog{}
	if err := c.Add(f.Name, f.Data); err != nil {
		return traceBack(err, f)
	}
	y := c.All()[0]
	if ws.Actuals != nil {
		if prev := ws.Actuals.Year(y.Year); prev != nil && path.Base(prev.Path) != f.Name {
			return diag.Errorf(diag.Pos{File: f.From}, diag.Invalid, "%s", say(lang,
				fmt.Sprintf("le réalisé de %d est déjà dans %s : remplacez ce fichier (import -o ... --force après l'avoir renommé %s) ou retirez-le", y.Year, prev.Path, f.Name),
				fmt.Sprintf("the actuals of %d are already in %s: replace that file (rename it %s and import with --force) or remove it", y.Year, prev.Path, f.Name)))
		}
	}
	if _, err := actuals.Apply(ws.Rules.Files, c.All()); err != nil {
		return traceBack(err, f)
	}
	return nil
}

// traceBack tells the errors of a file made from a spreadsheet at the
// cells their lines came from.
func traceBack(err error, f *spreadsheet.File) error {
	var out diag.List
	for _, e := range diag.Flatten(err) {
		if o, ok := f.Origin(e.Pos); ok {
			out = append(out, &diag.Error{Pos: o, Code: e.Code, Msg: e.Msg})
			continue
		}
		out = append(out, e)
	}
	return spreadsheet.Errors(out)
}

// writeImported writes the files into opt.Dir, refusing, before writing
// any, to replace a file that exists unless opt.Force.
func writeImported(files []*spreadsheet.File, opt ImportOptions, out *reports.Imported) error {
	dir := opt.Dir
	if dir == "" {
		dir = "."
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("%s", say(opt.Lang, fmt.Sprintf("-o : le dossier %s n'existe pas", dir), fmt.Sprintf("-o: the folder %s does not exist", dir)))
	}
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if _, err := os.Lstat(p); err == nil && !opt.Force {
			return fmt.Errorf("%s", say(opt.Lang, fmt.Sprintf("%s existe déjà : --force le remplace", p), fmt.Sprintf("%s exists: --force replaces it", p)))
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot write %s: %v", p, diag.Cause(err))
		}
		if err := outfile.Check(p); err != nil {
			return err
		}
		paths = append(paths, p)
	}
	for i, f := range files {
		if err := outfile.Write(paths[i], f.Data, nil); err != nil {
			return err
		}
		out.Files = append(out.Files, reports.ImportedFile{Path: filepath.ToSlash(paths[i]), Kind: f.Kind, From: f.From, IDs: f.IDs})
	}
	return nil
}

// Template writes the spreadsheet of a kind: the request form of the
// PMO (KindProjects), the rules' parameters as the table import reads
// (KindParameters), or the table of the actual figures of a year
// (KindActuals; year 0 is the last year the rules run).
func (ws *Workspace) Template(kind string, year int, lang reports.Lang) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(kind)) {
	case KindActuals, "réalisé", "actuals":
		if year == 0 {
			year = ws.Rules.Model.To
		}
		return spreadsheet.ActualsTemplate(year, ws.actualsRows())
	case KindProjects, "projets", "project", "projects":
		return spreadsheet.Template(ws.FormSpec())
	case KindParameters, "paramètres", "parameters":
		var rows []spreadsheet.ParamRow
		for _, p := range ws.Rules.Model.Params {
			for _, v := range p.Values {
				rows = append(rows, spreadsheet.ParamRow{Name: p.Name, Label: p.Label, Description: p.Description, Unit: p.Unit,
					Source: p.Source, Assumption: p.Assumption, Date: v.From, Value: v.Value})
			}
		}
		return spreadsheet.ParametersTemplate(rows)
	}
	return nil, fmt.Errorf("%s", say(lang, fmt.Sprintf("template : %q n'est pas un genre de fiche ; les genres sont %s, %s et %s", kind, KindProjects, KindParameters, KindActuals),
		fmt.Sprintf("template: %q is not a kind of form; the kinds are %s, %s and %s", kind, KindProjects, KindParameters, KindActuals)))
}

// actualsRows are the rows of the actuals template: every pool, every
// staff count (unit ETC) and every per-member parameter, member by member.
func (ws *Workspace) actualsRows() []spreadsheet.ActualsRow {
	m := ws.Rules.Model
	var rows []spreadsheet.ActualsRow
	for _, p := range m.Pools {
		rows = append(rows, spreadsheet.ActualsRow{Nature: "poste", Name: p.ID, Unit: "EUR", Label: p.Label})
	}
	for _, nf := range ws.Rules.Files {
		if nf.File == nil {
			continue
		}
		for _, e := range nf.File.Parameters.Entries {
			p := e.Value
			switch {
			case p.ByMember.Set:
				for _, mem := range m.Members {
					rows = append(rows, spreadsheet.ActualsRow{Nature: "paramètre", Name: e.Key, Member: mem.ID, Unit: p.Unit.Value, Label: p.Label.Value})
				}
			case strings.EqualFold(p.Unit.Value, "ETC"):
				rows = append(rows, spreadsheet.ActualsRow{Nature: "paramètre", Name: e.Key, Unit: p.Unit.Value, Label: p.Label.Value})
			}
		}
	}
	return rows
}
