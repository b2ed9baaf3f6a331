package reports

import (
	"encoding/json"
	"io"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
)

// RunSchema names the JSON contract of the run command; see docs/output.md.
const RunSchema = "quotepart/run/v1"

// The JSON document of the run command. Field order is part of the
// rendering (encoding/json keeps struct order), so output is stable.
type (
	runDoc struct {
		Schema     string         `json:"schema"`
		Provenance *ProvenanceDoc `json:"provenance,omitempty"`
		Basis      string         `json:"basis,omitempty"`
		Scenarios  []scenarioDoc  `json:"scenarios"`
		Warnings   []string       `json:"warnings,omitempty"`
	}
	scenarioDoc struct {
		ID    string    `json:"id"`
		Title string    `json:"title"`
		Years []yearDoc `json:"years"`
	}
	yearDoc struct {
		Year    int         `json:"year"`
		Months  int         `json:"months"`
		Total   string      `json:"total"`
		Settled int         `json:"settled,omitempty"`
		Pools   []poolDoc   `json:"pools"`
		Members []memberDoc `json:"members"`
	}
	poolDoc struct {
		ID     string `json:"id"`
		Label  string `json:"label"`
		Key    string `json:"key"`
		Amount string `json:"amount"`
		Fees   string `json:"fees"`
	}
	memberDoc struct {
		ID      string `json:"id"`
		Label   string `json:"label"`
		Manager bool   `json:"manager"`
		Share   string `json:"share"`
		Amount  string `json:"amount"`
		Fees    string `json:"fees"`
		Billed  string `json:"billed"`
		// Regularisation is set when the bill carries one (the
		// year's settled gives the year it regularises).
		Regularisation string         `json:"regularisation,omitempty"`
		Imputation     *imputationDoc `json:"imputation,omitempty"`
	}
	imputationDoc struct {
		Parameter string `json:"parameter"`
		Before    string `json:"ac_before"`
		After     string `json:"ac_after"`
	}
)

// newMemberDoc is a member's bill as the JSON contracts write it.
func newMemberDoc(m engine.MemberYear) memberDoc {
	d := memberDoc{ID: m.ID, Label: m.Label, Manager: m.Manager,
		Share: Key(m.Share), Amount: Cents(m.Amount), Fees: Cents(m.Fees), Billed: Cents(m.Billed)}
	if !m.Regularisation.IsZero() {
		d.Regularisation = Cents(m.Regularisation)
	}
	if im := m.Imputation; im != nil {
		d.Imputation = &imputationDoc{Parameter: im.Parameter, Before: Cents(im.Before), After: Cents(im.After)}
	}
	return d
}

// Bills is what run computed: the result of each scenario run, and which
// quotepart computed them from which files.
type Bills struct {
	Provenance Provenance
	Results    []*engine.Result
	// Basis is "budget" (or empty) or "actuals": the figures run.
	Basis string
	// Warnings are what the bills cannot absorb: an attribution de
	// compensation turned negative, a regularisation owed by a member
	// gone (package billing).
	Warnings diag.List
}

func runJSON(w io.Writer, b *Bills) error {
	doc := runDoc{Schema: RunSchema, Provenance: b.Provenance.JSON(false), Scenarios: []scenarioDoc{}}
	if b.Basis != "" && b.Basis != "budget" {
		doc.Basis = b.Basis
	}
	for _, w := range b.Warnings {
		doc.Warnings = append(doc.Warnings, w.Error())
	}
	for _, r := range b.Results {
		sd := scenarioDoc{ID: r.ID, Title: r.Title, Years: []yearDoc{}}
		for _, y := range r.Years {
			yd := yearDoc{Year: y.Year, Months: y.Months, Total: Cents(y.Total), Settled: y.Settled, Pools: []poolDoc{}, Members: []memberDoc{}}
			for _, p := range y.Pools {
				yd.Pools = append(yd.Pools, poolDoc{ID: p.ID, Label: p.Label, Key: p.Key, Amount: Cents(p.Amount), Fees: Cents(p.Fees)})
			}
			for _, m := range y.Members {
				yd.Members = append(yd.Members, newMemberDoc(m))
			}
			sd.Years = append(sd.Years, yd)
		}
		doc.Scenarios = append(doc.Scenarios, sd)
	}
	return WriteJSON(w, doc)
}

// WriteJSON writes a document of a JSON contract (quotepart/run/v1...),
// indented by two spaces, without escaping <, > and & (the documents are
// read by programs, and the escapes would only make them harder to read).
func WriteJSON(w io.Writer, doc any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
