package formula

import (
	"errors"
	"fmt"
	"math"
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

// maxPower bounds the exponent of pow; Limits.MaxDigits bounds the size of
// its result.
const maxPower = 1000

type function struct {
	name string
	doc  string // one line saying what it does
	// fn computes the function; s holds the environment's limit on the
	// size of values.
	fn    func(s sizer, args []any) (any, error)
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
		fn: func(_ sizer, a []any) (any, error) { return a[0].(d).Add(a[1].(d)), nil }},
	{name: "_sub", operator: []string{"-"}, types: []any{new(func(d, d) d)},
		fn: func(_ sizer, a []any) (any, error) { return a[0].(d).Sub(a[1].(d)), nil }},
	{name: "_mul", operator: []string{"*"}, types: []any{new(func(d, d) d)},
		fn: func(s sizer, a []any) (any, error) { return s.mul(a[0].(d), a[1].(d)) }},
	{name: "_div", operator: []string{"/"}, types: []any{new(func(d, d) d)},
		fn: func(s sizer, a []any) (any, error) { return s.div(a[0].(d), a[1].(d)) }},
	{name: "_pow", operator: []string{"**", "^"}, types: []any{new(func(d, d) d)},
		fn: func(s sizer, a []any) (any, error) { return s.pow(a[0].(d), a[1].(d)) }},
	{name: "_eq", operator: []string{"=="}, types: []any{new(func(d, d) bool)},
		fn: func(_ sizer, a []any) (any, error) { return a[0].(d).Equal(a[1].(d)), nil }},
	{name: "_ne", operator: []string{"!="}, types: []any{new(func(d, d) bool)},
		fn: func(_ sizer, a []any) (any, error) { return !a[0].(d).Equal(a[1].(d)), nil }},
	{name: "_lt", operator: []string{"<"}, types: []any{new(func(d, d) bool)},
		fn: func(_ sizer, a []any) (any, error) { return a[0].(d).LessThan(a[1].(d)), nil }},
	{name: "_le", operator: []string{"<="}, types: []any{new(func(d, d) bool)},
		fn: func(_ sizer, a []any) (any, error) { return a[0].(d).LessThanOrEqual(a[1].(d)), nil }},
	{name: "_gt", operator: []string{">"}, types: []any{new(func(d, d) bool)},
		fn: func(_ sizer, a []any) (any, error) { return a[0].(d).GreaterThan(a[1].(d)), nil }},
	{name: "_ge", operator: []string{">="}, types: []any{new(func(d, d) bool)},
		fn: func(_ sizer, a []any) (any, error) { return a[0].(d).GreaterThanOrEqual(a[1].(d)), nil }},
	{name: "_neg", types: []any{new(func(d) d)},
		fn: func(_ sizer, a []any) (any, error) { return a[0].(d).Neg(), nil }},

	{name: "round", doc: "round(x, n): x rounded to n decimal places, half away from zero (n = 0 when left out)",
		types: []any{new(func(d) d), new(func(d, d) d)},
		fn: func(_ sizer, a []any) (any, error) {
			n, err := places("round", a)
			if err != nil {
				return nil, err
			}
			return a[0].(d).Round(n), nil
		}},
	{name: "floor", doc: "floor(x, n): x rounded down (toward minus infinity) to n decimal places",
		types: []any{new(func(d) d), new(func(d, d) d)},
		fn: func(_ sizer, a []any) (any, error) {
			n, err := places("floor", a)
			if err != nil {
				return nil, err
			}
			return a[0].(d).RoundFloor(n), nil
		}},
	{name: "ceil", doc: "ceil(x, n): x rounded up (toward plus infinity) to n decimal places",
		types: []any{new(func(d) d), new(func(d, d) d)},
		fn: func(_ sizer, a []any) (any, error) {
			n, err := places("ceil", a)
			if err != nil {
				return nil, err
			}
			return a[0].(d).RoundCeil(n), nil
		}},
	{name: "min", doc: "min(a, b, ...): the smallest of its arguments",
		types: []any{new(func(...d) d)},
		fn:    func(_ sizer, a []any) (any, error) { return extreme("min", a, d.LessThan) }},
	{name: "max", doc: "max(a, b, ...): the largest of its arguments",
		types: []any{new(func(...d) d)},
		fn:    func(_ sizer, a []any) (any, error) { return extreme("max", a, d.GreaterThan) }},
	{name: "abs", doc: "abs(x): x without its sign",
		types: []any{new(func(d) d)},
		fn:    func(_ sizer, a []any) (any, error) { return a[0].(d).Abs(), nil }},
	{name: "pow", doc: "pow(x, n): x to the whole power n (also written x ** n)",
		types: []any{new(func(d, d) d)},
		fn:    func(s sizer, a []any) (any, error) { return s.pow(a[0].(d), a[1].(d)) }},
	{name: "sum", doc: "sum(rule): the sum over the members of a per-member rule",
		types: []any{new(func(dmap) d)},
		fn: func(_ sizer, a []any) (any, error) {
			var s d
			for _, v := range a[0].(dmap) {
				s = s.Add(v)
			}
			return s, nil
		}},
}

// ErrDivisionByZero is returned when an expression divides by zero.
var ErrDivisionByZero = errors.New("division by zero")

// ArgumentError is a function given an argument outside what it accepts:
// pow a fractional exponent, round places out of range.
type ArgumentError struct{ Msg string }

func (e *ArgumentError) Error() string { return e.Msg }

func argumentError(format string, args ...any) error {
	return &ArgumentError{Msg: fmt.Sprintf(format, args...)}
}

func places(name string, a []any) (int32, error) {
	if len(a) < 2 {
		return 0, nil
	}
	n := a[1].(d)
	if !n.IsInteger() || n.IsNegative() || n.GreaterThan(decimal.NewFromInt(DivisionScale)) {
		return 0, argumentError("%s: the number of decimal places must be a whole number from 0 to %d, found %s", name, DivisionScale, n)
	}
	return int32(n.IntPart()), nil
}

func extreme(name string, a []any, better func(x, y d) bool) (any, error) {
	if len(a) == 0 {
		return nil, argumentError("%s needs at least one argument", name)
	}
	best := a[0].(d)
	for _, x := range a[1:] {
		if v := x.(d); better(v, best) {
			best = v
		}
	}
	return best, nil
}

// options are the expr-lang options shared by every compilation in an
// environment whose values are held to s.
func options(s sizer) []expr.Option {
	opts := []expr.Option{expr.DisableAllBuiltins()}
	for _, f := range functions {
		fn := f.fn
		opts = append(opts, expr.Function(f.name, func(args ...any) (any, error) { return fn(s, args) }, f.types...))
		for _, op := range f.operator {
			opts = append(opts, expr.Operator(op, f.name))
		}
	}
	return opts
}

// literalPatch turns number literals into exact decimal constants, read
// from the source text rather than from the float64 the parser made, and
// unary minus on a decimal into a call of _neg. A literal beyond the limit
// of digits is an error (err), reported once the patch has run.
type literalPatch struct {
	src  []rune
	size sizer
	err  *Error
}

func (p *literalPatch) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IntegerNode:
		p.constant(node, decimal.NewFromInt(int64(n.Value)))
	case *ast.FloatNode:
		v, ok := p.exact(n)
		if !ok {
			p.fail(n, fmt.Sprintf("the number %s is too large", p.text(n)))
			return
		}
		p.constant(node, v)
	case *ast.UnaryNode:
		if n.Operator != "-" && n.Operator != "+" {
			return
		}
		if c, ok := n.Node.(*ast.ConstantNode); ok {
			if v, ok := c.Value.(d); ok {
				if n.Operator == "-" {
					v = v.Neg()
				}
				p.constant(node, v)
			}
			return
		}
		if n.Operator == "+" {
			ast.Patch(node, n.Node)
			return
		}
		ast.Patch(node, &ast.CallNode{
			Callee:    &ast.IdentifierNode{Value: "_neg"},
			Arguments: []ast.Node{n.Node},
		})
	case *ast.BinaryNode:
		// Arithmetic and comparison operators are decimal operations in
		// this dialect. An operand whose type the checker has not settled
		// yet (a condition's branches just patched, inside a function's
		// argument) is taken as a number: left to expr-lang, the operator
		// would fail at run time on two decimals. An operand of another
		// known type (text, a per-member map, a condition) is left for
		// the checker to report.
		if fn, ok := operatorFunctions[n.Operator]; ok && numberOrUnknown(n.Left) && numberOrUnknown(n.Right) {
			ast.Patch(node, &ast.CallNode{Callee: &ast.IdentifierNode{Value: fn}, Arguments: []ast.Node{n.Left, n.Right}})
		}
	}
}

// numberOrUnknown reports whether n gives a number, or something whose
// type the checker has not settled. A call of a function of the dialect
// gives what the function returns: the calls this patch makes carry no
// type of their own, so that the checker, which takes a call's type as
// settled once set, checks their arguments again after the patch (and
// picks the overload of round(x, 2) that matches its arguments).
func numberOrUnknown(n ast.Node) bool {
	if c, ok := n.(*ast.CallNode); ok {
		if id, ok := c.Callee.(*ast.IdentifierNode); ok && callable(id.Value) {
			return !comparisonFunctions[id.Value]
		}
	}
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

// comparisonFunctions are the functions of the comparison operators,
// which give a condition.
var comparisonFunctions = map[string]bool{"_eq": true, "_ne": true, "_lt": true, "_le": true, "_gt": true, "_ge": true}

// constant replaces *node with the decimal v and records that it is a
// number: the walk is post-order, so the parent of a patched node is
// visited before the checker runs again and needs the type to decide on
// its own patch.
func (p *literalPatch) constant(node *ast.Node, v decimal.Decimal) {
	if !p.size.fits(&v) {
		p.fail(*node, fmt.Sprintf("the number %s has more than %s digits (the limit of a value; docs/limits.md)", p.text(*node), Thousands(int(p.size.max))))
	}
	ast.Patch(node, &ast.ConstantNode{Value: v})
	(*node).SetType(numberType)
}

func (p *literalPatch) fail(n ast.Node, msg string) {
	if p.err == nil {
		p.err = &Error{Offset: n.Location().From, Msg: msg, Err: &LimitError{Limit: "digits", Max: int(p.size.max)}}
	}
}

// text is the source text of a node, or "" when its location is off.
func (p *literalPatch) text(n ast.Node) string {
	loc := n.Location()
	if 0 <= loc.From && loc.From < loc.To && loc.To <= len(p.src) {
		return string(p.src[loc.From:loc.To])
	}
	return ""
}

// exact reads a float literal from its source text so that 0.1 is exactly
// one tenth; it falls back on the parsed float when the location is off,
// and fails for a literal no decimal can hold (1e3000000000).
func (p *literalPatch) exact(n *ast.FloatNode) (decimal.Decimal, bool) {
	if v, err := decimal.NewFromString(p.text(n)); err == nil {
		// A literal beyond the limit is reported as it is written,
		// without converting it to a float, which would build it in full.
		if !p.size.fits(&v) || v.InexactFloat64() == n.Value {
			return v, true
		}
	}
	if math.IsInf(n.Value, 0) || math.IsNaN(n.Value) {
		return decimal.Decimal{}, false
	}
	return decimal.NewFromFloat(n.Value), true
}
