package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// DiffSchema names the JSON contract of the diff command.
const DiffSchema = "quotepart/diff/v1"

type diffWords struct {
	title, scenario, year, member, before, after, change, changePct, manager, none, skipped, exceeded, gateOK string
}

var diffVocabulary = map[Lang]diffWords{
	French: {title: "Effet de la modification des règles sur les montants", scenario: "Scénario", year: "Année",
		member: "Membre", before: "Avant", after: "Après", change: "Écart", changePct: "Écart %",
		manager: "gestionnaire, à sa charge", none: "Aucun montant ne change.", skipped: "non comparé",
		exceeded: "Seuil dépassé", gateOK: "Aucun écart ne dépasse les seuils"},
	English: {title: "Effect of the rule change on the amounts", scenario: "Scenario", year: "Year",
		member: "Member", before: "Before", after: "After", change: "Change", changePct: "Change %",
		manager: "manager, borne itself", none: "No amount changes.", skipped: "not compared",
		exceeded: "Gate exceeded", gateOK: "No change exceeds the gates"},
}

func diffWordsFor(lang Lang) diffWords { return wordsIn(diffVocabulary, lang) }

func ruleDiffText(w io.Writer, lang Lang, d *RuleDiff, md bool) error {
	wd := diffWordsFor(lang)
	var b strings.Builder
	esc := SafeText
	if md {
		esc = escapeMarkdown
		fmt.Fprintf(&b, "### %s\n\n%s → %s\n\n", wd.title, markdownCode(d.Before), markdownCode(d.After))
	} else {
		fmt.Fprintf(&b, "%s: %s → %s\n\n", wd.title, esc(d.Before), esc(d.After))
	}
	for _, s := range d.Scenarios {
		head := fmt.Sprintf("%s (%s)", s.Title, s.ID)
		if md {
			fmt.Fprintf(&b, "#### %s\n\n", esc(head))
		} else {
			fmt.Fprintf(&b, "%s\n", esc(head))
		}
		if s.Skipped != "" {
			if md {
				fmt.Fprintf(&b, "_%s : %s_\n\n", wd.skipped, esc(s.Skipped))
			} else {
				fmt.Fprintf(&b, "  %s: %s\n\n", wd.skipped, esc(s.Skipped))
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
			rows = append(rows, []string{strconv.Itoa(r.Year), esc(label), Money(r.Base, lang), Money(r.Other, lang),
				SignedMoney(r.Change, lang), ChangePercent(r.Delta, lang) + mark})
		}
		if md {
			fmt.Fprintf(&b, "| %s |\n|---:|---|---:|---:|---:|---:|\n", strings.Join(rows[0], " | "))
			for _, r := range rows[1:] {
				fmt.Fprintf(&b, "| %s |\n", strings.Join(r, " | "))
			}
			b.WriteString("\n")
			continue
		}
		writeColumns(&b, "  ", rows, []bool{false, false, true, true, true, true})
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

func gateText(g Gate, lang Lang) string {
	var parts []string
	if g.Amount != nil {
		parts = append(parts, "±"+Money(*g.Amount, lang))
	}
	if g.Pct != nil {
		s := "±" + Number(*g.Pct, 2, lang)
		if lang == English {
			s += "%"
		} else {
			s += "\u00a0%"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

type (
	diffDoc struct {
		Schema       string            `json:"schema"`
		Provenance   *ProvenanceDoc    `json:"provenance,omitempty"`
		Before       string            `json:"before"`
		BeforeDigest string            `json:"before_digest,omitempty"`
		After        string            `json:"after"`
		Changed      bool              `json:"changed"`
		Gate         diffGateDoc       `json:"gate"`
		Scenarios    []diffScenarioDoc `json:"scenarios"`
	}
	diffGateDoc struct {
		Amount   *string `json:"amount"`
		Pct      *string `json:"pct"`
		Exceeded int     `json:"exceeded"`
	}
	diffScenarioDoc struct {
		ID      string       `json:"id"`
		Title   string       `json:"title"`
		Skipped string       `json:"skipped,omitempty"`
		Rows    []diffRowDoc `json:"rows"`
	}
	diffRowDoc struct {
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

func ruleDiffJSON(w io.Writer, d *RuleDiff) error {
	doc := diffDoc{Schema: DiffSchema, Provenance: d.Provenance.JSON(false), Before: d.Before, BeforeDigest: d.BeforeDigest, After: d.After, Changed: d.Changed(), Scenarios: []diffScenarioDoc{}}
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
		js := diffScenarioDoc{ID: s.ID, Title: s.Title, Skipped: s.Skipped, Rows: []diffRowDoc{}}
		for _, r := range s.Rows {
			jr := diffRowDoc{Year: r.Year, Member: r.Member, Label: r.Label, Manager: r.Manager,
				Before: Cents(r.Base), After: Cents(r.Other), Delta: Cents(r.Change),
				Changed: r.Changed(), Exceeded: r.Exceeded}
			if r.HasPct {
				p := r.ChangePct.StringFixed(2)
				jr.DeltaPct = &p
			}
			js.Rows = append(js.Rows, jr)
		}
		doc.Scenarios = append(doc.Scenarios, js)
	}
	return WriteJSON(w, doc)
}
