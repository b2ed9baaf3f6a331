package formula

import (
	"testing"

	"github.com/shopspring/decimal"
)

// FuzzFormula compiles any text as an expression and, when it compiles,
// evaluates it on the VM and on the fast path: nothing may panic, and the
// two paths give the same value when both give one.
func FuzzFormula(f *testing.F) {
	for _, src := range []string{
		"a * b + 1", "round(a, 2) + 1", "pow(a, 1000)", "a ** -3", "previous.a * previous.a",
		"sum(m) / 3", "m.x + m[\"y\"]", "year > 2030 ? a : b", "max(a, b, c) - min(a)", "1e300 * 1e300 * 1e300 * 1e300",
		"let x = a; x * x * x * x", "-(a / c)", "floor(c, 20) == 0", "foo(1)", "now()", "sum(a)", "1 / 0",
		"0.1 ** 900 * 10 ** 900", "a / 0.1 ** 900",
	} {
		f.Add(src)
	}
	env := Decls{"a": Number, "b": Number, "c": Number, Year: Number, "m": NumberMap, Member: NumberMap, Previous: NumberMap}
	dec := decimal.RequireFromString
	a, b, c := dec("12.345"), dec("-3"), dec("0.0000000000000000000001")
	m := map[string]decimal.Decimal{"x": dec("0.25"), "y": dec("0.75")}
	prev := map[string]decimal.Decimal{"a": decimal.New(7, 400)}
	year := decimal.NewFromInt(2027)
	vals := map[string]any{"a": a, "b": b, "c": c, "m": m, Member: m, Previous: prev, Year: year}
	frame := &Frame{Global: []decimal.Decimal{a, b, c}, Maps: []map[string]decimal.Decimal{m}, Member: m, Previous: prev, Year: year}
	slots := map[string]Slot{"a": {SlotGlobal, 0}, "b": {SlotGlobal, 1}, "c": {SlotGlobal, 2}, "m": {SlotMap, 0}}
	fuzzEnv := NewEnv(DefaultLimits)
	f.Fuzz(func(t *testing.T, src string) {
		p, err := fuzzEnv.Compile(src, env, KindNumber)
		if err != nil {
			return
		}
		var vm VM
		want, err := vm.Number(p, vals)
		if bound := fuzzEnv.Bind(p, func(name string) Slot { return slots[name] }); bound != nil {
			got, ok := bound.Number(frame)
			if ok && err == nil && (!got.Equal(want) || got.Exponent() != want.Exponent()) {
				t.Errorf("%q: fast path %s, VM %s", src, got, want)
			}
			if ok && err != nil {
				t.Errorf("%q: fast path %s, VM %v", src, got, err)
			}
		}
	})
}
