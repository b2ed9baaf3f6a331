package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/quotepart/quotepart/engine"
)

// runMarkdown writes one table per scenario, a row per year and member, ready to
// paste in a merge-request comment or a note.
func runMarkdown(w io.Writer, lang Lang, results []*engine.Result) error {
	wd := wordsFor(lang)
	var b strings.Builder
	for i, r := range results {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "## %s\n\n", escapeMarkdown(r.Title))
		fmt.Fprintf(&b, "%s\n\n", markdownCode(r.ID))
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", wd.year, wd.member, wd.key, wd.amount, wd.fees, wd.billed)
		b.WriteString("|---|---|---:|---:|---:|---:|\n")
		for _, y := range r.Years {
			for _, mem := range y.Members {
				label := escapeMarkdown(mem.Label)
				if mem.Manager {
					label += " (" + wd.manager + ")"
				}
				fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s |\n", y.Year, label,
					Percent(mem.Share, lang), Money(mem.Amount, lang), Money(mem.Fees, lang), Money(mem.Billed, lang))
			}
			fmt.Fprintf(&b, "| %d | **%s** | | **%s** | | |\n", y.Year, wd.total, Money(y.Total, lang))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var markdownEscaper = strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`)

// escapeMarkdown keeps user text from breaking a table or turning into
// markup: line breaks and other control characters become spaces.
func escapeMarkdown(s string) string { return markdownEscaper.Replace(SafeText(s)) }

// markdownCode writes an id as inline code, outside a table: a backtick in
// it becomes an apostrophe, so that it cannot close the code.
func markdownCode(s string) string { return "`" + strings.ReplaceAll(SafeText(s), "`", "'") + "`" }

// writeMarkdownTable writes rows as a Markdown table, the first row as
// its header; cells are escaped.
func writeMarkdownTable(b *strings.Builder, rows [][]string, right []bool) {
	for r, row := range rows {
		b.WriteString("|")
		for _, c := range row {
			b.WriteString(" " + escapeMarkdown(c) + " |")
		}
		b.WriteString("\n")
		if r == 0 {
			b.WriteString("|")
			for i := range row {
				if right[i] {
					b.WriteString("---:|")
				} else {
					b.WriteString("---|")
				}
			}
			b.WriteString("\n")
		}
	}
}
