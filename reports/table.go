package reports

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// runTable writes, per scenario and year, each member's key, amount, fees
// and billed amount, a total row, and the pools behind the total.
func runTable(w io.Writer, lang Lang, results []*engine.Result) error {
	wd := wordsFor(lang)
	var b strings.Builder
	for i, r := range results {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s (%s)\n", SafeText(r.Title), SafeText(r.ID))
		for _, y := range r.Years {
			b.WriteString("\n")
			heading := fmt.Sprint(y.Year)
			if y.Months < 12 {
				heading += fmt.Sprintf(" (%d %s)", y.Months, wd.months)
			}
			b.WriteString(heading + "\n")
			regul := y.Settled != 0
			rows := [][]string{{wd.member, wd.key, wd.amount, wd.fees, wd.billed}}
			if regul {
				rows[0] = []string{wd.member, wd.key, wd.amount, wd.fees, fmt.Sprintf(wd.regulOf, y.Settled), wd.billed}
			}
			shares, fees, billed, regulated := decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero
			var notes []string
			for _, m := range y.Members {
				label := SafeText(m.Label)
				if m.Manager {
					label += " (" + wd.manager + ")"
				}
				row := []string{label, Percent(m.Share, lang), Money(m.Amount, lang), Money(m.Fees, lang), Money(m.Billed, lang)}
				if regul {
					row = []string{label, Percent(m.Share, lang), Money(m.Amount, lang), Money(m.Fees, lang), SignedMoney(m.Regularisation, lang), Money(m.Billed, lang)}
				}
				rows = append(rows, row)
				shares, fees, billed, regulated = shares.Add(m.Share), fees.Add(m.Fees), billed.Add(m.Billed), regulated.Add(m.Regularisation)
				if im := m.Imputation; im != nil {
					notes = append(notes, fmt.Sprintf(wd.imputed, label, SafeText(im.Parameter), Money(im.Before, lang), Money(im.After, lang)))
				}
			}
			total := []string{wd.total, Percent(shares, lang), Money(y.Total, lang), Money(fees, lang), Money(billed, lang)}
			right := []bool{false, true, true, true, true}
			if regul {
				total = []string{wd.total, Percent(shares, lang), Money(y.Total, lang), Money(fees, lang), SignedMoney(regulated, lang), Money(billed, lang)}
				right = append(right, true)
			}
			rows = append(rows, total)
			writeColumns(&b, "  ", rows, right)
			for _, n := range notes {
				fmt.Fprintf(&b, "  %s\n", n)
			}
			var costs []string
			for _, p := range y.Pools {
				c := SafeText(p.Label) + " " + Money(p.Amount, lang)
				if !p.Fees.IsZero() {
					c += " + " + wd.feesOf + " " + Money(p.Fees, lang)
				}
				costs = append(costs, c)
			}
			fmt.Fprintf(&b, "  %s %s\n", wd.costs, strings.Join(costs, " · "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeColumns aligns cells in columns, right-aligned where right[i] is
// set, measuring width in runes so that accents and no-break spaces count
// as one column. Every cell goes through SafeText.
func writeColumns(b *strings.Builder, indent string, rows [][]string, right []bool) {
	widths := make([]int, len(rows[0]))
	safe := make([][]string, len(rows))
	for r, row := range rows {
		safe[r] = make([]string, len(row))
		for i, c := range row {
			safe[r][i] = SafeText(c)
			widths[i] = max(widths[i], utf8.RuneCountInString(safe[r][i]))
		}
	}
	for _, row := range safe {
		b.WriteString(indent)
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if right[i] {
				b.WriteString(pad + c)
			} else if i < len(row)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
		}
		b.WriteString("\n")
	}
}
