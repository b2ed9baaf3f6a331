package formula

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// The fast path must give what expr's VM gives, value and exponent, or
// step aside (!ok) — never a different number. These tests run both on
// random expressions over numbers, values per member, member and
// previous, including divisions by zero, missing keys and bad exponents.

var diffEnv = Decls{
	"a": Number, "b": Number, "c": Number, "z": Number, Year: Number,
	"m": NumberMap, "e": NumberMap, Member: NumberMap, Previous: NumberMap,
}

func diffValues() (map[string]any, *Frame, func(string) Slot) {
	dec := decimal.RequireFromString
	a, b, c, z := dec("12.345"), dec("-3"), dec("0.0000000000000000000001"), decimal.Zero
	m := map[string]decimal.Decimal{"x": dec("0.25"), "y": dec("0.75")}
	e := map[string]decimal.Decimal{}
	member := map[string]decimal.Decimal{"population": dec("117853")}
	prev := map[string]decimal.Decimal{"a": dec("11.5")}
	year := decimal.NewFromInt(2027)
	env := map[string]any{"a": a, "b": b, "c": c, "z": z, "m": m, "e": e, Member: member, Previous: prev, Year: year}
	f := &Frame{Global: []decimal.Decimal{a, b}, Local: []decimal.Decimal{c, z},
		Maps: []map[string]decimal.Decimal{m, e}, Member: member, Previous: prev, Year: year}
	slots := map[string]Slot{"a": {SlotGlobal, 0}, "b": {SlotGlobal, 1}, "c": {SlotLocal, 0}, "z": {SlotLocal, 1},
		"m": {SlotMap, 0}, "e": {SlotMap, 1}}
	return env, f, func(name string) Slot { return slots[name] }
}

type exprGen struct{ r *rand.Rand }

func (g exprGen) num(depth int) string {
	if depth <= 0 || g.r.IntN(4) == 0 {
		return [...]string{"a", "b", "c", "z", "year", "1", "0", "2.50", "-7", "0.1", "m.x", `m["y"]`, "m.q", "e.x",
			"member.population", "member.nope", "previous.a", "previous.b"}[g.r.IntN(18)]
	}
	x, y := g.num(depth-1), g.num(depth-1)
	switch g.r.IntN(14) {
	case 0:
		return "(" + x + " + " + y + ")"
	case 1:
		return "(" + x + " - " + y + ")"
	case 2:
		return "(" + x + " * " + y + ")"
	case 3:
		return "(" + x + " / " + y + ")"
	case 4:
		return "(" + x + " ** " + [...]string{"2", "0", "-1", "1.5", "3000", "b"}[g.r.IntN(6)] + ")"
	case 5:
		return "-(" + x + ")"
	case 6:
		return fmt.Sprintf("round(%s, %s)", x, [...]string{"0", "2", "4", "-1", "21", "b"}[g.r.IntN(6)])
	case 7:
		return [...]string{"floor", "ceil", "abs", "round"}[g.r.IntN(4)] + "(" + x + ")"
	case 8:
		return fmt.Sprintf("%s(%s, %s)", [...]string{"min", "max"}[g.r.IntN(2)], x, y)
	case 9:
		return fmt.Sprintf("pow(%s, %s)", x, [...]string{"2", "-2", "b"}[g.r.IntN(3)])
	case 10:
		return [...]string{"sum(m)", "sum(e)", "sum(previous)", "sum(member)"}[g.r.IntN(4)]
	case 11:
		return "(" + g.cond(depth-1) + " ? " + x + " : " + y + ")"
	case 12:
		return "(if " + g.cond(depth-1) + " { " + x + " } else { " + y + " })"
	default:
		return "+" + x
	}
}

func (g exprGen) cond(depth int) string {
	x, y := g.num(depth), g.num(depth)
	switch g.r.IntN(8) {
	case 0:
		return x + " == " + y
	case 1:
		return x + " != " + y
	case 2:
		return x + [...]string{" < ", " <= ", " > ", " >= "}[g.r.IntN(4)] + y
	case 3:
		return `"x" in m`
	case 4:
		return "not (" + g.cond(depth-1) + ")"
	case 5:
		return "(" + g.cond(depth-1) + " and " + g.cond(depth-1) + ")"
	case 6:
		return "(" + g.cond(depth-1) + " or " + g.cond(depth-1) + ")"
	default:
		return [...]string{"true", "false", `"q" in e`}[g.r.IntN(3)]
	}
}

func TestBoundAgreesWithVM(t *testing.T) {
	env, frame, resolve := diffValues()
	g := exprGen{rand.New(rand.NewPCG(1, 2))}
	var vm VM
	bound, fallback, compiled, unbound := 0, 0, 0, 0
	unboundOK := ""
	for i := 0; i < 6000; i++ {
		src := g.num(4)
		p, err := testEnv.Compile(src, diffEnv, KindNumber)
		if err != nil {
			continue
		}
		compiled++
		b := testEnv.Bind(p, resolve)
		if b == nil {
			// A unary sign over an overloaded operator (-(x ** 2)) is left
			// unpatched by expr's patch order: such trees go to the VM.
			unbound++
			if _, err := vm.Number(p, env); err == nil && unboundOK == "" {
				unboundOK = src
			}
			continue
		}
		got, ok := b.Number(frame)
		want, err := vm.Number(p, env)
		switch {
		case !ok:
			fallback++
		case err != nil:
			t.Errorf("%s: fast path %s, VM error %v", src, got, err)
		case !got.Equal(want) || got.Exponent() != want.Exponent():
			t.Errorf("%s: fast path %s (exp %d), VM %s (exp %d)", src, got, got.Exponent(), want, want.Exponent())
		default:
			bound++
		}
	}
	t.Logf("%d expressions compiled: %d equal on the fast path, %d left to the VM at run time, %d not bound (e.g. one the VM runs: %q)",
		compiled, bound, fallback, unbound, unboundOK)
	if bound < compiled/3 {
		t.Errorf("only %d of %d expressions ran on the fast path", bound, compiled)
	}
}

// Constructs the fast path does not handle are not bound: they run on the
// VM.
func TestBindUnsupported(t *testing.T) {
	_, _, resolve := diffValues()
	for _, src := range []string{"let x = a; x + 1", "a + unknownfn", `m?.x ?? 1`} {
		p, err := testEnv.Compile(src, diffEnv, KindNumber)
		if err != nil {
			if !strings.Contains(src, "unknownfn") && !strings.Contains(src, "?") {
				t.Errorf("%s: %v", src, err)
			}
			continue
		}
		if testEnv.Bind(p, resolve) != nil {
			t.Errorf("%s: bound, want the VM", src)
		}
	}
}

func BenchmarkBound(b *testing.B) {
	env, frame, resolve := diffValues()
	p, err := testEnv.Compile("a * m.x + a * m.x * 0.05", diffEnv, KindNumber)
	if err != nil {
		b.Fatal(err)
	}
	bound := testEnv.Bind(p, resolve)
	b.Run("bound", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bound.Number(frame)
		}
	})
	b.Run("vm", func(b *testing.B) {
		var vm VM
		b.ReportAllocs()
		for b.Loop() {
			if _, err := vm.Number(p, env); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reference", func(b *testing.B) {
		a, x, r := frame.Global[0], frame.Maps[0]["x"], decimal.RequireFromString("0.05")
		b.ReportAllocs()
		for b.Loop() {
			_ = a.Mul(x).Add(a.Mul(x).Mul(r))
		}
	})
}
