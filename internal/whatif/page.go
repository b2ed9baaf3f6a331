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

// pageView is what the page template shows: the form, filled from the
// query as the user typed it, and the results or the problems.
type pageView struct {
	ServiceTitle string
	Scenario     *Base
	Scenarios    []option
	Compare      []option
	Years        []int
	Units        []unitView
	Fee          *paramView
	KeyParams    []paramView
	Member       memberView
	Joins        []joinView
	Projects     []projectView
	Download     string
	Results      *resultsView
	Problems     *problemsView
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
}

type paramView struct {
	Name, Label, Unit, Value, Default, Now string
	Invalid                                bool
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
}

type projectView struct {
	ID, Title, Category string
	// Nets words the request's net over the horizon in each dimension.
	Nets             string
	Checked, Default bool
}

type problemsView struct {
	Problems []Problem
	// Refused is the rules' message when the state was valid but the
	// rules refuse the what-if; Busy when the server could not compute.
	Refused string
	Busy    string
}

// resultsView is the results of a what-if.
type resultsView struct {
	Title, BaselineTitle string
	// ScenarioTitle is the title of the scenario the what-if extends.
	ScenarioTitle string
	Years         []int
	Period        string
	Rows          []rowView
	Total         rowView
	Chart         chartView
	Staff         []staffView
	Changes       []string
	Elapsed       string
	Cached        bool
	Query         string
}

type rowView struct {
	ID, Label    string
	Manager, New bool
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

func (h *Handler) renderPage(w io.Writer, rawQuery string, ev evaluation) error {
	q, err := url.ParseQuery(rawQuery)
	if err != nil || len(rawQuery) > MaxQueryBytes {
		q = url.Values{}
	}
	s := h.sim
	b := s.Default()
	if x := s.byID[q.Get("scenario")]; x != nil {
		b = x
	}
	invalid := map[string]bool{}
	var ps Problems
	if errors.As(ev.err, &ps) {
		for _, p := range ps {
			invalid[p.Field] = true
		}
	}
	v := &pageView{ServiceTitle: s.ws.Rules.Model.Title, Scenario: b}
	for y := b.From; y <= b.To; y++ {
		v.Years = append(v.Years, y)
	}
	compare := q.Get("compare")
	v.Compare = append(v.Compare, option{Value: "", Label: "le scénario choisi, sans modification", Selected: compare == "" || compare == b.ID})
	for _, x := range s.bases {
		v.Scenarios = append(v.Scenarios, option{Value: x.ID, Label: x.Title, Selected: x == b})
		if x != b {
			v.Compare = append(v.Compare, option{Value: x.ID, Label: x.Title, Selected: x.ID == compare})
		}
	}
	jan := engine.NewDate(b.From, 1, 1)
	for _, u := range b.Units {
		uv := unitView{Name: u.Name, Label: u.Label, Now: reports.Number(valueAt(u.Values, jan), decimalsOf(valueAt(u.Values, jan)), reports.French)}
		for _, y := range v.Years {
			name := fmt.Sprintf("etc.%s.%d", u.Name, y)
			uv.Cells = append(uv.Cells, fieldView{Name: name, Value: q.Get(name), Year: y, Invalid: invalid[name],
				Label: fmt.Sprintf("%s : postes ajoutés ou retirés au 1er janvier %d", u.Label, y)})
		}
		v.Units = append(v.Units, uv)
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
		if x, ok := q["p."+p.Name]; ok && strings.TrimSpace(x[0]) != "" {
			pv.Value = x[0]
		}
		pv.Invalid = invalid[pv.Name] || invalid[pv.FromName]
		from := q.Get(pv.FromName)
		for _, y := range v.Years {
			pv.From = append(pv.From, option{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: strconv.Itoa(y) == from || from == "" && y == b.From})
		}
		return pv
	}
	if b.FeeParam != nil {
		fee := paramOf(*b.FeeParam)
		v.Fee = &fee
	}
	for _, p := range b.KeyParams {
		v.KeyParams = append(v.KeyParams, paramOf(p))
	}
	v.Member = memberView{
		Label:      fieldView{Name: "nm.label", Value: q.Get("nm.label"), Invalid: invalid["nm.label"]},
		Date:       fieldView{Name: "nm.date", Value: q.Get("nm.date"), Invalid: invalid["nm.date"]},
		Population: fieldView{Name: "nm.population", Value: q.Get("nm.population"), Invalid: invalid["nm.population"]},
		Min:        engine.NewDate(b.From, 1, 1).String(),
		Max:        engine.NewDate(b.To, 12, 1).String(),
	}
	for _, m := range b.joiners() {
		if joinVersions(b, m.ID) != nil {
			continue
		}
		jv := joinView{Name: "adh." + m.ID, Label: m.Label, Default: m.Joined.String(), Value: m.Joined.String(),
			Max: engine.NewDate(b.To, 12, 1).String(), Invalid: invalid["adh."+m.ID]}
		if x := q.Get(jv.Name); x != "" {
			jv.Value = x
		}
		v.Joins = append(v.Joins, jv)
	}
	if ref, err := newMemberRef(b, engine.NewDate(b.To, 1, 1)); err == nil {
		v.Member.Ref = ref.label
	}
	defaults := b.portfolioIDs()
	chosen, set := q["projets"]
	for _, p := range s.projects {
		pv := projectView{ID: p.ID, Title: p.Title, Category: p.Category, Nets: netsText(p.Nets), Default: slices.Contains(defaults, p.ID)}
		pv.Checked = pv.Default
		if set {
			pv.Checked = slices.Contains(strings.Split(chosen[0], ","), p.ID)
		}
		v.Projects = append(v.Projects, pv)
	}
	v.Download = "/scenario.yaml"
	if ev.err == nil {
		if enc := ev.state.Query(s).Encode(); enc != "" {
			v.Download += "?" + enc
		}
		v.Results = h.resultsView(ev)
	} else {
		v.Problems = problemsOf(ev.err)
	}
	return templates.ExecuteTemplate(w, "page.html", v)
}

func (h *Handler) renderResults(w io.Writer, ev evaluation) error {
	return templates.ExecuteTemplate(w, "results", h.resultsView(ev))
}

func (h *Handler) renderProblems(w io.Writer, ev evaluation) error {
	return templates.ExecuteTemplate(w, "problems", problemsOf(ev.err))
}

func problemsOf(err error) *problemsView {
	var ps Problems
	var ce *ComputeError
	var tl tooLongError
	switch {
	case errors.As(err, &ps):
		return &problemsView{Problems: ps}
	case errors.As(err, &ce):
		return &problemsView{Refused: ce.Error()}
	case errors.As(err, &tl):
		return &problemsView{Busy: "Le calcul de cette simulation a dépassé la limite de " + frenchDuration(tl.limit) + " : il a été arrêté. Réessayez dans un instant ; si cela se reproduit, la simulation est trop lourde pour cette page."}
	case errors.Is(err, errBusy):
		return &problemsView{Busy: "Le serveur est très sollicité : la simulation n'a pas pu être calculée à temps. Réessayez dans un instant."}
	}
	return &problemsView{Busy: "La simulation n'a pas pu être calculée (erreur du serveur)."}
}

// inputNumber writes a number as a form field shows it: a decimal comma,
// no grouping.
func inputNumber(d decimal.Decimal) string {
	return strings.Replace(d.String(), ".", ",", 1)
}

func (h *Handler) resultsView(ev evaluation) *resultsView {
	out := ev.out
	c := out.Comparison
	v := &resultsView{Title: out.Result.Title, BaselineTitle: out.Baseline.Title, Changes: out.Changes,
		ScenarioTitle: h.sim.byID[ev.state.Scenario].Title,
		Elapsed:       strings.Replace(fmt.Sprintf("%.1f", float64(out.Elapsed.Microseconds())/1000), ".", ",", 1),
		Cached:        ev.cached, Query: ev.state.Query(h.sim).Encode()}
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
		row := rowView{ID: m.Member, Label: m.Label, Manager: managers[m.Member], New: !baseMembers[m.Member]}
		for _, y := range v.Years {
			d, ok := rows[key{y, m.Member}]
			cell := cellView{ID: fmt.Sprintf("%s-%d", m.Member, y)}
			if !ok {
				cell.Absent, cell.Text = true, "—"
			} else {
				cell = deltaCell(cell.ID, d)
				if !d.InOther {
					cell.Text = "—"
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		row.Sum = deltaCell(m.Member+"-total", m)
		v.Rows = append(v.Rows, row)
	}
	v.Total = rowView{ID: "total", Label: "Total"}
	for _, y := range c.Years {
		v.Total.Cells = append(v.Total.Cells, deltaCell(fmt.Sprintf("total-%d", y.Year), y))
	}
	v.Total.Sum = deltaCell("total-total", c.Total)
	v.Chart = deltaChart(c, v.Years)
	for _, u := range h.sim.byID[ev.state.Scenario].Units {
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
