package reports

import (
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

func TestApproxMoney(t *testing.T) {
	tests := []struct {
		v      string
		fr, en string
	}{
		{"10644351.78", "10,64\u00a0M€", "€10.64M"},
		{"-249531.61", "-250\u00a0k€", "-€250k"},
		{"540111.69", "540\u00a0k€", "€540k"},
		{"1876.99", "1\u202f877\u00a0€", "€1,877"},
		{"-283.42", "-283\u00a0€", "-€283"},
		{"0", "0\u00a0€", "€0"},
	}
	for _, tc := range tests {
		d := decimal.RequireFromString(tc.v)
		if got := ApproxMoney(d, French); got != tc.fr {
			t.Errorf("ApproxMoney(%s, fr) = %q, want %q", tc.v, got, tc.fr)
		}
		if got := ApproxMoney(d, English); got != tc.en {
			t.Errorf("ApproxMoney(%s, en) = %q, want %q", tc.v, got, tc.en)
		}
	}
}

// TestPortfolioMessage: the sentence reconciles the NPV at central values
// with its spread, and says which way the uncertainties lean.
func TestPortfolioMessage(t *testing.T) {
	npv := func(s string) engine.Indicators { return engine.Indicators{NPV: decimal.RequireFromString(s)} }
	spread := func(p10, p50, p90, pos float64) *engine.Simulated {
		return &engine.Simulated{NPV: engine.Spread{P10: p10, P50: p50, P90: p90, Positive: pos}}
	}
	tests := []struct {
		name   string
		f      engine.Indicators
		s      *engine.Simulated
		want   []string
		absent []string
	}{
		{"positive at central values, negative median", npv("86294.85"), spread(-224879.74, -69808.69, 261317.22, 0.348),
			[]string{"la VAN est de +86\u00a0k€", "la VAN médiane (P50) est de -70\u00a0k€", "positive que dans 34,80\u00a0%", "2\u202f000 tirages",
				"asymétriques", "il est plus probable que le portefeuille coûte plus qu'il ne rapporte"}, []string{"tient"}},
		{"holds", npv("50000"), spread(10000, 45000, 90000, 0.97),
			[]string{"la VAN est de +50\u00a0k€", "positive dans 97,00\u00a0%", "le résultat tient malgré les incertitudes"}, []string{"asymétriques"}},
		{"negative at central values, positive median", npv("-20000"), spread(-60000, 15000, 70000, 0.6),
			[]string{"la VAN est de -20\u00a0k€", "dans l'autre sens", "plus probable que le portefeuille rapporte plus qu'il ne coûte"}, nil},
		{"negative everywhere", npv("-234160.36"), spread(-562504, -416238, -92654, 0.068),
			[]string{"coûte plus qu'il ne rapporte dans la plupart des cas"}, []string{"asymétriques"}},
		{"no simulation", npv("86294.85"), nil, []string{"la dispersion de ce résultat n'est pas connue"}, []string{"P50"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			draws := 2000
			if tc.s == nil {
				draws = 0
			}
			got := portfolioMessage("Projets", tc.f, tc.s, draws, French)
			if len(got) != 1 {
				t.Fatalf("%d sentences, want one paragraph: %q", len(got), got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got[0], w) {
					t.Errorf("%q\nlacks %q", got[0], w)
				}
			}
			for _, w := range tc.absent {
				if strings.Contains(got[0], w) {
					t.Errorf("%q\nshould not say %q", got[0], w)
				}
			}
		})
	}
	en := portfolioMessage("Projects", npv("86294.85"), spread(-224879.74, -69808.69, 261317.22, 0.348), 2000, English)[0]
	if !strings.Contains(en, "the NPV is +€86k") || !strings.Contains(en, "median NPV (P50) is -€70k") || !strings.Contains(en, "skewed") {
		t.Errorf("English: %q", en)
	}
}
