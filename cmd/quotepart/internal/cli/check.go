package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/quotepart/quotepart/diag"
	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/rules"
	"github.com/spf13/cobra"
)

func (a *app) checkCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "check [PATH...]",
		Short: "Validate rule files: every error at once, with file:line:col",
		Long: `check loads and compiles rule files, reports every error it finds sorted by
position, then evaluates every year the rules cover to verify that each pool's key
sums to 1 and that nothing fails at run time (a division by zero, a parameter
with no value for a year).

Each PATH is a rules folder, or a rule file; files given one by one are checked
together as one rule set. With no PATH, the --rules folder (or the embedded
defaults) is checked, then every scenario of the --scenarios folder (or the
embedded scenarios, with the embedded rules) is applied to it and run over its
years. Exit status: 0 when clean, 1 otherwise.`,
		Example: `  quotepart check
  quotepart check --rules ./mes-regles --scenarios ./mes-scenarios
  quotepart check ./mes-regles
  quotepart check regles/service.yaml regles/cles.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var targets []string
			var files []string
			for _, p := range args {
				if info, err := os.Stat(p); err == nil && !info.IsDir() {
					files = append(files, p)
				} else {
					targets = append(targets, p)
				}
			}
			failed := 0
			if len(args) == 0 {
				failed += a.checkWorkspace(cmd)
			}
			for _, dir := range targets {
				set, err := loadRules(dir)
				failed += a.report(cmd, displayName(dir), set, err)
			}
			if len(files) > 0 {
				set, err := loadFiles(files)
				failed += a.report(cmd, strings.Join(files, " "), set, err)
			}
			if failed > 0 {
				return &exitCodeError{code: exitError}
			}
			return nil
		},
	}
}

func displayName(dir string) string {
	if dir == "" {
		return rules.DefaultDir + " (embedded)"
	}
	return dir
}

// report runs a loaded set over every year it covers and prints its errors
// and warnings; it returns the number of errors.
func (a *app) report(cmd *cobra.Command, name string, set *rules.Set, err error) int {
	if err == nil {
		m := set.Model
		_, err = engine.Run(cmd.Context(), m, engine.Options{From: m.FirstYear, To: m.LastYear})
	}
	if err != nil {
		list := diag.Flatten(err)
		fmt.Fprintln(a.stdout, list.Detail())
		fmt.Fprintf(a.stdout, "%s: %s\n", name, plural(len(list), "error"))
		return len(list)
	}
	for _, w := range set.Warnings {
		fmt.Fprintf(a.stdout, "%s (warning)\n", w.Error())
	}
	m := set.Model
	fmt.Fprintf(a.stdout, "%s: ok — %s, %s, %s, %s, %s, years %d–%d\n", name,
		plural(len(set.Files), "file"), plural(len(m.Members), "member"), plural(len(m.Params), "parameter"),
		plural(len(m.Rules), "rule"), plural(len(m.Pools), "pool"), m.FirstYear, m.LastYear)
	return 0
}

// checkWorkspace checks the configured rules and each of their scenarios;
// it returns the number of errors.
func (a *app) checkWorkspace(cmd *cobra.Command) int {
	dir := a.path(cmd, "rules")
	ws, err := a.openWorkspace(cmd)
	if err != nil {
		// Say which part failed to load: the rules, or the scenarios.
		if _, rerr := loadRules(dir); rerr != nil {
			return a.report(cmd, displayName(dir), nil, rerr)
		}
		return a.report(cmd, "scenarios", nil, err)
	}
	failed := a.report(cmd, displayName(dir), ws.base, nil)
	if ws.catalog == nil {
		return failed
	}
	for _, s := range ws.catalog.All() {
		j, err := ws.build(s)
		if err == nil {
			_, err = j.run(cmd.Context(), 0, 0)
		}
		name := "scenario " + s.ID
		if err != nil {
			list := diag.Flatten(err)
			fmt.Fprintln(a.stdout, list.Detail())
			fmt.Fprintf(a.stdout, "%s: %s\n", name, plural(len(list), "error"))
			failed += len(list)
			continue
		}
		fmt.Fprintf(a.stdout, "%s: ok — %s, years %d–%d\n", name, s.Path, j.from, j.to)
	}
	return failed
}
