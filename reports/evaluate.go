package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// EvaluateSchema names the JSON contract of the evaluate command; see
// docs/output.md.
const EvaluateSchema = "quotepart/evaluate/v1"

// Evaluation is what the evaluate command shows: each request's figures in
// the three dimensions, the portfolio of all the requests shown, their
// spread under uncertainty and, when asked, the selected portfolio.
type Evaluation struct {
	Scenario     string // whose values the evaluation read
	BaseYear     int
	DiscountRate decimal.Decimal
	Projects     []EvaluatedProject
	Portfolio    EvaluatedProject // all the projects shown, together
	Draws        int              // 0 without simulation
	Seed         uint64
	Selection    *engine.Selection
	Provenance   Provenance
	// Scoring scores the requests (nil without criteria).
	Scoring *engine.Scoring
	// Trajectories are the commitments' trajectories with every request
	// shown, each at its first start.
	Trajectories []engine.Trajectory
	// Selected holds the figures and trajectories of the selection.
	Selected *SelectedPortfolio
	// Members names the members by id, for who requested each project;
	// an id without a name is shown as it is.
	Members map[string]string
}

// memberNames gives the names of the members ids, in their order.
func memberNames(ids []string, names map[string]string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = cmpOr(names[id], id)
	}
	return out
}

// SelectedPortfolio is the selected requests, at their starts, together.
type SelectedPortfolio struct {
	Figures      engine.Indicators
	Trajectories []engine.Trajectory
}

// all returns the requests shown, then the portfolio of them all.
func (e *Evaluation) all() []EvaluatedProject {
	return append(slices.Clone(e.Projects), e.Portfolio)
}

// EvaluatedProject is one request (or the portfolio) with its figures.
type EvaluatedProject struct {
	Project *engine.Project // nil for the portfolio
	Figures engine.Indicators
	Spread  *engine.Simulated
}

// id is the request's id, or "portfolio".
func (p EvaluatedProject) id() string {
	if p.Project == nil {
		return "portfolio"
	}
	return p.Project.ID
}

type evalWords struct {
	category, requestedBy, efforts, gains, net, cumulative, total, ratio, payback, npv, monetized,
	uncertainty, draws, seed, rank, project, perEuro, chosen, yes, no, portfolio, selection, limit, used,
	binding, relief, entering, leaving, budget, staff, carbon, none, colon string
	reasons map[string]string // engine.Ranked.Reason in words
}

func (w evalWords) reason(r string) string {
	if s, ok := w.reasons[r]; ok {
		return s
	}
	return r
}

var evalVocabulary = map[Lang]evalWords{
	French: {category: "catégorie", requestedBy: "demandé par", efforts: "efforts", gains: "gains", net: "net",
		cumulative: "cumulé", total: "Total", ratio: "gains/efforts", payback: "retour", npv: "VAN",
		monetized: "valeur monétisée", uncertainty: "Incertitude", draws: "tirages", seed: "graine", rank: "Rang",
		project: "Projet", perEuro: "valeur par euro", chosen: "retenu", yes: "oui", no: "non",
		portfolio: "Ensemble des demandes", selection: "Portefeuille retenu", limit: "plafond", used: "utilisé",
		binding: "bloque une demande", relief: "avec 10 % de plus", entering: "entrent", leaving: "sortent",
		budget: "budget", staff: "ETC", carbon: "carbone (net, kgCO2e)", none: "aucun", colon: "\u00a0:",
		reasons: map[string]string{engine.ReasonNoValue: "sans valeur", engine.ReasonOverLimits: "hors plafonds à lui seul"}},
	English: {category: "category", requestedBy: "requested by", efforts: "efforts", gains: "gains", net: "net",
		cumulative: "cumulative", total: "Total", ratio: "gains/efforts", payback: "payback", npv: "NPV",
		monetized: "monetized value", uncertainty: "Uncertainty", draws: "draws", seed: "seed", rank: "Rank",
		project: "Project", perEuro: "value per euro", chosen: "chosen", yes: "yes", no: "no",
		portfolio: "All the requests", selection: "Selected portfolio", limit: "limit", used: "used",
		binding: "blocks a request", relief: "with 10 % more", entering: "enter", leaving: "leave",
		budget: "budget", staff: "ETC", carbon: "carbon (net, kgCO2e)", none: "none", colon: ":"},
}

// dimensionNumber formats a figure of a dimension with its decimals: money
// to the cent, ETC to two places, kgCO2e to one.
func dimensionNumber(d *engine.Dimension, v decimal.Decimal, lang Lang) string {
	return Number(v, d.Decimals, lang)
}

// dimensionLabel names a dimension with its unit: Financier (EUR).
func dimensionLabel(d *engine.Dimension, lang Lang) string {
	return d.Label(lang == English) + " (" + d.Unit + ")"
}

// dimensions are the dimensions the evaluation weighs, in report order.
func (e *Evaluation) dimensions() []*engine.Dimension {
	var out []*engine.Dimension
	for _, df := range e.Portfolio.Figures.Dimensions {
		out = append(out, df.Dimension)
	}
	return out
}

func floatMoney(v float64, lang Lang) string {
	return Money(decimal.NewFromFloat(v).Round(2), lang)
}

func share(v float64, lang Lang) string {
	return Percent(decimal.NewFromFloat(v).Round(4), lang)
}

// evalText writes the evaluation as a table for a terminal or Markdown.
type evalText struct {
	b    strings.Builder
	f    Format
	lang Lang
	ew   evalWords
	e    *Evaluation
}

func (t *evalText) heading(level int, s string) {
	if t.f == Markdown {
		fmt.Fprintf(&t.b, "%s %s\n\n", strings.Repeat("#", level+1), escapeMarkdown(s))
	} else {
		t.b.WriteString(SafeText(s) + "\n")
	}
}

func (t *evalText) table(rows [][]string, right []bool) {
	if t.f == Markdown {
		writeMarkdownTable(&t.b, rows, right)
		t.b.WriteString("\n")
		return
	}
	writeColumns(&t.b, "  ", rows, right)
}

func (t *evalText) line(s string) { writeLine(&t.b, t.f, s) }

// figures writes the table of a request's (or a set's) efforts, gains and
// nets per dimension and year.
func (t *evalText) figures(fig engine.Indicators) {
	ew, lang := t.ew, t.lang
	head := []string{"", ""}
	for _, y := range fig.Years {
		head = append(head, strconv.Itoa(y))
	}
	head = append(head, ew.total, ew.ratio, ew.payback)
	rows := [][]string{head}
	for _, df := range fig.Dimensions {
		d := df.Dimension
		for k, series := range [][]decimal.Decimal{df.Efforts, df.Gains, df.Net} {
			name := []string{ew.efforts, ew.gains, ew.net}[k]
			label := ""
			if k == 0 {
				label = dimensionLabel(d, lang)
			}
			row := []string{label, name}
			for _, v := range series {
				row = append(row, dimensionNumber(d, v, lang))
			}
			total := []decimal.Decimal{df.TotalEfforts, df.TotalGains, df.TotalNet}[k]
			ratio, payback := "", ""
			if k == 2 {
				ratio = "—"
				if df.HasRatio {
					ratio = Number(df.Ratio, 2, lang)
				}
				payback = "—"
				if df.Payback > 0 {
					payback = strconv.Itoa(df.Payback)
				}
			}
			rows = append(rows, append(row, dimensionNumber(d, total, lang), ratio, payback))
		}
	}
	right := make([]bool, len(head))
	for j := 2; j < len(right); j++ {
		right[j] = true
	}
	t.table(rows, right)
}

func evaluationText(w io.Writer, f Format, lang Lang, e *Evaluation) error {
	ew := wordsIn(evalVocabulary, lang)
	t := &evalText{f: f, lang: lang, ew: ew, e: e}
	b := &t.b
	for i, p := range e.all() {
		if i > 0 || f == Table {
			b.WriteString("\n")
		}
		if p.Project != nil {
			t.heading(1, projectName(p.Project))
			t.line(fmt.Sprintf("%s%s %s · %s%s %s · %d–%d", ew.category, ew.colon, p.Project.Category,
				ew.requestedBy, ew.colon, strings.Join(memberNames(p.Project.RequestedBy, e.Members), ", "), p.Project.FirstYear, p.Project.LastYear))
			for _, l := range e.planNotes(p.Project, lang) {
				t.line(l)
			}
		} else {
			t.heading(1, ew.portfolio)
		}
		t.figures(p.Figures)
		summary := fmt.Sprintf("%s (%s, base %d)%s %s · %s%s %s", ew.npv, Percent(e.DiscountRate, lang), e.BaseYear, ew.colon,
			Money(p.Figures.NPV, lang), ew.monetized, ew.colon, Money(p.Figures.Monetized, lang))
		t.line(summary)
		if p.Project != nil && e.Scoring.HasCriteria() {
			t.line(e.scoreLine(p.Project, lang))
		}
		if s := p.Spread; s != nil {
			t.line(fmt.Sprintf("%s (%d %s, %s %d)%s %s P10 %s · P50 %s · P90 %s · P(%s > 0) = %s · %s P50 %s",
				ew.uncertainty, e.Draws, ew.draws, ew.seed, e.Seed, ew.colon, ew.npv,
				floatMoney(s.NPV.P10, lang), floatMoney(s.NPV.P50, lang), floatMoney(s.NPV.P90, lang), ew.npv,
				share(s.NPV.Positive, lang), ew.monetized, floatMoney(s.Monetized.P50, lang)))
		}
	}
	if len(e.Trajectories) > 0 {
		t.trajectories(planWordsFor(lang).commitmentsAll, e.Trajectories)
	}
	if e.Selection != nil {
		t.selection()
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeLine(b *strings.Builder, f Format, s string) {
	if f == Markdown {
		b.WriteString(escapeMarkdown(s) + "\n\n")
		return
	}
	b.WriteString("  " + SafeText(s) + "\n")
}

func listOr(xs []string, none string) string {
	if len(xs) == 0 {
		return none
	}
	return strings.Join(xs, ", ")
}

type (
	evalDoc struct {
		Schema       string         `json:"schema"`
		Provenance   *ProvenanceDoc `json:"provenance,omitempty"`
		Scenario     string         `json:"scenario"`
		BaseYear     int            `json:"base_year"`
		DiscountRate string         `json:"discount_rate"`
		Draws        int            `json:"draws"`
		Seed         uint64         `json:"seed"`
		Projects     []projectDoc   `json:"projects"`
		Portfolio    projectDoc     `json:"portfolio"`
		Selection    *selectionDoc  `json:"selection,omitempty"`
		// See evaluate_plan_json.go.
		Scoring     *scoringDoc     `json:"scoring,omitempty"`
		Commitments []trajectoryDoc `json:"commitments,omitempty"`
	}
	projectDoc struct {
		ID          string         `json:"id"`
		Title       string         `json:"title,omitempty"`
		Category    string         `json:"category,omitempty"`
		RequestedBy []string       `json:"requested_by,omitempty"`
		Years       []int          `json:"years"`
		Dimensions  []dimensionDoc `json:"dimensions"`
		NPV         string         `json:"npv"`
		Monetized   string         `json:"monetized"`
		Spread      *spreadsDoc    `json:"uncertainty,omitempty"`
		planDoc
	}
	dimensionDoc struct {
		Dimension  string   `json:"dimension"`
		Unit       string   `json:"unit"`
		Efforts    []string `json:"efforts"`
		Gains      []string `json:"gains"`
		Net        []string `json:"net"`
		Cumulative []string `json:"cumulative"`
		Total      string   `json:"total_net"`
		Ratio      *string  `json:"ratio"`
		Payback    *int     `json:"payback_year"`
	}
	spreadsDoc struct {
		NPV       spreadDoc   `json:"npv"`
		Monetized spreadDoc   `json:"monetized"`
		Net       []spreadDoc `json:"net"`
	}
	spreadDoc struct {
		Mean     string `json:"mean"`
		P10      string `json:"p10"`
		P50      string `json:"p50"`
		P90      string `json:"p90"`
		Positive string `json:"probability_positive"`
	}
	selectionDoc struct {
		Value       string          `json:"value"`
		Chosen      []string        `json:"chosen"`
		Ranking     []rankedDoc     `json:"ranking"`
		Constraints []constraintDoc `json:"constraints"`
		selectionPlanDoc
	}
	rankedDoc struct {
		ID      string `json:"id"`
		Value   string `json:"value"`
		PerEuro string `json:"value_per_euro"`
		Chosen  bool   `json:"chosen"`
		Reason  string `json:"reason,omitempty"`
		rankedPlanDoc
	}
	constraintDoc struct {
		Kind    string     `json:"kind"`
		Year    int        `json:"year,omitempty"`
		Limit   string     `json:"limit"`
		Used    string     `json:"used"`
		Binding bool       `json:"binding"`
		Relief  *reliefDoc `json:"relief,omitempty"`
		// Commitment names the commitment of a target (kind commitment).
		Commitment string `json:"commitment,omitempty"`
	}
	reliefDoc struct {
		Limit    string   `json:"limit"`
		Gain     string   `json:"gain"`
		Entering []string `json:"entering"`
		Leaving  []string `json:"leaving"`
		// ValueGain is the monetized value gained, EUR.
		ValueGain string `json:"value_gain"`
	}
)

// fixed renders a simulated figure with a fixed number of decimals, so
// that JSON output is identical across platforms for the same draws.
func fixed(v float64, places int32) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	return decimal.NewFromFloat(v).StringFixed(places)
}

func spreadJSON(s engine.Spread, places int32) spreadDoc {
	return spreadDoc{Mean: fixed(s.Mean, places), P10: fixed(s.P10, places), P50: fixed(s.P50, places), P90: fixed(s.P90, places), Positive: fixed(s.Positive, 4)}
}

func projectJSON(p EvaluatedProject) projectDoc {
	d := projectDoc{ID: p.id(), Years: p.Figures.Years, NPV: Cents(p.Figures.NPV), Monetized: Cents(p.Figures.Monetized)}
	if p.Project != nil {
		d.Title, d.Category, d.RequestedBy = p.Project.Title, p.Project.Category, p.Project.RequestedBy
	}
	strs := func(xs []decimal.Decimal) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = x.String()
		}
		return out
	}
	for _, df := range p.Figures.Dimensions {
		dd := dimensionDoc{Dimension: df.Dimension.ID, Unit: df.Dimension.Unit, Efforts: strs(df.Efforts), Gains: strs(df.Gains),
			Net: strs(df.Net), Cumulative: strs(df.Cumulative), Total: df.TotalNet.String()}
		if df.HasRatio {
			r := df.Ratio.String()
			dd.Ratio = &r
		}
		if df.Payback > 0 {
			y := df.Payback
			dd.Payback = &y
		}
		d.Dimensions = append(d.Dimensions, dd)
	}
	if s := p.Spread; s != nil {
		sd := &spreadsDoc{NPV: spreadJSON(s.NPV, 2), Monetized: spreadJSON(s.Monetized, 2)}
		for _, n := range s.Net {
			sd.Net = append(sd.Net, spreadJSON(n, 2))
		}
		d.Spread = sd
	}
	return d
}

func evaluationJSON(w io.Writer, e *Evaluation) error {
	doc := evalDoc{Schema: EvaluateSchema, Provenance: e.Provenance.JSON(false), Scenario: e.Scenario, BaseYear: e.BaseYear, DiscountRate: e.DiscountRate.String(),
		Draws: e.Draws, Seed: e.Seed, Projects: []projectDoc{}, Portfolio: projectJSON(e.Portfolio)}
	for _, p := range e.Projects {
		pd := projectJSON(p)
		pd.planDoc = e.planJSON(p)
		doc.Projects = append(doc.Projects, pd)
	}
	if sel := e.Selection; sel != nil {
		sd := &selectionDoc{Value: Cents(sel.Value), Chosen: append([]string{}, sel.Chosen...), Ranking: []rankedDoc{}, Constraints: []constraintDoc{}}
		for _, r := range sel.Ranking {
			sd.Ranking = append(sd.Ranking, rankedDoc{ID: r.ID, Value: Cents(r.Value), PerEuro: r.PerEuro.String(), Chosen: r.Chosen, Reason: r.Reason,
				rankedPlanDoc: rankedPlanJSON(r)})
		}
		for _, c := range sel.Constraints {
			cd := constraintDoc{Kind: c.Kind, Year: c.Year, Limit: c.Limit.String(), Used: c.Used.String(), Binding: c.Binding}
			if c.Commitment != nil {
				cd.Commitment = c.Commitment.ID
			}
			if r := c.Relief; r != nil {
				cd.Relief = &reliefDoc{Limit: r.Limit.String(), Gain: objectiveJSON(sel.Objective, r.Gain), Entering: append([]string{}, r.Entering...),
					Leaving: append([]string{}, r.Leaving...), ValueGain: Cents(r.Value)}
			}
			sd.Constraints = append(sd.Constraints, cd)
		}
		sd.selectionPlanDoc = e.selectionPlanJSON()
		doc.Selection = sd
	}
	doc.Scoring, doc.Commitments = e.scoringJSON(), trajectoriesJSON(e.Trajectories)
	return WriteJSON(w, doc)
}

// evaluationCSV writes one row per project, dimension and year.
func evaluationCSV(w io.Writer, e *Evaluation) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"project", "dimension", "unit", "year", "efforts", "gains", "net", "cumulative"}}
	for _, p := range e.all() {
		id := p.id()
		for _, df := range p.Figures.Dimensions {
			for i, y := range p.Figures.Years {
				rows = append(rows, []string{SafeCell(id), SafeCell(df.Dimension.ID), SafeCell(df.Dimension.Unit), strconv.Itoa(y),
					df.Efforts[i].String(), df.Gains[i].String(), df.Net[i].String(), df.Cumulative[i].String()})
			}
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// projectName names a request in words first, its id after: "Rationalisation
// du parc d'impression (rationalisation-impression)".
func projectName(p *engine.Project) string {
	if p.Title == "" {
		return p.ID
	}
	return p.Title + " (" + p.ID + ")"
}

// projectTitle is the title of the request with the given id, or the id.
func (e *Evaluation) projectTitle(id string) string {
	for _, p := range e.Projects {
		if p.Project != nil && p.Project.ID == id {
			return cmpOr(p.Project.Title, id)
		}
	}
	return id
}
