package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine/billing"
	"github.com/shopspring/decimal"
)

// SettleSchema names the JSON contract of settle; see docs/cycle.md.
const SettleSchema = "quotepart/settle/v1"

// Settled is what settle computed: the regularisation of a closed year
// for a scenario (or the rules alone).
type Settled struct {
	ScenarioID, ScenarioTitle string
	Settlement                *billing.Settlement
	// Figures names the actual figures the year was settled on.
	Figures FiguresInfo
	// Carry says that the regularisation is added to the next year's
	// bills (billing terms), rather than billed apart.
	Carry bool
	// Warnings say which pools kept their budget amount.
	Warnings   []string
	Provenance Provenance
}

// FiguresInfo names an actuals file: its title, its source and where it
// was read.
type FiguresInfo struct {
	Title, Source, Assumption, Path string
}

type settleWords struct {
	title, figures, pool, budget, actual, change, fees, member, forecast, actualPart, billed, issued, due, regul,
	total, manager, carry, apart string
}

var settleVocabulary = map[Lang]settleWords{
	French: {title: "Régularisation", figures: "Chiffres réels", pool: "Charge", budget: "Budget", actual: "Réel", change: "Écart",
		fees: "frais de gestion", member: "Membre", forecast: "Part prévue", actualPart: "Part réelle", billed: "Facturé",
		issued: "titres émis", due: "Dû", regul: "Régularisation", total: "Total", manager: "gestionnaire",
		carry: "La régularisation s'ajoute à la facture de %d de chaque membre.",
		apart: "La régularisation est facturée à part (elle ne s'ajoute pas aux factures de %d)."},
	English: {title: "Regularisation", figures: "Actual figures", pool: "Cost", budget: "Budget", actual: "Actual", change: "Change",
		fees: "management fees", member: "Member", forecast: "Forecast part", actualPart: "Actual part", billed: "Billed",
		issued: "instalments issued", due: "Due", regul: "Regularisation", total: "Total", manager: "manager",
		carry: "The regularisation is added to each member's bill of %d.",
		apart: "The regularisation is billed apart (it is not added to the bills of %d)."},
}

func settleWordsFor(lang Lang) settleWords { return wordsIn(settleVocabulary, lang) }

// settleText writes the settlement as an aligned table (markdown false) or
// as Markdown tables.
func settleText(w io.Writer, lang Lang, s *Settled, markdown bool) error {
	wd := settleWordsFor(lang)
	st := s.Settlement
	var b strings.Builder
	text := SafeText
	if markdown {
		text = escapeMarkdown
		fmt.Fprintf(&b, "## %s %d — %s\n\n", wd.title, st.Year, escapeMarkdown(s.ScenarioTitle))
		fmt.Fprintf(&b, "%s\n\n", markdownCode(s.ScenarioID))
	} else {
		fmt.Fprintf(&b, "%s %d — %s (%s)\n", wd.title, st.Year, SafeText(s.ScenarioTitle), SafeText(s.ScenarioID))
	}
	fig := text(s.Figures.Title)
	if s.Figures.Source != "" {
		fig += " — " + text(s.Figures.Source)
	}
	fmt.Fprintf(&b, "%s%s %s (%s)\n\n", wd.figures, colon(lang), fig, text(s.Figures.Path))
	pools := [][]string{{wd.pool, wd.budget, wd.actual, wd.change}}
	for _, p := range st.Pools {
		pools = append(pools, []string{p.Label, Money(p.Budget, lang), Money(p.ActualAmount, lang), SignedMoney(p.ActualAmount.Sub(p.Budget), lang)})
		if !p.BudgetFees.IsZero() || !p.ActualFees.IsZero() {
			pools = append(pools, []string{"  " + wd.fees, Money(p.BudgetFees, lang), Money(p.ActualFees, lang), SignedMoney(p.ActualFees.Sub(p.BudgetFees), lang)})
		}
	}
	members := [][]string{{wd.member, wd.forecast, wd.actualPart, wd.billed, wd.due, wd.regul}}
	forecast, actual := decimal.Zero, decimal.Zero
	for _, m := range st.Members {
		label := m.Label
		if m.Manager {
			label += " (" + wd.manager + ")"
		}
		billed := Money(m.Billed, lang)
		if m.Issued != nil {
			billed += " (" + wd.issued + ")"
		}
		members = append(members, []string{label, Money(m.Forecast, lang), Money(m.Actual, lang), billed, Money(m.Due, lang), SignedMoney(m.Difference, lang)})
		forecast, actual = forecast.Add(m.Forecast), actual.Add(m.Actual)
	}
	members = append(members, []string{wd.total, Money(forecast, lang), Money(actual, lang), Money(st.Billed, lang), Money(st.Due, lang), SignedMoney(st.Difference, lang)})
	if markdown {
		writeMarkdownTable(&b, pools, []bool{false, true, true, true})
		b.WriteString("\n")
		writeMarkdownTable(&b, members, []bool{false, true, true, true, true, true})
		b.WriteString("\n")
	} else {
		writeColumns(&b, "  ", pools, []bool{false, true, true, true})
		b.WriteString("\n")
		writeColumns(&b, "  ", members, []bool{false, true, true, true, true, true})
		b.WriteString("\n")
	}
	if s.Carry {
		fmt.Fprintf(&b, wd.carry+"\n", st.Year+1)
	} else {
		fmt.Fprintf(&b, wd.apart+"\n", st.Year+1)
	}
	for _, warn := range s.Warnings {
		fmt.Fprintf(&b, "%s\n", text(warn))
	}
	if p := s.Provenance.sentence(lang); p != "" {
		fmt.Fprintf(&b, "\n%s\n", p)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type (
	settleDoc struct {
		Schema     string            `json:"schema"`
		Provenance *ProvenanceDoc    `json:"provenance,omitempty"`
		Scenario   string            `json:"scenario"`
		Title      string            `json:"title"`
		Year       int               `json:"year"`
		Figures    figuresDoc        `json:"figures"`
		Carry      bool              `json:"carry"`
		Pools      []settlePoolDoc   `json:"pools"`
		Members    []settleMemberDoc `json:"members"`
		Billed     string            `json:"billed"`
		Due        string            `json:"due"`
		Difference string            `json:"difference"`
		Warnings   []string          `json:"warnings"`
	}
	figuresDoc struct {
		Title      string `json:"title"`
		Source     string `json:"source,omitempty"`
		Assumption string `json:"assumption,omitempty"`
		File       string `json:"file"`
	}
	settlePoolDoc struct {
		ID         string `json:"id"`
		Label      string `json:"label"`
		Budget     string `json:"budget"`
		BudgetFees string `json:"budget_fees"`
		Actual     string `json:"actual"`
		ActualFees string `json:"actual_fees"`
	}
	settleMemberDoc struct {
		ID         string      `json:"id"`
		Label      string      `json:"label"`
		Manager    bool        `json:"manager"`
		Forecast   string      `json:"forecast"`
		Actual     string      `json:"actual"`
		Billed     string      `json:"billed"`
		Issued     []issuedDoc `json:"issued,omitempty"`
		Due        string      `json:"due"`
		Difference string      `json:"difference"`
	}
	issuedDoc struct {
		Date      string `json:"date"`
		Amount    string `json:"amount"`
		Reference string `json:"reference,omitempty"`
	}
)

func settleJSON(w io.Writer, s *Settled) error {
	st := s.Settlement
	doc := settleDoc{Schema: SettleSchema, Provenance: s.Provenance.JSON(false), Scenario: s.ScenarioID, Title: s.ScenarioTitle,
		Year: st.Year, Figures: figuresDoc{Title: s.Figures.Title, Source: s.Figures.Source, Assumption: s.Figures.Assumption, File: s.Figures.Path},
		Carry: s.Carry, Pools: []settlePoolDoc{}, Members: []settleMemberDoc{},
		Billed: Cents(st.Billed), Due: Cents(st.Due), Difference: Cents(st.Difference), Warnings: append([]string{}, s.Warnings...)}
	for _, p := range st.Pools {
		doc.Pools = append(doc.Pools, settlePoolDoc{ID: p.ID, Label: p.Label, Budget: Cents(p.Budget), BudgetFees: Cents(p.BudgetFees),
			Actual: Cents(p.ActualAmount), ActualFees: Cents(p.ActualFees)})
	}
	for _, m := range st.Members {
		md := settleMemberDoc{ID: m.ID, Label: m.Label, Manager: m.Manager, Forecast: Cents(m.Forecast), Actual: Cents(m.Actual),
			Billed: Cents(m.Billed), Due: Cents(m.Due), Difference: Cents(m.Difference)}
		for _, in := range m.Issued {
			md.Issued = append(md.Issued, issuedDoc{Date: in.Date.String(), Amount: Cents(in.Amount), Reference: in.Reference})
		}
		doc.Members = append(doc.Members, md)
	}
	return WriteJSON(w, doc)
}

func settleCSV(w io.Writer, s *Settled) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"scenario", "year", "member", "label", "manager", "forecast", "actual", "billed", "due", "difference"}}
	for _, m := range s.Settlement.Members {
		rows = append(rows, []string{SafeCell(s.ScenarioID), strconv.Itoa(s.Settlement.Year), SafeCell(m.ID), SafeCell(m.Label),
			strconv.FormatBool(m.Manager), Cents(m.Forecast), Cents(m.Actual), Cents(m.Billed), Cents(m.Due), Cents(m.Difference)})
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
