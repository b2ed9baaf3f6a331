package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
)

// runV1 mirrors the quotepart/run/v1 document as docs/output.md describes
// it. Decoding with DisallowUnknownFields, plus the key check below, keeps
// the documentation and the output in step.
type runV1 struct {
	Schema     string `json:"schema"`
	Provenance struct {
		Version string `json:"version"`
		Digest  string `json:"digest"`
	} `json:"provenance"`
	Scenarios []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		Years []struct {
			Year   int    `json:"year"`
			Months int    `json:"months"`
			Total  string `json:"total"`
			Pools  []struct {
				ID     string `json:"id"`
				Label  string `json:"label"`
				Key    string `json:"key"`
				Amount string `json:"amount"`
				Fees   string `json:"fees"`
			} `json:"pools"`
			Members []struct {
				ID      string `json:"id"`
				Label   string `json:"label"`
				Manager bool   `json:"manager"`
				Share   string `json:"share"`
				Amount  string `json:"amount"`
				Fees    string `json:"fees"`
				Billed  string `json:"billed"`
			} `json:"members"`
		} `json:"years"`
	} `json:"scenarios"`
}

// The documented keys of each object, in the order they are written.
var (
	docKeys        = []string{"schema", "provenance", "scenarios"}
	provenanceKeys = []string{"version", "digest"}
	scenarioKeys   = []string{"id", "title", "years"}
	yearKeys       = []string{"year", "months", "total", "pools", "members"}
	poolKeys       = []string{"id", "label", "key", "amount", "fees"}
	memberKeys     = []string{"id", "label", "manager", "share", "amount", "fees", "billed"}
)

var (
	moneyPattern = regexp.MustCompile(`^-?[0-9]+\.[0-9]{2}$`)
	sharePattern = regexp.MustCompile(`^-?[0-9]+\.[0-9]{4,}$`)
)

// tiersResults runs testdata/tiers: thirds, a member joining on the 15th,
// another leaving, a negative pool and fees.
func tiersResults(tb testing.TB) []*engine.Result {
	tb.Helper()
	set, err := rules.Load(os.DirFS("testdata/tiers"), ".", "testdata/tiers")
	if err != nil {
		tb.Fatalf("loading testdata/tiers: %v", err)
	}
	m := set.Model
	res, err := engine.Run(context.Background(), m, engine.Options{From: m.FirstYear, To: m.LastYear})
	if err != nil {
		tb.Fatalf("running testdata/tiers: %v", err)
	}
	return []*engine.Result{res}
}

func decodeRun(tb testing.TB, out []byte) runV1 {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	var doc runV1
	if err := dec.Decode(&doc); err != nil {
		tb.Fatalf("decoding the JSON output: %v", err)
	}
	if dec.More() {
		tb.Fatalf("the JSON output holds more than one document")
	}
	return doc
}

// checkKeys verifies that every object of the document has exactly the
// documented keys, in the documented order.
func checkKeys(tb testing.TB, out []byte) {
	tb.Helper()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(out, &doc); err != nil {
		tb.Fatal(err)
	}
	expectKeys(tb, "document", out, docKeys)
	expectKeys(tb, "provenance", doc["provenance"], provenanceKeys)
	var scenarios []json.RawMessage
	mustUnmarshal(tb, doc["scenarios"], &scenarios)
	for _, s := range scenarios {
		expectKeys(tb, "scenario", s, scenarioKeys)
		var sc struct{ Years []json.RawMessage }
		mustUnmarshal(tb, s, &sc)
		for _, y := range sc.Years {
			expectKeys(tb, "year", y, yearKeys)
			var yr struct{ Pools, Members []json.RawMessage }
			mustUnmarshal(tb, y, &yr)
			for _, p := range yr.Pools {
				expectKeys(tb, "pool", p, poolKeys)
			}
			for _, m := range yr.Members {
				expectKeys(tb, "member", m, memberKeys)
			}
		}
	}
}

func mustUnmarshal(tb testing.TB, data []byte, v any) {
	tb.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		tb.Fatalf("%v in %s", err, data)
	}
}

// expectKeys reads the keys of a JSON object in order.
func expectKeys(tb testing.TB, what string, obj []byte, want []string) {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		tb.Fatalf("%s: expected an object, found %v (%v)", what, t, err)
	}
	var got []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			tb.Fatal(err)
		}
		got = append(got, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			tb.Fatal(err)
		}
	}
	if !slices.Equal(got, want) {
		tb.Errorf("%s keys = %v, want %v (update docs/output.md with the contract)", what, got, want)
	}
}

func money(tb testing.TB, where, s string) decimal.Decimal {
	tb.Helper()
	if !moneyPattern.MatchString(s) {
		tb.Errorf("%s = %q: money must be a decimal string with exactly two decimals", where, s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		tb.Errorf("%s = %q: %v", where, s, err)
	}
	return d
}

// checkInvariants verifies the promises of quotepart/run/v1 on one
// document, in decimal arithmetic.
func checkInvariants(tb testing.TB, doc runV1) {
	tb.Helper()
	if doc.Schema != RunSchema || RunSchema != "quotepart/run/v1" {
		tb.Errorf("schema = %q, want quotepart/run/v1", doc.Schema)
	}
	for _, s := range doc.Scenarios {
		for i, y := range s.Years {
			at := func(what string) string { return fmt.Sprintf("%s %s in %d", s.ID, what, y.Year) }
			if i > 0 && y.Year <= s.Years[i-1].Year {
				tb.Errorf("%s: years are not in increasing order", s.ID)
			}
			if y.Months < 0 || y.Months > 12 {
				tb.Errorf("%s: months = %d, want 0 to 12", at("year"), y.Months)
			}
			total := money(tb, at("total"), y.Total)
			pools, poolFees := decimal.Zero, decimal.Zero
			for _, p := range y.Pools {
				a, f := money(tb, at("pool "+p.ID+" amount"), p.Amount), money(tb, at("pool "+p.ID+" fees"), p.Fees)
				pools = pools.Add(a).Add(f)
				poolFees = poolFees.Add(f)
			}
			amounts, fees, shares := decimal.Zero, decimal.Zero, decimal.Zero
			managers := 0
			for _, m := range y.Members {
				a := money(tb, at("member "+m.ID+" amount"), m.Amount)
				f := money(tb, at("member "+m.ID+" fees"), m.Fees)
				b := money(tb, at("member "+m.ID+" billed"), m.Billed)
				if !sharePattern.MatchString(m.Share) {
					tb.Errorf("%s: share = %q, want a decimal string with at least four decimals", at("member "+m.ID), m.Share)
				}
				sh, _ := decimal.NewFromString(m.Share)
				amounts, fees, shares = amounts.Add(a), fees.Add(f), shares.Add(sh)
				if m.Manager {
					managers++
					if m.Billed != "0.00" {
						tb.Errorf("%s: the manager is billed %s, want 0.00", at("member "+m.ID), m.Billed)
					}
				} else if !b.Equal(a) {
					tb.Errorf("%s: billed %s, want its amount %s", at("member "+m.ID), m.Billed, m.Amount)
				}
			}
			if !amounts.Equal(total) {
				tb.Errorf("%s: the members' amounts sum to %s, not to the total %s", at("year"), amounts, total)
			}
			if !pools.Equal(total) {
				tb.Errorf("%s: the pools' amounts and fees sum to %s, not to the total %s", at("year"), pools, total)
			}
			if !fees.Equal(poolFees) {
				tb.Errorf("%s: the members' fees sum to %s, the pools' fees to %s", at("year"), fees, poolFees)
			}
			if managers > 1 {
				tb.Errorf("%s: %d members are marked manager", at("year"), managers)
			}
			if len(y.Members) > 0 && shares.Sub(decimal.NewFromInt(1)).Abs().GreaterThan(engine.KeyTolerance) {
				tb.Errorf("%s: the shares sum to %s, not to 1", at("year"), shares)
			}
		}
	}
}

func TestJSONContract(t *testing.T) {
	for name, results := range map[string][]*engine.Result{
		"small": smallResults(t),
		"rouen": rouenResults(t),
		"tiers": tiersResults(t),
	} {
		t.Run(name, func(t *testing.T) {
			out := render(t, JSON, French, results)
			if !json.Valid(out) {
				t.Fatalf("invalid JSON:\n%s", out)
			}
			if !bytes.HasSuffix(out, []byte("}\n")) {
				t.Errorf("the document does not end with a newline")
			}
			checkKeys(t, out)
			doc := decodeRun(t, out)
			checkInvariants(t, doc)
			if len(doc.Scenarios) != len(results) {
				t.Fatalf("%d scenarios, want %d", len(doc.Scenarios), len(results))
			}
			for i, r := range results {
				if got := len(doc.Scenarios[i].Years); got != len(r.Years) {
					t.Errorf("scenario %s: %d years, want %d", r.ID, got, len(r.Years))
				}
			}
		})
	}
}

// The checks above must catch a document that breaks the contract; if
// they did not, TestJSONContract would prove nothing.
func TestJSONInvariantsCatchBreaks(t *testing.T) {
	good := render(t, JSON, French, smallResults(t))
	breaks := map[string]func(*runV1){
		"members do not sum": func(d *runV1) {
			m := &d.Scenarios[0].Years[0].Members[1]
			m.Amount, m.Billed = "424201.65", "424201.65"
		},
		"fees do not sum":   func(d *runV1) { d.Scenarios[0].Years[0].Members[2].Fees = "2469.15" },
		"shares do not sum": func(d *runV1) { d.Scenarios[0].Years[1].Members[1].Share = "0.5001" },
		"manager billed":    func(d *runV1) { d.Scenarios[0].Years[0].Members[0].Billed = "763562.96" },
		"member not billed": func(d *runV1) { d.Scenarios[0].Years[0].Members[1].Billed = "0.00" },
		"one decimal":       func(d *runV1) { d.Scenarios[0].Years[1].Total = "101500.0" },
		"short share":       func(d *runV1) { d.Scenarios[0].Years[1].Members[0].Share = "0.5" },
		"pools do not sum":  func(d *runV1) { d.Scenarios[0].Years[1].Pools[1].Amount = "-1500.01" },
	}
	for name, brk := range breaks {
		doc := decodeRun(t, good)
		brk(&doc)
		rec := &recorder{TB: t}
		checkInvariants(rec, doc)
		if !rec.failed {
			t.Errorf("%s: checkInvariants found nothing wrong", name)
		}
	}
}

// recorder is a testing.TB that notes failures instead of reporting them.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Error(...any)          { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Fatal(...any)          { r.failed = true }

// Ties between equal remainders go to the smallest member id, not to the
// member declared first. In 2028 the three members of testdata/tiers
// (declared gestion, beta, alpha) share 100 000,01 € of charges and 10,01 €
// of sundries, each with two cents left over after rounding down: alpha and
// beta get them, gestion does not. The refund, −90 €, and the fees,
// 3 330,00 €, divide exactly.
func TestJSONTiersTies(t *testing.T) {
	doc := decodeRun(t, render(t, JSON, French, tiersResults(t)))
	var got []string
	for _, y := range doc.Scenarios[0].Years {
		if y.Year != 2028 {
			continue
		}
		for _, m := range y.Members {
			got = append(got, m.ID+"="+m.Amount)
		}
	}
	want := []string{"gestion=34416.66", "beta=34416.68", "alpha=34416.68"}
	if !slices.Equal(got, want) {
		t.Errorf("2028 amounts = %v, want %v", got, want)
	}
}
