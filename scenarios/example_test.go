package scenarios_test

import (
	"context"
	"fmt"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
)

// A scenario is an overlay on the rules: here Darnétal joins the Rouen
// shared service on 1 January 2028, its share computed at the Ville's
// rate per inhabitant and the other shares reduced in proportion, as the
// rules the scenario adds derive them; the keys still sum to 1.
func ExampleBuild() {
	base, err := rules.LoadDefaults()
	if err != nil {
		fmt.Println(err)
		return
	}
	catalog, err := scenarios.LoadDir(scenarios.Defaults(), ".", scenarios.DefaultDir)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := catalog.Get("nouveau-membre")
	if err != nil {
		fmt.Println(err)
		return
	}
	chain, err := catalog.Chain(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range chain {
		fmt.Println("applies", c.ID)
	}
	set, applied, err := scenarios.Build(context.Background(), base.Files, chain, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := engine.Run(context.Background(), set.Model, engine.Options{From: 2028, To: 2028})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("years %d–%d\n", applied.From, applied.To)
	for _, m := range res.Years[0].Members {
		fmt.Println(m.ID, m.Share.StringFixed(4))
	}
	// Output:
	// applies convention-2026
	// applies nouveau-membre
	// years 2026–2030
	// metropole 0.5127
	// ville 0.4442
	// ccas 0.0046
	// darnetal 0.0385
}
