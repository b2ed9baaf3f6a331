package formula

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func num(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// testEnv is the environment the tests compile in, built once as a
// program would.
var testEnv = NewEnv(DefaultLimits)

func TestEvalNumbers(t *testing.T) {
	env := Decls{"a": Number, "b": Number, "year": Number, "cle": NumberMap, "member": NumberMap}
	vals := map[string]any{
		"a": num("1234.5"), "b": num("0.03"), "year": num("2026"),
		"cle":    map[string]decimal.Decimal{"ville": num("0.4620"), "metropole": num("0.5332"), "ccas": num("0.0048")},
		"member": map[string]decimal.Decimal{"population": num("117853")},
	}
	tests := []struct{ src, want string }{
		{"0.1 + 0.2", "0.3"},
		{"a * b", "37.035"},
		{"a * (1 + b)", "1271.535"},
		{"-a + 1", "-1233.5"},
		{"- -a", "1234.5"},
		{"+a", "1234.5"},
		{"1 / 3", "0.33333333333333333333"},
		{"2 / 3", "0.66666666666666666667"},
		{"round(2.345, 2)", "2.35"},
		{"round(-2.345, 2)", "-2.35"},
		{"round(2.5)", "3"},
		{"floor(-2.341, 2)", "-2.35"},
		{"ceil(2.341, 2)", "2.35"},
		{"min(3, a, 2)", "2"},
		{"max(3, a, 2)", "1234.5"},
		{"abs(-4.5)", "4.5"},
		{"pow(1.5, 2)", "2.25"},
		{"2 ** 10", "1024"},
		{"pow(2, -2)", "0.25"},
		{"sum(cle)", "1"},
		{"cle[\"ville\"]", "0.462"},
		{"cle.ccas * 100", "0.48"},
		{"year >= 2027 ? 1 : 0", "0"},
		{"year == 2026.0 ? 1 : 0", "1"},
		{"member.population / 1000", "117.853"},
		{"let x = a * 2; x + 1", "2470"},
		{"0.46680000000000000001 * 1", "0.46680000000000000001"},
		// A condition's result inside a calculation inside a call, whose
		// type the checker settles late.
		{"round((year == 2026 ? (1 - b) : (a)) * 2, 4)", "1.94"},
		{"-(year == 2026 ? a : b) + 1", "-1233.5"},
		{"max((year > 2030 ? a : b) * 100, 1)", "3"},
	}
	var m VM
	for _, tt := range tests {
		p, err := testEnv.Compile(tt.src, env, KindNumber)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.src, err)
			continue
		}
		got, err := m.Number(p, vals)
		if err != nil {
			t.Errorf("Eval(%q): %v", tt.src, err)
			continue
		}
		if !got.Equal(num(tt.want)) {
			t.Errorf("Eval(%q) = %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestEvalConditions(t *testing.T) {
	env := Decls{"a": Number}
	vals := map[string]any{"a": num("1.50")}
	tests := []struct {
		src  string
		want bool
	}{
		{"0.1 + 0.2 == 0.3", true},
		{"1.50 != 1.5", false},
		{"a == 1.5", true},
		{"a != 1.5", false},
		{"a < 2 && a > 1", true},
		{"a <= 1.5 and a >= 1.5", true},
		{"not (a > 1.5)", true},
	}
	var m VM
	for _, tt := range tests {
		p, err := testEnv.Compile(tt.src, env, KindBool)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.src, err)
			continue
		}
		got, err := m.Bool(p, vals)
		if err != nil || got != tt.want {
			t.Errorf("Eval(%q) = %v, %v; want %v", tt.src, got, err, tt.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	env := Decls{"masse": Number, "cle": NumberMap, "label": ""}
	long := strings.Repeat("masse + ", 600) + "1"
	tests := []struct {
		src    string
		kind   Kind
		offset int
		msg    string
	}{
		{"masse * tauxx", KindNumber, 8, "unknown name tauxx"},
		{"masse > 1", KindNumber, 0, "expected a number, found a condition"},
		{"masse + 1", KindBool, 0, "expected a condition (true or false), found a number"},
		{"cle", KindNumber, 0, "expected a number, found a value per member"},
		{"masse * ", KindNumber, 7, "unexpected token EOF"},
		{"now()", KindNumber, 0, "unknown"},
		{"masse + label", KindNumber, 6, "invalid operation"},
		{"", KindNumber, 0, "empty expression"},
		{long, KindNumber, 0, "more than the limit"},
	}
	for _, tt := range tests {
		_, err := testEnv.Compile(tt.src, env, tt.kind)
		var fe *Error
		if !errors.As(err, &fe) {
			t.Errorf("Compile(%.30q) error = %v, want *Error", tt.src, err)
			continue
		}
		if fe.Offset != tt.offset || !strings.Contains(fe.Msg, tt.msg) {
			t.Errorf("Compile(%.30q) = %q at %d, want %q at %d", tt.src, fe.Msg, fe.Offset, tt.msg, tt.offset)
		}
	}
}

func TestNodeLimit(t *testing.T) {
	src := strings.Repeat("1 + ", 300) + "1"
	if _, err := testEnv.Compile(src, Decls{}, KindNumber); err == nil || !strings.Contains(err.Error(), "exceeds maximum allowed nodes") {
		t.Fatalf("Compile of %d nodes: %v, want a node-limit error", 601, err)
	}
}

// A run-time error is a *RuntimeError at the operator or call that
// failed, whose message carries no position.
func TestRuntimeErrors(t *testing.T) {
	env := Decls{"a": Number, "b": Number}
	var m VM
	tests := []struct {
		src    string
		offset int // of the operator or call that failed
		msg    string
	}{
		{"a / b", 2, "division by zero"},
		{"1 + a / b", 6, "division by zero"},
		{"(a + 1) /\n  (b * 2)", 8, "division by zero"},
		{"let x = a; x / b", 13, "division by zero"},
		{"a > 1 ? 1 : a / b", 14, "division by zero"},
		{"-(a / b)", 4, "division by zero"},
		{"round(a, 2.5)", 0, "round: the number of decimal places must be a whole number from 0 to 20, found 2.5"},
		{"a * floor(a, b - 1)", 4, "floor: the number of decimal places"},
		{"pow(a, 0.5)", 0, "pow: the exponent must be a whole number"},
		{"a ** 0.5", 2, "pow: the exponent must be a whole number"},
		{"1 + 2 ^ 1001", 6, "pow: the exponent must be a whole number"},
		{"a / (b * 2) + 1", 2, "division by zero"},
		{"é + a / b", 6, "division by zero"}, // runes, not bytes
	}
	for _, tt := range tests {
		names := env
		if strings.HasPrefix(tt.src, "é") {
			names = Decls{"é": Number, "a": Number, "b": Number}
		}
		p, err := testEnv.Compile(tt.src, names, KindNumber)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.src, err)
		}
		_, err = m.Number(p, map[string]any{"a": num("1"), "b": num("0"), "é": num("1")})
		var re *RuntimeError
		if !errors.As(err, &re) {
			t.Errorf("Eval(%q) error = %v, want a *RuntimeError", tt.src, err)
			continue
		}
		if re.Offset != tt.offset || !strings.HasPrefix(re.Msg, tt.msg) || err.Error() != re.Msg {
			t.Errorf("Eval(%q) = %q at %d, want %q at %d", tt.src, err, re.Offset, tt.msg, tt.offset)
		}
	}
}

// The offset of a / b with b = 0 is that of the /, and the error is still
// ErrDivisionByZero.
func TestRuntimeErrorAtOperator(t *testing.T) {
	src := "a / b"
	p, err := testEnv.Compile(src, Decls{"a": Number, "b": Number}, KindNumber)
	if err != nil {
		t.Fatal(err)
	}
	var m VM
	_, err = m.Number(p, map[string]any{"a": num("1"), "b": num("0")})
	var re *RuntimeError
	if !errors.As(err, &re) {
		t.Fatalf("error %v, want a *RuntimeError", err)
	}
	if got := []rune(src)[re.Offset]; got != '/' {
		t.Errorf("offset %d is %q, want the /", re.Offset, got)
	}
	if !errors.Is(err, ErrDivisionByZero) {
		t.Errorf("error %v does not wrap ErrDivisionByZero", err)
	}
}

func TestRefs(t *testing.T) {
	refs, err := testEnv.Refs("let x = a + member.population; round(x * previous.cout, 2) + sum(cle) + x")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range refs {
		if r.Field != "" {
			got = append(got, r.Name+"."+r.Field)
		} else {
			got = append(got, r.Name)
		}
	}
	want := "a member.population previous.cout cle"
	if strings.Join(got, " ") != want {
		t.Fatalf("Refs = %v, want %s", got, want)
	}
	if _, err := testEnv.Refs("member[a]"); err == nil {
		t.Fatal("Refs(member[a]) succeeded, want an error: attributes must be named")
	}
}

func TestRefsKeys(t *testing.T) {
	refs, err := testEnv.Refs(`cle["ville"] + cle.ccas + ("darnetal" in pop ? 1 : 0)`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range refs {
		if r.Key != "" {
			got = append(got, r.Name+"["+r.Key+"]")
		}
	}
	if want := "cle[ville] cle[ccas] pop[darnetal]"; strings.Join(got, " ") != want {
		t.Fatalf("keyed refs = %v, want %s", got, want)
	}
}
