package engine_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
)

func loadDefaults(tb testing.TB) *engine.Model {
	tb.Helper()
	set, err := rules.LoadDefaults()
	if err != nil {
		tb.Fatalf("loading the default rules: %s", diag.Flatten(err).Detail())
	}
	return set.Model
}

// TestRunDefaults runs the Rouen defaults over every year they cover,
// checks the invariants of each year and the facts of the deliberation
// the defaults must reproduce.
func TestRunDefaults(t *testing.T) {
	m := loadDefaults(t)
	res := runChecked(t, m, engine.Options{From: 2024, To: 2030})
	if len(res.Years) != 7 {
		t.Fatalf("%d years, want 2024–2030", len(res.Years))
	}
	shares := func(y *engine.Year) map[string]string {
		out := map[string]string{}
		for _, my := range y.Members {
			out[my.ID] = my.Share.String()
		}
		return out
	}
	for _, y := range res.Years {
		// In effect since 2024-05-01.
		wantMonths := 12
		if y.Year == 2024 {
			wantMonths = 8
		}
		if y.Months != wantMonths {
			t.Errorf("%d: %d months, want %d", y.Year, y.Months, wantMonths)
		}
		// Until 2025, the Ville 46.68 % and the Métropole the rest; from
		// 2026, the CCAS 0.48 %, the Ville 46.20 %, the Métropole
		// unchanged.
		want := map[string]string{"metropole": "0.5332", "ville": "0.4668"}
		if y.Year >= 2026 {
			want = map[string]string{"metropole": "0.5332", "ville": "0.462", "ccas": "0.0048"}
		}
		if got := shares(&y); !reflect.DeepEqual(got, want) {
			t.Errorf("%d: reference shares %v, want %v", y.Year, got, want)
		}
		for _, my := range y.Members {
			if my.Manager != (my.ID == "metropole") {
				t.Errorf("%d: %s is manager: %v; the Métropole manages the service", y.Year, my.ID, my.Manager)
			}
			if !my.Manager && !my.Billed.IsPositive() {
				t.Errorf("%d: %s is billed %s", y.Year, my.ID, my.Billed)
			}
		}
	}
}

// TestRunDefaultsDeterministic runs the defaults twice, each from a fresh
// load, and compares every decimal of the two results.
func TestRunDefaultsDeterministic(t *testing.T) {
	var renders []string
	var first *engine.Result
	for range 2 {
		m := loadDefaults(t)
		res := runChecked(t, m, engine.Options{From: 2024, To: 2030})
		renders = append(renders, render(res))
		if first == nil {
			first = res
		}
	}
	if renders[0] != renders[1] {
		t.Fatalf("two runs of the defaults differ:\n%s", firstDifference(renders[0], renders[1]))
	}

	// A run of 2026–2030 evaluates the years before too, since rules read
	// last year's values: its years are those of the full run.
	m := loadDefaults(t)
	part := runChecked(t, m, engine.Options{From: 2026, To: 2030})
	full := *first
	full.Years = full.Years[2:]
	if a, b := render(&full), render(part); a != b {
		t.Fatalf("2026–2030 run alone differs from the same years of 2024–2030:\n%s", firstDifference(a, b))
	}

	// The rendering must see a change of one cent anywhere.
	changed := runChecked(t, m, engine.Options{From: 2024, To: 2030})
	last := &changed.Years[len(changed.Years)-1]
	last.Pools[0].Parts[0].Amount = last.Pools[0].Parts[0].Amount.Add(cent)
	if render(changed) == renders[0] {
		t.Fatal("the rendering does not see a part changed by one cent")
	}
}

// render writes v with every field, slices in order, maps in key order and
// decimals by value (decimal.String), so that equal results render the
// same and any difference in any decimal shows.
func render(v any) string {
	var b strings.Builder
	renderValue(&b, reflect.ValueOf(v), "")
	return b.String()
}

var decimalType = reflect.TypeFor[decimal.Decimal]()

func renderValue(b *strings.Builder, v reflect.Value, indent string) {
	if !v.IsValid() {
		b.WriteString("<invalid>")
		return
	}
	if v.Type() == decimalType {
		b.WriteString(v.Interface().(decimal.Decimal).String())
		return
	}
	in := indent + "  "
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		renderValue(b, v.Elem(), indent)
	case reflect.Struct:
		fmt.Fprintf(b, "%s{\n", v.Type().Name())
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			fmt.Fprintf(b, "%s%s: ", in, v.Type().Field(i).Name)
			renderValue(b, v.Field(i), in)
			b.WriteString("\n")
		}
		b.WriteString(indent + "}")
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString("nil")
			return
		}
		b.WriteString("[\n")
		for i := range v.Len() {
			fmt.Fprintf(b, "%s%d: ", in, i)
			renderValue(b, v.Index(i), in)
			b.WriteString("\n")
		}
		b.WriteString(indent + "]")
	case reflect.Map:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(x, y reflect.Value) int {
			return strings.Compare(fmt.Sprint(x.Interface()), fmt.Sprint(y.Interface()))
		})
		b.WriteString("map[\n")
		for _, k := range keys {
			fmt.Fprintf(b, "%s%v: ", in, k.Interface())
			renderValue(b, v.MapIndex(k), in)
			b.WriteString("\n")
		}
		b.WriteString(indent + "]")
	case reflect.String:
		fmt.Fprintf(b, "%q", v.String())
	case reflect.Bool:
		fmt.Fprint(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprint(b, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		fmt.Fprint(b, v.Uint())
	case reflect.Float32, reflect.Float64:
		fmt.Fprint(b, v.Float())
	default:
		fmt.Fprintf(b, "<%s>", v.Kind())
	}
}

// firstDifference shows the first line at which a and b differ.
func firstDifference(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n  first:  %s\n  second: %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("one rendering has %d lines, the other %d", len(la), len(lb))
}

// BenchmarkRun runs the default rule set over its default years; loading
// and compiling the rules is outside the timed loop.
func BenchmarkRun(b *testing.B) {
	m := loadDefaults(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.Run(ctx, m, engine.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAllocate shares a pool among 200 members.
func BenchmarkAllocate(b *testing.B) {
	const n = 200
	total := dec("4167450.00")
	ids := make([]string, n)
	raw := make([]decimal.Decimal, n)
	for i := range n {
		ids[i] = fmt.Sprintf("m%03d", (i*37)%n)
		raw[i] = total.Mul(decimal.NewFromInt(int64(i+1))).DivRound(decimal.NewFromInt(n*(n+1)/2), 20)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.Allocate(total, raw, ids); err != nil {
			b.Fatal(err)
		}
	}
}
