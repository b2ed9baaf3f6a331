package rulediff

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
)

// JSONSchema names the JSON contract of the diff command.
const JSONSchema = "quotepart/diff/v1"

// Formats lists the output formats of Render.
var Formats = []string{"table", "md", "json"}

type words struct {
	title, scenario, year, member, before, after, change, changePct, manager, none, skipped, exceeded, gateOK string
}

var vocabulary = map[reports.Lang]words{
	reports.French: {title: "Effet de la modification des règles sur les montants", scenario: "Scénario", year: "Année",
		member: "Membre", before: "Avant", after: "Après", change: "Écart", changePct: "Écart %",
		manager: "gestionnaire, à sa charge", none: "Aucun montant ne change.", skipped: "non comparé",
		exceeded: "Seuil dépassé", gateOK: "Aucun écart ne dépasse les seuils"},
	reports.English: {title: "Effect of the rule change on the amounts", scenario: "Scenario", year: "Year",
		member: "Member", before: "Before", after: "After", change: "Change", changePct: "Change %",
		manager: "manager, borne itself", none: "No amount changes.", skipped: "not compared",
		exceeded: "Gate exceeded", gateOK: "No change exceeds the gates"},
}

func wordsFor(lang reports.Lang) words {
	if w, ok := vocabulary[lang]; ok {
		return w
	}
	return vocabulary[reports.French]
}

// Render writes d in a format: table (aligned text), md (Markdown, ready to
// paste in a merge-request comment) or json (quotepart/diff/v1). The table
// and Markdown show the rows that changed; JSON has every row.
func Render(w io.Writer, format string, lang reports.Lang, d *Diff) error {
	switch format {
	case "table", "":
		return text(w, lang, d, false)
	case "md":
		return text(w, lang, d, true)
	case "json":
		return renderJSON(w, d)
	}
	return fmt.Errorf("unknown format %q: expected one of %s", format, strings.Join(Formats, ", "))
}

func pct(r Row, lang reports.Lang) string {
	if !r.HasPct {
		return "—"
	}
	s := reports.Number(r.ChangePct, 2, lang)
	if r.ChangePct.IsPositive() {
		s = "+" + s
	}
	if lang == reports.English {
		return s + "%"
	}
	return s + "\u00a0%"
}

func signedMoney(d decimal.Decimal, lang reports.Lang) string {
	if d.IsPositive() {
		return "+" + reports.Money(d, lang)
	}
	return reports.Money(d, lang)
}

var mdEscaper = strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`)

func text(w io.Writer, lang reports.Lang, d *Diff, md bool) error {
	wd := wordsFor(lang)
	var b strings.Builder
	esc := func(s string) string { return s }
	if md {
		esc = mdEscaper.Replace
		fmt.Fprintf(&b, "### %s\n\n`%s` → `%s`\n\n", wd.title, strings.ReplaceAll(d.Before, "`", "'"), strings.ReplaceAll(d.After, "`", "'"))
	} else {
		fmt.Fprintf(&b, "%s: %s → %s\n\n", wd.title, d.Before, d.After)
	}
	for _, s := range d.Scenarios {
		head := fmt.Sprintf("%s (%s)", s.Title, s.ID)
		if md {
			fmt.Fprintf(&b, "#### %s\n\n", esc(head))
		} else {
			fmt.Fprintf(&b, "%s\n", head)
		}
		if s.Skipped != "" {
			if md {
				fmt.Fprintf(&b, "_%s : %s_\n\n", wd.skipped, esc(s.Skipped))
			} else {
				fmt.Fprintf(&b, "  %s: %s\n\n", wd.skipped, s.Skipped)
			}
			continue
		}
		changes := s.Changes()
		if len(changes) == 0 {
			if md {
				fmt.Fprintf(&b, "_%s_\n\n", wd.none)
			} else {
				fmt.Fprintf(&b, "  %s\n\n", wd.none)
			}
			continue
		}
		rows := [][]string{{wd.year, wd.member, wd.before, wd.after, wd.change, wd.changePct}}
		for _, r := range changes {
			label := r.Label
			if r.Manager {
				label += " (" + wd.manager + ")"
			}
			mark := ""
			if r.Exceeded {
				mark = " ⚠"
			}
			rows = append(rows, []string{strconv.Itoa(r.Year), esc(label), reports.Money(r.Base, lang), reports.Money(r.Other, lang),
				signedMoney(r.Change, lang), pct(r, lang) + mark})
		}
		if md {
			fmt.Fprintf(&b, "| %s |\n|---:|---|---:|---:|---:|---:|\n", strings.Join(rows[0], " | "))
			for _, r := range rows[1:] {
				fmt.Fprintf(&b, "| %s |\n", strings.Join(r, " | "))
			}
			b.WriteString("\n")
			continue
		}
		columns(&b, "  ", rows, []bool{false, false, true, true, true, true})
		b.WriteString("\n")
	}
	if g := d.Gate; g.Amount != nil || g.Pct != nil {
		limits := gateText(g, lang)
		if ex := d.Exceeded(); len(ex) > 0 {
			if md {
				fmt.Fprintf(&b, "**%s** (%s) : %d\n", wd.exceeded, limits, len(ex))
			} else {
				fmt.Fprintf(&b, "%s (%s): %d\n", wd.exceeded, limits, len(ex))
			}
		} else {
			fmt.Fprintf(&b, "%s (%s).\n", wd.gateOK, limits)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func gateText(g Gate, lang reports.Lang) string {
	var parts []string
	if g.Amount != nil {
		parts = append(parts, "±"+reports.Money(*g.Amount, lang))
	}
	if g.Pct != nil {
		s := "±" + reports.Number(*g.Pct, 2, lang)
		if lang == reports.English {
			s += "%"
		} else {
			s += "\u00a0%"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// columns aligns cells, right-aligned where right[i] is set, counting runes.
func columns(b *strings.Builder, indent string, rows [][]string, right []bool) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		line.WriteString(indent)
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				line.WriteString("  ")
			}
			if right[i] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteString("\n")
	}
}

type (
	jsonDoc struct {
		Schema    string         `json:"schema"`
		Before    string         `json:"before"`
		After     string         `json:"after"`
		Changed   bool           `json:"changed"`
		Gate      jsonGate       `json:"gate"`
		Scenarios []jsonScenario `json:"scenarios"`
	}
	jsonGate struct {
		Amount   *string `json:"amount"`
		Pct      *string `json:"pct"`
		Exceeded int     `json:"exceeded"`
	}
	jsonScenario struct {
		ID      string    `json:"id"`
		Title   string    `json:"title"`
		Skipped string    `json:"skipped,omitempty"`
		Rows    []jsonRow `json:"rows"`
	}
	jsonRow struct {
		Year     int     `json:"year"`
		Member   string  `json:"member"`
		Label    string  `json:"label"`
		Manager  bool    `json:"manager"`
		Before   string  `json:"before"`
		After    string  `json:"after"`
		Delta    string  `json:"delta"`
		DeltaPct *string `json:"delta_pct"`
		Changed  bool    `json:"changed"`
		Exceeded bool    `json:"exceeded"`
	}
)

func renderJSON(w io.Writer, d *Diff) error {
	doc := jsonDoc{Schema: JSONSchema, Before: d.Before, After: d.After, Changed: d.Changed(), Scenarios: []jsonScenario{}}
	if d.Gate.Amount != nil {
		s := d.Gate.Amount.String()
		doc.Gate.Amount = &s
	}
	if d.Gate.Pct != nil {
		s := d.Gate.Pct.String()
		doc.Gate.Pct = &s
	}
	doc.Gate.Exceeded = len(d.Exceeded())
	for _, s := range d.Scenarios {
		js := jsonScenario{ID: s.ID, Title: s.Title, Skipped: s.Skipped, Rows: []jsonRow{}}
		for _, r := range s.Rows {
			jr := jsonRow{Year: r.Year, Member: r.Member, Label: r.Label, Manager: r.Manager,
				Before: reports.Cents(r.Base), After: reports.Cents(r.Other), Delta: reports.Cents(r.Change),
				Changed: r.Changed(), Exceeded: r.Exceeded}
			if r.HasPct {
				p := r.ChangePct.StringFixed(2)
				jr.DeltaPct = &p
			}
			js.Rows = append(js.Rows, jr)
		}
		doc.Scenarios = append(doc.Scenarios, js)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
