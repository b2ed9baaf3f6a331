package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/rules"
)

// DiffOptions choose the previous rules and what a rule diff covers.
type DiffOptions struct {
	// Against is a folder of the previous rules; AgainstRev a git
	// revision of the workspace's rules folder. One of them is set.
	Against, AgainstRev string
	// Scenarios are the names compared (all when empty).
	Scenarios []string
	// From and To are the years (zero: each scenario's).
	From, To int
	Gate     reports.Gate
}

// Diff runs every scenario (or those named) on the previous rules and on
// the workspace's, and lines up each member's amount per year. A scenario
// that cannot run on the previous rules (it reads something the change
// adds) is listed as not compared.
func (ws *Workspace) Diff(ctx context.Context, opt DiffOptions) (*reports.RuleDiff, error) {
	if (opt.Against == "") == (opt.AgainstRev == "") {
		return nil, errors.New("diff needs the previous rules: --against DIR or --against-rev REV")
	}
	d := &reports.RuleDiff{After: ws.RulesName(), Gate: opt.Gate}
	var before *rules.Set
	var err error
	if opt.Against != "" {
		d.Before = opt.Against
		before, err = LoadRules(opt.Against, ws.formulas())
	} else {
		if ws.RulesDir == "" {
			return nil, errors.New("--against-rev reads the --rules folder at a git revision: give --rules DIR (the embedded rules have no git history)")
		}
		d.Before = opt.AgainstRev + ":" + filepath.ToSlash(filepath.Clean(ws.RulesDir))
		before, err = RulesAtRevision(ctx, ws.RulesDir, opt.AgainstRev, ws.formulas())
	}
	if err != nil {
		return nil, err
	}
	prev := ws.WithRules(before, d.Before)
	jobs, err := ws.Resolve(ctx, opt.Scenarios)
	if err != nil {
		return nil, err
	}
	d.Provenance, d.BeforeDigest = ws.Provenance(jobs...), prev.Provenance(jobs...).Digest
	for _, j := range jobs {
		from, to := j.Years(opt.From, opt.To)
		after, err := j.Run(ctx, from, to)
		if err != nil {
			return nil, err
		}
		old, err := prev.rerun(ctx, j, from, to)
		if err == nil {
			d.Scenarios = append(d.Scenarios, reports.CompareRules(j.ID, j.Title, old, after, opt.Gate))
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d.Scenarios = append(d.Scenarios, reports.RuleDiffScenario{ID: j.ID, Title: j.Title, Skipped: firstLine(err)})
	}
	return d, nil
}

// rerun runs job j's scenario chain (or the rules alone) on the
// workspace's rules, under j's id and title.
func (ws *Workspace) rerun(ctx context.Context, j *Job, from, to int) (*engine.Result, error) {
	other := ws.RulesJob()
	if len(j.Chain) > 0 {
		var err error
		if other, err = ws.BuildChain(ctx, j.Chain); err != nil {
			return nil, err
		}
	}
	res, err := other.Run(ctx, from, to)
	if err != nil {
		return nil, err
	}
	res.ID, res.Title = j.ID, j.Title
	return res, nil
}

// firstLine words an error on one line: its first diagnostic, and how many
// more there are.
func firstLine(err error) string {
	list := diag.Flatten(err)
	msg := list[0].Error()
	if len(list) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(list)-1)
	}
	return msg
}

// RulesAtRevision loads the rule files of dir as they were at git
// revision rev. Positions name the files rev:dir/name, as git does. opts
// choose the environment expressions compile in (rules.WithFormulas).
func RulesAtRevision(ctx context.Context, dir, rev string, opts ...rules.Option) (*rules.Set, error) {
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
	list, err := run("ls-tree", "-z", "-l", rev, "--", ".")
	if err != nil {
		return nil, fmt.Errorf("--against-rev: cannot list %s at %s: %v", dir, rev, err)
	}
	// The folder at rev is read as a folder on disk is, under the same
	// rules and limits: the size of each file is known before it is read.
	tree := newGitTree(list, func(id string) ([]byte, error) { return run("cat-file", "blob", id) })
	tree.deep = func(name string) ([]byte, error) {
		return run("--literal-pathspecs", "ls-tree", "-z", "-l", rev, "--", name)
	}
	display := filepath.ToSlash(filepath.Clean(dir))
	if len(tree.names) == 0 {
		return nil, fmt.Errorf("--against-rev: no rule file in %s at %s", display, rev)
	}
	return rules.Load(tree, ".", gitPath(rev, display), opts...)
}
