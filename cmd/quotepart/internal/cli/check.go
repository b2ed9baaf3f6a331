package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/spf13/cobra"
)

// checkSchema names the JSON contract of check --format json.
const checkSchema = "quotepart/check/v1"

// checkOptions are the flags of check.
type checkOptions struct {
	strict     bool
	staleYears int
	format     string
}

// checkTarget is what check found in one rule set or scenario.
type checkTarget struct {
	name, kind string
	errors     diag.List
	findings   []rules.Finding
	summary    string // what was checked, when it loaded
}

func (a *app) checkCommand() *cobra.Command {
	var opt checkOptions
	cmd := &cobra.Command{
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
years.

check also warns about what is legal but suspicious: a parameter whose latest
value took effect more than --stale-years years before a simulated year
(stale), a parameter with neither source nor assumption, a rule that no pool,
key or fee rate uses, a member whose reference key is zero in a year it is a
member. With --strict, these warnings are errors. Keys that do not sum to 1
are always errors.

Exit status: 0 when clean, 1 otherwise (with --strict, warnings included).`,
		Example: `  quotepart check
  quotepart check --strict
  quotepart check --strict --stale-years 4 --format json
  quotepart check --rules ./mes-regles --scenarios ./mes-scenarios
  quotepart check ./mes-regles
  quotepart check regles/service.yaml regles/cles.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opt.format != "text" && opt.format != "json" {
				return fmt.Errorf("unknown format %q: expected text or json", opt.format)
			}
			var targets []string
			var files []string
			for _, p := range args {
				if info, err := os.Stat(p); err == nil && !info.IsDir() {
					files = append(files, p)
				} else {
					targets = append(targets, p)
				}
			}
			var results []checkTarget
			if len(args) == 0 {
				results = a.checkWorkspace(cmd, opt)
			}
			for _, dir := range targets {
				set, err := loadRules(dir)
				results = append(results, checkSet(cmd, displayName(dir), set, err, opt))
			}
			if len(files) > 0 {
				set, err := loadFiles(files)
				results = append(results, checkSet(cmd, strings.Join(files, " "), set, err, opt))
			}
			dedupeFindings(results)
			var out bytes.Buffer
			if opt.format == "json" {
				if err := checkJSON(&out, results, opt); err != nil {
					return err
				}
			} else {
				checkText(&out, results, opt)
			}
			if _, err := a.stdout.Write(out.Bytes()); err != nil {
				return err
			}
			for _, t := range results {
				if !t.ok(opt) {
					return &exitCodeError{code: exitError}
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opt.strict, "strict", false, "treat warnings as errors: stale or unsourced parameters, unused rules, zero keys")
	f.IntVar(&opt.staleYears, "stale-years", rules.DefaultStaleYears, "a parameter is stale when its latest value took effect more than this many years before a simulated year (0 or less: no check)")
	f.StringVar(&opt.format, "format", "text", "text or json (quotepart/check/v1)")
	return cmd
}

func (t *checkTarget) ok(opt checkOptions) bool {
	return len(t.errors) == 0 && (!opt.strict || len(t.findings) == 0)
}

func displayName(dir string) string {
	if dir == "" {
		return rules.DefaultDir + " (embedded)"
	}
	return dir
}

func strictOptions(opt checkOptions) rules.StrictOptions {
	n := opt.staleYears
	if n <= 0 {
		n = -1
	}
	return rules.StrictOptions{StaleYears: n}
}

// checkSet runs a loaded set over every year it covers and collects its
// errors and warnings.
func checkSet(cmd *cobra.Command, name string, set *rules.Set, err error, opt checkOptions) checkTarget {
	t := checkTarget{name: name, kind: "rules"}
	var res *engine.Result
	if err == nil {
		m := set.Model
		res, err = engine.Run(cmd.Context(), m, engine.Options{From: m.FirstYear, To: m.LastYear})
	}
	if err != nil {
		t.errors = diag.Flatten(err)
		return t
	}
	t.findings = rules.Strict(set, res, strictOptions(opt))
	m := set.Model
	t.summary = fmt.Sprintf("%s, %s, %s, %s, %s, years %d–%d",
		plural(len(set.Files), "file"), plural(len(m.Members), "member"), plural(len(m.Params), "parameter"),
		plural(len(m.Rules), "rule"), plural(len(m.Pools), "pool"), m.FirstYear, m.LastYear)
	return t
}

// checkWorkspace checks the configured rules and each of their scenarios.
func (a *app) checkWorkspace(cmd *cobra.Command, opt checkOptions) []checkTarget {
	dir := a.path(cmd, "rules")
	ws, err := a.openWorkspace(cmd)
	if err != nil {
		// Say which part failed to load: the rules, or the scenarios.
		if _, rerr := loadRules(dir); rerr != nil {
			return []checkTarget{checkSet(cmd, displayName(dir), nil, rerr, opt)}
		}
		return []checkTarget{{name: "scenarios", kind: "scenarios", errors: diag.Flatten(err)}}
	}
	out := []checkTarget{checkSet(cmd, displayName(dir), ws.base, nil, opt)}
	if ws.catalog == nil {
		return out
	}
	for _, s := range ws.catalog.All() {
		t := checkTarget{name: "scenario " + s.ID, kind: "scenario"}
		j, err := ws.build(s)
		var res *engine.Result
		if err == nil {
			res, err = j.run(cmd.Context(), 0, 0)
		}
		if err != nil {
			t.errors = diag.Flatten(err)
		} else {
			t.findings = scenarioFindings(ws, s, rules.Strict(j.set, res, strictOptions(opt)))
			t.summary = fmt.Sprintf("%s, years %d–%d", s.Path, j.from, j.to)
		}
		out = append(out, t)
	}
	if ws.projects != nil {
		t := checkTarget{name: "projects", kind: "projects"}
		compiled, set, err := ws.assess(cmd.Context(), nil)
		if err != nil {
			t.errors = diag.Flatten(err)
		} else {
			t.summary = fmt.Sprintf("%s, years %d–%d", plural(len(set), "request"), compiled.Horizon.From, compiled.Horizon.To)
		}
		out = append(out, t)
	}
	return out
}

// scenarioFindings drops the unused rules a scenario leaves in the rules it
// is laid on: replacing a rule's formula may leave the rules the old one
// read unused, which is the point of the what-if, not a mistake. Rules the
// scenario files themselves declare are still reported.
func scenarioFindings(ws *workspace, s *scenarios.Scenario, fs []rules.Finding) []rules.Finding {
	chain, err := ws.catalog.Chain(s)
	if err != nil {
		return fs
	}
	own := map[string]bool{}
	for _, c := range chain {
		own[c.Path] = true
	}
	return slices.DeleteFunc(fs, func(f rules.Finding) bool { return f.Check == rules.CheckUnusedRule && !own[f.Pos.File] })
}

// dedupeFindings keeps each warning once, in the first target that has
// it: a scenario repeats the warnings of the rules it is laid on.
func dedupeFindings(ts []checkTarget) {
	type key struct {
		pos diag.Pos
		msg string
	}
	seen := map[key]bool{}
	for i := range ts {
		kept := ts[i].findings[:0]
		for _, f := range ts[i].findings {
			k := key{f.Pos, f.Msg}
			if !seen[k] {
				seen[k] = true
				kept = append(kept, f)
			}
		}
		ts[i].findings = kept
	}
}

func checkText(w io.Writer, ts []checkTarget, opt checkOptions) {
	for _, t := range ts {
		if len(t.errors) > 0 {
			fmt.Fprintln(w, t.errors.Detail())
			fmt.Fprintf(w, "%s: %s\n", t.name, plural(len(t.errors), "error"))
			continue
		}
		if opt.strict && len(t.findings) > 0 {
			for _, f := range t.findings {
				head, snippet, _ := strings.Cut(f.Detail(), "\n")
				fmt.Fprintf(w, "%s [%s]\n", head, f.Check)
				if snippet != "" {
					fmt.Fprintln(w, snippet)
				}
			}
			fmt.Fprintf(w, "%s: %s (--strict: warnings are errors)\n", t.name, plural(len(t.findings), "error"))
			continue
		}
		for _, f := range t.findings {
			fmt.Fprintf(w, "%s (warning)\n", f.Error.Error())
		}
		fmt.Fprintf(w, "%s: ok — %s\n", t.name, t.summary)
	}
}

type (
	checkDoc struct {
		Schema  string           `json:"schema"`
		OK      bool             `json:"ok"`
		Strict  bool             `json:"strict"`
		Targets []checkTargetDoc `json:"targets"`
	}
	checkTargetDoc struct {
		Name     string         `json:"name"`
		Kind     string         `json:"kind"`
		OK       bool           `json:"ok"`
		Summary  string         `json:"summary,omitempty"`
		Errors   []checkItemDoc `json:"errors"`
		Warnings []checkItemDoc `json:"warnings"`
	}
	checkItemDoc struct {
		Check   string `json:"check,omitempty"`
		Code    string `json:"code,omitempty"`
		File    string `json:"file,omitempty"`
		Line    int    `json:"line,omitempty"`
		Col     int    `json:"col,omitempty"`
		Message string `json:"message"`
	}
)

func checkJSON(w io.Writer, ts []checkTarget, opt checkOptions) error {
	doc := checkDoc{Schema: checkSchema, OK: true, Strict: opt.strict, Targets: []checkTargetDoc{}}
	for _, t := range ts {
		td := checkTargetDoc{Name: t.name, Kind: t.kind, OK: t.ok(opt), Summary: t.summary, Errors: []checkItemDoc{}, Warnings: []checkItemDoc{}}
		for _, e := range t.errors {
			td.Errors = append(td.Errors, checkItemDoc{Code: string(e.Code), File: e.Pos.File, Line: e.Pos.Line, Col: e.Pos.Col, Message: e.Msg})
		}
		for _, f := range t.findings {
			td.Warnings = append(td.Warnings, checkItemDoc{Check: f.Check, Code: string(f.Code), File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col, Message: f.Msg})
		}
		doc.OK = doc.OK && td.OK
		doc.Targets = append(doc.Targets, td)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
