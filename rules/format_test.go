package rules_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
)

// summary renders what a run bills, in an order that does not depend on
// the order of the file's mappings (TOML once came through viper, whose maps
// have none).
func summary(tb testing.TB, res *engine.Result) string {
	tb.Helper()
	var b strings.Builder
	for _, y := range res.Years {
		fmt.Fprintf(&b, "%d months=%d total=%s\n", y.Year, y.Months, y.Total)
		pools := slices.Clone(y.Pools)
		slices.SortFunc(pools, func(p, q engine.PoolYear) int { return strings.Compare(p.ID, q.ID) })
		for _, p := range pools {
			fmt.Fprintf(&b, "  pool %s key=%s amount=%s fees=%s\n", p.ID, p.Key, p.Amount, p.Fees)
			for _, part := range p.Parts {
				fmt.Fprintf(&b, "    %s share=%s amount=%s fees=%s\n", part.Member, part.Share, part.Amount, part.Fees)
			}
		}
		for _, m := range y.Members {
			fmt.Fprintf(&b, "  member %s share=%s amount=%s fees=%s billed=%s\n", m.ID, m.Share, m.Amount, m.Fees, m.Billed)
		}
	}
	return b.String()
}

// params renders a model's parameters, sorted by name.
func params(m *engine.Model) string {
	var lines []string
	for _, p := range m.Params {
		line := fmt.Sprintf("%s unit=%s", p.Name, p.Unit)
		for _, v := range p.Values {
			line += fmt.Sprintf(" %s:%s", v.From, v.Value)
		}
		lines = append(lines, line)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func TestFormats(t *testing.T) {
	var want, wantParams, wantFrom string
	for _, format := range []string{"yaml", "json", "toml"} {
		dir := "testdata/formats/" + format
		set, res, err := loadAndRun(t, dir)
		if err != nil {
			t.Fatalf("%s: %s", format, diag.Flatten(err).Detail())
		}
		if len(set.Files) != 1 || !strings.HasSuffix(set.Files[0].Path, "."+format) {
			t.Fatalf("%s: read %v, want the one %s file", format, set.Files, format)
		}
		got, gotParams := summary(t, res), params(set.Model)
		from := fmt.Sprint(set.Model.Start, set.Model.FirstYear, set.Model.LastYear, set.Model.ReferenceKey, len(set.Model.Rules), len(set.Model.Members))
		if format == "yaml" {
			want, wantParams, wantFrom = got, gotParams, from
			// The fixture must exercise what the formats could get wrong:
			// dates, exact decimals, a member joining, fees, two pools.
			if len(res.Years) != 4 || len(res.Years[2].Members) != 3 || !res.Years[1].Pools[0].Fees.IsPositive() {
				t.Fatalf("the fixture does not exercise the formats:\n%s", got)
			}
			if !strings.Contains(gotParams, "licences unit=EUR 2024-05-01:10000 2025-01-01:12000.5") {
				t.Fatalf("parameters:\n%s", gotParams)
			}
			continue
		}
		if from != wantFrom {
			t.Errorf("%s: service and counts %s, want as YAML: %s", format, from, wantFrom)
		}
		if gotParams != wantParams {
			t.Errorf("%s: parameters\n%s\nwant as YAML:\n%s", format, gotParams, wantParams)
		}
		if got != want {
			t.Errorf("%s: results\n%s\nwant as YAML:\n%s", format, got, want)
		}
	}
}
