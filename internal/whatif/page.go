package whatif

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
)

//go:embed web
var assets embed.FS

var templates = template.Must(template.New("").ParseFS(assets, "web/*.html"))

// pageView is what the page template shows: the variants, the form of the
// one being edited, filled from the query as the user typed it, and the
// results or the problems.
type pageView struct {
	ServiceTitle string
	// Print is the printable version: the assumptions and the results,
	// no form.
	Print bool
	// Variants are the tabs of the variants; Add and Remove are the
	// addresses that add a variant (a copy of the one edited) and remove
	// the one edited.
	Variants     []variantTab
	Add, Remove  string
	Active       int
	ActiveLetter string
	Scenario     *Base
	Scenarios    []option
	Compare      []option
	Champs       *champsView
	Download     string
	PrintHref    string
	Results      *resultsView
	Problems     *problemsView
	// Generation counts the rule sets loaded since the server started
	// (serve reloads them when their files change); Reload says why the
	// last files did not load, when they did not.
	Generation int64
	Reload     string
	// Glossary explains the words of the page.
	Glossary [][2]string
}

// variantTab is one variant in the page's list of variants.
type variantTab struct {
	Letter, Title, Href string
	Active              bool
}

// champsView is the part of the form that depends on the scenario the
// edited variant starts from: /formulaire serves it alone when the
// scenario changes.
type champsView struct {
	Scenario  *Base
	Years     []int
	Units     []unitView
	Fee       *paramView
	KeyParams []paramView
	Member    memberView
	Joins     []joinView
	Projects  []projectView
	// ProjectsDescribed are the ids of the messages about the projects.
	ProjectsDescribed string
}

type option struct {
	Value, Label string
	Selected     bool
}

type unitView struct {
	Name, Label, Now string
	Cells            []fieldView
}

type fieldView struct {
	Name, Value, Label string
	Year               int
	Invalid            bool
	// Described lists the ids of the messages about the field, for
	// aria-describedby.
	Described string
}

type paramView struct {
	Name, Label, Unit, Value, Default, Now string
	Invalid                                bool
	Described                              string
	From                                   []option
	FromName                               string
	FromDefault                            string
}

type memberView struct {
	Label, Date, Population fieldView
	Min, Max                string
	Ref                     string
}

// joinView is a member whose joining date the page may move later.
type joinView struct {
	Name, Label, Value, Default, Max string
	Invalid                          bool
	Described                        string
}

type projectView struct {
	ID, Title, Category string
	// Nets words the request's net over the horizon in each dimension.
	Nets             string
	Checked, Default bool
}

type problemsView struct {
	Problems []problemView
	// Refused is the rules' message when the state was valid but the
	// rules refuse the what-if; Busy when the server could not compute.
	Refused string
	Busy    string
}

// problemView is a mistake, with the id that its field's
// aria-describedby names and, when the field is on the form, a link to it.
type problemView struct {
	ID, Field, Message, Href string
}

// resultsView is the results of the page: the variants side by side when
// there are several, and the detail of the one the form edits.
type resultsView struct {
	Query string
	// Announce is the sentence a screen reader hears when the results
	// change.
	Announce string
	Side     *sideView
	Detail   *detailView
}

// detailView is the results of one what-if: each member's amount per year
// and its change against the base.
type detailView struct {
	Letter        string // the variant's letter when there are several
	Title         string
	BaselineTitle string
	// ScenarioTitle is the title of the scenario the what-if extends.
	ScenarioTitle string
	Years         []int
	Period        string
	Rows          []rowView
	Total         rowView
	// NewMembers are the members absent from the base: their whole bill
	// is shown apart, not as a change.
	NewMembers []rowView
	Chart      chartView
	Staff      []staffView
	Changes    []string
	// Messages are one sentence per member: what it would pay over the
	// years and the change against the base.
	Messages []string
	Elapsed  string
	Cached   bool
}

type rowView struct {
	ID, Label    string
	Manager, New bool
	Colour       int
	Cells        []cellView
	Sum          cellView
}

type cellView struct {
	ID, Value, Text string
	Delta, Pct      string
	Class           string
	Absent          bool
}

type staffView struct {
	Label string
	Cells []staffCell
}

type staffCell struct {
	Text, Delta, Class string
}

// sideView sets the variants side by side: each member's amount over the
// years with each, and its change against the same base.
type sideView struct {
	BaseTitle string
	Period    string
	Columns   []sideColumn
	Rows      []sideRow
	Total     sideRow
}

type sideColumn struct {
	Letter, Title string
	Changes       []string
	Active        bool
}

type sideRow struct {
	ID, Label string
	New       bool
	Base      cellView
	Cells     []cellView
}

// pageState is a page's query parsed and computed.
type pageState struct {
	variants Variants
	evals    []evaluation
	// err holds the problems of the query; evals is then empty.
	err    error
	status int
}

// failed is the first variant that could not be computed, or nil.
func (p pageState) failed() *evaluation {
	if p.err != nil {
		return &evaluation{err: p.err, status: p.status}
	}
	for i := range p.evals {
		if p.evals[i].err != nil {
			return &p.evals[i]
		}
	}
	return nil
}

func (h *Handler) renderPage(w io.Writer, rawQuery string, ps pageState, print bool) error {
	s := h.sim()
	q, err := url.ParseQuery(rawQuery)
	if err != nil || len(rawQuery) > MaxQueryBytes {
		q = url.Values{}
	}
	// The form shows the variant it edits, read from the query as typed
	// (a figure with a mistake stays in its field).
	queries, active, _ := splitVariants(rawQuery)
	if len(queries) == 0 {
		queries, active = []string{""}, 0
	}
	b, vq := editedVariant(s, rawQuery)
	prefix := variantPrefix(active)
	problems := problemsOf(s, ps, prefix)
	v := &pageView{ServiceTitle: s.ws.Rules.Model.Title, Scenario: b, Print: print, Active: active, ActiveLetter: VariantLetter(active),
		Generation: h.generation(), Reload: h.reloadError()}
	compare := q.Get("compare")
	first := s.Default()
	if len(queries) > 0 {
		fq, _ := url.ParseQuery(queries[0])
		if x := s.byID[fq.Get("scenario")]; x != nil {
			first = x
		}
	}
	v.Compare = append(v.Compare, option{Value: "", Label: "le scénario de départ de la variante A, sans modification", Selected: compare == "" || compare == first.ID})
	for _, x := range s.bases {
		v.Scenarios = append(v.Scenarios, option{Value: x.ID, Label: x.Title, Selected: x == b})
		if x != first {
			v.Compare = append(v.Compare, option{Value: x.ID, Label: x.Title, Selected: x.ID == compare})
		}
	}
	v.Champs = champsOf(s, b, vq, problems)
	v.Glossary = pageGlossary(b)

	// The variants' tabs, and the addresses that add and remove one.
	if ps.err == nil && len(ps.variants.States) > 0 {
		pv := ps.variants
		for i, st := range pv.States {
			tab := variantTab{Letter: VariantLetter(i), Title: s.byID[st.Scenario].Title, Active: i == pv.Active}
			sw := pv
			sw.Active = i
			tab.Href = "/?" + sw.Query(s).Encode()
			v.Variants = append(v.Variants, tab)
		}
		if len(pv.States) < MaxVariants {
			v.Add = "/?" + pv.added().Query(s).Encode()
		}
		if len(pv.States) > 1 {
			v.Remove = "/?" + pv.without(pv.Active).Query(s).Encode()
		}
		v.Download = "/scenario.yaml"
		if enc := pv.States[pv.Active].Query(s).Encode(); enc != "" {
			v.Download += "?" + enc
		}
		v.PrintHref = "/impression"
		if enc := pv.Query(s).Encode(); enc != "" {
			v.PrintHref += "?" + enc
		}
	} else {
		v.Download, v.PrintHref = "/scenario.yaml", "/impression"
		for i := range queries {
			v.Variants = append(v.Variants, variantTab{Letter: VariantLetter(i), Title: "", Active: i == active})
		}
	}
	if failed := ps.failed(); failed == nil {
		v.Results = h.resultsView(ps)
	} else {
		v.Problems = problems
	}
	return templates.ExecuteTemplate(w, "page.html", v)
}

// editedVariant is the scenario the variant the form edits starts from,
// and its query as typed, without prefix: the form shows it even when it
// holds mistakes.
func editedVariant(s *Simulator, rawQuery string) (*Base, url.Values) {
	queries, active, _ := splitVariants(rawQuery)
	if len(queries) == 0 {
		queries, active = []string{""}, 0
	}
	vq, _ := url.ParseQuery(queries[active])
	vq.Del("compare")
	b := s.Default()
	if x := s.byID[vq.Get("scenario")]; x != nil {
		b = x
	}
	return b, vq
}

// champsOf is the form of a variant starting from b, filled from its query
// vq (unprefixed), its fields marked with the problems found.
func champsOf(s *Simulator, b *Base, vq url.Values, problems *problemsView) *champsView {
	invalid := map[string]bool{}
	described := map[string][]string{}
	if problems != nil {
		for _, p := range problems.Problems {
			if p.Href != "" {
				field := strings.TrimPrefix(p.Href, "#")
				invalid[field] = true
				described[field] = append(described[field], p.ID)
			}
		}
	}
	desc := func(names ...string) string {
		var ids []string
		for _, n := range names {
			ids = append(ids, described[n]...)
		}
		return strings.Join(ids, " ")
	}
	c := &champsView{Scenario: b}
	for y := b.From; y <= b.To; y++ {
		c.Years = append(c.Years, y)
	}
	jan := engine.NewDate(b.From, 1, 1)
	for _, u := range b.Units {
		uv := unitView{Name: u.Name, Label: u.Label, Now: reports.Number(valueAt(u.Values, jan), decimalsOf(valueAt(u.Values, jan)), reports.French)}
		for _, y := range c.Years {
			name := fmt.Sprintf("etc.%s.%d", u.Name, y)
			uv.Cells = append(uv.Cells, fieldView{Name: name, Value: vq.Get(name), Year: y, Invalid: invalid[name], Described: desc(name),
				Label: fmt.Sprintf("%s : postes ajoutés ou retirés au 1er janvier %d", u.Label, y)})
		}
		c.Units = append(c.Units, uv)
	}
	paramOf := func(p Param) paramView {
		cur := valueAt(p.Values, jan)
		unit := unitLabel(p.Unit)
		if p.Percent {
			cur, unit = cur.Shift(2), "%"
		}
		def := inputNumber(cur)
		pv := paramView{Name: "p." + p.Name, Label: p.Label, Unit: unit, Default: def, Value: def,
			Now:      reports.Number(cur, decimalsOf(cur), reports.French) + "\u00a0" + unit,
			FromName: "p." + p.Name + ".from", FromDefault: strconv.Itoa(b.From)}
		if x, ok := vq["p."+p.Name]; ok && strings.TrimSpace(x[0]) != "" {
			pv.Value = x[0]
		}
		pv.Invalid = invalid[pv.Name] || invalid[pv.FromName]
		pv.Described = desc(pv.Name, pv.FromName)
		from := vq.Get(pv.FromName)
		for _, y := range c.Years {
			pv.From = append(pv.From, option{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: strconv.Itoa(y) == from || from == "" && y == b.From})
		}
		return pv
	}
	if b.FeeParam != nil {
		fee := paramOf(*b.FeeParam)
		c.Fee = &fee
	}
	for _, p := range b.KeyParams {
		c.KeyParams = append(c.KeyParams, paramOf(p))
	}
	field := func(name string) fieldView {
		return fieldView{Name: name, Value: vq.Get(name), Invalid: invalid[name], Described: desc(name)}
	}
	c.Member = memberView{
		Label: field("nm.label"), Date: field("nm.date"), Population: field("nm.population"),
		Min: engine.NewDate(b.From, 1, 1).String(),
		Max: engine.NewDate(b.To, 12, 1).String(),
	}
	for _, m := range b.joiners() {
		if joinVersions(b, m.ID) != nil {
			continue
		}
		jv := joinView{Name: "adh." + m.ID, Label: m.Label, Default: m.Joined.String(), Value: m.Joined.String(),
			Max: engine.NewDate(b.To, 12, 1).String(), Invalid: invalid["adh."+m.ID], Described: desc("adh." + m.ID)}
		if x := vq.Get(jv.Name); x != "" {
			jv.Value = x
		}
		c.Joins = append(c.Joins, jv)
	}
	if ref, err := newMemberRef(b, engine.NewDate(b.To, 1, 1)); err == nil {
		c.Member.Ref = ref.label
	}
	defaults := b.portfolioIDs()
	chosen, set := vq["projets"]
	for _, p := range s.projects {
		pv := projectView{ID: p.ID, Title: p.Title, Category: p.Category, Nets: netsText(p.Nets), Default: slices.Contains(defaults, p.ID)}
		pv.Checked = pv.Default
		if set {
			pv.Checked = slices.Contains(strings.Split(chosen[0], ","), p.ID)
		}
		c.Projects = append(c.Projects, pv)
	}
	c.ProjectsDescribed = desc("projets")
	return c
}

// formFields are the names of the fields of a variant's form starting from
// b, as the address names them unprefixed, with the id of the element a
// message about them links to.
func formFields(s *Simulator, b *Base) map[string]string {
	out := map[string]string{"scenario": "scenario", "compare": "compare", "projets": "projets"}
	for _, u := range b.Units {
		for y := b.From; y <= b.To; y++ {
			name := fmt.Sprintf("etc.%s.%d", u.Name, y)
			out[name] = name
		}
	}
	params := slices.Clone(b.KeyParams)
	if b.FeeParam != nil {
		params = append(params, *b.FeeParam)
	}
	for _, p := range params {
		out["p."+p.Name] = "p." + p.Name
		out["p."+p.Name+".from"] = "p." + p.Name + ".from"
	}
	for _, m := range b.joiners() {
		out["adh."+m.ID] = "adh." + m.ID
	}
	for _, n := range []string{"nm.label", "nm.date", "nm.population"} {
		out[n] = n
	}
	return out
}

func (h *Handler) renderResults(w io.Writer, ps pageState) error {
	return templates.ExecuteTemplate(w, "results", h.resultsView(ps))
}

func (h *Handler) renderProblems(w io.Writer, ps pageState) error {
	// The fragment names the fields of the variant the form edits.
	prefix := ""
	if ps.err == nil {
		prefix = variantPrefix(ps.variants.Active)
	}
	return templates.ExecuteTemplate(w, "problems", problemsOf(h.sim(), ps, prefix))
}

// problemsOf words what went wrong with a page: the mistakes of the query,
// each with an id and, when its field is on the form of the variant being
// edited (prefix), a link to it; or the rules' refusal; or the server's.
func problemsOf(s *Simulator, ps pageState, prefix string) *problemsView {
	failed := ps.failed()
	if failed == nil {
		return nil
	}
	err := failed.err
	var pbs Problems
	var ce *ComputeError
	var tl tooLongError
	switch {
	case errors.As(err, &pbs):
		// Which scenario the edited variant starts from decides its
		// fields; the query may not say (a mistake in it).
		b := s.Default()
		if ps.err == nil && len(ps.variants.States) > 0 {
			b = s.byID[ps.variants.States[ps.variants.Active].Scenario]
		}
		fields := formFields(s, b)
		out := &problemsView{}
		for i, p := range pbs {
			pv := problemView{ID: fmt.Sprintf("erreur-%d", i+1), Field: p.Field, Message: p.Message}
			if rest, ok := strings.CutPrefix(p.Field, prefix); ok && (prefix != "" || groupIndex(p.Field) == 0) {
				if id, ok := fields[rest]; ok {
					pv.Href = "#" + id
				}
			}
			if p.Field == "compare" {
				pv.Href = "#compare"
			}
			out.Problems = append(out.Problems, pv)
		}
		return out
	case errors.As(err, &ce):
		return &problemsView{Refused: ce.Error()}
	case errors.As(err, &tl):
		return &problemsView{Busy: "Le calcul de cette simulation a dépassé la limite de " + frenchDuration(tl.limit) + " : il a été arrêté. Réessayez dans un instant ; si cela se reproduit, la simulation est trop lourde pour cette page."}
	case errors.Is(err, errBusy):
		return &problemsView{Busy: "Le serveur est très sollicité : la simulation n'a pas pu être calculée à temps. Réessayez dans un instant."}
	}
	return &problemsView{Busy: "La simulation n'a pas pu être calculée (erreur du serveur)."}
}

// groupIndex is the variant a field of the address belongs to (0 for the
// page's own parameters).
func groupIndex(field string) int {
	g, _ := groupOf(field)
	return max(g, 0)
}

// inputNumber writes a number as a form field shows it: a decimal comma,
// no grouping.
func inputNumber(d decimal.Decimal) string {
	return strings.Replace(d.String(), ".", ",", 1)
}

func (h *Handler) resultsView(ps pageState) *resultsView {
	s := h.sim()
	v := &resultsView{Query: ps.variants.Query(s).Encode()}
	active := ps.variants.Active
	several := len(ps.evals) > 1
	colours := memberColours(s, ps.evals)
	for i, ev := range ps.evals {
		if i != active {
			continue
		}
		v.Detail = detailOf(s, ev, colours)
		if several {
			v.Detail.Letter = VariantLetter(i)
		}
	}
	if several {
		v.Side = sideOf(s, ps)
	}
	if d := v.Detail; d != nil {
		total := d.Total.Sum
		v.Announce = fmt.Sprintf("Résultats mis à jour : sur %s, total %s", d.Period, total.Text)
		if total.Delta != "" {
			v.Announce += ", écart " + total.Delta
		}
		v.Announce += "."
	}
	return v
}

// memberColours gives each member of the page its colour: the members of
// the rules as loaded in their order, then the members the what-ifs add,
// as the report does.
func memberColours(s *Simulator, evals []evaluation) map[string]int {
	var results []*engine.Result
	for _, ev := range evals {
		if ev.out != nil {
			results = append(results, ev.out.Baseline, ev.out.Result)
		}
	}
	return reports.MemberColours(s.ws.Rules.Model, results...)
}

// detailOf is the results of one what-if, year by year.
func detailOf(s *Simulator, ev evaluation, colours map[string]int) *detailView {
	out := ev.out
	c := out.Comparison
	v := &detailView{Title: out.Result.Title, BaselineTitle: out.Baseline.Title, Changes: out.Changes,
		ScenarioTitle: s.byID[ev.state.Scenario].Title,
		Elapsed:       strings.Replace(fmt.Sprintf("%.1f", float64(out.Elapsed.Microseconds())/1000), ".", ",", 1),
		Cached:        ev.cached}
	for _, y := range c.Years {
		v.Years = append(v.Years, y.Year)
	}
	if len(v.Years) > 0 {
		v.Period = fmt.Sprintf("%d–%d", v.Years[0], v.Years[len(v.Years)-1])
	}
	type key struct {
		year   int
		member string
	}
	rows := map[key]reports.Delta{}
	for _, r := range c.Rows {
		rows[key{r.Year, r.Member}] = r
	}
	managers := map[string]bool{}
	for _, res := range []*engine.Result{out.Baseline, out.Result} {
		for _, y := range res.Years {
			for _, m := range y.Members {
				managers[m.ID] = m.Manager
			}
		}
	}
	baseMembers := map[string]bool{}
	for _, y := range out.Baseline.Years {
		for _, m := range y.Members {
			baseMembers[m.ID] = true
		}
	}
	for _, m := range c.Members {
		row := rowView{ID: m.Member, Label: m.Label, Manager: managers[m.Member], New: !baseMembers[m.Member], Colour: colours[m.Member]}
		for _, y := range v.Years {
			d, ok := rows[key{y, m.Member}]
			cell := cellView{ID: fmt.Sprintf("%s-%d", m.Member, y)}
			switch {
			case !ok:
				cell.Absent, cell.Text = true, "—"
			case row.New:
				// A new member's bill is its own, not a change.
				cell = amountCell(cell.ID, d)
				if !d.InOther {
					cell.Text = "—"
				}
			default:
				cell = deltaCell(cell.ID, d)
				if !d.InOther {
					cell.Text = "—"
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		if row.New {
			row.Sum = amountCell(m.Member+"-total", m)
			v.NewMembers = append(v.NewMembers, row)
			continue
		}
		row.Sum = deltaCell(m.Member+"-total", m)
		v.Rows = append(v.Rows, row)
	}
	v.Messages = memberMessages(c, baseMembers, managers, v.Period, out.Result)
	v.Total = rowView{ID: "total", Label: "Total"}
	for _, y := range c.Years {
		v.Total.Cells = append(v.Total.Cells, deltaCell(fmt.Sprintf("total-%d", y.Year), y))
	}
	v.Total.Sum = deltaCell("total-total", c.Total)
	v.Chart = deltaChart(c, v.Years, baseMembers, colours)
	for _, u := range s.byID[ev.state.Scenario].Units {
		sv := staffView{Label: u.Label}
		for _, y := range v.Years {
			now, okNow := staffAt(out.Result, y, u.Name)
			was, okWas := staffAt(out.Baseline, y, u.Name)
			cell := staffCell{Text: "—"}
			if okNow {
				cell.Text = reports.Number(now, decimalsOf(now), reports.French)
			}
			if okNow && okWas && !now.Equal(was) {
				diff := now.Sub(was)
				cell.Delta = reports.Signed(reports.Number(diff, decimalsOf(diff), reports.French), diff)
				cell.Class = className(diff)
			}
			sv.Cells = append(sv.Cells, cell)
		}
		v.Staff = append(v.Staff, sv)
	}
	return v
}

// sideOf sets the variants side by side over the years: each member's
// amount with the base and with each variant, and the change.
func sideOf(s *Simulator, ps pageState) *sideView {
	first := ps.evals[0].out
	v := &sideView{BaseTitle: first.Baseline.Title}
	if ys := first.Comparison.Years; len(ys) > 0 {
		v.Period = fmt.Sprintf("%d–%d", ys[0].Year, ys[len(ys)-1].Year)
	}
	var order []string
	labels := map[string]string{}
	baseAmounts := map[string]decimal.Decimal{}
	for _, ev := range ps.evals {
		for _, m := range ev.out.Comparison.Members {
			if _, ok := labels[m.Member]; !ok {
				order = append(order, m.Member)
				labels[m.Member] = m.Label
				baseAmounts[m.Member] = m.Base
			}
		}
	}
	for i, ev := range ps.evals {
		v.Columns = append(v.Columns, sideColumn{Letter: VariantLetter(i), Title: ev.out.Result.Title, Changes: ev.out.Changes,
			Active: i == ps.variants.Active})
	}
	for _, id := range order {
		row := sideRow{ID: id, Label: labels[id], Base: cellView{Text: reports.Money(baseAmounts[id], reports.French), Value: reports.Cents(baseAmounts[id])}}
		row.New = baseAmounts[id].IsZero()
		for i, ev := range ps.evals {
			cell := cellView{ID: fmt.Sprintf("%s-%s", strings.ToLower(VariantLetter(i)), id), Text: "—", Absent: true}
			for _, d := range ev.out.Comparison.Members {
				if d.Member == id {
					cell = deltaCell(cell.ID, d)
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		v.Rows = append(v.Rows, row)
	}
	v.Total = sideRow{ID: "total", Label: "Total", Base: cellView{Text: reports.Money(first.Comparison.Total.Base, reports.French)}}
	for i, ev := range ps.evals {
		v.Total.Cells = append(v.Total.Cells, deltaCell(fmt.Sprintf("%s-total", strings.ToLower(VariantLetter(i))), ev.out.Comparison.Total))
	}
	return v
}

// staffAt is a unit's value in the first months of a year.
func staffAt(res *engine.Result, year int, name string) (decimal.Decimal, bool) {
	for _, y := range res.Years {
		if y.Year == year && len(y.Segments) > 0 {
			v, ok := y.Segments[0].Values[name]
			return v, ok
		}
	}
	return decimal.Decimal{}, false
}

func deltaCell(id string, d reports.Delta) cellView {
	c := cellView{ID: id, Value: reports.Cents(d.Other), Text: reports.Money(d.Other, reports.French), Class: className(d.Change)}
	if !d.Change.IsZero() {
		c.Delta = reports.SignedMoney(d.Change, reports.French)
		if d.HasPct {
			c.Pct = reports.ChangePercent(d, reports.French)
		}
	}
	return c
}

// amountCell is a new member's amount: what it pays, without a change.
func amountCell(id string, d reports.Delta) cellView {
	return cellView{ID: id, Value: reports.Cents(d.Other), Text: reports.Money(d.Other, reports.French), Class: "nouveau"}
}

func className(d decimal.Decimal) string {
	switch d.Sign() {
	case 1:
		return "hausse"
	case -1:
		return "baisse"
	}
	return "nul"
}

// netsText words a request's net over the horizon in each dimension, in
// the dimensions' units: "net : −120 000,00 € · −0,50 ETC · +3 200,0
// kgCO2e".
func netsText(nets []engine.DimensionFigures) string {
	parts := make([]string, 0, len(nets))
	for _, df := range nets {
		d, v := df.Dimension, df.TotalNet
		text := reports.Number(v, d.Decimals, reports.French) + "\u00a0" + d.Unit
		if d.Valued == engine.AsMoney {
			text = reports.Money(v, reports.French)
		}
		parts = append(parts, reports.Signed(text, v))
	}
	if len(parts) == 0 {
		return ""
	}
	return "net\u00a0: " + strings.Join(parts, " · ")
}

// memberMessages are the key messages of a what-if, one sentence per
// member, as the report writes them: « Ville de Rouen : paierait 10,57 M€
// sur 2026–2030, soit -71 504 € (-0,67 %) par rapport à « Convention 2026 ». »
// A new member's sentence gives what it would pay, not a change.
func memberMessages(c *reports.Comparison, existing, managers map[string]bool, period string, res *engine.Result) []string {
	var out []string
	fr := reports.French
	for _, m := range c.Members {
		verb := "paierait"
		if managers[m.Member] {
			verb = "supporterait"
		}
		if !existing[m.Member] {
			out = append(out, fmt.Sprintf("%s, nouveau membre : paierait %s sur %s.", m.Label, reports.ApproxMoney(m.Other, fr), presentYears(res, m.Member)))
			continue
		}
		if m.Change.IsZero() {
			out = append(out, fmt.Sprintf("%s : %s %s sur %s, comme dans « %s ».", m.Label, verb, reports.ApproxMoney(m.Other, fr), period, c.Base.Title))
			continue
		}
		change := reports.Signed(reports.ApproxMoney(m.Change, fr), m.Change)
		if m.HasPct {
			change += " (" + reports.ChangePercent(m, fr) + ")"
		}
		out = append(out, fmt.Sprintf("%s : %s %s sur %s, soit %s par rapport à « %s ».", m.Label, verb, reports.ApproxMoney(m.Other, fr), period, change, c.Base.Title))
	}
	return out
}

// presentYears is the span of years a member is billed in a result.
func presentYears(res *engine.Result, id string) string {
	var years []int
	for _, y := range res.Years {
		if slices.ContainsFunc(y.Members, func(m engine.MemberYear) bool { return m.ID == id }) {
			years = append(years, y.Year)
		}
	}
	switch len(years) {
	case 0:
		return ""
	case 1:
		return strconv.Itoa(years[0])
	}
	return fmt.Sprintf("%d–%d", years[0], years[len(years)-1])
}

// pageGlossary explains the words of the page: its own (écart, variante,
// gestionnaire), then those it shares with the report.
func pageGlossary(b *Base) [][2]string {
	out := [][2]string{
		{"Écart", "La différence entre ce qu'un membre paierait avec la simulation et ce qu'il paie dans le scénario de comparaison : positive (en rouge), il paierait plus ; négative (en vert), moins."},
		{"Variante", "Une simulation : un scénario de départ et les chiffres modifiés. Jusqu'à trois variantes se comparent côte à côte, à la même base."},
		{"Gestionnaire", "Le membre qui porte le service commun et refacture aux autres leur part ; il supporte la sienne sans se la facturer."},
	}
	return append(out, reports.Glossary(reports.French, reports.GlossaryFigures{Model: b.Model})...)
}
