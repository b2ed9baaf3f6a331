package formula

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"github.com/shopspring/decimal"
)

// Names the environment gives a special meaning.
const (
	// Year is the simulated year, as a number.
	Year = "year"
	// Member holds the attributes of the member a per-member rule is
	// evaluated for: member.population.
	Member = "member"
	// Previous holds last year's values of parameters and global rules:
	// previous.cout_moyen_etc.
	Previous = "previous"
)

// Limits bound what one expression may cost.
type Limits struct {
	// MaxLength is the longest source accepted, in bytes.
	MaxLength int
	// MaxNodes is the largest syntax tree accepted.
	MaxNodes uint
	// MemoryBudget bounds the allocations of one evaluation (expr's unit:
	// elements of arrays and maps, which let can build); it does not
	// count the size of numbers, which MaxDigits bounds.
	MemoryBudget uint
	// MaxDigits bounds the size of every value an evaluation builds: the
	// digits it takes written out in full, integer digits and decimal
	// places (see Digits). Zero means no limit.
	MaxDigits int
}

// DefaultLimits are generous for allocation rules, which are short, and small
// enough that a runaway expression is caught at load time, and a runaway
// evaluation at its first oversized value: a bill has a dozen digits and
// twenty decimal places.
var DefaultLimits = Limits{MaxLength: 4096, MaxNodes: 500, MemoryBudget: 100_000, MaxDigits: 1000}

// Check returns a *LimitError when v has more digits than l allows.
func (l Limits) Check(v decimal.Decimal) error {
	return sizer{max: int64(l.MaxDigits)}.check(v)
}

// Error is a compile error at a rune offset inside the expression.
type Error struct {
	Offset int // runes from the start of the expression
	Msg    string
	// Name is the name the error is about, when there is one: the unknown
	// name or function, the argument of sum. A caller may suggest a
	// correction from it.
	Name string
	// Err is the kind of mistake when the caller may word it further
	// (ErrUnknownName, ErrUnknownFunction, ErrSumOfNumber) or a
	// *LimitError; nil otherwise.
	Err error
}

func (e *Error) Error() string { return fmt.Sprintf("%s (at %d)", e.Msg, e.Offset) }

func (e *Error) Unwrap() error { return e.Err }

// Kinds of compile errors a caller may word further (Error.Err).
var (
	// ErrUnknownName: the expression reads a name that is not declared.
	ErrUnknownName = errors.New("unknown name")
	// ErrUnknownFunction: the expression calls a function that does not
	// exist (Names lists those that do).
	ErrUnknownFunction = errors.New("unknown function")
	// ErrSumOfNumber: sum is given a number, not a value per member.
	ErrSumOfNumber = errors.New("sum of a number")
)

// RuntimeError is an evaluation that failed — a division by zero, pow or
// round given an exponent or a number of places out of range, the memory
// budget exceeded — at a rune offset inside the expression: the operator
// or the call that failed. A caller turns the offset into a position in
// the user's file, as it does for an *Error; the message itself carries
// no position.
type RuntimeError struct {
	Offset int // runes from the start of the expression
	Msg    string
	// Err is the cause (ErrDivisionByZero...), nil when expr-lang gave a
	// message only.
	Err error
}

func (e *RuntimeError) Error() string { return e.Msg }

func (e *RuntimeError) Unwrap() error { return e.Err }

// Ref is a name an expression reads. For member.x and previous.x, Name is
// "member" or "previous" and Field is x. For a constant key looked up in a
// name — cle["ville"], cle.ville, "ville" in cle — Key is the key, so that
// a loader can check it names a member.
type Ref struct {
	Name      string
	Field     string
	Key       string
	Offset    int
	KeyOffset int // where Key is written, when set
}

// Program is a compiled expression. It is immutable: one Program may serve
// any number of formulas, goroutines and VMs.
type Program struct {
	env    *Env // the environment that compiled it
	source string
	prog   *vm.Program
	refs   []Ref
	budget uint
}

// Source returns the expression as written.
func (p *Program) Source() string { return p.source }

// Refs returns the names the expression reads, in order of appearance.
func (p *Program) Refs() []Ref { return p.refs }

// Env returns the environment that compiled the program, in which it binds
// (Env.Bind).
func (p *Program) Env() *Env { return p.env }

// Decls declares the names an expression may read, each with a sample
// value of its type: decimal.Decimal for numbers, map[string]decimal.Decimal
// for member attributes, previous values and per-member values seen from a
// global rule, string, bool.
type Decls map[string]any

// Sample values for building Decls.
var (
	Number     = decimal.Decimal{}
	NumberMap  = map[string]decimal.Decimal{}
	numberType = reflect.TypeFor[decimal.Decimal]()
	boolType   = reflect.TypeFor[bool]()
)

// Kind is what an expression must produce.
type Kind int

const (
	KindNumber Kind = iota
	KindBool
)

func (k Kind) String() string {
	if k == KindBool {
		return "a condition (true or false)"
	}
	return "a number"
}

func describe(t reflect.Type) string {
	switch {
	case t == nil:
		return "a value of unknown type"
	case t == numberType:
		return "a number"
	case t == boolType:
		return "a condition"
	case t.Kind() == reflect.String:
		return "text"
	case t.Kind() == reflect.Map:
		return "a value per member (use sum(...) or name[\"member\"])"
	}
	return Words(t.String())
}

// convert turns an expr-lang error into an *Error at a rune offset, its
// Go types worded as users know them.
func convert(err error) error {
	var fe *file.Error
	if errors.As(err, &fe) {
		msg := fe.Message
		// expr-lang says "unknown name x"; keep its wording, which is already
		// lowercase and precise, but drop its own position suffix.
		if i := strings.Index(msg, " (1:"); i > 0 {
			msg = msg[:i]
		}
		return internalErr(&Error{Offset: fe.From, Msg: Words(internalError(msg))})
	}
	return internalErr(&Error{Msg: Words(internalError(err.Error()))})
}

// internalErr marks an error worded by internalError as ErrInternal.
func internalErr(e *Error) *Error {
	if strings.HasPrefix(e.Msg, "internal error: ") {
		e.Err = ErrInternal
	}
	return e
}

// internalError words a panic that expr-lang's compiler recovered, whose
// message carries a Go stack trace: the first line, as an internal error.
func internalError(msg string) string {
	if i := strings.Index(msg, "\ngoroutine "); i >= 0 {
		return "internal error: " + strings.TrimSpace(msg[:i])
	}
	return msg
}

// goWords are the Go types expr-lang names in its messages, and how users
// know them. Function types come first, since they hold the others.
var (
	funcType = regexp.MustCompile(`func\([^()]*\)( \([^()]*\)| [\w.\[\]{}]+)?`)
	goWords  = []struct {
		re   *regexp.Regexp
		with string
	}{
		{regexp.MustCompile(`map\[string\]decimal\.Decimal`), "a value per member"},
		{regexp.MustCompile(`map\[string\]interface \{\}`), "a mapping"},
		{regexp.MustCompile(`\[\]interface \{\}`), "a list"},
		{regexp.MustCompile(`decimal\.Decimal`), "a number"},
		{regexp.MustCompile(`interface \{\}`), "a value"},
		{regexp.MustCompile(`\bbool\b`), "a condition"},
		{regexp.MustCompile(`\bstring\b`), "text"},
		{regexp.MustCompile(`\b(int|int64|float64)\b`), "a number"},
		{regexp.MustCompile(`\bnil\b`), "nothing"},
		{regexp.MustCompile(`\b\w+\.\w+Node\b`), "an expression"},
	}
)

// Words rewrites the Go types of an expr-lang message (decimal.Decimal,
// map[string]decimal.Decimal, interface {}, func(...)...) in the words of
// users: a number, a value per member, a value, a function.
func Words(msg string) string {
	msg = funcType.ReplaceAllString(msg, "a function")
	for _, w := range goWords {
		msg = w.re.ReplaceAllString(msg, w.with)
	}
	return msg
}

type refWalker struct {
	refs  []Ref
	bound map[string]int
	err   error
	// calls are the functions called by name, with the offset of the
	// name; sums the arguments of sum that are names.
	calls []Ref
	sums  []Ref
}

func (w *refWalker) walk(n ast.Node) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		if w.bound[n.Value] == 0 {
			w.refs = append(w.refs, Ref{Name: n.Value, Offset: n.Location().From})
		}
	case *ast.MemberNode:
		if id, ok := n.Node.(*ast.IdentifierNode); ok && (id.Value == Member || id.Value == Previous) && w.bound[id.Value] == 0 {
			prop, ok := n.Property.(*ast.StringNode)
			if !ok {
				if w.err == nil {
					w.err = &Error{Offset: n.Property.Location().From, Msg: fmt.Sprintf("%s.<name> must name its field, found an expression", id.Value)}
				}
				return
			}
			w.refs = append(w.refs, Ref{Name: id.Value, Field: prop.Value, Offset: n.Property.Location().From})
			return
		}
		if id, ok := n.Node.(*ast.IdentifierNode); ok && w.bound[id.Value] == 0 {
			if prop, ok := n.Property.(*ast.StringNode); ok {
				w.refs = append(w.refs, Ref{Name: id.Value, Key: prop.Value, Offset: n.Location().From, KeyOffset: n.Property.Location().From})
				return
			}
		}
		w.walk(n.Node)
		w.walk(n.Property)
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			w.calls = append(w.calls, Ref{Name: id.Value, Offset: id.Location().From})
			if arg, ok := singleName(n); ok && id.Value == "sum" && w.bound[arg.Value] == 0 {
				w.sums = append(w.sums, Ref{Name: arg.Value, Offset: arg.Location().From})
			}
		} else if w.err == nil {
			w.err = &Error{Offset: n.Location().From, Err: ErrUnknownFunction,
				Msg: "only functions can be called, by their name: " + strings.Join(Names(), ", ")}
		}
		for _, a := range n.Arguments {
			w.walk(a)
		}
	case *ast.VariableDeclaratorNode:
		w.walk(n.Value)
		w.bound[n.Name]++
		w.walk(n.Expr)
		w.bound[n.Name]--
	case *ast.UnaryNode:
		w.walk(n.Node)
	case *ast.BinaryNode:
		key, isKey := n.Left.(*ast.StringNode)
		id, isID := n.Right.(*ast.IdentifierNode)
		if n.Operator == "in" && isKey && isID && w.bound[id.Value] == 0 {
			w.refs = append(w.refs, Ref{Name: id.Value, Key: key.Value, Offset: id.Location().From, KeyOffset: key.Location().From})
			return
		}
		w.walk(n.Left)
		w.walk(n.Right)
	case *ast.ConditionalNode:
		w.walk(n.Cond)
		w.walk(n.Exp1)
		w.walk(n.Exp2)
	case *ast.ChainNode:
		w.walk(n.Node)
	case *ast.SliceNode:
		w.walk(n.Node)
		if n.From != nil {
			w.walk(n.From)
		}
		if n.To != nil {
			w.walk(n.To)
		}
	case *ast.ArrayNode:
		for _, x := range n.Nodes {
			w.walk(x)
		}
	case *ast.MapNode:
		for _, x := range n.Pairs {
			w.walk(x)
		}
	case *ast.PairNode:
		w.walk(n.Key)
		w.walk(n.Value)
	case *ast.SequenceNode:
		for _, x := range n.Nodes {
			w.walk(x)
		}
	case *ast.BuiltinNode:
		// expr-lang's built-ins are disabled, but its parser still reads
		// the ones that take a predicate (map, filter, all...).
		w.calls = append(w.calls, Ref{Name: n.Name, Offset: n.Location().From})
		for _, a := range n.Arguments {
			w.walk(a)
		}
	case *ast.PredicateNode:
		w.walk(n.Node)
	}
}

// singleName returns the argument of a call of one argument that is a
// name.
func singleName(n *ast.CallNode) (*ast.IdentifierNode, bool) {
	if len(n.Arguments) != 1 {
		return nil, false
	}
	id, ok := n.Arguments[0].(*ast.IdentifierNode)
	return id, ok
}

// Names returns the sorted names of the functions an expression may call:
// round, floor, ceil, min, max, abs, pow, sum.
func Names() []string {
	names := make([]string, 0, len(functions))
	for _, f := range functions {
		if f.operator == nil && f.doc != "" {
			names = append(names, f.name)
		}
	}
	slices.Sort(names)
	return names
}

// callable reports whether name is a function of the dialect, an
// operator's included (_add...).
func callable(name string) bool {
	for _, f := range functions {
		if f.name == name {
			return true
		}
	}
	return false
}

// Reserved reports whether name cannot be used for a parameter, rule or
// member attribute: it is a function, a special name or a keyword.
func Reserved(name string) bool {
	switch name {
	case Year, Member, Previous, "true", "false", "nil", "in", "not", "and", "or",
		"let", "matches", "contains", "startsWith", "endsWith", "if", "else", "now":
		return true
	}
	for _, f := range functions {
		if f.name == name {
			return true
		}
	}
	return false
}

// ValidName reports whether name is usable as an identifier in expressions:
// a letter or underscore, then letters, digits or underscores (ASCII).
func ValidName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_', 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
		case i > 0 && '0' <= r && r <= '9':
		default:
			return false
		}
	}
	return true
}

// VM evaluates programs. It is not safe for concurrent use: keep one per
// goroutine. The zero value is ready to use.
type VM struct {
	vm vm.VM
}

// Number runs p, which must have been compiled as KindNumber, on env.
func (m *VM) Number(p *Program, env map[string]any) (decimal.Decimal, error) {
	out, err := m.run(p, env)
	if err != nil {
		return decimal.Decimal{}, err
	}
	d, ok := out.(decimal.Decimal)
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("expected a number, found %s", describe(reflect.TypeOf(out)))
	}
	return d, nil
}

// Bool runs p, which must have been compiled as KindBool, on env.
func (m *VM) Bool(p *Program, env map[string]any) (bool, error) {
	out, err := m.run(p, env)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("expected a condition, found %s", describe(reflect.TypeOf(out)))
	}
	return b, nil
}

func (m *VM) run(p *Program, env map[string]any) (any, error) {
	m.vm.MemoryBudget = p.budget
	out, err := m.vm.Run(p.prog, env)
	if err != nil {
		return nil, runtimeError(err, p.budget)
	}
	return out, nil
}

// runtimeError keeps, of expr-lang's error, the message and where the
// failing instruction comes from, and drops its snippet, which points into
// the expression alone: callers position the error in the user's file.
//
// The location is the node the instruction was compiled from. For an
// operator that is the operator itself (the parser places a binary node at
// its operator, and the decimal patch, ast.Patch, gives the call that
// replaces it the same location); for a function, its name.
//
// The errors of the dialect's functions (a division by zero, an argument
// out of range, a value beyond the limit of digits) keep their message;
// the memory budget is a limit; anything else is a panic the VM recovered,
// in a library or in quotepart, worded as an internal error.
func runtimeError(err error, budget uint) error {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return &RuntimeError{Msg: "internal error: the evaluation failed: " + Words(err.Error()), Err: ErrInternal}
	}
	re := &RuntimeError{Offset: fe.From, Msg: fe.Message, Err: fe.Prev}
	var le *LimitError
	var ae *ArgumentError
	switch {
	case errors.Is(fe.Prev, ErrDivisionByZero), errors.As(fe.Prev, &le), errors.As(fe.Prev, &ae):
	case strings.Contains(fe.Message, "memory budget exceeded"):
		re.Msg = fmt.Sprintf("the evaluation needs more memory than the limit of %s (expr-lang's units, counting elements of lists; docs/limits.md)", Thousands(int(budget)))
		re.Err = &LimitError{Limit: "memory", Max: int(budget), Msg: re.Msg}
	default:
		re.Msg, re.Err = "internal error: the evaluation failed: "+Words(fe.Message), ErrInternal
	}
	return re
}

// ErrInternal is the cause of a run-time error that is no mistake in the
// expression: a panic the VM recovered, in a library or in quotepart.
var ErrInternal = errors.New("internal error")
