package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
)

// hostileRules is a rule set whose rule y is first, in 2026, the
// expression start, then, from 2027, the expression next.
func hostileRules(start, next string, to int) string {
	return fmt.Sprintf(`
service: {id: t, title: T, manager: a, start: 2026-01-01, years: {from: 2026, to: %d}}
members:
  - {id: a, label: A}
rules:
  y:
    versions:
      - {from: 2026-01-01, expr: "%s"}
      - {from: 2027-01-01, expr: "%s"}
  cle:
    per_member: true
    expr: "1"
pools:
  p: {label: P, amount: "1", key: cle}
`, to, start, next)
}

// Expressions that once built numbers of millions of digits (minutes,
// gigabytes) or panicked in the decimal library stop at once, on both
// evaluation paths, with an error of code diag.Limit at the operator,
// naming the rule, the year and the limit.
func TestHostileNumbers(t *testing.T) {
	tests := []struct {
		name, start, next string
		want              string // the error, position included
	}{
		// 1e300 squared every year: 601 digits in 2027, 1,201 in 2028
		// (and an int32 exponent overflow, a panic, in 2049).
		{"squaring through previous", "10 ** 300", "previous.y * previous.y",
			"test.yaml:9:46: rule y, year 2028: the result would have more than 1,000 digits (the limit of a value; docs/limits.md)"},
		// A number that doubles its digits every year (13 s over 24
		// years, more than 120 s over 26).
		{"squaring a long number", "1.2345678901234567", "previous.y * previous.y + 1",
			"test.yaml:9:46: rule y, year 2032: the result would have more than 1,000 digits (the limit of a value; docs/limits.md)"},
		// A pow chain (4.6 GB after 621 s over 35 years).
		{"pow chain", "3", "pow(pow(previous.y, 10), 10) + 1",
			"test.yaml:9:35: rule y, year 2028: the result would have more than 1,000 digits (the limit of a value; docs/limits.md)"},
		// Huge over tiny (a panic in QuoRem, or a hang aligning them).
		{"division", "10 ** 900", "previous.y / 0.1 ** 900",
			"test.yaml:9:46: rule y, year 2027: the result would have more than 1,000 digits (the limit of a value; docs/limits.md)"},
	}
	for _, tt := range tests {
		m := buildModel(t, hostileRules(tt.start, tt.next, 2080))
		for _, fast := range []bool{true, false} {
			was := engine.SetFastPath(fast)
			start := time.Now()
			_, err := engine.Run(context.Background(), m, engine.Options{})
			engine.SetFastPath(was)
			if d := time.Since(start); d > time.Second {
				t.Errorf("%s (fast path %v): %v", tt.name, fast, d)
			}
			e := firstError(err)
			if e == nil || e.Code != diag.Limit || e.Error() != tt.want {
				t.Errorf("%s (fast path %v): %v (%v), want %s", tt.name, fast, err, e, tt.want)
			}
		}
	}
}

// A value beyond the limit that additions built is refused when read
// through previous, at the name.
func TestPreviousBeyondLimit(t *testing.T) {
	// 10^999 has 1,000 digits; plus itself, 2 × 10^999, still 1,000;
	// ten of them, 10^1000, 1,001.
	next := "previous.y < 10 ? 10 ** 999 : " + strings.TrimSuffix(strings.Repeat("previous.y + ", 10), " + ")
	m := buildModel(t, hostileRules("1", next, 2030))
	_, err := engine.Run(context.Background(), m, engine.Options{})
	if e := firstError(err); e == nil || e.Code != diag.Limit ||
		!strings.HasSuffix(e.Error(), "rule y, year 2029: previous.y has more than 1,000 digits (the limit of a value; docs/limits.md)") {
		t.Errorf("got %v, want previous.y beyond the limit in 2029", err)
	}
}

// A panic while evaluating a formula — here in the function that
// positions an error — is an internal error at that formula, never a
// crash.
func TestEvaluationPanicIsAnError(t *testing.T) {
	m := buildModel(t, hostileRules("1", "1 / (previous.y - 1)", 2027))
	for ri := range m.Rules {
		if m.Rules[ri].Name == "y" {
			f := m.Rules[ri].Versions[1].Expr
			f.At = func(int) (diag.Pos, string) { panic("boom") }
		}
	}
	_, err := engine.Run(context.Background(), m, engine.Options{})
	if e := firstError(err); e == nil || e.Code != diag.Internal || e.Error() != "test.yaml:9:35: rule y, year 2027: internal error: the evaluation failed: boom" {
		t.Errorf("got %v, want an internal error at the formula", err)
	}
}

// A model made slow on purpose (one year of 400 members and 100 rules of
// heavy arithmetic, about 1.5 s) stops soon after its context is
// cancelled, inside the year.
func TestRunCanceledMidYear(t *testing.T) {
	var b strings.Builder
	b.WriteString("service: {id: t, title: T, manager: m0, start: 2026-01-01, years: {from: 2026, to: 2026}}\nmembers:\n")
	for i := range 400 {
		fmt.Fprintf(&b, "  - {id: m%d, label: M, attributes: {population: %d}}\n", i, 1000+i)
	}
	b.WriteString("rules:\n  r0: {per_member: true, expr: \"1\"}\n")
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&b, "  r%d: {per_member: true, expr: \"round(pow(member.population / 7, 40) / pow(member.population / 3, 39), 20) + r%d\"}\n", i, i-1)
	}
	b.WriteString("  cle: {per_member: true, expr: \"1 / 400\"}\npools:\n  p: {label: P, amount: \"1\", key: cle}\n")
	m := buildModel(t, b.String())
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	res, err := engine.Run(ctx, m, engine.Options{})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("Run = %v, %v; want context.Canceled (the year must be slower than 50 ms)", res, err)
	}
	if d := time.Since(start); d > 550*time.Millisecond {
		t.Errorf("Run stopped %v after it started, 50 ms after it was cancelled", d)
	}
}

// Project assessment stops on a cancelled context too.
func TestAssessCanceled(t *testing.T) {
	env := formula.NewEnv(formula.DefaultLimits)
	one, err := env.Compile("1", formula.Decls{}, formula.KindNumber)
	if err != nil {
		t.Fatal(err)
	}
	f := &engine.Formula{Program: one}
	var projects []engine.Project
	for range 100 {
		p := engine.Project{ID: "p", FirstYear: 2026, LastYear: 2030}
		l := engine.Line{Label: "l", Values: map[int]*engine.Formula{}}
		for y := 2026; y <= 2030; y++ {
			l.Values[y] = f
		}
		p.Lines = append(p.Lines, l)
		projects = append(projects, p)
	}
	val := engine.Valuation{BaseYear: 2026, DiscountRate: f, Dimensions: engine.StandardDimensions()[engine.Money : engine.Money+1]}
	yearEnv := func(int) (map[string]any, error) { return map[string]any{}, nil }
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := engine.AssessContext(ctx, projects, val, engine.Horizon{From: 2026, To: 2030}, yearEnv); !errors.Is(err, context.Canceled) {
		t.Errorf("AssessContext on a cancelled context: %v", err)
	}
	if _, err := engine.AssessContext(context.Background(), projects, val, engine.Horizon{From: 2026, To: 2030}, yearEnv); err != nil {
		t.Errorf("AssessContext: %v", err)
	}
	// A discount factor beyond the limit of digits is an error, not a
	// number of thousands of digits: (1 + 1/3)^60 has 1,200 decimals.
	third, err := env.Compile("1 / 3", formula.Decls{}, formula.KindNumber)
	if err != nil {
		t.Fatal(err)
	}
	val.DiscountRate = &engine.Formula{Program: third}
	_, err = engine.AssessContext(context.Background(), projects[:1], val, engine.Horizon{From: 2026, To: 2090}, yearEnv)
	if e := firstError(err); e == nil || e.Code != diag.Limit || !strings.Contains(e.Msg, "the discount rate, year 2076: (1 + rate)^50: the result would have more than 1,000 digits") {
		t.Errorf("a long horizon at a rate of 1/3: %v", err)
	}
}

// firstError is the first diagnostic of err, nil when there is none.
func firstError(err error) *diag.Error {
	if l := diag.Flatten(err); len(l) > 0 && err != nil {
		return l[0]
	}
	return nil
}
