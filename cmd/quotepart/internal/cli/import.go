package cli

import (
	"fmt"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/outfile"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (p *program) importCommand() *cobra.Command {
	var opt app.ImportOptions
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Turn filled spreadsheets into quotepart files: request forms into project files, parameters tables into a rule file",
		Long: `import reads spreadsheets (.xlsx) and CSV files and writes the quotepart files they
hold, into the folder -o (the current one by default):

  - the request forms of 'quotepart template projet', one sheet per request, become
    one project file per request, named after its id (ged-archives.yaml);
  - a parameters table (a first row naming the columns paramètre, date, valeur,
    unité, description, and libellé, source, hypothèse, min, max if wanted; one row
    per parameter and date) becomes a rule file of parameters, named after the
    spreadsheet (parametres.xlsx gives parametres.yaml);
  - a table of the actual figures of a year ('quotepart template realise': a first
    row naming nature, nom, membre, valeur, date, référence, source, hypothèse; rows
    of nature exercice, intitulé, poste, paramètre and émis) becomes an actuals
    file, realise-2026.yaml, for the rules folder's comptes/.

A CSV file is read as French spreadsheets write it: ';' between fields, decimal
commas and grouped thousands (1 234,56), Windows-1252 (Latin-1) or UTF-8. Dates are
2026-01-01 or 31/12/2026 (a US date, 12/31/2026, is refused); a year alone means
1 January.

Every value is checked at its cell, and every mistake is reported at once, naming
the cell (fiche.xlsx!Projet!C12: « deux » n'est pas un nombre) or the line and
column of a CSV file. The files are then loaded as quotepart loads them (project
requests compiled and evaluated with the requests of the scenarios folder, the ones
of the same id replaced): nothing is written unless everything checks, and an
existing file is replaced only with --force.`,
		Example: `  quotepart template projet -o fiche.xlsx
  quotepart import fiche.xlsx -o scenarios/projets
  quotepart template parametres -o parametres.xlsx
  quotepart import parametres.xlsx -o regles --force
  quotepart import budget.csv
  quotepart import realise-2026.xlsx -o regles/comptes`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := p.workspace(cmd)
			if err != nil {
				return err
			}
			opt.Files, opt.Lang, opt.Dir = args, p.lang(), p.path("output")
			im, err := ws.Import(cmd.Context(), opt)
			if err != nil {
				return err
			}
			return printText(p, reports.ImportOutput, im)
		},
	}
	fl := cmd.Flags()
	fl.StringP("output", "o", "", "folder the files are written to (default: the current folder)")
	fl.StringVar(&opt.Kind, "kind", "", "what the files hold, when their content does not say: "+app.KindProjects+", "+app.KindParameters+" or "+app.KindActuals)
	fl.BoolVar(&opt.Force, "force", false, "replace files that exist")
	return cmd
}

func (p *program) templateCommand() *cobra.Command {
	var year int
	cmd := &cobra.Command{
		Use:   "template KIND -o FILE.xlsx",
		Short: "Write a spreadsheet to fill and import: the PMO's request form (projet), or the rules' parameters (parametres)",
		Long: `template writes a workbook that 'quotepart import' reads back:

  projet      the request form the PMO sends out: instructions in French, and a sheet
              'Projet' (copy it once per request) with the request's identity, its
              yearly efforts and gains in each dimension with their uncertainty, its
              scores on the committee's criteria and its effects on the commitments,
              drop-down lists for the members, dimensions, sides, laws and years of
              the workspace's rules and evaluation settings;
  parametres  the rules' parameters, one row per parameter and date, with unit,
              description, source and assumption: change values, add rows, import;
  realise     the actual figures of a year (--year), as the accounts close: a row per
              pool, per staff count and per member of a per-member parameter, to fill
              and import into the rules folder's comptes/ (settle, run --basis actuals).`,
		Example: `  quotepart template projet -o fiche.xlsx
  quotepart template parametres -o parametres.xlsx
  quotepart template realise --year 2026 -o realise-2026.xlsx`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := p.path("output")
			if file == "" || outfile.IsStdout(file) {
				return fmt.Errorf("template writes a workbook: give -o FILE.xlsx")
			}
			if err := outfile.Check(file); err != nil {
				return err
			}
			ws, err := p.workspace(cmd)
			if err != nil {
				return err
			}
			data, err := ws.Template(args[0], year, p.lang())
			if err != nil {
				return err
			}
			if err := cmd.Context().Err(); err != nil {
				return err
			}
			return p.writeOutput(file, data)
		},
	}
	cmd.Flags().StringP("output", "o", "", "the workbook to write, atomically")
	cmd.Flags().IntVar(&year, "year", 0, "with realise: the year of the figures (default: the last year the rules run)")
	return cmd
}
