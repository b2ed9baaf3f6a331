package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

// ConfigSchema names the JSON contract of config --format json.
const ConfigSchema = "quotepart/config/v1"

func (p *program) configCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config [COMMAND]",
		Short: "Show the settings of a command, their values and where each comes from",
		Long: `config prints every setting of COMMAND (with none, the settings every command
shares), its effective value and where that value comes from: flag (the command
line), QUOTEPART_<FLAG> (the environment), FILE:LINE (the project file) or
default.

The precedence is the same for every flag of every command: the command line,
then the environment variable, then the project file (a command's section over
its top level), then the default. The project file is --config FILE, else
QUOTEPART_CONFIG, else the first quotepart.yaml in the current folder or its
parents, up to the folder that holds .git. Its keys are flag names; a key at
the top level applies to every command that has that flag, a key in a section
named after a command (test: {format: junit}) to that command only. An unknown
key, a duplicate or a value that does not parse is an error at its line and
column; relative paths (rules, scenarios, output, against) are relative to the
file's folder.`,
		Example: `  quotepart config
  quotepart config test
  QUOTEPART_DRAWS=500 quotepart config evaluate --format json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := p.flag("format")
			if f != "table" && f != "json" {
				return p.settings["format"].wrap(fmt.Errorf("unknown format %q: expected table or json", f))
			}
			target, name := cmd.Root(), ""
			if len(args) == 1 {
				var known []string
				for _, c := range configurable(cmd.Root()) {
					known = append(known, c.Name())
					if c.Name() == args[0] {
						target, name = c, c.Name()
					}
				}
				if name == "" {
					return fmt.Errorf("unknown command %q; known: %s", args[0], strings.Join(known, ", "))
				}
			}
			settings, err := p.settingsOf(cmd, target)
			if err != nil {
				return err
			}
			var b strings.Builder
			if f == "json" {
				doc := struct {
					Schema   string    `json:"schema"`
					Command  string    `json:"command"`
					File     string    `json:"file"`
					Settings []setting `json:"settings"`
				}{ConfigSchema, name, p.projectPath(), settings}
				if err := reports.WriteJSON(&b, doc); err != nil {
					return err
				}
			} else {
				file := p.projectPath()
				if file == "" {
					file = "none"
				}
				fmt.Fprintf(&b, "project file: %s\n", reports.SafeText(file))
				tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "setting\tvalue\tfrom")
				for _, s := range settings {
					fmt.Fprintf(tw, "--%s\t%s\t%s\n", s.Name, reports.SafeText(s.Value), reports.SafeText(s.From))
				}
				tw.Flush()
			}
			return p.writeOutput("", []byte(b.String()))
		},
	}
	cmd.Flags().String("format", "table", "output format: table or json")
	return cmd
}

// projectPath is the project file read, or "".
func (p *program) projectPath() string {
	if p.project == nil {
		return ""
	}
	return p.project.path
}

// settingsOf works out the settings of target as if it ran with the flags
// given to config that it shares (the global ones), its own at their
// defaults. The root's settings are the global flags.
func (p *program) settingsOf(cmd, target *cobra.Command) ([]setting, error) {
	var out []setting
	if target == cmd.Root() {
		for _, name := range names(p.settings) {
			if cmd.Root().PersistentFlags().Lookup(name) != nil {
				out = append(out, p.settings[name])
			}
		}
	} else {
		cmdline := map[string]bool{}
		for name, s := range p.settings {
			if s.From == fromFlag {
				cmdline[name] = true
			}
		}
		var err error
		if out, err = resolve(target, flagsOf(target), cmdline, p.project); err != nil {
			return nil, err
		}
	}
	for i := range out {
		if out[i].Name == "config" {
			out[i].Value, out[i].From = p.projectPath(), p.configFrom
		}
	}
	return out, nil
}
