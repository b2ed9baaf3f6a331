package engine_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/rules"
)

// exampleRules is a shared service of two members: the manager and a
// commune that pays a third of 1,000 EUR of charges plus 3 % of fees.
const exampleRules = `service:
  id: exemple
  title: Service d'exemple
  manager: epci
  start: 2026-01-01
  years: {from: 2026, to: 2026}
members:
  - id: epci
    label: Communauté
  - id: commune
    label: Commune
parameters:
  charges:
    label: Charges
    description: Charges du service.
    unit: EUR
    value: 1000
    assumption: Exemple.
rules:
  cle:
    by_member:
      commune: 1 / 3
      epci: 1 - 1 / 3
pools:
  charges:
    label: Charges
    amount: charges
    key: cle
    fees: true
fees:
  rate: "0.03"
`

// Run computes each member's amount, exact to the cent: the parts of a
// third and two thirds are rounded so that they sum to the total.
func ExampleRun() {
	set, err := rules.Load(fstest.MapFS{"regles.yaml": {Data: []byte(exampleRules)}}, ".", "regles")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := engine.Run(context.Background(), set.Model, engine.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	y := res.Years[0]
	for _, m := range y.Members {
		fmt.Printf("%s: %s (billed %s)\n", m.ID, m.Amount.StringFixed(2), m.Billed.StringFixed(2))
	}
	fmt.Println("total:", y.Total.StringFixed(2))
	// Output:
	// epci: 686.67 (billed 0.00)
	// commune: 343.33 (billed 343.33)
	// total: 1030.00
}
