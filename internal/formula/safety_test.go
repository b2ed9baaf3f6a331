package formula

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/shopspring/decimal"
)

// An overloaded function (round, floor, ceil) with a literal argument,
// used as an operand of an operator, compiles: the operator's call must
// not hide the function's arguments from the checker, which picks the
// overload (expr-lang's compiler used to panic, index out of range).
func TestOverloadedCallAsOperand(t *testing.T) {
	env := Decls{"a": Number, "b": Number}
	vals := map[string]any{"a": num("1.234"), "b": num("2")}
	tests := []struct{ src, want string }{
		{"round(a, 2) + 1", "2.23"},
		{"1 + round(a, 2)", "2.23"},
		{"-round(a, 2)", "-1.23"},
		{"round(a, 2) * round(b, 1)", "2.46"},
		{"max(round(a, 2), 1) - floor(a, 1)", "0.03"},
		{"round(a, 2) > 1 ? ceil(a, 1) * 2 : 0", "2.6"},
		{"(a > 1) == (b > 1) ? 1 : 0", "1"},
		{"round(round(a, 2) / 3, 2) ** 2", "0.1681"},
	}
	var m VM
	for _, tt := range tests {
		p, err := testEnv.Compile(tt.src, env, KindNumber)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.src, err)
			continue
		}
		got, err := m.Number(p, vals)
		if err != nil || !got.Equal(num(tt.want)) {
			t.Errorf("Eval(%q) = %s, %v; want %s", tt.src, got, err, tt.want)
		}
		f := &Frame{Global: []decimal.Decimal{num("1.234"), num("2")}}
		b := testEnv.Bind(p, func(name string) Slot { return Slot{Kind: SlotGlobal, Index: int(name[0] - 'a')} })
		if b == nil {
			continue // == on conditions is left to the VM
		}
		if got, ok := b.Number(f); !ok || !got.Equal(num(tt.want)) {
			t.Errorf("fast path (%q) = %s, %v; want %s", tt.src, got, ok, tt.want)
		}
	}
}

// Every function called, at any depth and in any branch, must exist: an
// unknown one is a compile error at its name.
func TestUnknownFunctions(t *testing.T) {
	env := Decls{"masse": Number, "year": Number, "cle": NumberMap}
	tests := []struct {
		src    string
		offset int
		msg    string
		name   string
	}{
		{"masse * 0 + now()", 12, "unknown function now", "now"},
		{"foo(1) + masse", 0, "unknown function foo", "foo"},
		{"round(foo(1), 2)", 6, "unknown function foo", "foo"},
		{"max(masse, foo(1))", 11, "unknown function foo", "foo"},
		{"year > 2035 ? masse + foo(1) : masse", 22, "unknown function foo", "foo"},
		{"let x = bar(1); x", 8, "unknown function bar", "bar"},
		{"len(cle)", 0, "unknown function len", "len"},
		{"map(cle, #) + 1", 0, "unknown function map", "map"},
		{"masse(1)", 0, "masse is not a function: the functions are abs, ceil, floor, max, min, pow, round, sum", "masse"},
		{"cle.sum()", 4, "only functions can be called", ""},
		// The first mistake in the order of the source.
		{"tauxx + foo(1)", 0, "unknown name tauxx", "tauxx"},
		{"foo(1) + tauxx", 0, "unknown function foo", "foo"},
	}
	for _, tt := range tests {
		_, err := testEnv.Compile(tt.src, env, KindNumber)
		var fe *Error
		if !errors.As(err, &fe) {
			t.Errorf("Compile(%q) error = %v, want *Error", tt.src, err)
			continue
		}
		if fe.Offset != tt.offset || !strings.HasPrefix(fe.Msg, tt.msg) || fe.Name != tt.name {
			t.Errorf("Compile(%q) = %q (name %q) at %d, want %q (name %q) at %d", tt.src, fe.Msg, fe.Name, fe.Offset, tt.msg, tt.name, tt.offset)
		}
		if tt.name != "" && tt.name != "tauxx" && !errors.Is(err, ErrUnknownFunction) {
			t.Errorf("Compile(%q) error does not wrap ErrUnknownFunction", tt.src)
		}
	}
}

// sum of a number is a compile error at its argument, never an
// interface conversion when evaluated.
func TestSumOfNumber(t *testing.T) {
	env := Decls{"n": Number, "cle": NumberMap}
	for _, src := range []string{"sum(n)", "n / sum(n)", "1 + (n > 0 ? sum(n) : 0)"} {
		_, err := testEnv.Compile(src, env, KindNumber)
		var fe *Error
		if !errors.As(err, &fe) || !errors.Is(err, ErrSumOfNumber) || fe.Name != "n" || []rune(src)[fe.Offset] != 'n' ||
			fe.Msg != "sum(n): n is a number here, and sum adds up a value per member" {
			t.Errorf("Compile(%q) = %v, want sum of a number at its argument", src, err)
		}
	}
	if _, err := testEnv.Compile("n / sum(cle)", env, KindNumber); err != nil {
		t.Errorf("sum of a value per member: %v", err)
	}
}

// Number literals are held to the limit of digits, and words Go's parser
// errors as numbers.
func TestLiteralErrors(t *testing.T) {
	tests := []struct {
		src, msg string
		offset   int
		limit    bool
	}{
		{"1 + 1e2000", "the number 1e2000 has more than 1,000 digits (the limit of a value; docs/limits.md)", 4, true},
		{"1e-2000", "the number 1e-2000 has more than 1,000 digits", 0, true},
		{"2 * 1e3000000000", "the number 1e3000000000 is too large for an expression to write", 4, false},
		{"99999999999999999999 + 1", "the whole number 99999999999999999999 does not fit in 64 bits", 0, false},
	}
	for _, tt := range tests {
		_, err := testEnv.Compile(tt.src, Decls{}, KindNumber)
		var fe *Error
		if !errors.As(err, &fe) || !strings.HasPrefix(fe.Msg, tt.msg) || fe.Offset != tt.offset {
			t.Errorf("Compile(%q) = %v, want %q at %d", tt.src, err, tt.msg, tt.offset)
			continue
		}
		var le *LimitError
		if errors.As(err, &le) != tt.limit {
			t.Errorf("Compile(%q): a limit error is %v, want %v", tt.src, !tt.limit, tt.limit)
		}
	}
	if _, err := testEnv.Compile("1e300 * 1", Decls{}, KindNumber); err != nil {
		t.Errorf("a literal of 301 digits: %v", err)
	}
}

// Values are held to Limits.MaxDigits on both paths: the operation that
// would build a larger one fails at once, at its operator, as a
// *LimitError, before computing (these would take minutes and gigabytes).
func TestDigitsLimit(t *testing.T) {
	env := Decls{"a": Number, "b": Number, "c": Number}
	big := decimal.New(3, 600)   // 601 digits
	tiny := decimal.New(3, -600) // 600 decimals
	long := decimal.New(7, 0)    // grows under pow
	huge := decimal.New(1, 2000) // beyond the limit already
	tests := []struct {
		src     string
		a, b, c decimal.Decimal
		offset  int
	}{
		{"a * b", big, big, long, 2},
		{"1 + a * a", big, big, long, 6},
		{"a / b", big, tiny, long, 2},
		{"c ** 999 / 1", big, big, decimal.RequireFromString("123.45"), 2},
		{"pow(c, 1000)", big, big, decimal.RequireFromString("1.5"), 0},
		{"pow(c, -1000) + 1", big, big, decimal.RequireFromString("123.45"), 0},
		// 3.33...3 with 200 decimals: its fifth power has 1,003 digits.
		{"a * a * a * a * a * a", decimal.RequireFromString("3." + strings.Repeat("3", 200)), big, long, 14},
		{"c * 1", big, big, huge, 2},
	}
	var m VM
	for _, tt := range tests {
		p, err := testEnv.Compile(tt.src, env, KindNumber)
		if err != nil {
			if !strings.Contains(tt.src, "2000") {
				t.Errorf("Compile(%q): %v", tt.src, err)
			}
			continue
		}
		start := time.Now()
		_, err = m.Number(p, map[string]any{"a": tt.a, "b": tt.b, "c": tt.c})
		var re *RuntimeError
		var le *LimitError
		if !errors.As(err, &re) || !errors.As(err, &le) || re.Offset != tt.offset ||
			err.Error() != "the result would have more than 1,000 digits (the limit of a value; docs/limits.md)" || le.Limit != "digits" || le.Max != 1000 {
			t.Errorf("Eval(%q) = %v (%#v), want the limit of digits at %d", tt.src, err, re, tt.offset)
		}
		f := &Frame{Global: []decimal.Decimal{tt.a, tt.b, tt.c}}
		b := testEnv.Bind(p, func(name string) Slot { return Slot{Kind: SlotGlobal, Index: int(name[0] - 'a')} })
		if b == nil {
			t.Fatalf("Bind(%q) = nil", tt.src)
		}
		if v, ok := b.Number(f); ok {
			t.Errorf("fast path (%q) = %s, want !ok", tt.src, v)
		}
		if d := time.Since(start); d > 100*time.Millisecond {
			t.Errorf("Eval(%q) took %v", tt.src, d)
		}
	}
	// Within the limit, all is computed, to the last digit.
	ok := []struct{ src, want string }{
		{"2 ** 1000 > 1e301 ? 1 : 0", "1"},
		{"a * b", decimal.New(9, 1200).String()},
		{"pow(c, 3)", "343"},
	}
	for _, tt := range ok {
		p, err := testEnv.Compile(tt.src, env, KindNumber)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Number(p, map[string]any{"a": decimal.New(3, 300), "b": decimal.New(3, 899), "c": long})
		if tt.src == "a * b" {
			// 9e1199 has 1,200 digits: over.
			if err == nil {
				t.Errorf("Eval(%q) = %s, want the limit", tt.src, got)
			}
			continue
		}
		if err != nil || !got.Equal(num(tt.want)) {
			t.Errorf("Eval(%q) = %s, %v; want %s", tt.src, got, err, tt.want)
		}
	}
	// No limit: an environment with MaxDigits 0 computes what it is given.
	free := NewEnv(Limits{MaxNodes: 500})
	p, err := free.Compile("a * a", env, KindNumber)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Number(p, map[string]any{"a": big}); err != nil {
		t.Errorf("no limit: %v", err)
	}
}

func TestDigits(t *testing.T) {
	tests := []struct {
		v    decimal.Decimal
		want int
	}{
		{num("123.45"), 5}, {num("0.001"), 3}, {decimal.New(1, 6), 7}, {decimal.Zero, 2}, {decimal.Decimal{}, 1},
		{num("-1.5"), 2}, {num("0.33333333333333333333"), 20}, {decimal.New(3, 999), 1000},
		{num("12345678901234567890123456789"), 29},
	}
	for _, tt := range tests {
		if got := Digits(tt.v); got != tt.want {
			t.Errorf("Digits(%s) = %d, want %d", tt.v, got, tt.want)
		}
	}
	lim := Limits{MaxDigits: 1000}
	if err := lim.Check(decimal.New(3, 999)); err != nil {
		t.Errorf("1,000 digits: %v", err)
	}
	var le *LimitError
	if err := lim.Check(decimal.New(3, 1000)); !errors.As(err, &le) {
		t.Errorf("1,001 digits: %v, want a *LimitError", err)
	}
	if err := (Limits{}).Check(decimal.New(3, 100000)); err != nil {
		t.Errorf("no limit: %v", err)
	}
}

// The size of a coefficient is read through a mirror of
// shopspring/decimal's Decimal: it must hold the same coefficient.
func TestDecimalLayout(t *testing.T) {
	if unsafe.Sizeof(decimal.Decimal{}) != unsafe.Sizeof(decimalLayout{}) {
		t.Fatal("decimal.Decimal changed size")
	}
	for _, s := range []string{"0", "1", "-123.456", "0.33333333333333333333", "123456789012345678901234567890e-7"} {
		v := num(s)
		got := (*decimalLayout)(unsafe.Pointer(&v))
		if got.value == nil || got.value.Cmp(v.Coefficient()) != 0 || got.exp != v.Exponent() {
			t.Errorf("%s: the mirror reads %v × 10^%d, want %s × 10^%d", s, got.value, got.exp, v.Coefficient(), v.Exponent())
		}
		if bits := coefficientBits(&v); bits != new(big.Int).Abs(v.Coefficient()).BitLen() {
			t.Errorf("%s: %d bits", s, bits)
		}
	}
	var zero decimal.Decimal
	if coefficientBits(&zero) != 0 {
		t.Error("the zero Decimal has bits")
	}
}

// A panic on the fast path steps aside (!ok) rather than crash: here a
// frame too short for the slots the program was bound to.
func TestBoundRecovers(t *testing.T) {
	p, err := testEnv.Compile("a * 2", Decls{"a": Number}, KindNumber)
	if err != nil {
		t.Fatal(err)
	}
	b := testEnv.Bind(p, func(string) Slot { return Slot{Kind: SlotGlobal, Index: 3} })
	if v, ok := b.Number(&Frame{Global: []decimal.Decimal{num("1")}}); ok {
		t.Errorf("= %s, want !ok", v)
	}
}

// expr-lang's messages name Go types: users read numbers, values per
// member, conditions and text.
func TestWords(t *testing.T) {
	tests := []struct{ in, want string }{
		{"invalid operation: + (mismatched types map[string]decimal.Decimal and decimal.Decimal)", "invalid operation: + (mismatched types a value per member and a number)"},
		{"interface conversion: interface {} is map[string]decimal.Decimal, not decimal.Decimal", "interface conversion: a value is a value per member, not a number"},
		{"cannot use func(...decimal.Decimal) decimal.Decimal as bool", "cannot use a function as a condition"},
		{"cannot use func(decimal.Decimal, decimal.Decimal) (decimal.Decimal, error) as string", "cannot use a function as text"},
		{"[]interface {} is not int", "a list is not a number"},
	}
	for _, tt := range tests {
		if got := Words(tt.in); got != tt.want {
			t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, src := range []string{"cle + 1", "masse + label", "a > 1 ? cle : 1", "cle[a]", "(a > 1) + 1", "[1, 2][a]"} {
		_, err := testEnv.Compile(src, Decls{"a": Number, "masse": Number, "cle": NumberMap, "label": ""}, KindNumber)
		if err == nil || strings.Contains(err.Error(), "decimal") || strings.Contains(err.Error(), "interface") ||
			strings.Contains(err.Error(), "map[") || strings.Contains(err.Error(), "func(") {
			t.Errorf("Compile(%q) = %v, want an error without Go types", src, err)
		}
	}
}

// A panic while compiling is a compile error, never a crash.
func TestCompilePanicIsAnError(t *testing.T) {
	compileHook = func() { panic("boom") }
	defer func() { compileHook = nil }()
	_, err := NewEnv(DefaultLimits).Compile("1 + 2", Decls{}, KindNumber)
	var fe *Error
	if !errors.As(err, &fe) || fe.Msg != "internal error: cannot compile this expression (boom)" || fe.Offset != 0 || !errors.Is(err, ErrInternal) {
		t.Errorf("Compile with a panic = %v, want an internal error", err)
	}
}

// A panic that expr-lang's compiler recovered comes with a Go stack
// trace: only its first line is kept.
func TestInternalCompileError(t *testing.T) {
	got := internalError("runtime error: index out of range [1] with length 1\ngoroutine 1 [running]:\nruntime/debug.Stack()")
	if got != "internal error: runtime error: index out of range [1] with length 1" {
		t.Errorf("internalError = %q", got)
	}
}
