package cli

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/fileschema"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
)

// Shell completion (quotepart completion bash|zsh|fish|powershell) of the
// names a command takes: scenario ids, project ids, member ids, years,
// formats, file kinds, languages, command names. Names are read from the
// rules in effect — the --rules and --scenarios on the command line being
// completed, else QUOTEPART_RULES..., else quotepart.yaml, else the
// embedded defaults — as the command itself would read them. A completion
// that cannot load the rules offers nothing rather than an error.

// noNames is what a completion offers when it has nothing to offer: no
// file names either.
func noNames() ([]string, cobra.ShellCompDirective) { return nil, cobra.ShellCompDirectiveNoFileComp }

// fixed offers a fixed list of words.
func fixed(words ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return words, cobra.ShellCompDirectiveNoFileComp
	}
}

// completionWorkspace loads the workspace the command being completed
// would load, its flags set from every layer of the configuration.
func (p *program) completionWorkspace(cmd *cobra.Command) (*app.Workspace, bool) {
	if err := p.configure(cmd); err != nil {
		return nil, false
	}
	ws, err := p.workspace(cmd)
	return ws, err == nil
}

// described words a completion with its description, which shells show
// beside it; text from the files is escaped so that a tab or a line
// break cannot break the completion protocol.
func described(name, description string) string {
	name = reports.SafeText(name)
	if description == "" {
		return name
	}
	return name + "\t" + reports.SafeText(description)
}

// scenarioNames completes a scenario: the ids of the scenarios, then the
// rules' own id. A word that looks like a path completes as a file.
func (p *program) scenarioNames(cmd *cobra.Command, toComplete string) ([]string, cobra.ShellCompDirective) {
	if strings.ContainsAny(toComplete, `/\`) || strings.HasPrefix(toComplete, ".") {
		return nil, cobra.ShellCompDirectiveDefault
	}
	ws, ok := p.completionWorkspace(cmd)
	if !ok {
		return noNames()
	}
	var out []string
	for _, s := range ws.Scenarios.All() {
		out = append(out, described(s.ID, s.Title))
	}
	// The rules alone, under their own id, unless a scenario has it.
	if m := ws.Rules.Model; !slices.Contains(ws.Scenarios.IDs(), m.ID) {
		out = append(out, described(m.ID, m.Title))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// anyScenario completes every argument as a scenario.
func (p *program) anyScenario(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return p.scenarioNames(cmd, toComplete)
}

// model is the model of the job args[0] names, or of the rules alone.
func (p *program) completionModel(cmd *cobra.Command, args []string) (*engine.Model, int, int, bool) {
	ws, ok := p.completionWorkspace(cmd)
	if !ok {
		return nil, 0, 0, false
	}
	j := ws.RulesJob()
	if len(args) > 0 {
		var err error
		if j, err = ws.Job(context.Background(), args[0]); err != nil {
			return nil, 0, 0, false
		}
	}
	from, to := j.Years(0, 0)
	return j.Model(), from, to, true
}

// members completes a member of the scenario named first (a scenario can
// add members: Darnétal in nouveau-membre), in declaration order.
func (p *program) members(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	m, _, _, ok := p.completionModel(cmd, args)
	if !ok {
		return noNames()
	}
	var out []string
	for _, mb := range m.Members {
		out = append(out, described(mb.ID, mb.Label))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// yearNames completes a year of the scenario named first (its years, then the
// others the rules cover), or of the rules alone.
func (p *program) yearNames(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	m, from, to, ok := p.completionModel(cmd, args)
	if !ok {
		return noNames()
	}
	var out []string
	for y := from; y <= to; y++ {
		out = append(out, strconv.Itoa(y))
	}
	for y := m.FirstYear; y <= m.LastYear; y++ {
		if y < from || y > to {
			out = append(out, strconv.Itoa(y))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}

// projects completes the ids of the project requests.
func (p *program) projects(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	ws, ok := p.completionWorkspace(cmd)
	if !ok || ws.Projects == nil {
		return noNames()
	}
	var out []string
	for _, f := range ws.Projects.Files {
		out = append(out, described(f.File.Project.ID.Value, f.File.Project.Title.Value))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// first completes the first argument only.
func first(f cobra.CompletionFunc) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return noNames()
		}
		return f(cmd, args, toComplete)
	}
}

// formatNames completes --format with the formats of an output.
func formatNames(out formatted) cobra.CompletionFunc {
	var words []string
	for _, f := range out.Formats() {
		words = append(words, string(f))
	}
	return fixed(words...)
}

// complete registers the completions of every command, once they are all
// added to root.
func (p *program) complete(root *cobra.Command) {
	flag := func(cmd *cobra.Command, name string, f cobra.CompletionFunc) {
		if cmd.Flags().Lookup(name) != nil || cmd.PersistentFlags().Lookup(name) != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, f)
		}
	}
	dirs := func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	}
	flag(root, "lang", fixed("fr", "en"))
	flag(root, "rules", dirs)
	flag(root, "scenarios", dirs)
	flag(root, "config", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
	})
	var names []string
	for _, cmd := range root.Commands() {
		names = append(names, cmd.Name())
		switch cmd.Name() {
		case "run", "compare", "report", "diff":
			cmd.ValidArgsFunction = p.anyScenario
		case "explain":
			cmd.ValidArgsFunction = first(p.anyScenario)
			flag(cmd, "member", p.members)
			flag(cmd, "year", p.yearNames)
		case "evaluate":
			cmd.ValidArgsFunction = p.projects
		case "schema":
			cmd.ValidArgsFunction = first(fixed(fileschema.Names()...))
		case "check", "test":
			cmd.ValidArgsFunction = func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return nil, cobra.ShellCompDirectiveDefault // folders and files
			}
		case "version", "serve":
			cmd.ValidArgsFunction = func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) { return noNames() }
		}
		flag(cmd, "baseline", func(c *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return p.scenarioNames(c, toComplete)
		})
		flag(cmd, "from", func(c *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
			return p.yearNames(c, nil, "")
		})
		flag(cmd, "to", func(c *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
			return p.yearNames(c, nil, "")
		})
		flag(cmd, "against", dirs)
		if cmd.Name() == "report" {
			flag(cmd, "format", formatNames(reports.ReportOutput))
		}
	}
	for _, cmd := range root.Commands() {
		if cmd.Name() == "config" {
			cmd.ValidArgsFunction = first(fixed(names...))
		}
	}
}
