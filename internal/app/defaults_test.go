package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/scenarios"
	"github.com/shopspring/decimal"
)

// defaultJobs builds every embedded scenario on the embedded rules, as the
// CLI does with no flags.
func defaultJobs(t *testing.T) []*Job {
	t.Helper()
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := ws.Resolve(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) < 5 {
		t.Fatalf("got %d default scenarios, want at least 5", len(jobs))
	}
	return jobs
}

// TestDefaultScenarioGoldens pins the bills of every default scenario over
// all the years the rules cover, so that any change in the numbers shows in
// review. QUOTEPART_UPDATE=1 go test ./... rewrites the goldens.
func TestDefaultScenarioGoldens(t *testing.T) {
	for _, j := range defaultJobs(t) {
		t.Run(j.ID, func(t *testing.T) {
			res, err := j.Run(context.Background(), j.Model().FirstYear, j.Model().LastYear)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := reports.RunOutput.Render(&got, reports.JSON, reports.French, &reports.Bills{Results: []*engine.Result{res}}); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", j.ID+".json")
			if os.Getenv("QUOTEPART_UPDATE") != "" {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run QUOTEPART_UPDATE=1 go test ./... to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("bills of %s changed; review and run QUOTEPART_UPDATE=1 go test ./... if intended\n%s", j.ID, firstDifference(got.String(), string(want)))
			}
		})
	}
}

func firstDifference(got, want string) string {
	g, w := bytes.Split([]byte(got), []byte("\n")), bytes.Split([]byte(want), []byte("\n"))
	for i := range min(len(g), len(w)) {
		if !bytes.Equal(g[i], w[i]) {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + string(g[i]) + "\nwant: " + string(w[i])
		}
	}
	return "lengths differ"
}

// TestExplainAddsUp explains every member of every year of every default
// scenario and checks that the trace sums back to the amount run reports,
// and that each part's rounding moved it by less than a cent.
func TestExplainAddsUp(t *testing.T) {
	cent := decimal.New(1, -2)
	for _, j := range defaultJobs(t) {
		res, err := j.Run(context.Background(), j.Model().FirstYear, j.Model().LastYear)
		if err != nil {
			t.Fatal(err)
		}
		for yi := range res.Years {
			y := &res.Years[yi]
			for _, m := range y.Members {
				tr, err := engine.Explain(j.Model(), y, m.ID)
				if err != nil {
					t.Fatalf("%s %d %s: %v", j.ID, y.Year, m.ID, err)
				}
				if !tr.Total().Equal(m.Amount) {
					t.Errorf("%s %d %s: trace sums to %s, run says %s", j.ID, y.Year, m.ID, tr.Total(), m.Amount)
				}
				for _, p := range tr.Pools {
					if p.Part.Amount.Sub(p.Part.Exact).Abs().GreaterThanOrEqual(cent) || p.Part.Fees.Sub(p.Part.ExactFees).Abs().GreaterThanOrEqual(cent) {
						t.Errorf("%s %d %s pool %s: rounding moved the part by a cent or more: %s → %s", j.ID, y.Year, m.ID, p.Pool.ID, p.Part.Exact, p.Part.Amount)
					}
					if len(p.Amount) != len(y.Segments) || len(p.Key) == 0 {
						t.Errorf("%s %d %s pool %s: %d amount evaluations for %d segments, %d key evaluations", j.ID, y.Year, m.ID, p.Pool.ID, len(p.Amount), len(y.Segments), len(p.Key))
					}
				}
				wantBilled := m.Amount
				if m.Manager {
					wantBilled = decimal.Zero
				}
				if !m.Billed.Equal(wantBilled) {
					t.Errorf("%s %d %s: billed %s, want %s", j.ID, y.Year, m.ID, m.Billed, wantBilled)
				}
				if len(tr.Rules) == 0 || len(tr.Params) == 0 {
					t.Errorf("%s %d %s: trace names no rule or no parameter", j.ID, y.Year, m.ID)
				}
			}
		}
	}
}

// TestPortfolioFlowsIntoBills checks that adopting the SDSI portfolio
// changes each member's bill by exactly its parts of the two pools the
// portfolio adds, and that those pools hold the projects' yearly net cost
// and net staff at the cost of an ETC.
func TestPortfolioFlowsIntoBills(t *testing.T) {
	var base, sdsi *Job
	for _, j := range defaultJobs(t) {
		switch j.ID {
		case "convention-2026":
			base = j
		case "sdsi-2027-2030":
			sdsi = j
		}
	}
	if base == nil || sdsi == nil {
		t.Fatal("the default scenarios convention-2026 and sdsi-2027-2030 are missing")
	}
	ctx := context.Background()
	before, err := base.Run(ctx, 2026, 2030)
	if err != nil {
		t.Fatal(err)
	}
	after, err := sdsi.Run(ctx, 2026, 2030)
	if err != nil {
		t.Fatal(err)
	}
	added := map[string]bool{scenarios.PortfolioCostPool: true, scenarios.PortfolioStaffPool: true}
	moved := decimal.Zero
	for yi := range after.Years {
		ya, yb := &after.Years[yi], &before.Years[yi]
		for mi, m := range ya.Members {
			portfolioPart := decimal.Zero
			for _, p := range ya.Pools {
				if added[p.ID] {
					portfolioPart = portfolioPart.Add(p.Parts[mi].Amount).Add(p.Parts[mi].Fees)
				}
			}
			delta := m.Amount.Sub(yb.Members[mi].Amount)
			if !delta.Equal(portfolioPart) {
				t.Errorf("%d %s: the bill moved by %s, its parts of the portfolio pools are %s", ya.Year, m.ID, delta, portfolioPart)
			}
			moved = moved.Add(delta)
		}
	}
	if moved.IsZero() {
		t.Fatal("the portfolio changed no bill")
	}
	// The pools hold what the projects say: net cost, and net ETC × cost.
	ws, err := OpenDefaults()
	if err != nil {
		t.Fatal(err)
	}
	values, err := ws.ValuesJob(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ws.AssessAt(ctx, values, sdsi.Portfolio().IDs(), sdsi.Portfolio().StartYears())
	if err != nil {
		t.Fatal(err)
	}
	fig := engine.Figures(a.Set)
	for yi, y := range fig.Years {
		var ay *engine.Year
		for i := range after.Years {
			if after.Years[i].Year == y {
				ay = &after.Years[i]
			}
		}
		money, staff := fig.Dimensions[engine.Money], fig.Dimensions[engine.Staff]
		wantCost := money.Efforts[yi].Sub(money.Gains[yi]).Round(2)
		cost := ay.Segments[0].Values["cout_moyen_etc"]
		wantStaff := staff.Efforts[yi].Sub(staff.Gains[yi]).Mul(cost).Round(2)
		for _, p := range ay.Pools {
			switch p.ID {
			case scenarios.PortfolioCostPool:
				if !p.Amount.Equal(wantCost) {
					t.Errorf("%d: portfolio cost pool %s, want %s", y, p.Amount, wantCost)
				}
			case scenarios.PortfolioStaffPool:
				if !p.Amount.Equal(wantStaff) {
					t.Errorf("%d: portfolio staff pool %s, want %s", y, p.Amount, wantStaff)
				}
			}
		}
	}
}
