package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/outfile"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (p *program) statementCommand() *cobra.Command {
	var (
		opt  app.StatementOptions
		all  bool
		date string
	)
	cmd := &cobra.Command{
		Use:   "statement [SCENARIO] --member M --year Y -o FILE",
		Short: "Write the statement that goes with a member's invoice: HTML, PDF or Markdown",
		Long: `statement writes the document that goes with a member's invoice for a year: the
service and what founds it, the member's key and how the rules derive it, its part of
each pool with the management fees, its instalments and their due dates (the billing
terms of the rules), the regularisation of the previous year (when that year has
actual figures), how it settles (an invoice, or imputation on its attribution de
compensation, with the AC before and after), the source of every figure, and the
version of quotepart with the digest of the files read.

The format follows the file's extension (.html, .pdf, .md) unless --format says
otherwise; without -o, Markdown goes to standard output. HTML is one self-contained
page that prints on A4; PDF embeds its fonts. With --all, -o names a folder
(created if missing) and one statement per member of the year is written in it,
named MEMBER-YEAR.EXT, in --format (html by default).

SCENARIO is a scenario id, a scenario file or the rules' own id (the default).
--basis actuals states the year on its actual figures. The statement carries a
date only when --date gives one.`,
		Example: `  quotepart statement --member ccas --year 2026 -o ccas-2026.pdf
  quotepart statement --member ville --year 2027 -o ville-2027.html --date 2027-01-15
  quotepart statement --all --year 2026 -o releves-2026 --format pdf
  quotepart statement --rules rules/grand-pic-saint-loup --member teyran --year 2026`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opt.Year == 0 {
				return errors.New("statement needs --year")
			}
			if all == (opt.Member != "") {
				return errors.New("statement needs --member M, or --all for every member of the year")
			}
			if len(args) == 1 {
				opt.Scenario = args[0]
			}
			var err error
			if opt.Basis, err = p.basis(); err != nil {
				return err
			}
			if date != "" {
				if opt.Date, err = engine.ParseDate(date); err != nil {
					return fmt.Errorf("--date: %v", err)
				}
			}
			out := reports.StatementOutput
			file := p.path("output")
			if all {
				return p.allStatements(cmd, opt, file)
			}
			f, err := fileFormat(p, out, file)
			if err != nil {
				return err
			}
			if err := outfile.Check(file); err != nil {
				return err
			}
			ws, err := p.workspace(cmd)
			if err != nil {
				return err
			}
			st, err := ws.Statement(cmd.Context(), opt)
			if err != nil {
				return err
			}
			p.warnText(st.Warnings)
			return emit(p, cmd, out, f, st)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opt.Member, "member", "", "member id, e.g. ccas")
	fl.IntVar(&opt.Year, "year", 0, "year, e.g. 2026")
	fl.BoolVar(&all, "all", false, "one statement per member of the year, into the folder -o names")
	fl.StringVar(&date, "date", "", "date printed on the statement, YYYY-MM-DD (default: none, so that the file depends on its inputs only)")
	fl.String("format", "", reports.StatementOutput.Help()+" (default: from the extension of -o; md on standard output, html with --all)")
	fl.StringP("output", "o", "", "the statement file, written atomically (with --all, the folder of the statements)")
	addBasisFlag(cmd)
	addActualsFlag(cmd)
	return cmd
}

// allStatements writes the statement of every member of the year into
// dir, once every one of them is computed and rendered: a mistake writes
// none.
func (p *program) allStatements(cmd *cobra.Command, opt app.StatementOptions, dir string) error {
	out := reports.StatementOutput
	if outfile.IsStdout(dir) {
		return errors.New("statement --all writes one file per member: give -o FOLDER")
	}
	f := reports.HTML
	if explicit := p.explicitFormat(); explicit != "" {
		var err error
		if f, err = out.Parse(explicit); err != nil {
			return err
		}
	}
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return fmt.Errorf("%s: not a folder: statement --all writes one file per member into a folder", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if info, err := os.Stat(filepath.Dir(filepath.Clean(dir))); err != nil || !info.IsDir() {
		return fmt.Errorf("%s: the folder that would hold it does not exist", dir)
	}
	ws, err := p.workspace(cmd)
	if err != nil {
		return err
	}
	list, err := ws.Statements(cmd.Context(), opt)
	if err != nil {
		return err
	}
	rendered := make([][]byte, len(list))
	for i, st := range list {
		var b bytes.Buffer
		if err := out.Render(&b, f, p.lang(), st); err != nil {
			return err
		}
		rendered[i] = b.Bytes()
	}
	if err := cmd.Context().Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if len(list) > 0 {
		p.warnText(list[0].Warnings)
	}
	for i, st := range list {
		if err := p.writeOutput(filepath.Join(dir, st.FileName(f)), rendered[i]); err != nil {
			return err
		}
	}
	fmt.Fprintf(p.stdout, "%d statements written in %s\n", len(list), dir)
	return nil
}

// warnText prints warnings given as text on standard error.
func (p *program) warnText(list []string) {
	for _, w := range list {
		fmt.Fprintf(p.stderr, "quotepart: warning: %s\n", reports.SafeText(w))
	}
}
