package reports

import (
	"encoding/json"
	"io"

	"github.com/quotepart/quotepart/engine"
)

// RunSchema names the JSON contract of the run command; see docs/output.md.
const RunSchema = "quotepart/run/v1"

// The JSON document of the run command. Field order is part of the
// rendering (encoding/json keeps struct order), so output is stable.
type (
	runDoc struct {
		Schema     string         `json:"schema"`
		Provenance *ProvenanceDoc `json:"provenance,omitempty"`
		Scenarios  []scenarioDoc  `json:"scenarios"`
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
	}
)

// Bills is what run computed: the result of each scenario run, and which
// quotepart computed them from which files.
type Bills struct {
	Provenance Provenance
	Results    []*engine.Result
}

func runJSON(w io.Writer, b *Bills) error {
	doc := runDoc{Schema: RunSchema, Provenance: b.Provenance.JSON(false), Scenarios: []scenarioDoc{}}
	for _, r := range b.Results {
		sd := scenarioDoc{ID: r.ID, Title: r.Title, Years: []yearDoc{}}
		for _, y := range r.Years {
			yd := yearDoc{Year: y.Year, Months: y.Months, Total: Cents(y.Total), Pools: []poolDoc{}, Members: []memberDoc{}}
			for _, p := range y.Pools {
				yd.Pools = append(yd.Pools, poolDoc{ID: p.ID, Label: p.Label, Key: p.Key, Amount: Cents(p.Amount), Fees: Cents(p.Fees)})
			}
			for _, m := range y.Members {
				yd.Members = append(yd.Members, memberDoc{ID: m.ID, Label: m.Label, Manager: m.Manager,
					Share: Key(m.Share), Amount: Cents(m.Amount), Fees: Cents(m.Fees), Billed: Cents(m.Billed)})
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
