package reports

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
)

// runCSV writes one row per scenario, year and member, with machine
// numbers (a dot as decimal mark) so that any spreadsheet or script reads
// them. Text cells are neutralised against formula injection.
func runCSV(w io.Writer, results []*engine.Result) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"scenario", "year", "member", "label", "manager", "share", "amount", "fees", "billed"}}
	for _, r := range results {
		for _, y := range r.Years {
			for _, m := range y.Members {
				rows = append(rows, []string{SafeCell(r.ID), strconv.Itoa(y.Year), SafeCell(m.ID), SafeCell(m.Label),
					strconv.FormatBool(m.Manager), Key(m.Share), Cents(m.Amount), Cents(m.Fees), Cents(m.Billed)})
			}
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// SafeCell neutralises text that a spreadsheet would take for a formula
// (starting with =, +, -, @, a tab or a carriage return) by prefixing it with
// an apostrophe, as OWASP recommends for CSV exports.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
