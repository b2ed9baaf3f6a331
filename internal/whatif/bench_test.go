package whatif

import (
	"context"
	"testing"
)

// BenchmarkEvaluate measures the recomputation of a what-if, from the
// parsed state to the compared results: generating the scenario file,
// decoding it, building it on its chain and running it.
//
//	go test ./whatif/ -run '^$' -bench Evaluate -benchmem
func BenchmarkEvaluate(b *testing.B) {
	s := defaultSimulator(b)
	for _, bc := range []struct{ name, query string }{
		{"etc", "etc.etc_dsi.2027=1"},
		{"fee-rate", "p.taux_frais_gestion=3,5&p.taux_frais_gestion.from=2027"},
		{"new-member", "nm.date=2028-01-01&nm.population=9727"},
		{"portfolio", "scenario=sdsi-2027-2030&etc.etc_dsi.2027=1"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			st, err := s.Parse(bc.query)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.Evaluate(context.Background(), st); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
