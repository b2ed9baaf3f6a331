package formula

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

// This file is the fast path of evaluation. expr-lang parses and
// type-checks every expression (Env.Compile); Env.Bind then turns the checked,
// patched syntax tree into Go closures that read their names from a Frame
// of slots resolved once, and call the decimal functions directly: no map
// lookup by name, no reflection, no boxing of decimals into interfaces.
//
// A Bound evaluation never produces an error of its own. When anything is
// off — a division by zero, a map without the key read, a pow out of
// range, a value beyond the limit of digits, a panic of the decimal
// library — it reports !ok, and the caller runs the same Program on expr's
// VM, which then says exactly what it always said. So the fast path
// changes no result and no message, only the cost of the common case.

// SlotKind says which part of a Frame a name is read from.
type SlotKind uint8

const (
	// SlotNone: the name is not in the frame; Bind fails.
	SlotNone SlotKind = iota
	// SlotGlobal: a number in Frame.Global.
	SlotGlobal
	// SlotLocal: a number in Frame.Local (a per-member rule's value for
	// the member evaluated).
	SlotLocal
	// SlotMap: a value per member in Frame.Maps.
	SlotMap
)

// Slot is where a name's value is in a Frame.
type Slot struct {
	Kind  SlotKind
	Index int
}

// Frame is a slot-indexed environment: the caller lays out its values once
// and resolves each name to a Slot when binding.
type Frame struct {
	Global []decimal.Decimal
	Local  []decimal.Decimal
	Maps   []map[string]decimal.Decimal
	Year   decimal.Decimal
	// Member holds the member attributes read as member.x; Previous the
	// values read as previous.x. Either may be nil.
	Member, Previous map[string]decimal.Decimal
}

type (
	numFn  func(*Frame) (decimal.Decimal, bool)
	boolFn func(*Frame) (bool, bool)
	mapFn  func(*Frame) (map[string]decimal.Decimal, bool)
)

// Bound is a Program bound to a frame layout.
type Bound struct {
	num numFn
}

// Number evaluates b on f. ok is false when the fast path cannot give the
// value: the caller must then run the Program on the VM. A panic in the
// decimal library is such a case too: the VM turns it into an error at
// the operation that failed.
func (b *Bound) Number(f *Frame) (v decimal.Decimal, ok bool) {
	defer func() {
		if recover() != nil {
			v, ok = decimal.Decimal{}, false
		}
	}()
	return b.num(f)
}

// Bind compiles p into closures over a frame whose names resolve uses. It
// returns nil when p uses a construct the fast path does not handle (let,
// arrays, strings, optional chaining...), or when p was compiled in
// another environment: evaluate it on the VM then. resolve is called for
// the identifiers p reads other than year, member and previous.
//
// Binding belongs to the environment because the closures stand for the
// functions and operator overloads the environment registered with
// expr-lang: a program binds only where it was compiled.
func (e *Env) Bind(p *Program, resolve func(name string) Slot) *Bound {
	if p.prog == nil || p.env != e {
		return nil
	}
	b := binder{resolve: resolve, size: e.size}
	fn := b.num(p.prog.Node())
	if b.failed || fn == nil {
		return nil
	}
	return &Bound{num: fn}
}

type binder struct {
	resolve func(string) Slot
	size    sizer
	failed  bool
}

var mapType = reflect.TypeFor[map[string]decimal.Decimal]()

func (b *binder) fail() { b.failed = true }

func (b *binder) num(n ast.Node) numFn {
	if b.failed {
		return nil
	}
	if n.Type() != numberType {
		b.fail()
		return nil
	}
	switch n := n.(type) {
	case *ast.ConstantNode:
		v, ok := n.Value.(decimal.Decimal)
		if !ok {
			b.fail()
			return nil
		}
		return func(*Frame) (decimal.Decimal, bool) { return v, true }
	case *ast.IdentifierNode:
		if n.Value == Year {
			return func(f *Frame) (decimal.Decimal, bool) { return f.Year, true }
		}
		if n.Value == Member || n.Value == Previous {
			b.fail()
			return nil
		}
		s := b.resolve(n.Value)
		i := s.Index
		switch s.Kind {
		case SlotGlobal:
			return func(f *Frame) (decimal.Decimal, bool) { return f.Global[i], true }
		case SlotLocal:
			return func(f *Frame) (decimal.Decimal, bool) { return f.Local[i], true }
		}
		b.fail()
		return nil
	case *ast.MemberNode:
		if n.Optional || n.Method {
			b.fail()
			return nil
		}
		key, ok := n.Property.(*ast.StringNode)
		if !ok {
			b.fail()
			return nil
		}
		m := b.mapOf(n.Node)
		if m == nil {
			return nil
		}
		k := key.Value
		return func(f *Frame) (decimal.Decimal, bool) {
			mv, ok := m(f)
			if !ok {
				return decimal.Decimal{}, false
			}
			v, ok := mv[k]
			return v, ok
		}
	case *ast.ConditionalNode:
		c, x, y := b.boolean(n.Cond), b.num(n.Exp1), b.num(n.Exp2)
		if b.failed {
			return nil
		}
		return func(f *Frame) (decimal.Decimal, bool) {
			t, ok := c(f)
			if !ok {
				return decimal.Decimal{}, false
			}
			if t {
				return x(f)
			}
			return y(f)
		}
	case *ast.CallNode:
		return b.call(n)
	}
	b.fail()
	return nil
}

// call binds the decimal functions of functions.go. Each closure computes
// exactly what the function registered with expr computes.
func (b *binder) call(n *ast.CallNode) numFn {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		b.fail()
		return nil
	}
	args := n.Arguments
	// two binds an operation of two numbers; op is a function without
	// captures (no allocation), given the environment's sizer.
	size := b.size
	two := func(op func(s sizer, x, y decimal.Decimal) (decimal.Decimal, bool)) numFn {
		if len(args) != 2 {
			b.fail()
			return nil
		}
		l, r := b.num(args[0]), b.num(args[1])
		if b.failed {
			return nil
		}
		return func(f *Frame) (decimal.Decimal, bool) {
			x, ok := l(f)
			if !ok {
				return x, false
			}
			y, ok := r(f)
			if !ok {
				return y, false
			}
			return op(size, x, y)
		}
	}
	one := func(op func(x decimal.Decimal) decimal.Decimal) numFn {
		if len(args) != 1 {
			b.fail()
			return nil
		}
		a := b.num(args[0])
		if b.failed {
			return nil
		}
		return func(f *Frame) (decimal.Decimal, bool) {
			x, ok := a(f)
			if !ok {
				return x, false
			}
			return op(x), true
		}
	}
	rounding := func(name string, op func(x decimal.Decimal, n int32) decimal.Decimal) numFn {
		if len(args) == 1 {
			return one(func(x decimal.Decimal) decimal.Decimal { return op(x, 0) })
		}
		return two(func(_ sizer, x, n decimal.Decimal) (decimal.Decimal, bool) {
			k, err := places(name, []any{x, n})
			if err != nil {
				return decimal.Decimal{}, false
			}
			return op(x, k), true
		})
	}
	switch id.Value {
	case "_add":
		return two(func(_ sizer, x, y d) (d, bool) { return x.Add(y), true })
	case "_sub":
		return two(func(_ sizer, x, y d) (d, bool) { return x.Sub(y), true })
	case "_mul":
		return two(func(s sizer, x, y d) (d, bool) {
			v, err := s.mul(x, y)
			return v, err == nil
		})
	case "_div":
		return two(func(s sizer, x, y d) (d, bool) {
			v, err := s.div(x, y)
			return v, err == nil
		})
	case "_pow", "pow":
		return two(func(s sizer, x, y d) (d, bool) {
			v, err := s.pow(x, y)
			return v, err == nil
		})
	case "_neg":
		return one(d.Neg)
	case "abs":
		return one(d.Abs)
	case "round":
		return rounding("round", d.Round)
	case "floor":
		return rounding("floor", d.RoundFloor)
	case "ceil":
		return rounding("ceil", d.RoundCeil)
	case "min", "max":
		if len(args) == 0 {
			b.fail()
			return nil
		}
		fns := make([]numFn, len(args))
		for i, a := range args {
			fns[i] = b.num(a)
		}
		if b.failed {
			return nil
		}
		better := d.LessThan
		if id.Value == "max" {
			better = d.GreaterThan
		}
		return func(f *Frame) (decimal.Decimal, bool) {
			best, ok := fns[0](f)
			if !ok {
				return best, false
			}
			for _, fn := range fns[1:] {
				v, ok := fn(f)
				if !ok {
					return v, false
				}
				if better(v, best) {
					best = v
				}
			}
			return best, true
		}
	case "sum":
		if len(args) != 1 {
			b.fail()
			return nil
		}
		m := b.mapOf(args[0])
		if m == nil {
			return nil
		}
		return func(f *Frame) (decimal.Decimal, bool) {
			mv, ok := m(f)
			if !ok {
				return decimal.Decimal{}, false
			}
			var s d
			for _, v := range mv {
				s = s.Add(v)
			}
			return s, true
		}
	}
	b.fail()
	return nil
}

// mapOf binds an expression that gives a value per member: a name, member
// or previous.
func (b *binder) mapOf(n ast.Node) mapFn {
	if b.failed {
		return nil
	}
	id, ok := n.(*ast.IdentifierNode)
	if !ok || n.Type() != mapType {
		b.fail()
		return nil
	}
	switch id.Value {
	case Member:
		return func(f *Frame) (map[string]decimal.Decimal, bool) { return f.Member, f.Member != nil }
	case Previous:
		return func(f *Frame) (map[string]decimal.Decimal, bool) { return f.Previous, f.Previous != nil }
	}
	s := b.resolve(id.Value)
	if s.Kind != SlotMap {
		b.fail()
		return nil
	}
	i := s.Index
	return func(f *Frame) (map[string]decimal.Decimal, bool) {
		m := f.Maps[i]
		return m, m != nil
	}
}

func (b *binder) boolean(n ast.Node) boolFn {
	if b.failed {
		return nil
	}
	if n.Type() != boolType {
		b.fail()
		return nil
	}
	switch n := n.(type) {
	case *ast.BoolNode:
		v := n.Value
		return func(*Frame) (bool, bool) { return v, true }
	case *ast.ConstantNode:
		v, ok := n.Value.(bool)
		if !ok {
			b.fail()
			return nil
		}
		return func(*Frame) (bool, bool) { return v, true }
	case *ast.UnaryNode:
		if n.Operator != "not" && n.Operator != "!" {
			b.fail()
			return nil
		}
		x := b.boolean(n.Node)
		if b.failed {
			return nil
		}
		return func(f *Frame) (bool, bool) {
			v, ok := x(f)
			return !v, ok
		}
	case *ast.BinaryNode:
		switch n.Operator {
		case "and", "&&", "or", "||":
			l, r := b.boolean(n.Left), b.boolean(n.Right)
			if b.failed {
				return nil
			}
			or := n.Operator == "or" || n.Operator == "||"
			return func(f *Frame) (bool, bool) {
				v, ok := l(f)
				if !ok || v == or {
					return v, ok
				}
				return r(f)
			}
		case "in":
			key, ok := n.Left.(*ast.StringNode)
			if !ok {
				b.fail()
				return nil
			}
			m := b.mapOf(n.Right)
			if m == nil {
				return nil
			}
			k := key.Value
			return func(f *Frame) (bool, bool) {
				mv, ok := m(f)
				if !ok {
					return false, false
				}
				_, in := mv[k]
				return in, true
			}
		}
	case *ast.ConditionalNode:
		c, x, y := b.boolean(n.Cond), b.boolean(n.Exp1), b.boolean(n.Exp2)
		if b.failed {
			return nil
		}
		return func(f *Frame) (bool, bool) {
			t, ok := c(f)
			if !ok {
				return false, false
			}
			if t {
				return x(f)
			}
			return y(f)
		}
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok || len(n.Arguments) != 2 {
			break
		}
		var cmp func(x, y d) bool
		switch id.Value {
		case "_eq":
			cmp = d.Equal
		case "_ne":
			cmp = func(x, y d) bool { return !x.Equal(y) }
		case "_lt":
			cmp = d.LessThan
		case "_le":
			cmp = d.LessThanOrEqual
		case "_gt":
			cmp = d.GreaterThan
		case "_ge":
			cmp = d.GreaterThanOrEqual
		default:
			b.fail()
			return nil
		}
		l, r := b.num(n.Arguments[0]), b.num(n.Arguments[1])
		if b.failed {
			return nil
		}
		return func(f *Frame) (bool, bool) {
			x, ok := l(f)
			if !ok {
				return false, false
			}
			y, ok := r(f)
			if !ok {
				return false, false
			}
			return cmp(x, y), true
		}
	}
	b.fail()
	return nil
}
