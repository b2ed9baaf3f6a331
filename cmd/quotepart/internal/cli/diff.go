package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"

	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
)

func (a *app) diffCommand() *cobra.Command {
	var against, againstRev, failOver, failOverPct, format, output string
	cmd := &cobra.Command{
		Use:   "diff [SCENARIO...] (--against DIR | --against-rev REV)",
		Short: "Show what a change to the rules does to each member's bill",
		Long: `diff runs every scenario (or the given ones; the rules alone when there is no
scenario) on two rule sets — the previous rules, from a folder (--against DIR) or
from a git revision of the --rules folder (--against-rev REV), and the current
--rules — and prints, per scenario, member and year, the amount before and after
the change. The amount is what the member is billed; for the manager, which
bills itself nothing, the part it bears. The scenarios are the current ones,
laid on both rule sets; a scenario that cannot run on the previous rules (it
reads something the change adds) is listed as not compared.

--fail-over AMOUNT and --fail-over-pct P make diff exit 2 when a member's amount
moves by more than AMOUNT EUR or P percent in a year: a gate for CI. --format md
writes Markdown ready to paste in a merge-request comment.

Exit status: 0, 2 when a gate is exceeded, 1 when a rule set cannot be loaded,
git or the revision cannot be found.`,
		Example: `  quotepart diff --rules ./regles --against ./regles-2025
  quotepart diff --rules rules/rouen --scenarios scenarios/rouen --against-rev HEAD~1
  quotepart diff --rules ./regles --against-rev origin/main --format md -o diff.md
  quotepart diff --rules ./regles --against-rev v2025 --fail-over 1000 --fail-over-pct 0.5`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (against == "") == (againstRev == "") {
				return fmt.Errorf("diff needs the previous rules: --against DIR or --against-rev REV")
			}
			switch format {
			case "table", "md", "json":
			default:
				return fmt.Errorf("unknown format %q: expected table, md or json", format)
			}
			var gate reports.Gate
			var err error
			if gate.Amount, err = gateFlag("--fail-over", failOver); err != nil {
				return err
			}
			if gate.Pct, err = gateFlag("--fail-over-pct", failOverPct); err != nil {
				return err
			}
			from, to, err := a.years()
			if err != nil {
				return err
			}
			ws, err := a.openWorkspace(cmd)
			if err != nil {
				return err
			}
			d := &reports.RuleDiff{After: displayName(ws.rulesDir), Gate: gate}
			var before *rules.Set
			if against != "" {
				d.Before = against
				before, err = loadRules(against)
			} else {
				if ws.rulesDir == "" {
					return fmt.Errorf("--against-rev reads the --rules folder at a git revision: give --rules DIR (the embedded rules have no git history)")
				}
				d.Before = againstRev + ":" + filepath.ToSlash(filepath.Clean(ws.rulesDir))
				before, err = gitRules(cmd.Context(), ws.rulesDir, againstRev)
			}
			if err != nil {
				return err
			}
			prev := &workspace{base: before, catalog: ws.catalog, projects: ws.projects}
			jobs, err := ws.resolve(args)
			if err != nil {
				return err
			}
			for _, j := range jobs {
				f, t := from, to
				if f == 0 {
					f = j.from
				}
				if t == 0 {
					t = j.to
				}
				after, err := j.run(cmd.Context(), f, t)
				if err != nil {
					return err
				}
				old, err := prev.rerun(cmd.Context(), j, f, t)
				if err != nil {
					d.Scenarios = append(d.Scenarios, reports.RuleDiffScenario{ID: j.id, Title: j.title, Skipped: firstLine(err)})
					continue
				}
				d.Scenarios = append(d.Scenarios, reports.CompareRules(j.id, j.title, old, after, gate))
			}
			var out bytes.Buffer
			if err := reports.RenderRuleDiff(&out, format, a.lang(), d); err != nil {
				return err
			}
			if err := a.writeOutput(output, out.Bytes()); err != nil {
				return err
			}
			if ex := d.Exceeded(); len(ex) > 0 {
				fmt.Fprintf(a.stderr, "quotepart: %d amounts moved past the gate\n", len(ex))
				return &exitCodeError{code: exitFailed}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&against, "against", "", "folder of the previous rules")
	f.StringVar(&againstRev, "against-rev", "", "git revision of the --rules folder holding the previous rules (HEAD~1, origin/main, a tag)")
	f.StringVar(&failOver, "fail-over", "", "exit 2 when a member's amount moves by more than this many EUR in a year")
	f.StringVar(&failOverPct, "fail-over-pct", "", "exit 2 when a member's amount moves by more than this percentage in a year")
	f.String("from", "", "first year (default: each scenario's)")
	f.String("to", "", "last year (default: each scenario's)")
	f.StringVar(&format, "format", "table", "table, md (Markdown for a merge-request comment) or json (quotepart/diff/v1)")
	f.StringVarP(&output, "output", "o", "", "write to this file, atomically (default: standard output)")
	return cmd
}

func gateFlag(name, s string) (*decimal.Decimal, error) {
	if s == "" {
		return nil, nil
	}
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil || d.IsNegative() {
		return nil, fmt.Errorf("%s: expected a number of 0 or more, found %q", name, s)
	}
	return &d, nil
}

func firstLine(err error) string {
	list := diag.Flatten(err)
	msg := list[0].Error()
	if len(list) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(list)-1)
	}
	return msg
}

// rerun runs the scenario of job j on the workspace's rules, over from–to.
func (ws *workspace) rerun(ctx context.Context, j job, from, to int) (*engine.Result, error) {
	var set *rules.Set
	if ws.catalog == nil || j.id == "" {
		set = ws.base
	} else if s, err := ws.catalog.Get(j.id); err != nil {
		set = ws.base // the rules alone: j is the rule set's own id
	} else {
		other, err := ws.build(s)
		if err != nil {
			return nil, err
		}
		set = other.set
	}
	res, err := engine.Run(ctx, set.Model, engine.Options{From: from, To: to})
	if err != nil {
		return nil, err
	}
	res.ID, res.Title = j.id, j.title
	return res, nil
}

// gitRules loads the rule files of dir as they were at git revision rev.
// Positions name the files rev:dir/name, as git does.
func gitRules(ctx context.Context, dir, rev string) (*rules.Set, error) {
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("--against-rev: %q is not a git revision", rev)
	}
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, fmt.Errorf("--against-rev needs git, which is not on the PATH")
	}
	run := func(args ...string) ([]byte, error) {
		c := exec.CommandContext(ctx, git, append([]string{"-C", dir}, args...)...)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		out, err := c.Output()
		if err != nil {
			msg := strings.TrimSpace(stderr.String())
			if msg == "" {
				msg = err.Error()
			}
			return nil, errors.New(msg)
		}
		return out, nil
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil, diag.Errorf(diag.Pos{File: dir}, diag.NotFound, "no such rules folder")
	}
	if _, err := run("rev-parse", "--show-prefix"); err != nil {
		return nil, fmt.Errorf("--against-rev: %s is not in a git repository (%v)", dir, err)
	}
	if _, err := run("rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		return nil, fmt.Errorf("--against-rev: git revision %q does not exist", rev)
	}
	list, err := run("ls-tree", "-z", rev, "--", ".")
	if err != nil {
		return nil, fmt.Errorf("--against-rev: cannot list %s at %s: %v", dir, rev, err)
	}
	display := filepath.ToSlash(filepath.Clean(dir))
	var files []rules.NamedFile
	var errs diag.List
	for _, entry := range strings.Split(string(list), "\x00") {
		meta, name, ok := strings.Cut(entry, "\t")
		if !ok || !strings.Contains(meta, " blob ") || !rules.IsRuleFile(name) {
			continue
		}
		base := path.Base(name)
		data, err := run("show", rev+":./"+base)
		shown := rev + ":" + path.Join(display, base)
		if err != nil {
			errs.Addf(diag.Pos{File: shown}, diag.NotFound, "cannot read: %v", err)
			continue
		}
		f, err := rules.DecodeFile(shown, data)
		errs.Add(err)
		files = append(files, rules.NamedFile{Path: shown, File: f})
	}
	if len(files) == 0 && len(errs) == 0 {
		return nil, fmt.Errorf("--against-rev: no rule file in %s at %s", display, rev)
	}
	return rules.BuildDecoded(files, errs)
}
