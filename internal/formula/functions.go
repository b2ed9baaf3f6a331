package formula

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

// DivisionScale is the number of decimal places a division keeps; the last
// one is rounded half away from zero. Twenty places are far below a cent on
// any amount a public body handles, so a rounded quotient never moves a
// bill, yet keys such as 1/3 stay finite.
const DivisionScale = 20

// maxPower bounds the exponent of pow so that an expression cannot build a
// number with millions of digits.
const maxPower = 1000

type function struct {
	name  string
	doc   string // one line saying what it does
	fn    func(args ...any) (any, error)
	types []any
	// operator, when set, is the expr-lang operator this function overloads;
	// such functions are not meant to be called by name.
	operator []string
}

type (
	d    = decimal.Decimal
	dmap = map[string]decimal.Decimal
)

var functions = []function{
	{name: "_add", operator: []string{"+"}, types: []any{new(func(d, d) d)},
		fn: func(a ...any) (any, error) { return a[0].(d).Add(a[1].(d)), nil }},
	{name: "_sub", operator: []string{"-"}, types: []any{new(func(d, d) d)},
		fn: func(a ...any) (any, error) { return a[0].(d).Sub(a[1].(d)), nil }},
	{name: "_mul", operator: []string{"*"}, types: []any{new(func(d, d) d)},
		fn: func(a ...any) (any, error) { return a[0].(d).Mul(a[1].(d)), nil }},
	{name: "_div", operator: []string{"/"}, types: []any{new(func(d, d) d)},
		fn: func(a ...any) (any, error) { return divide(a[0].(d), a[1].(d)) }},
	{name: "_pow", operator: []string{"**", "^"}, types: []any{new(func(d, d) d)},
		fn: func(a ...any) (any, error) { return power(a[0].(d), a[1].(d)) }},
	{name: "_eq", operator: []string{"=="}, types: []any{new(func(d, d) bool)},
		fn: func(a ...any) (any, error) { return a[0].(d).Equal(a[1].(d)), nil }},
	{name: "_ne", operator: []string{"!="}, types: []any{new(func(d, d) bool)},
		fn: func(a ...any) (any, error) { return !a[0].(d).Equal(a[1].(d)), nil }},
	{name: "_lt", operator: []string{"<"}, types: []any{new(func(d, d) bool)},
		fn: func(a ...any) (any, error) { return a[0].(d).LessThan(a[1].(d)), nil }},
	{name: "_le", operator: []string{"<="}, types: []any{new(func(d, d) bool)},
		fn: func(a ...any) (any, error) { return a[0].(d).LessThanOrEqual(a[1].(d)), nil }},
	{name: "_gt", operator: []string{">"}, types: []any{new(func(d, d) bool)},
		fn: func(a ...any) (any, error) { return a[0].(d).GreaterThan(a[1].(d)), nil }},
	{name: "_ge", operator: []string{">="}, types: []any{new(func(d, d) bool)},
		fn: func(a ...any) (any, error) { return a[0].(d).GreaterThanOrEqual(a[1].(d)), nil }},
	{name: "_neg", types: []any{new(func(d) d)},
		fn: func(a ...any) (any, error) { return a[0].(d).Neg(), nil }},

	{name: "round", doc: "round(x, n): x rounded to n decimal places, half away from zero (n = 0 when left out)",
		types: []any{new(func(d) d), new(func(d, d) d)},
		fn: func(a ...any) (any, error) {
			n, err := places("round", a)
			if err != nil {
				return nil, err
			}
			return a[0].(d).Round(n), nil
		}},
	{name: "floor", doc: "floor(x, n): x rounded down (toward minus infinity) to n decimal places",
		types: []any{new(func(d) d), new(func(d, d) d)},
		fn: func(a ...any) (any, error) {
			n, err := places("floor", a)
			if err != nil {
				return nil, err
			}
			return a[0].(d).RoundFloor(n), nil
		}},
	{name: "ceil", doc: "ceil(x, n): x rounded up (toward plus infinity) to n decimal places",
		types: []any{new(func(d) d), new(func(d, d) d)},
		fn: func(a ...any) (any, error) {
			n, err := places("ceil", a)
			if err != nil {
				return nil, err
			}
			return a[0].(d).RoundCeil(n), nil
		}},
	{name: "min", doc: "min(a, b, ...): the smallest of its arguments",
		types: []any{new(func(...d) d)},
		fn:    func(a ...any) (any, error) { return extreme("min", a, d.LessThan) }},
	{name: "max", doc: "max(a, b, ...): the largest of its arguments",
		types: []any{new(func(...d) d)},
		fn:    func(a ...any) (any, error) { return extreme("max", a, d.GreaterThan) }},
	{name: "abs", doc: "abs(x): x without its sign",
		types: []any{new(func(d) d)},
		fn:    func(a ...any) (any, error) { return a[0].(d).Abs(), nil }},
	{name: "pow", doc: "pow(x, n): x to the whole power n (also written x ** n)",
		types: []any{new(func(d, d) d)},
		fn:    func(a ...any) (any, error) { return power(a[0].(d), a[1].(d)) }},
	{name: "sum", doc: "sum(rule): the sum over the members of a per-member rule",
		types: []any{new(func(dmap) d)},
		fn: func(a ...any) (any, error) {
			var s d
			for _, v := range a[0].(dmap) {
				s = s.Add(v)
			}
			return s, nil
		}},
}

// ErrDivisionByZero is returned when an expression divides by zero.
var ErrDivisionByZero = errors.New("division by zero")

func divide(a, b d) (d, error) {
	if b.IsZero() {
		return d{}, ErrDivisionByZero
	}
	return a.DivRound(b, DivisionScale), nil
}

func power(x, n d) (d, error) {
	if !n.IsInteger() || n.Abs().GreaterThan(decimal.NewFromInt(maxPower)) {
		return d{}, fmt.Errorf("pow: the exponent must be a whole number from -%d to %d, found %s", maxPower, maxPower, n)
	}
	k := n.IntPart()
	r := decimal.NewFromInt(1)
	for i := int64(0); i < abs64(k); i++ {
		r = r.Mul(x)
	}
	if k < 0 {
		return divide(decimal.NewFromInt(1), r)
	}
	return r, nil
}

func abs64(k int64) int64 {
	if k < 0 {
		return -k
	}
	return k
}

func places(name string, a []any) (int32, error) {
	if len(a) < 2 {
		return 0, nil
	}
	n := a[1].(d)
	if !n.IsInteger() || n.IsNegative() || n.GreaterThan(decimal.NewFromInt(DivisionScale)) {
		return 0, fmt.Errorf("%s: the number of decimal places must be a whole number from 0 to %d, found %s", name, DivisionScale, n)
	}
	return int32(n.IntPart()), nil
}

func extreme(name string, a []any, better func(x, y d) bool) (any, error) {
	if len(a) == 0 {
		return nil, fmt.Errorf("%s needs at least one argument", name)
	}
	best := a[0].(d)
	for _, x := range a[1:] {
		if v := x.(d); better(v, best) {
			best = v
		}
	}
	return best, nil
}

// options are the expr-lang options shared by every compilation.
func options() []expr.Option {
	opts := []expr.Option{expr.DisableAllBuiltins()}
	for _, f := range functions {
		opts = append(opts, expr.Function(f.name, f.fn, f.types...))
		for _, op := range f.operator {
			opts = append(opts, expr.Operator(op, f.name))
		}
	}
	return opts
}

// literalPatch turns number literals into exact decimal constants, read
// from the source text rather than from the float64 the parser made, and
// unary minus on a decimal into a call of _neg.
type literalPatch struct {
	src []rune
}

func (p literalPatch) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IntegerNode:
		patchNumber(node, &ast.ConstantNode{Value: decimal.NewFromInt(int64(n.Value))})
	case *ast.FloatNode:
		patchNumber(node, &ast.ConstantNode{Value: p.exact(n)})
	case *ast.UnaryNode:
		if n.Operator != "-" && n.Operator != "+" {
			return
		}
		if c, ok := n.Node.(*ast.ConstantNode); ok {
			if v, ok := c.Value.(d); ok {
				if n.Operator == "-" {
					v = v.Neg()
				}
				patchNumber(node, &ast.ConstantNode{Value: v})
			}
			return
		}
		if n.Operator == "+" {
			ast.Patch(node, n.Node)
			return
		}
		patchNumber(node, &ast.CallNode{
			Callee:    &ast.IdentifierNode{Value: "_neg"},
			Arguments: []ast.Node{n.Node},
		})
	case *ast.BinaryNode:
		// Arithmetic and comparison operators are decimal operations in
		// this dialect. An operand whose type the checker has not settled
		// yet (a condition's branches just patched, inside a function's
		// argument) is taken as a number: left to expr-lang, the operator
		// would fail at run time on two decimals. An operand of another
		// known type (text, a per-member map) is left for the checker to
		// report.
		if fn, ok := operatorFunctions[n.Operator]; ok && numberOrUnknown(n.Left) && numberOrUnknown(n.Right) {
			call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: fn}, Arguments: []ast.Node{n.Left, n.Right}}
			ast.Patch(node, call)
			if comparisons[n.Operator] {
				(*node).SetType(boolType)
			} else {
				(*node).SetType(numberType)
			}
		}
	}
}

func numberOrUnknown(n ast.Node) bool {
	t := n.Type()
	return t == nil || t == numberType || t.Kind() == reflect.Interface
}

// operatorFunctions maps each operator to the function that implements it
// on decimals, from the operator lists of functions.
var operatorFunctions = func() map[string]string {
	m := map[string]string{}
	for _, f := range functions {
		for _, op := range f.operator {
			m[op] = f.name
		}
	}
	return m
}()

var comparisons = map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true}

// patchNumber replaces *node with n and records that n is a decimal: the
// walk is post-order, so the parent of a patched node is visited before the
// checker runs again and needs the type to decide on its own patch.
func patchNumber(node *ast.Node, n ast.Node) {
	ast.Patch(node, n)
	(*node).SetType(numberType)
}

// exact reads a float literal from its source text so that 0.1 is exactly
// one tenth; it falls back on the parsed float when the location is off.
func (p literalPatch) exact(n *ast.FloatNode) decimal.Decimal {
	loc := n.Location()
	if 0 <= loc.From && loc.From < loc.To && loc.To <= len(p.src) {
		text := string(p.src[loc.From:loc.To])
		if v, err := decimal.NewFromString(text); err == nil && v.InexactFloat64() == n.Value {
			return v
		}
	}
	return decimal.NewFromFloat(n.Value)
}
