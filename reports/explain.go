package reports

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// TraceSchema names the JSON contract of the explain command; see
// docs/output.md.
const TraceSchema = "quotepart/trace/v1"

// Explained is a trace with the scenario it belongs to.
type Explained struct {
	ScenarioID, ScenarioTitle string
	Trace                     *engine.Trace
	Provenance                Provenance
	// Basis is "budget" (or empty) or "actuals"; Settled the year whose
	// regularisation the bill carries (Trace.Member.Regularisation), 0
	// when none.
	Basis   string
	Settled int
}

type traceWords struct {
	amount, billed, managerNote, pool, key, exactPart, rounded, extraCent, floorNote, fees, feeRate,
	rules, params, since, source, assumption, months, reads, sum, colon, open, close string
	actual, regul, imputed, acBefore, acAfter, basisActuals string
}

var traceVocabulary = map[Lang]traceWords{
	French: {amount: "Montant", billed: "facturé", managerNote: "le gestionnaire ne se facture pas",
		pool: "Charge", key: "clé", exactPart: "part exacte", rounded: "arrondie au centime",
		extraCent: "+0,01 € au titre des plus forts restes", floorNote: "arrondi au centime inférieur",
		fees: "frais de gestion", feeRate: "taux des frais", rules: "Règles (dans l'ordre d'évaluation)",
		params: "Paramètres", since: "depuis le", source: "source", assumption: "hypothèse", months: "mois",
		reads: "lit", sum: "Somme des parts", colon: "\u00a0:", open: "«\u00a0", close: "\u00a0»",
		actual: "montant réel", regul: "dont régularisation de %d", imputed: "réglé par imputation sur l'attribution de compensation (%s)",
		acBefore: "AC avant imputation", acAfter: "AC après imputation", basisActuals: "sur les chiffres réels"},
	English: {amount: "Amount", billed: "billed", managerNote: "the manager does not bill itself",
		pool: "Pool", key: "key", exactPart: "exact part", rounded: "rounded to the cent",
		extraCent: "+€0.01 from the largest remainders", floorNote: "rounded down to the cent",
		fees: "management fees", feeRate: "fee rate", rules: "Rules (in evaluation order)",
		params: "Parameters", since: "since", source: "source", assumption: "assumption", months: "months",
		reads: "reads", sum: "Sum of the parts", colon: ":", open: "“", close: "”",
		actual: "actual amount", regul: "of which regularisation of %d", imputed: "settled by imputation on the attribution de compensation (%s)",
		acBefore: "AC before imputation", acAfter: "AC after imputation", basisActuals: "on the actual figures"},
}

func traceText(w io.Writer, lang Lang, e Explained) error {
	tw := wordsIn(traceVocabulary, lang)
	t := e.Trace
	var b strings.Builder
	basis := ""
	if e.Basis == "actuals" {
		basis = ", " + tw.basisActuals
	}
	fmt.Fprintf(&b, "%s — %d%s — %s (%s)\n\n", SafeText(t.Member.Label), t.Year, basis, SafeText(e.ScenarioTitle), SafeText(e.ScenarioID))
	billed := Money(t.Member.Billed, lang)
	if t.Member.Manager {
		billed += " (" + tw.managerNote + ")"
	}
	if !t.Member.Regularisation.IsZero() {
		billed += " (" + fmt.Sprintf(tw.regul, e.Settled) + " " + SignedMoney(t.Member.Regularisation, lang) + ")"
	}
	fmt.Fprintf(&b, "%s%s %s, %s %s\n", tw.amount, tw.colon, Money(t.Member.Amount, lang), tw.billed, billed)
	if im := t.Member.Imputation; im != nil {
		fmt.Fprintf(&b, "  %s\n  %s%s %s ; %s%s %s\n", fmt.Sprintf(tw.imputed, SafeText(im.Parameter)), tw.acBefore, tw.colon, Money(im.Before, lang),
			tw.acAfter, tw.colon, Money(im.After, lang))
	}
	var terms []string
	for _, p := range t.Pools {
		terms = append(terms, Money(p.Part.Amount, lang))
		if !p.Part.Fees.IsZero() {
			terms = append(terms, Money(p.Part.Fees, lang))
		}
	}
	fmt.Fprintf(&b, "  = %s\n", strings.Join(terms, " + "))
	for _, p := range t.Pools {
		fmt.Fprintf(&b, "\n%s %s%s%s (%s), %s %s\n", tw.pool, tw.open, SafeText(p.Pool.Label), tw.close, SafeText(p.Pool.ID), tw.key, SafeText(p.Pool.Key))
		if a := p.Actual; a != nil {
			fmt.Fprintf(&b, "  %s%s %s   [%s]\n", tw.actual, tw.colon, Money(a.Amount, lang), SafeText(a.Pos.String()))
			if a.Source != "" {
				fmt.Fprintf(&b, "      %s%s %s\n", tw.source, tw.colon, SafeText(oneLine(a.Source)))
			}
			if a.Assumption != "" {
				fmt.Fprintf(&b, "      %s%s %s\n", tw.assumption, tw.colon, SafeText(oneLine(a.Assumption)))
			}
		}
		for i, ev := range p.Amount {
			if p.Actual != nil {
				if i < len(p.Key) {
					writeEvaluation(&b, "  ", p.Pool.Key+"["+t.Member.ID+"]", p.Key[i], t.Months, len(p.Key), tw.months)
				}
				continue
			}
			writeEvaluation(&b, "  ", p.Pool.ID, ev, t.Months, len(p.Amount), tw.months)
			if i < len(p.Key) {
				writeEvaluation(&b, "  ", p.Pool.Key+"["+t.Member.ID+"]", p.Key[i], t.Months, len(p.Key), tw.months)
			}
		}
		fmt.Fprintf(&b, "  %s %s, %s %s\n", SafeText(p.Pool.Label), Money(p.Pool.Amount, lang), tw.fees, Money(p.Pool.Fees, lang))
		product, feeProduct := "", ""
		if len(p.Amount) == 1 && len(p.Key) == 1 && len(t.FeeRate) <= 1 {
			weight := ""
			if p.Amount[0].Months < 12 {
				weight = fmt.Sprintf(" × %d/12", p.Amount[0].Months)
			}
			product = fmt.Sprintf("%s × %s%s = ", p.Amount[0].Value, p.Key[0].Value, weight)
			if len(t.FeeRate) == 1 {
				feeProduct = fmt.Sprintf("%s × %s × %s%s = ", p.Amount[0].Value, t.FeeRate[0].Value, p.Key[0].Value, weight)
			}
		} else {
			product = fmt.Sprintf("Σ %s × %s × %s/12 = ", tw.amount, tw.key, tw.months)
			feeProduct = fmt.Sprintf("Σ %s × %s × %s × %s/12 = ", tw.amount, tw.feeRate, tw.key, tw.months)
		}
		writePart(&b, tw, lang, tw.exactPart, product, p.Part.Exact, p.Part.Amount)
		if p.Fees && !p.Pool.Fees.IsZero() {
			writePart(&b, tw, lang, tw.exactPart+" ("+tw.fees+")", feeProduct, p.Part.ExactFees, p.Part.Fees)
		}
	}
	if len(t.FeeRate) > 0 {
		fmt.Fprintf(&b, "\n%s\n", capitalize(tw.feeRate))
		for _, ev := range t.FeeRate {
			writeEvaluation(&b, "  ", tw.feeRate, ev, t.Months, len(t.FeeRate), tw.months)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", tw.rules)
	for _, r := range t.Rules {
		for _, ev := range r.Evaluations {
			name := r.Rule.Name
			if ev.Member != "" {
				name += "[" + ev.Member + "]"
			}
			writeEvaluation(&b, "  ", name, ev, t.Months, segmentsOf(r.Evaluations, ev.Member), tw.months)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", tw.params)
	for _, p := range t.Params {
		for _, v := range p.Values {
			fmt.Fprintf(&b, "  %s = %s %s (%s %s)  [%s]\n", SafeText(p.Param.Name), v.Value, SafeText(p.Param.Unit), tw.since, Date(v.From, lang), SafeText(v.Pos.String()))
		}
		if p.Param.Source != "" {
			fmt.Fprintf(&b, "      %s%s %s\n", tw.source, tw.colon, SafeText(oneLine(p.Param.Source)))
		}
		if p.Param.Assumption != "" {
			fmt.Fprintf(&b, "      %s%s %s\n", tw.assumption, tw.colon, SafeText(oneLine(p.Param.Assumption)))
		}
	}
	fmt.Fprintf(&b, "\n%s%s %s\n", tw.sum, tw.colon, Money(t.Total(), lang))
	_, err := io.WriteString(w, b.String())
	return err
}

func segmentsOf(evs []engine.Evaluation, member string) int {
	n := 0
	for _, ev := range evs {
		if ev.Member == member {
			n++
		}
	}
	return n
}

// writeEvaluation writes `name = formula   [file:line:col]`, the inputs it
// read, and the value it produced; a segment shorter than the year says
// which months it covers.
func writeEvaluation(b *strings.Builder, indent, name string, ev engine.Evaluation, yearMonths, segments int, months string) {
	when := ""
	if segments > 1 || ev.Months < yearMonths {
		when = fmt.Sprintf(" (%s %d–%d)", months, ev.FromMonth, ev.FromMonth+ev.Months-1)
	}
	fmt.Fprintf(b, "%s%s%s = %s   [%s]\n", indent, SafeText(name), when, SafeText(oneLine(ev.Source)), SafeText(ev.Pos.String()))
	var in []string
	for _, i := range ev.Inputs {
		if i.PerMember != nil {
			ids := make([]string, 0, len(i.PerMember))
			for id := range i.PerMember {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			var parts []string
			for _, id := range ids {
				parts = append(parts, fmt.Sprintf("%s: %s", SafeText(id), i.PerMember[id]))
			}
			in = append(in, fmt.Sprintf("%s = {%s}", SafeText(i.Name), strings.Join(parts, ", ")))
			continue
		}
		in = append(in, fmt.Sprintf("%s = %s", SafeText(i.Name), i.Value))
	}
	if len(in) > 0 {
		fmt.Fprintf(b, "%s    %s\n", indent, strings.Join(in, " ; "))
	}
	fmt.Fprintf(b, "%s    → %s\n", indent, ev.Value)
}

func writePart(b *strings.Builder, tw traceWords, lang Lang, what, product string, exact, rounded decimal.Decimal) {
	note := tw.floorNote
	if !rounded.Equal(exact.RoundFloor(2)) && !rounded.IsNegative() {
		note += ", " + tw.extraCent
	}
	fmt.Fprintf(b, "  %s%s %s%s\n      → %s (%s)\n", what, tw.colon, product, exact, Money(rounded, lang), note)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

type (
	traceDoc struct {
		Schema     string          `json:"schema"`
		Provenance *ProvenanceDoc  `json:"provenance,omitempty"`
		Scenario   scenarioRef     `json:"scenario"`
		Basis      string          `json:"basis,omitempty"`
		Member     memberDoc       `json:"member"`
		Year       int             `json:"year"`
		Settled    int             `json:"settled,omitempty"`
		Months     int             `json:"months"`
		Pools      []poolTraceDoc  `json:"pools"`
		FeeRate    []evaluationDoc `json:"fee_rate,omitempty"`
		Rules      []ruleTraceDoc  `json:"rules"`
		Params     []paramDoc      `json:"parameters"`
		Sum        string          `json:"sum"`
	}
	poolTraceDoc struct {
		ID        string          `json:"id"`
		Label     string          `json:"label"`
		Key       string          `json:"key"`
		Amount    string          `json:"amount"`
		Fees      string          `json:"fees"`
		Formula   []evaluationDoc `json:"amount_formula"`
		KeyValue  []evaluationDoc `json:"key_formula"`
		Exact     string          `json:"part_exact"`
		Part      string          `json:"part"`
		ExactFees string          `json:"fees_exact"`
		PartFees  string          `json:"part_fees"`
		Actual    *actualDoc      `json:"actual,omitempty"`
	}
	actualDoc struct {
		Amount     string `json:"amount"`
		Position   string `json:"position"`
		Source     string `json:"source,omitempty"`
		Assumption string `json:"assumption,omitempty"`
	}
	ruleTraceDoc struct {
		Name        string          `json:"name"`
		Label       string          `json:"label,omitempty"`
		PerMember   bool            `json:"per_member"`
		Evaluations []evaluationDoc `json:"evaluations"`
	}
	evaluationDoc struct {
		FromMonth int        `json:"from_month"`
		Months    int        `json:"months"`
		Member    string     `json:"member,omitempty"`
		Formula   string     `json:"formula"`
		Position  string     `json:"position"`
		Inputs    []inputDoc `json:"inputs"`
		Value     string     `json:"value"`
	}
	inputDoc struct {
		Name      string            `json:"name"`
		Kind      string            `json:"kind"`
		Value     string            `json:"value"`
		PerMember map[string]string `json:"per_member,omitempty"`
	}
	paramDoc struct {
		Name       string          `json:"name"`
		Unit       string          `json:"unit"`
		Source     string          `json:"source,omitempty"`
		Assumption string          `json:"assumption,omitempty"`
		Values     []datedValueDoc `json:"values"`
	}
	datedValueDoc struct {
		From     string `json:"from"`
		Value    string `json:"value"`
		Position string `json:"position"`
	}
)

func newActualDoc(a *engine.Actual) *actualDoc {
	if a == nil {
		return nil
	}
	return &actualDoc{Amount: Cents(a.Amount), Position: a.Pos.String(), Source: oneLine(a.Source), Assumption: oneLine(a.Assumption)}
}

// basisDoc is the basis as the JSON contracts write it: left out for the
// budget.
func basisDoc(b string) string {
	if b == "budget" {
		return ""
	}
	return b
}

func evaluationsJSON(evs []engine.Evaluation) []evaluationDoc {
	out := []evaluationDoc{}
	for _, ev := range evs {
		d := evaluationDoc{FromMonth: ev.FromMonth, Months: ev.Months, Member: ev.Member, Formula: ev.Source,
			Position: ev.Pos.String(), Inputs: []inputDoc{}, Value: ev.Value.String()}
		for _, in := range ev.Inputs {
			id := inputDoc{Name: in.Name, Kind: in.Kind, Value: in.Value.String()}
			if in.PerMember != nil {
				id.PerMember = map[string]string{}
				for k, v := range in.PerMember {
					id.PerMember[k] = v.String()
				}
			}
			d.Inputs = append(d.Inputs, id)
		}
		out = append(out, d)
	}
	return out
}

func traceJSON(w io.Writer, e Explained) error {
	t := e.Trace
	m := t.Member
	doc := traceDoc{Schema: TraceSchema, Provenance: e.Provenance.JSON(false), Scenario: scenarioRef{e.ScenarioID, e.ScenarioTitle},
		Member: memberDoc{ID: m.ID, Label: m.Label, Manager: m.Manager, Share: Key(m.Share), Amount: Cents(m.Amount), Fees: Cents(m.Fees), Billed: Cents(m.Billed)},
		Year:   t.Year, Months: t.Months, Pools: []poolTraceDoc{}, Rules: []ruleTraceDoc{}, Params: []paramDoc{},
		FeeRate: evaluationsJSON(t.FeeRate), Sum: Cents(t.Total())}
	for _, p := range t.Pools {
		doc.Pools = append(doc.Pools, poolTraceDoc{ID: p.Pool.ID, Label: p.Pool.Label, Key: p.Pool.Key,
			Amount: Cents(p.Pool.Amount), Fees: Cents(p.Pool.Fees), Formula: evaluationsJSON(p.Amount), KeyValue: evaluationsJSON(p.Key),
			Exact: p.Part.Exact.String(), Part: Cents(p.Part.Amount), ExactFees: p.Part.ExactFees.String(), PartFees: Cents(p.Part.Fees),
			Actual: newActualDoc(p.Actual)})
	}
	for _, r := range t.Rules {
		doc.Rules = append(doc.Rules, ruleTraceDoc{Name: r.Rule.Name, Label: r.Rule.Label, PerMember: r.Rule.PerMember, Evaluations: evaluationsJSON(r.Evaluations)})
	}
	for _, p := range t.Params {
		pd := paramDoc{Name: p.Param.Name, Unit: p.Param.Unit, Source: oneLine(p.Param.Source), Assumption: oneLine(p.Param.Assumption), Values: []datedValueDoc{}}
		for _, v := range p.Values {
			pd.Values = append(pd.Values, datedValueDoc{From: v.From.String(), Value: v.Value.String(), Position: v.Pos.String()})
		}
		doc.Params = append(doc.Params, pd)
	}
	return WriteJSON(w, doc)
}
