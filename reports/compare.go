package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// CompareSchema names the JSON contract of the compare command; see
// docs/output.md.
const CompareSchema = "quotepart/compare/v1"

// Comparison sets a scenario against a base, member by member and year by
// year, on the members' amounts (their allocated cost, fees included, which
// for the manager is what it bears itself).
type Comparison struct {
	Base, Other *engine.Result
	Rows        []Delta // per year and member: members of either scenario
	Years       []Delta // per year, all members
	Members     []Delta // per member, over the horizon
	Total       Delta   // all years and members
}

// Delta is a base amount, the other amount and their difference. A member
// absent from one scenario counts 0 there.
type Delta struct {
	Year            int    // 0 in per-member totals
	Member          string // "" in per-year totals
	Label           string
	Base, Other     decimal.Decimal
	Change          decimal.Decimal
	ChangePct       decimal.Decimal // rounded to 2 decimals; meaningless when HasPct is false
	HasPct          bool            // false when the base is zero
	InBase, InOther bool            // whether the member is in each scenario that year
}

func newDelta(base, other decimal.Decimal) Delta {
	d := Delta{Base: base, Other: other, Change: other.Sub(base)}
	if !base.IsZero() {
		d.ChangePct = d.Change.Shift(2).DivRound(base, 2)
		d.HasPct = true
	}
	return d
}

// Compare lines up two results on the years of the base.
func Compare(base, other *engine.Result) *Comparison {
	c := &Comparison{Base: base, Other: other}
	type key struct {
		year   int
		member string
	}
	otherAmounts := map[key]engine.MemberYear{}
	for _, y := range other.Years {
		for _, m := range y.Members {
			otherAmounts[key{y.Year, m.ID}] = m
		}
	}
	var memberOrder []string
	labels := map[string]string{}
	totals := map[string][2]decimal.Decimal{}
	add := func(id, label string, b, o decimal.Decimal) {
		if _, ok := labels[id]; !ok {
			memberOrder = append(memberOrder, id)
			labels[id] = label
		}
		t := totals[id]
		totals[id] = [2]decimal.Decimal{t[0].Add(b), t[1].Add(o)}
	}
	allBase, allOther := decimal.Zero, decimal.Zero
	for _, y := range base.Years {
		yearBase, yearOther := decimal.Zero, decimal.Zero
		seen := map[string]bool{}
		emit := func(id, label string, b, o decimal.Decimal, inBase, inOther bool) {
			d := newDelta(b, o)
			d.Year, d.Member, d.Label, d.InBase, d.InOther = y.Year, id, label, inBase, inOther
			c.Rows = append(c.Rows, d)
			add(id, label, b, o)
			yearBase, yearOther = yearBase.Add(b), yearOther.Add(o)
		}
		for _, m := range y.Members {
			seen[m.ID] = true
			om, ok := otherAmounts[key{y.Year, m.ID}]
			emit(m.ID, m.Label, m.Amount, om.Amount, true, ok)
		}
		for _, oy := range other.Years {
			if oy.Year != y.Year {
				continue
			}
			for _, m := range oy.Members {
				if !seen[m.ID] {
					emit(m.ID, m.Label, decimal.Zero, m.Amount, false, true)
				}
			}
		}
		d := newDelta(yearBase, yearOther)
		d.Year = y.Year
		c.Years = append(c.Years, d)
		allBase, allOther = allBase.Add(yearBase), allOther.Add(yearOther)
	}
	for _, id := range memberOrder {
		d := newDelta(totals[id][0], totals[id][1])
		d.Member, d.Label = id, labels[id]
		c.Members = append(c.Members, d)
	}
	c.Total = newDelta(allBase, allOther)
	return c
}

// ChangePercent formats the change of a Delta in percent, signed (+1,25 %),
// or a dash when the base is zero.
func ChangePercent(d Delta, lang Lang) string {
	if !d.HasPct {
		return "—"
	}
	return Signed(Percent(d.ChangePct.Shift(-2), lang), d.ChangePct)
}

func compareText(w io.Writer, f Format, lang Lang, cs []*Comparison) error {
	wd := wordsFor(lang)
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString("\n")
		}
		title := fmt.Sprintf("%s (%s) → %s (%s)", c.Base.Title, c.Base.ID, c.Other.Title, c.Other.ID)
		// The columns are named in words; the title above names the
		// scenarios, with their ids.
		rw := reportWordsFor(lang)
		head := []string{wd.year, wd.member, rw.baselineCol, rw.otherCol, wd.delta, wd.deltaPct}
		rows := [][]string{}
		for _, d := range c.Rows {
			rows = append(rows, []string{strconv.Itoa(d.Year), d.Label, Money(d.Base, lang), Money(d.Other, lang), SignedMoney(d.Change, lang), ChangePercent(d, lang)})
		}
		for _, d := range c.Years {
			rows = append(rows, []string{strconv.Itoa(d.Year), wd.total, Money(d.Base, lang), Money(d.Other, lang), SignedMoney(d.Change, lang), ChangePercent(d, lang)})
		}
		horizon := fmt.Sprintf("%d–%d", c.Base.Years[0].Year, c.Base.Years[len(c.Base.Years)-1].Year)
		for _, d := range c.Members {
			rows = append(rows, []string{horizon, d.Label, Money(d.Base, lang), Money(d.Other, lang), SignedMoney(d.Change, lang), ChangePercent(d, lang)})
		}
		rows = append(rows, []string{horizon, wd.total, Money(c.Total.Base, lang), Money(c.Total.Other, lang), SignedMoney(c.Total.Change, lang), ChangePercent(c.Total, lang)})
		if f == Markdown {
			fmt.Fprintf(&b, "## %s\n\n", escapeMarkdown(title))
			for j := range head {
				head[j] = escapeMarkdown(head[j])
			}
			fmt.Fprintf(&b, "| %s |\n|---|---|---:|---:|---:|---:|\n", strings.Join(head, " | "))
			for _, r := range rows {
				r[1] = escapeMarkdown(r[1])
				fmt.Fprintf(&b, "| %s |\n", strings.Join(r, " | "))
			}
			continue
		}
		b.WriteString(SafeText(title) + "\n\n")
		writeColumns(&b, "  ", append([][]string{head}, rows...), []bool{false, false, true, true, true, true})
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type (
	compareDoc struct {
		Schema      string          `json:"schema"`
		Provenance  *ProvenanceDoc  `json:"provenance,omitempty"`
		Comparisons []comparisonDoc `json:"comparisons"`
	}
	comparisonDoc struct {
		Base    scenarioRef `json:"base"`
		Other   scenarioRef `json:"other"`
		Rows    []deltaDoc  `json:"rows"`
		Years   []deltaDoc  `json:"years"`
		Members []deltaDoc  `json:"members"`
		Total   deltaDoc    `json:"total"`
	}
	scenarioRef struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	deltaDoc struct {
		Year     int     `json:"year,omitempty"`
		Member   string  `json:"member,omitempty"`
		Label    string  `json:"label,omitempty"`
		Base     string  `json:"base"`
		Other    string  `json:"other"`
		Delta    string  `json:"delta"`
		DeltaPct *string `json:"delta_pct"`
	}
)

func deltaJSON(d Delta) deltaDoc {
	doc := deltaDoc{Year: d.Year, Member: d.Member, Label: d.Label, Base: Cents(d.Base), Other: Cents(d.Other), Delta: Cents(d.Change)}
	if d.HasPct {
		p := d.ChangePct.StringFixed(2)
		doc.DeltaPct = &p
	}
	return doc
}

// Comparisons is what compare computed: each other scenario set against
// the base, and which quotepart computed them from which files.
type Comparisons struct {
	Provenance Provenance
	List       []*Comparison
}

func compareJSON(w io.Writer, cs *Comparisons) error {
	doc := compareDoc{Schema: CompareSchema, Provenance: cs.Provenance.JSON(false), Comparisons: []comparisonDoc{}}
	for _, c := range cs.List {
		cd := comparisonDoc{Base: scenarioRef{c.Base.ID, c.Base.Title}, Other: scenarioRef{c.Other.ID, c.Other.Title},
			Rows: []deltaDoc{}, Years: []deltaDoc{}, Members: []deltaDoc{}, Total: deltaJSON(c.Total)}
		for _, d := range c.Rows {
			cd.Rows = append(cd.Rows, deltaJSON(d))
		}
		for _, d := range c.Years {
			cd.Years = append(cd.Years, deltaJSON(d))
		}
		for _, d := range c.Members {
			cd.Members = append(cd.Members, deltaJSON(d))
		}
		doc.Comparisons = append(doc.Comparisons, cd)
	}
	return WriteJSON(w, doc)
}

func compareCSV(w io.Writer, cs []*Comparison) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"base", "other", "year", "member", "label", "base_amount", "other_amount", "delta", "delta_pct"}}
	for _, c := range cs {
		for _, d := range c.Rows {
			pct := ""
			if d.HasPct {
				pct = d.ChangePct.StringFixed(2)
			}
			rows = append(rows, []string{SafeCell(c.Base.ID), SafeCell(c.Other.ID), strconv.Itoa(d.Year), SafeCell(d.Member), SafeCell(d.Label),
				Cents(d.Base), Cents(d.Other), Cents(d.Change), pct})
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}
