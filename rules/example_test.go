package rules_test

import (
	"fmt"
	"testing/fstest"

	"github.com/quotepart/quotepart/rules"
)

// Load reads a folder of rule files and builds the model; every mistake is
// reported at once, positioned line:column in the user's file.
func ExampleLoad() {
	folder := fstest.MapFS{"regles.yaml": {Data: []byte(`service:
  id: exemple
  title: Service d'exemple
  manager: epci
  start: 2026-01-01
  years: {from: 2026, to: 2027}
members:
  - id: epci
    label: Communauté
  - id: commune
    label: Commune
rules:
  cle:
    by_member:
      commune: part_comune
      epci: 1 - part_commune
pools:
  charges:
    label: Charges
    amount: 1000
    key: cle
`)}}
	_, err := rules.Load(folder, ".", "regles")
	fmt.Println(err)
	// Output:
	// regles/regles.yaml:15:16: rule cle for member commune: unknown name part_comune
	// regles/regles.yaml:16:17: rule cle for member epci: unknown name part_commune
}
