package formula_test

import (
	"errors"
	"fmt"

	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
)

// An environment is built once; expressions compile in it against the
// names they may read, and a compiled program runs as often as needed.
// Numbers are exact decimals: 0.1 + 0.2 is 0.3, not 0.30000000000000004.
func Example() {
	env := formula.NewEnv(formula.DefaultLimits)
	names := formula.Decls{"masse": formula.Number, "taux": formula.Number}

	sum, err := env.Compile("0.1 + 0.2", names, formula.KindNumber)
	if err != nil {
		panic(err)
	}
	equal, err := env.Compile("0.1 + 0.2 == 0.3", names, formula.KindBool)
	if err != nil {
		panic(err)
	}
	fees, err := env.Compile("masse * taux / 100", names, formula.KindNumber)
	if err != nil {
		panic(err)
	}

	var vm formula.VM // one per goroutine
	v, _ := vm.Number(sum, nil)
	b, _ := vm.Bool(equal, nil)
	fmt.Println(v, b)

	for _, taux := range []string{"3", "2.5"} {
		values := map[string]any{"masse": decimal.RequireFromString("4167450"), "taux": decimal.RequireFromString(taux)}
		v, _ := vm.Number(fees, values)
		fmt.Println(v)
	}

	// A run-time error says where, inside the expression, it failed.
	div, err := env.Compile("masse / taux", names, formula.KindNumber)
	if err != nil {
		panic(err)
	}
	_, err = vm.Number(div, map[string]any{"masse": decimal.NewFromInt(1), "taux": decimal.Zero})
	var re *formula.RuntimeError
	if errors.As(err, &re) {
		fmt.Printf("%s at %d: %q\n", re.Msg, re.Offset, []rune(div.Source())[re.Offset])
	}
	// Output:
	// 0.3 true
	// 125023.5
	// 104186.25
	// division by zero at 6: '/'
}
