package engine_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// federation is a random shared service: members with populations who
// join and leave on random days, pools whose amounts change on random
// days and carry fractional cents, and a fee rate that changes too.
type federation struct {
	start   time.Time
	manager string
	members []fedMember // in file order
	pools   []fedPool
	rate    []dated
}

type fedMember struct {
	id           string
	population   int64
	joined, left time.Time // left zero: still a member
}

type fedPool struct {
	id    string
	key   string // "cle_pop" or "cle_egal"
	fees  bool
	value []dated
}

// dated is a value in force from a day until the next one.
type dated struct {
	from  time.Time
	value decimal.Decimal
}

const fedFirstYear, fedLastYear = 2024, 2026

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// drawDay draws a day from after (included) to the end of the last year,
// often the first of a month, the usual date of a change.
func drawDay(t *rapid.T, after time.Time, label string) time.Time {
	end := day(fedLastYear, time.December, 31)
	span := int(end.Sub(after).Hours()/24) + 1
	d := after.AddDate(0, 0, rapid.IntRange(0, span-1).Draw(t, label))
	if rapid.Bool().Draw(t, label+" on the 1st") {
		d = day(d.Year(), d.Month(), 1)
		if d.Before(after) {
			d = after
		}
	}
	return d
}

func genFederation(t *rapid.T) *federation {
	f := &federation{start: day(fedFirstYear,
		time.Month(rapid.IntRange(1, 12).Draw(t, "start month")),
		rapid.SampledFrom([]int{1, 15}).Draw(t, "start day"))}
	n := rapid.IntRange(2, 30).Draw(t, "members")
	for i, id := range genIDs(t, n) {
		m := fedMember{id: "m_" + id, population: rapid.Int64Range(0, 2_000_000).Draw(t, "population"), joined: f.start}
		if i == 0 {
			// The manager is a member throughout, with people: every key
			// has someone to divide among.
			f.manager = m.id
			m.population++
		} else {
			if rapid.Bool().Draw(t, "joins later") {
				m.joined = drawDay(t, f.start, "joined")
			}
			if rapid.Bool().Draw(t, "leaves") {
				m.left = drawDay(t, m.joined, "left")
			}
		}
		f.members = append(f.members, m)
	}
	// The manager need not come first in the file.
	f.members = rapid.Permutation(f.members).Draw(t, "file order")
	for i := range rapid.IntRange(1, 3).Draw(t, "pools") {
		p := fedPool{id: fmt.Sprintf("pool%d", i),
			key:  rapid.SampledFrom([]string{"cle_pop", "cle_egal"}).Draw(t, "key"),
			fees: rapid.Bool().Draw(t, "fees")}
		// up to 1e9 EUR with four decimals, either sign
		p.value = genDated(t, f.start, rapid.Int64Range(-10_000_000_000_000, 10_000_000_000_000), -4)
		f.pools = append(f.pools, p)
	}
	f.rate = genDated(t, f.start, rapid.Int64Range(0, 1000), -4)
	return f
}

// genDated draws one to three values, each value×10^exp, the first from
// the service's start, the others from distinct later days.
func genDated(t *rapid.T, start time.Time, value *rapid.Generator[int64], exp int32) []dated {
	out := []dated{{start, decimal.New(value.Draw(t, "value"), exp)}}
	for range rapid.IntRange(0, 2).Draw(t, "changes") {
		d := drawDay(t, start, "change")
		if !slices.ContainsFunc(out, func(x dated) bool { return x.from.Equal(d) }) {
			out = append(out, dated{d, decimal.New(value.Draw(t, "value"), exp)})
		}
	}
	slices.SortFunc(out, func(a, b dated) int { return a.from.Compare(b.from) })
	return out
}

func (f *federation) yaml() string {
	var b strings.Builder
	date := func(t time.Time) string { return t.Format(time.DateOnly) }
	fmt.Fprintf(&b, "service: {id: fed, title: Fédération, manager: %s, start: %s, years: {from: %d, to: %d}, reference_key: cle_pop}\n",
		f.manager, date(f.start), fedFirstYear, fedLastYear)
	b.WriteString("members:\n")
	for _, m := range f.members {
		fmt.Fprintf(&b, "  - {id: %s, label: %s, joined: %s", m.id, m.id, date(m.joined))
		if !m.left.IsZero() {
			fmt.Fprintf(&b, ", left: %s", date(m.left))
		}
		fmt.Fprintf(&b, ", attributes: {population: %d}}\n", m.population)
	}
	values := func(ds []dated) string {
		var parts []string
		for _, d := range ds {
			parts = append(parts, date(d.from)+": "+d.value.String())
		}
		return strings.Join(parts, ", ")
	}
	b.WriteString("parameters:\n")
	for _, p := range f.pools {
		fmt.Fprintf(&b, "  montant_%s: {description: Montant., unit: EUR, values: {%s}}\n", p.id, values(p.value))
	}
	fmt.Fprintf(&b, "  taux: {description: Taux des frais., unit: taux, values: {%s}}\n", values(f.rate))
	b.WriteString(`rules:
  pop: {per_member: true, expr: member.population}
  total_pop: {expr: sum(pop)}
  cle_pop: {per_member: true, expr: pop / total_pop}
  un: {per_member: true, expr: "1"}
  nb: {expr: sum(un)}
  cle_egal: {per_member: true, expr: 1 / nb}
pools:
`)
	for _, p := range f.pools {
		fmt.Fprintf(&b, "  %s: {label: %s, amount: montant_%s, key: %s, fees: %v}\n", p.id, p.id, p.id, p.key, p.fees)
	}
	b.WriteString("fees: {rate: taux}\n")
	return b.String()
}

func valueOn(ds []dated, d time.Time) decimal.Decimal {
	v := decimal.Zero
	for _, x := range ds {
		if !x.from.After(d) {
			v = x.value
		}
	}
	return v
}

func (m *fedMember) activeOn(d time.Time) bool {
	return !d.Before(m.joined) && (m.left.IsZero() || !d.After(m.left))
}

// key is member i's key on day d, exact to 40 decimals.
func (f *federation) key(name string, i int, d time.Time) decimal.Decimal {
	if !f.members[i].activeOn(d) {
		return decimal.Zero
	}
	total, count := decimal.Zero, int64(0)
	for _, m := range f.members {
		if m.activeOn(d) {
			total = total.Add(decimal.NewFromInt(m.population))
			count++
		}
	}
	if name == "cle_egal" {
		return decimal.NewFromInt(1).DivRound(decimal.NewFromInt(count), 40)
	}
	return decimal.NewFromInt(f.members[i].population).DivRound(total, 40)
}

// TestRunFederationProperties runs random federations and checks every
// year against values computed here month by month: the months billed,
// the members of the year, each pool's amount and fees rounded to the
// cent, each part within a cent of amount × key summed over the months,
// and the parts summing exactly to the totals (checkResult).
func TestRunFederationProperties(t *testing.T) {
	twelve := decimal.NewFromInt(12)
	rapid.Check(t, func(t *rapid.T) {
		f := genFederation(t)
		src := f.yaml()
		defer func() {
			if t.Failed() {
				t.Logf("rules:\n%s", src)
			}
		}()
		m := buildModel(t, src)
		res := runChecked(t, m, engine.Options{From: fedFirstYear, To: fedLastYear})
		if len(res.Years) != fedLastYear-fedFirstYear+1 {
			t.Fatalf("%d years", len(res.Years))
		}
		for _, y := range res.Years {
			var months []time.Time
			for mo := time.January; mo <= time.December; mo++ {
				if d := day(y.Year, mo, 1); !d.Before(f.start) {
					months = append(months, d)
				}
			}
			if y.Months != len(months) {
				t.Errorf("%d: %d months, want %d", y.Year, y.Months, len(months))
			}
			var wantIDs []string
			var idx []int // index in f.members of each member of the year
			for i, mem := range f.members {
				if slices.ContainsFunc(months, mem.activeOn) {
					wantIDs = append(wantIDs, mem.id)
					idx = append(idx, i)
				}
			}
			var ids []string
			for _, my := range y.Members {
				ids = append(ids, my.ID)
			}
			if !slices.Equal(ids, wantIDs) {
				t.Fatalf("%d: members %v, want %v", y.Year, ids, wantIDs)
			}

			total := decimal.Zero
			for pi, p := range f.pools {
				py := y.Pools[pi]
				amount, fees := decimal.Zero, decimal.Zero
				exact, exactFees := zeros(len(idx)), zeros(len(idx))
				for _, d := range months {
					v := valueOn(p.value, d)
					fee := decimal.Zero
					if p.fees {
						fee = v.Mul(valueOn(f.rate, d))
					}
					amount, fees = amount.Add(v), fees.Add(fee)
					for k, i := range idx {
						key := f.key(p.key, i, d)
						exact[k] = exact[k].Add(v.Mul(key))
						exactFees[k] = exactFees[k].Add(fee.Mul(key))
					}
				}
				wantAmount := amount.DivRound(twelve, 40).Round(2)
				wantFees := fees.DivRound(twelve, 40).Round(2)
				if !py.Amount.Equal(wantAmount) || !py.Fees.Equal(wantFees) {
					t.Errorf("%d: pool %s amount %s and fees %s, want %s and %s", y.Year, p.id, py.Amount, py.Fees, wantAmount, wantFees)
				}
				total = total.Add(wantAmount).Add(wantFees)
				// Within a cent, give or take the twenty decimals rules keep
				// in a division.
				limit := cent.Add(decimal.New(1, -9))
				for k, part := range py.Parts {
					e, ef := exact[k].DivRound(twelve, 40), exactFees[k].DivRound(twelve, 40)
					if part.Amount.Sub(e).Abs().GreaterThan(limit) || part.Fees.Sub(ef).Abs().GreaterThan(limit) {
						t.Errorf("%d: pool %s, member %s: part %s and fees %s, want within a cent of %s and %s",
							y.Year, p.id, part.Member, part.Amount, part.Fees, e, ef)
					}
				}
			}
			if !y.Total.Equal(total) {
				t.Errorf("%d: total %s, want %s", y.Year, y.Total, total)
			}
			for k, i := range idx {
				share := decimal.Zero
				for _, d := range months {
					share = share.Add(f.key("cle_pop", i, d))
				}
				want := share.DivRound(decimal.NewFromInt(int64(len(months))), 40)
				if got := y.Members[k].Share; got.Sub(want).Abs().GreaterThan(decimal.New(1, -18)) {
					t.Errorf("%d: member %s share %s, want %s", y.Year, y.Members[k].ID, got, want)
				}
			}
		}
	})
}
