package cli

import (
	"fmt"
	"strings"

	"github.com/quotepart/quotepart/internal/fileschema"
	"github.com/quotepart/quotepart/internal/outfile"
	"github.com/spf13/cobra"
)

func (p *program) schemaCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "schema KIND",
		Short: "Print the JSON Schema of a file format: " + strings.Join(fileschema.Names(), ", "),
		Long: `schema prints the JSON Schema (draft 2020-12) of a quotepart file format, generated
from the Go types the loader decodes: rules (rule files), scenarios (scenario
files), projects (project requests and evaluation settings) or tests (test
files, *.test.yaml).

Editors validate and complete YAML files against it: with VS Code's YAML
extension (or any yaml-language-server client), put on the first line of a file

  # yaml-language-server: $schema=<path or URL of the schema>

The schemas of this version are committed in docs/schema/, and every shipped
file carries that line.`,
		Example: `  quotepart schema rules
  quotepart schema tests -o regles/schema/tests.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := outfile.Check(output); err != nil {
				return err
			}
			k, err := fileschema.Lookup(args[0])
			if err != nil {
				return err
			}
			data, err := fileschema.Generate(k)
			if err != nil {
				return fmt.Errorf("internal error: %v", err)
			}
			return p.writeOutput(output, data)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file, atomically (default: standard output)")
	return cmd
}
