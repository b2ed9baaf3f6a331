package cli

import (
	"fmt"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

func (p *program) initCommand() *cobra.Command {
	var (
		opt      app.InitOptions
		communes string
		start    string
		listEPCI string
		format   string
	)
	cmd := &cobra.Command{
		Use:   "init DIR (--epci SIREN | --communes INSEE,...)",
		Short: "Start a new shared service: a rules folder filled from the national data of EPCI and communes",
		Long: `init writes, into DIR (a new or empty folder), everything a new shared service
needs to run: the rule files (the service and its members, dated parameters, the key,
a payroll pool with management fees and an example subscriptions pool), the members'
populations as a CSV data file, a test file, a scenarios folder (a baseline and an
example), a quotepart.yaml that names them, a GitLab CI example and a LISEZMOI.md.

The members come from the national data embedded in quotepart ("Etalab — découpage
administratif, édition 2026, d'après INSEE et DGCL", Licence Ouverte): with --epci,
the EPCI and its member communes (the EPCI manages the service unless --manager says
otherwise); with --communes, the communes given by INSEE code (with --epci too, they
replace the EPCI's perimeter in the data, for an EPCI that has changed since). The
figures the data cannot give (staff, cost of a post, fee rate, subscriptions, the
EPCI's share) are example values, each marked as such by an assumption: replace them.

--key chooses how the costs are shared: population (the EPCI, when a member, takes a
fixed share, the communes the rest by population), equal (the same share for every
member), mixed (as population, the communes' part half by population, half equally)
or units (by units of use per member, read from a CSV file to fill in).

The files are checked as 'check --strict' checks them before anything is written;
DIR must be empty or new, unless --force (files of the same name are then replaced).
--list-epci TEXT searches the EPCI by name instead.`,
		Example: `  quotepart init coeur-cote-fleurie --epci 241400415
  quotepart init --list-epci "côte fleurie"
  quotepart init mon-service --epci 241400415 --key mixed --start 2027-01-01
  quotepart init trois-communes --communes 14715,14220,14699 --manager 14220`,
		Args: func(cmd *cobra.Command, args []string) error {
			if listEPCI != "" {
				return cobra.NoArgs(cmd, args)
			}
			if len(args) != 1 {
				return fmt.Errorf("init takes the folder to create: quotepart init DIR --epci SIREN (or --list-epci TEXT)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if listEPCI != "" {
				out := reports.EPCIListOutput
				f, err := out.Parse(format)
				if err != nil {
					return fmt.Errorf("--format: %w", err)
				}
				list, err := app.ListEPCI(listEPCI)
				if err != nil {
					return err
				}
				return emit(p, cmd, out, f, list)
			}
			if communes != "" {
				opt.Communes = strings.Split(communes, ",")
			}
			if start != "" {
				d, err := engine.ParseDate(start)
				if err != nil {
					return fmt.Errorf("--start: %v", err)
				}
				opt.Start = d
			}
			opt.Dir, opt.Lang = args[0], p.lang()
			s, err := app.Init(cmd.Context(), opt)
			if err != nil {
				return err
			}
			return printText(p, reports.InitOutput, s)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opt.EPCI, "epci", "", "SIREN of the EPCI whose communes are the members (the EPCI is one too)")
	fl.StringVar(&communes, "communes", "", "INSEE codes of the member communes, separated by commas")
	fl.StringVar(&opt.Manager, "manager", "", "the member that manages the service: a SIREN, an INSEE code or a member id (default: the EPCI, else the first commune)")
	fl.StringVar(&opt.Key, "key", "population", "how costs are shared: population, equal, mixed or units")
	fl.StringVar(&start, "start", "", "day the service takes effect, YYYY-MM-DD (default: 2026-01-01)")
	fl.IntVar(&opt.To, "to", 0, "last year the rules cover (default: four years after the start's)")
	fl.BoolVar(&opt.Force, "force", false, "write into a folder that is not empty (files of the same name are replaced)")
	fl.StringVar(&listEPCI, "list-epci", "", "list the EPCI whose name holds every word of TEXT, instead of creating a service")
	fl.StringVar(&format, "format", "", "format of --list-epci: "+reports.EPCIListOutput.Help())
	fl.StringP("output", "o", "", "with --list-epci: write the list to this file, atomically (default: standard output)")
	return cmd
}
