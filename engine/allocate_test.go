package engine_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

var cent = decimal.New(1, -2)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func decs(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = dec(s)
	}
	return out
}

// third is 1/3 as a rule computes it: twenty decimals, so three thirds sum
// to 0.99999999999999999999.
var third = dec("0.33333333333333333333")

// times returns total × k for each key: the exact parts.
func times(total decimal.Decimal, keys []decimal.Decimal) []decimal.Decimal {
	out := make([]decimal.Decimal, len(keys))
	for i, k := range keys {
		out[i] = total.Mul(k)
	}
	return out
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		name  string
		total string
		keys  []decimal.Decimal // the raw parts are total × key
		ids   []string
		want  []string
	}{
		{name: "exact split", total: "100.00",
			keys: decs("0.25", "0.25", "0.5"), ids: []string{"a", "b", "c"},
			want: []string{"25.00", "25.00", "50.00"}},
		{name: "the Rouen 2026 key on the reference payroll, exact", total: "4167450.00",
			keys: decs("0.5332", "0.4620", "0.0048"), ids: []string{"metropole", "ville", "ccas"},
			want: []string{"2222084.34", "1925361.90", "20003.76"}},
		{name: "one cent among three goes to the first id", total: "0.01",
			keys: []decimal.Decimal{third, third, third}, ids: []string{"a", "b", "c"},
			want: []string{"0.01", "0.00", "0.00"}},
		{name: "one cent among three, ids out of order", total: "0.01",
			keys: []decimal.Decimal{third, third, third}, ids: []string{"c", "a", "b"},
			want: []string{"0.00", "0.01", "0.00"}},
		{name: "minus one cent among three", total: "-0.01",
			keys: []decimal.Decimal{third, third, third}, ids: []string{"b", "c", "a"},
			want: []string{"0.00", "0.00", "-0.01"}},
		{name: "two cents among three go to the first two ids", total: "0.02",
			keys: []decimal.Decimal{third, third, third}, ids: []string{"ville", "ccas", "metropole"},
			want: []string{"0.00", "0.01", "0.01"}},
		{name: "the cent goes to the largest remainder, not the largest key", total: "0.18",
			// exact parts 0.0828, 0.063, 0.0342: remainders 0.28, 0.30, 0.42 cent
			keys: decs("0.46", "0.35", "0.19"), ids: []string{"a", "b", "c"},
			want: []string{"0.08", "0.06", "0.04"}},
		{name: "thirds of 100 EUR", total: "100.00",
			keys: []decimal.Decimal{third, third, third}, ids: []string{"a", "b", "c"},
			want: []string{"33.34", "33.33", "33.33"}},
		{name: "thirds of 1e11 EUR", total: "100000000000.00",
			keys: []decimal.Decimal{third, third, third}, ids: []string{"b", "a", "c"},
			want: []string{"33333333333.33", "33333333333.34", "33333333333.33"}},
		{name: "negative total rounds like its opposite", total: "-1000.03",
			// exact parts -600.018, -400.012
			keys: decs("0.6", "0.4"), ids: []string{"a", "b"},
			want: []string{"-600.02", "-400.01"}},
		{name: "a zero key gets nothing", total: "123.45",
			keys: decs("0", "1", "0"), ids: []string{"a", "b", "c"},
			want: []string{"0.00", "123.45", "0.00"}},
		{name: "a single member takes everything", total: "-987654321.99",
			keys: decs("1"), ids: []string{"solo"},
			want: []string{"-987654321.99"}},
		{name: "zero total", total: "0",
			keys: decs("0.3", "0.7"), ids: []string{"a", "b"},
			want: []string{"0", "0"}},
		{name: "no member and nothing to share", total: "0.00",
			want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			total := dec(tt.total)
			raw := times(total, tt.keys)
			got, err := engine.Allocate(total, raw, tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d parts %v, want %v", len(got), got, tt.want)
			}
			for i := range got {
				if !got[i].Equal(dec(tt.want[i])) {
					t.Errorf("part %d (%s) = %s, want %s (all: %v)", i, tt.ids[i], got[i], tt.want[i], got)
				}
			}
			checkAllocation(t, total, raw, tt.ids, got)
		})
	}
}

// TestAllocateAlabamaParadox pins the behaviour Allocate documents: with
// fixed keys, one cent more in total can leave a part one cent smaller.
func TestAllocateAlabamaParadox(t *testing.T) {
	keys := decs("0.46", "0.35", "0.19")
	ids := []string{"a", "b", "c"}
	// 0.18: exact 0.0828, 0.0630, 0.0342; one cent left, c has the largest
	// remainder. 0.19: exact 0.0874, 0.0665, 0.0361; two cents left, a and
	// b now have the largest remainders and c loses its cent.
	small, large := dec("0.18"), dec("0.19")
	got18, err := engine.Allocate(small, times(small, keys), ids)
	if err != nil {
		t.Fatal(err)
	}
	got19, err := engine.Allocate(large, times(large, keys), ids)
	if err != nil {
		t.Fatal(err)
	}
	want18, want19 := decs("0.08", "0.06", "0.04"), decs("0.09", "0.07", "0.03")
	for i := range keys {
		if !got18[i].Equal(want18[i]) || !got19[i].Equal(want19[i]) {
			t.Fatalf("Allocate(0.18) = %v, Allocate(0.19) = %v; want %v and %v", got18, got19, want18, want19)
		}
	}
	if !got19[2].LessThan(got18[2]) {
		t.Errorf("member c: %s of 0.18 and %s of 0.19: the example no longer shows the paradox", got18[2], got19[2])
	}
}

func TestAllocateErrors(t *testing.T) {
	tests := []struct {
		name  string
		total string
		raw   []decimal.Decimal
		ids   []string
		want  string
	}{
		{name: "keys summing to 0.99", total: "1000.00",
			raw: times(dec("1000.00"), decs("0.5", "0.49")), ids: []string{"a", "b"},
			want: "the parts sum to 990, not to the total 1000"},
		{name: "keys summing to 0.99, negative total", total: "-1000.00",
			raw: times(dec("-1000.00"), decs("0.5", "0.49")), ids: []string{"a", "b"},
			want: "not to the total"},
		{name: "keys summing to 1.01", total: "1000.00",
			raw: times(dec("1000.00"), decs("0.5", "0.51")), ids: []string{"a", "b"},
			want: "not to the total"},
		{name: "parts short by one cent more than the members", total: "1.00",
			raw: decs("0.33", "0.33", "0.30"), ids: []string{"a", "b", "c"},
			want: "not to the total"},
		{name: "total not in cents", total: "10.005",
			raw: decs("5.0025", "5.0025"), ids: []string{"a", "b"},
			want: "total 10.005 is not in cents"},
		{name: "more parts than ids", total: "10.00",
			raw: decs("5", "5"), ids: []string{"a", "b", "c"},
			want: "2 parts but 3 ids"},
		{name: "more ids than parts", total: "10.00",
			raw: decs("5", "5"), ids: []string{"a"},
			want: "2 parts but 1 ids"},
		{name: "no member to share a total", total: "0.01",
			want: "no member to share 0.01 among"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := engine.Allocate(dec(tt.total), tt.raw, tt.ids)
			if err == nil {
				t.Fatalf("Allocate returned %v, want an error containing %q", got, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
			if got != nil {
				t.Errorf("Allocate returned parts %v with its error", got)
			}
		})
	}
}

// allocCase is a generated input of Allocate.
type allocCase struct {
	total decimal.Decimal
	keys  []decimal.Decimal
	raw   []decimal.Decimal // total × key
	ids   []string
}

func (c allocCase) String() string {
	return fmt.Sprintf("total %s, %d members, keys %v, ids %v", c.total, len(c.keys), c.keys, c.ids)
}

// maxCents is 1e11 EUR in cents.
const maxCents = 10_000_000_000_000

// totalCents draws an amount in cents, positive, negative or zero, up to
// 1e11 EUR either way, small amounts (where cents are scarce) as often as
// large ones.
var totalCents = rapid.OneOf(
	rapid.Int64Range(-1000, 1000),
	rapid.Int64Range(-100_000_000, 100_000_000),
	rapid.Int64Range(-maxCents, maxCents),
	rapid.Custom(func(t *rapid.T) int64 {
		c := maxCents - rapid.Int64Range(0, 999).Draw(t, "below 1e11 EUR")
		if rapid.Bool().Draw(t, "negative") {
			c = -c
		}
		return c
	}),
)

// genIDs draws n distinct ids, in random order.
func genIDs(t *rapid.T, n int) []string {
	return rapid.SliceOfNDistinct(rapid.StringMatching(`[a-z]{1,3}`), n, n, rapid.ID[string]).Draw(t, "ids")
}

// genAllocation draws n members (1–200 when n is 0) with distinct ids and
// non-negative keys that sum to 1, exactly or within engine.KeyTolerance
// as divisions in rules do.
func genAllocation(t *rapid.T, cents int64, n int) allocCase {
	if n == 0 {
		n = rapid.IntRange(1, 200).Draw(t, "members")
	}
	c := allocCase{total: decimal.New(cents, -2), ids: genIDs(t, n)}
	maxWeight := rapid.SampledFrom([]int64{1, 10, 1000, 1_000_000_000}).Draw(t, "max weight")
	ws := rapid.SliceOfN(rapid.Int64Range(0, maxWeight), n, n).Draw(t, "weights")
	weights := make([]decimal.Decimal, n)
	sum := decimal.Zero
	for i, w := range ws {
		weights[i] = decimal.NewFromInt(w)
		sum = sum.Add(weights[i])
	}
	if sum.IsZero() {
		weights[rapid.IntRange(0, n-1).Draw(t, "the one weight")] = decimal.NewFromInt(1)
		sum = decimal.NewFromInt(1)
	}
	c.keys = make([]decimal.Decimal, n)
	switch rapid.SampledFrom([]string{"truncated", "divided", "equal"}).Draw(t, "keys") {
	case "truncated": // the last key takes the rest: they sum to exactly 1
		places := rapid.Int32Range(2, 20).Draw(t, "places")
		rest := decimal.NewFromInt(1)
		for i := range n - 1 {
			c.keys[i] = weights[i].DivRound(sum, 40).Truncate(places)
			rest = rest.Sub(c.keys[i])
		}
		c.keys[n-1] = rest
	case "divided": // each weight divided as a rule divides: twenty decimals
		for i := range n {
			c.keys[i] = weights[i].DivRound(sum, 20)
		}
	default: // 1 / n as in a rule: ties everywhere
		for i := range n {
			c.keys[i] = decimal.NewFromInt(1).DivRound(decimal.NewFromInt(int64(n)), 20)
		}
	}
	keySum := decimal.Zero
	for _, k := range c.keys {
		if k.IsNegative() {
			t.Fatalf("generator: negative key %s", k)
		}
		keySum = keySum.Add(k)
	}
	if keySum.Sub(decimal.NewFromInt(1)).Abs().GreaterThan(engine.KeyTolerance) {
		t.Fatalf("generator: keys sum to %s", keySum)
	}
	c.raw = times(c.total, c.keys)
	return c
}

// checkAllocation checks parts against the properties of the largest
// remainder method, computed here from total and raw alone.
func checkAllocation(tb rapid.TB, total decimal.Decimal, raw []decimal.Decimal, ids []string, parts []decimal.Decimal) {
	tb.Helper()
	if len(parts) != len(raw) {
		tb.Fatalf("%d parts for %d members", len(parts), len(raw))
	}
	sum := decimal.Zero
	for i, p := range parts {
		sum = sum.Add(p)
		if !p.Equal(p.Round(2)) {
			tb.Errorf("part %d (%s) = %s is not in cents", i, ids[i], p)
		}
		if p.Sub(raw[i]).Abs().GreaterThanOrEqual(cent) {
			tb.Errorf("part %d (%s) = %s, a cent or more from its exact value %s", i, ids[i], p, raw[i])
		}
		if (total.IsPositive() && p.IsNegative()) || (total.IsNegative() && p.IsPositive()) {
			tb.Errorf("part %d (%s) = %s, of the other sign than the total %s", i, ids[i], p, total)
		}
	}
	if !sum.Equal(total) {
		tb.Errorf("the parts sum to %s, want the total %s", sum, total)
	}
	// In magnitude, each part is its exact value rounded down to the cent,
	// plus one cent for the largest remainders; equal remainders are
	// served in id order. So every member that got the extra cent ranks
	// before every member that did not.
	type ranked struct {
		rem decimal.Decimal
		id  string
	}
	before := func(x, y ranked) bool {
		if c := x.rem.Cmp(y.rem); c != 0 {
			return c > 0
		}
		return x.id < y.id
	}
	var lastServed, firstUnserved *ranked
	for i, p := range parts {
		exact := raw[i].Abs()
		floor := exact.RoundFloor(2)
		x := ranked{exact.Sub(floor), ids[i]}
		switch extra := p.Abs().Sub(floor); {
		case extra.Equal(cent):
			if lastServed == nil || before(*lastServed, x) {
				lastServed = &x
			}
		case extra.IsZero():
			if firstUnserved == nil || before(x, *firstUnserved) {
				firstUnserved = &x
			}
		default:
			tb.Errorf("part %d (%s) = %s: not its exact value %s rounded toward zero, plus zero or one cent", i, ids[i], p, raw[i])
		}
	}
	if lastServed != nil && firstUnserved != nil && !before(*lastServed, *firstUnserved) {
		tb.Errorf("member %s (remainder %s) got an extra cent but %s (remainder %s) did not",
			lastServed.id, lastServed.rem, firstUnserved.id, firstUnserved.rem)
	}
}

// checkAllocationSymmetries checks that Allocate does not depend on the
// order of the members and rounds a negative total like its opposite.
func checkAllocationSymmetries(t *rapid.T, c allocCase, parts []decimal.Decimal) {
	t.Helper()
	indices := make([]int, len(c.raw))
	for i := range indices {
		indices[i] = i
	}
	perm := rapid.Permutation(indices).Draw(t, "order")
	raw, ids := make([]decimal.Decimal, len(perm)), make([]string, len(perm))
	for i, j := range perm {
		raw[i], ids[i] = c.raw[j], c.ids[j]
	}
	permuted, err := engine.Allocate(c.total, raw, ids)
	if err != nil {
		t.Fatalf("permuted members: %v", err)
	}
	for i, j := range perm {
		if !permuted[i].Equal(parts[j]) {
			t.Fatalf("member %s gets %s, but %s once the members are permuted", ids[i], parts[j], permuted[i])
		}
	}
	neg := make([]decimal.Decimal, len(c.raw))
	for i := range c.raw {
		neg[i] = c.raw[i].Neg()
	}
	opposite, err := engine.Allocate(c.total.Neg(), neg, c.ids)
	if err != nil {
		t.Fatalf("opposite total: %v", err)
	}
	for i := range parts {
		if !opposite[i].Equal(parts[i].Neg()) {
			t.Fatalf("member %s gets %s of %s but %s of %s", c.ids[i], parts[i], c.total, opposite[i], c.total.Neg())
		}
	}
}

// allocateProperty is the property of Allocate the test and the fuzz
// target check.
func allocateProperty(t *rapid.T) {
	c := genAllocation(t, totalCents.Draw(t, "total in cents"), 0)
	parts, err := engine.Allocate(c.total, c.raw, c.ids)
	if err != nil {
		t.Fatalf("%v\n%s", err, c)
	}
	checkAllocation(t, c.total, c.raw, c.ids, parts)
	checkAllocationSymmetries(t, c, parts)
}

func TestAllocateProperties(t *testing.T) {
	rapid.Check(t, allocateProperty)
}

// TestAllocateTies checks the tie rule on its own: members with equal keys
// are served in id order, whatever their order in the input.
func TestAllocateTies(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 200).Draw(t, "members")
		cents := rapid.Int64Range(1, int64(n)-1).Draw(t, "cents") // fewer than the members
		if rapid.Bool().Draw(t, "negative") {
			cents = -cents
		}
		c := allocCase{total: decimal.New(cents, -2), ids: genIDs(t, n)}
		for range n {
			c.keys = append(c.keys, decimal.NewFromInt(1).DivRound(decimal.NewFromInt(int64(n)), 20))
		}
		c.raw = times(c.total, c.keys)
		parts, err := engine.Allocate(c.total, c.raw, c.ids)
		if err != nil {
			t.Fatal(err)
		}
		sorted := slices.Clone(c.ids)
		slices.Sort(sorted)
		served := map[string]bool{}
		for _, id := range sorted[:c.total.Abs().Div(cent).IntPart()] {
			served[id] = true
		}
		for i, id := range c.ids {
			want := decimal.Zero
			if served[id] {
				want = cent
				if cents < 0 {
					want = cent.Neg()
				}
			}
			if !parts[i].Equal(want) {
				t.Fatalf("%s among %d equal keys: member %s gets %s, want %s", c.total, n, id, parts[i], want)
			}
		}
	})
}

// FuzzAllocate explores the same property with inputs chosen by the
// fuzzer: go test -run='^$' -fuzz=FuzzAllocate ./engine/
func FuzzAllocate(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Fuzz(rapid.MakeFuzz(allocateProperty))
}
