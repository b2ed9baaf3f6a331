package scenarios_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/shopspring/decimal"
)

// update reports whether goldens should be rewritten rather than compared:
// QUOTEPART_UPDATE=1 go test ./scenarios/
var update = os.Getenv("QUOTEPART_UPDATE") != ""

// baseDir is the small rule set the tests apply their scenarios to.
const baseDir = "testdata/base"

// loadBase decodes and builds the test rule set. Each call decodes the
// files afresh, so that two calls give two independent copies.
func loadBase(tb testing.TB) *rules.Set {
	tb.Helper()
	set, err := rules.Load(os.DirFS("."), baseDir, baseDir)
	if err != nil {
		tb.Fatalf("the base rule set fails:\n%s", diag.Flatten(err).Detail())
	}
	return set
}

// outcome is what the pipeline of the command line made of a scenario.
type outcome struct {
	applied *scenarios.Applied
	set     *rules.Set
	res     *engine.Result
}

// pipeline runs a scenario the way the command line does: its extends
// chain, Apply on base, rules.BuildDecoded, then engine.Run over the years
// from..to (the scenario's own years when both are 0). It stops at the
// first error.
func pipeline(tb testing.TB, cat *scenarios.Catalog, s *scenarios.Scenario, base []rules.NamedFile, from, to int) (outcome, error) {
	tb.Helper()
	var out outcome
	chain, err := cat.Chain(s)
	if err != nil {
		return out, err
	}
	if out.applied, err = scenarios.Apply(base, chain); err != nil {
		return out, err
	}
	if out.set, err = rules.BuildDecoded(out.applied.Files, nil); err != nil {
		return out, err
	}
	if from == 0 && to == 0 {
		from, to = out.applied.From, out.applied.To
	}
	out.res, err = engine.Run(context.Background(), out.set.Model, engine.Options{From: from, To: to})
	return out, err
}

// catalog decodes scenario files given as name, text, name, text...
func catalog(tb testing.TB, files ...string) *scenarios.Catalog {
	tb.Helper()
	cat := scenarios.NewCatalog()
	for i := 0; i+1 < len(files); i += 2 {
		if _, err := cat.Add(files[i], []byte(files[i+1])); err != nil {
			tb.Fatalf("%s does not decode:\n%s", files[i], diag.Flatten(err).Detail())
		}
	}
	return cat
}

// applyText applies the last of the scenario files given (name, text...),
// with the others as its catalog, to the test rule set, and runs every year
// the rules cover. Any error fails the test.
func applyText(tb testing.TB, files ...string) outcome {
	tb.Helper()
	cat := catalog(tb, files...)
	s, err := cat.Get(scenarioID(tb, files[len(files)-1]))
	if err != nil {
		tb.Fatal(err)
	}
	out, err := pipeline(tb, cat, s, loadBase(tb).Files, 2024, 2030)
	if err != nil {
		tb.Fatalf("scenario %s fails:\n%s", s.ID, diag.Flatten(err).Detail())
	}
	return out
}

// scenarioID finds the id: line of a scenario text.
func scenarioID(tb testing.TB, text string) string {
	tb.Helper()
	for line := range strings.Lines(text) {
		if id, ok := strings.CutPrefix(strings.TrimSpace(line), "id: "); ok {
			return id
		}
	}
	tb.Fatalf("no id: line in\n%s", text)
	return ""
}

// dated renders a parameter's dated values of a built model as
// "2024-01-01=10 2026-01-01=12", in date order.
func dated(tb testing.TB, m *engine.Model, name string) string {
	tb.Helper()
	for _, p := range m.Params {
		if p.Name != name {
			continue
		}
		var parts []string
		for _, v := range p.Values {
			parts = append(parts, v.From.String()+"="+v.Value.String())
		}
		return strings.Join(parts, " ")
	}
	tb.Fatalf("no parameter %s in the model", name)
	return ""
}

// versionDates lists the dates from which a rule's versions are in force.
func versionDates(tb testing.TB, m *engine.Model, name string) string {
	tb.Helper()
	for _, r := range m.Rules {
		if r.Name == name {
			var dates []string
			for _, v := range r.Versions {
				dates = append(dates, v.From.String())
			}
			return strings.Join(dates, " ")
		}
	}
	tb.Fatalf("no rule %s in the model", name)
	return ""
}

// year returns a year of a result.
func year(tb testing.TB, res *engine.Result, y int) *engine.Year {
	tb.Helper()
	for i := range res.Years {
		if res.Years[i].Year == y {
			return &res.Years[i]
		}
	}
	tb.Fatalf("no year %d in the result of %s", y, res.ID)
	return nil
}

// valueIn returns a parameter's or global rule's value in the segment of
// year y that covers month.
func valueIn(tb testing.TB, res *engine.Result, y int, month time.Month, name string) decimal.Decimal {
	tb.Helper()
	for _, s := range year(tb, res, y).Segments {
		if int(month) >= s.FromMonth && int(month) < s.FromMonth+s.Months {
			v, ok := s.Values[name]
			if !ok {
				tb.Fatalf("%s has no value in %d-%02d", name, y, int(month))
			}
			return v
		}
	}
	tb.Fatalf("no segment covers %d-%02d", y, int(month))
	return decimal.Decimal{}
}

// pool returns a pool's year, or nil when the pool is not in the year.
func pool(tb testing.TB, res *engine.Result, y int, id string) *engine.PoolYear {
	tb.Helper()
	yr := year(tb, res, y)
	i := slices.IndexFunc(yr.Pools, func(p engine.PoolYear) bool { return p.ID == id })
	if i < 0 {
		return nil
	}
	return &yr.Pools[i]
}

// member returns a member's year, or nil when it is not a member that year.
func member(tb testing.TB, res *engine.Result, y int, id string) *engine.MemberYear {
	tb.Helper()
	yr := year(tb, res, y)
	i := slices.IndexFunc(yr.Members, func(m engine.MemberYear) bool { return m.ID == id })
	if i < 0 {
		return nil
	}
	return &yr.Members[i]
}

// dec reads a decimal written in a test.
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// equal fails the test when got and want differ as numbers.
func equal(tb testing.TB, what string, got, want decimal.Decimal) {
	tb.Helper()
	if !got.Equal(want) {
		tb.Errorf("%s = %s, want %s", what, got, want)
	}
}

// checkGolden compares got with the file want, or rewrites want when
// QUOTEPART_UPDATE is set.
func checkGolden(tb testing.TB, want, got string) {
	tb.Helper()
	if update {
		if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(want)
	if err != nil {
		tb.Fatalf("%v (QUOTEPART_UPDATE=1 go test ./scenarios/ writes it)", err)
	}
	if string(data) != got {
		tb.Errorf("error output differs from %s\n--- got:\n%s--- want:\n%s", want, got, data)
	}
}
