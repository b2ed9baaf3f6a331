package reports

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

// The workbook's formulas are the rules' expressions written in the
// spreadsheet's language, where they can be: the arithmetic, the
// comparisons and conditions, round/floor/ceil, min/max/abs/pow, sum over
// a per-member rule, one member's value, member.<attribute>,
// previous.<name> and year. What cannot (let, text, anything else) is left
// to quotepart: the cell then holds the value quotepart computed, with a
// note that says why (see calcBook).

// xlNames says where each name an expression reads is in the workbook:
// the text to write for it (a defined name or a cell reference).
type xlNames struct {
	// global is a parameter or a global rule.
	global func(name string) (string, bool)
	// own is the value of a per-member rule for the member a per-member
	// formula is evaluated for; column the range of its values for every
	// member present; at one member's value.
	own    func(rule string) (string, bool)
	column func(rule string) (string, bool)
	at     func(rule, member string) (string, bool)
	// perMember says whether name is a per-member rule.
	perMember func(name string) bool
	// attr is member.<name> of the member evaluated; previous
	// previous.<name>.
	attr     func(name string) (string, bool)
	previous func(name string) (string, bool)
	year     string
	// inMember says whether the formula is evaluated for a member.
	inMember bool
}

// xlUnsupported says why an expression has no spreadsheet formula.
type xlUnsupported struct{ why string }

func (e *xlUnsupported) Error() string { return e.why }

func unsupported(format string, args ...any) error {
	return &xlUnsupported{fmt.Sprintf(format, args...)}
}

// Precedence of what a translation produces, lowest first, to know when
// a part needs parentheses.
const (
	precCompare = iota + 1
	precAdd
	precMul
	precUnary
	precAtom
)

// xlTranslate writes tree, parsed from src, as a spreadsheet formula
// (without the leading =).
func xlTranslate(tree ast.Node, src string, n *xlNames) (string, error) {
	t := &xlTranslator{src: []rune(src), n: n}
	s, _, err := t.num(tree)
	return s, err
}

type xlTranslator struct {
	src []rune
	n   *xlNames
}

func paren(s string, prec, want int) string {
	if prec < want {
		return "(" + s + ")"
	}
	return s
}

// num translates a node of the expression, with its precedence.
func (t *xlTranslator) num(node ast.Node) (string, int, error) {
	switch n := node.(type) {
	case *ast.IntegerNode:
		return strconv.Itoa(n.Value), precAtom, nil
	case *ast.FloatNode:
		return t.literal(n), precAtom, nil
	case *ast.BoolNode:
		if n.Value {
			return "TRUE", precAtom, nil
		}
		return "FALSE", precAtom, nil
	case *ast.IdentifierNode:
		return t.name(n.Value)
	case *ast.UnaryNode:
		x, p, err := t.num(n.Node)
		if err != nil {
			return "", 0, err
		}
		switch n.Operator {
		case "-":
			return "-" + paren(x, p, precAtom), precUnary, nil
		case "+":
			return x, p, nil
		case "!", "not":
			return "NOT(" + x + ")", precAtom, nil
		}
		return "", 0, unsupported("the operator %s", n.Operator)
	case *ast.BinaryNode:
		return t.binary(n)
	case *ast.ConditionalNode:
		c, _, err := t.num(n.Cond)
		if err != nil {
			return "", 0, err
		}
		a, _, err := t.num(n.Exp1)
		if err != nil {
			return "", 0, err
		}
		b, _, err := t.num(n.Exp2)
		if err != nil {
			return "", 0, err
		}
		return "IF(" + c + "," + a + "," + b + ")", precAtom, nil
	case *ast.CallNode:
		return t.call(n)
	case *ast.MemberNode:
		return t.member(n)
	case *ast.VariableDeclaratorNode:
		return "", 0, unsupported("a local name (let)")
	}
	return "", 0, unsupported("%s", strings.TrimSpace(fmt.Sprint(node)))
}

// literal writes a number as its text says, exactly (1e20 spelt out).
func (t *xlTranslator) literal(n *ast.FloatNode) string {
	loc := n.Location()
	if loc.From >= 0 && loc.To <= len(t.src) && loc.From < loc.To {
		text := strings.ReplaceAll(string(t.src[loc.From:loc.To]), "_", "")
		if d, err := decimal.NewFromString(text); err == nil {
			return d.String()
		}
	}
	return strconv.FormatFloat(n.Value, 'g', -1, 64)
}

func (t *xlTranslator) name(name string) (string, int, error) {
	n := t.n
	if name == "year" {
		return n.year, precAtom, nil
	}
	if n.perMember(name) {
		if !n.inMember {
			return "", 0, unsupported("%s, a value per member, read as one number", name)
		}
		if s, ok := n.own(name); ok {
			return s, precAtom, nil
		}
		return "", 0, unsupported("%s has no value for this member", name)
	}
	if s, ok := n.global(name); ok {
		return s, precAtom, nil
	}
	return "", 0, unsupported("%s has no value in this period", name)
}

var xlOperators = map[string]struct {
	text string
	prec int
}{
	"+": {"+", precAdd}, "-": {"-", precAdd}, "*": {"*", precMul}, "/": {"/", precMul},
	"==": {"=", precCompare}, "!=": {"<>", precCompare}, "<": {"<", precCompare}, "<=": {"<=", precCompare},
	">": {">", precCompare}, ">=": {">=", precCompare},
}

func (t *xlTranslator) binary(n *ast.BinaryNode) (string, int, error) {
	if n.Operator == "in" {
		key, ok1 := n.Left.(*ast.StringNode)
		rule, ok2 := n.Right.(*ast.IdentifierNode)
		if !ok1 || !ok2 || !t.n.perMember(rule.Value) {
			return "", 0, unsupported("the operator in")
		}
		// Whether a member is present is the period's, not a figure.
		if _, ok := t.n.at(rule.Value, key.Value); ok {
			return "TRUE", precAtom, nil
		}
		return "FALSE", precAtom, nil
	}
	a, pa, err := t.num(n.Left)
	if err != nil {
		return "", 0, err
	}
	b, pb, err := t.num(n.Right)
	if err != nil {
		return "", 0, err
	}
	switch n.Operator {
	case "and", "&&":
		return "AND(" + a + "," + b + ")", precAtom, nil
	case "or", "||":
		return "OR(" + a + "," + b + ")", precAtom, nil
	case "**", "^":
		return "POWER(" + a + "," + b + ")", precAtom, nil
	}
	op, ok := xlOperators[n.Operator]
	if !ok {
		return "", 0, unsupported("the operator %s", n.Operator)
	}
	// Left-associative: a right operand of the same level keeps its
	// parentheses (a - (b - c), a / (b * c)); comparisons never chain.
	left, right := op.prec, op.prec+1
	if op.prec == precCompare {
		left = precCompare + 1
	}
	return paren(a, pa, left) + op.text + paren(b, pb, right), op.prec, nil
}

func (t *xlTranslator) call(n *ast.CallNode) (string, int, error) {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return "", 0, unsupported("a call")
	}
	if id.Value == "sum" {
		if len(n.Arguments) != 1 {
			return "", 0, unsupported("sum of %d arguments", len(n.Arguments))
		}
		rule, ok := n.Arguments[0].(*ast.IdentifierNode)
		if !ok || !t.n.perMember(rule.Value) {
			return "", 0, unsupported("sum of something else than a per-member rule")
		}
		col, ok := t.n.column(rule.Value)
		if !ok {
			return "", 0, unsupported("sum(%s) with no member present", rule.Value)
		}
		return "SUM(" + col + ")", precAtom, nil
	}
	args := make([]string, len(n.Arguments))
	precs := make([]int, len(n.Arguments))
	for i, a := range n.Arguments {
		s, p, err := t.num(a)
		if err != nil {
			return "", 0, err
		}
		args[i], precs[i] = s, p
	}
	switch id.Value {
	case "min", "max", "abs":
		return strings.ToUpper(id.Value) + "(" + strings.Join(args, ",") + ")", precAtom, nil
	case "pow":
		if len(args) == 2 {
			return "POWER(" + args[0] + "," + args[1] + ")", precAtom, nil
		}
	case "round", "floor", "ceil":
		places := "0"
		switch len(args) {
		case 1:
		case 2:
			places = args[1]
		default:
			return "", 0, unsupported("%s of %d arguments", id.Value, len(args))
		}
		x, px := args[0], precs[0]
		if id.Value == "round" {
			// Half away from zero, as quotepart's round. The value is
			// first rounded six places further, so that a binary float
			// just below a half (0.0049999999 for 0.005) goes up.
			if p, err := strconv.Atoi(places); err == nil && p >= 0 && p <= 9 {
				return "ROUND(ROUND(" + x + "," + strconv.Itoa(p+6) + ")," + places + ")", precAtom, nil
			}
			return "ROUND(" + x + "," + places + ")", precAtom, nil
		}
		// INT rounds toward minus infinity; the value is first rounded
		// six places further, so that a binary float just below a
		// whole number (192536189.99999997 for 192536190) does not lose
		// a unit.
		scale := "POWER(10," + places + ")"
		if p, err := strconv.Atoi(places); err == nil && p >= 0 && p <= 20 {
			scale = "1" + strings.Repeat("0", p)
		}
		if id.Value == "floor" {
			return "INT(ROUND(" + paren(x, px, precMul) + "*" + scale + ",6))/" + scale, precMul, nil
		}
		return "-INT(ROUND(-" + paren(x, px, precAtom) + "*" + scale + ",6))/" + scale, precMul, nil
	}
	return "", 0, unsupported("the function %s", id.Value)
}

func (t *xlTranslator) member(n *ast.MemberNode) (string, int, error) {
	base, ok := n.Node.(*ast.IdentifierNode)
	prop, ok2 := n.Property.(*ast.StringNode)
	if !ok || !ok2 {
		return "", 0, unsupported("%s", n)
	}
	switch base.Value {
	case "member":
		if s, ok := t.n.attr(prop.Value); ok {
			return s, precAtom, nil
		}
		return "", 0, unsupported("member.%s", prop.Value)
	case "previous":
		if s, ok := t.n.previous(prop.Value); ok {
			return s, precAtom, nil
		}
		return "", 0, unsupported("previous.%s", prop.Value)
	}
	if !t.n.perMember(base.Value) {
		return "", 0, unsupported("%s", n)
	}
	if s, ok := t.n.at(base.Value, prop.Value); ok {
		return s, precAtom, nil
	}
	return "", 0, unsupported("%s of member %s, absent in this period", base.Value, prop.Value)
}
