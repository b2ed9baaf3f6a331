package whatif

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
)

// State is what the user chose on the page; it lives in the URL's query
// (docs/serve.md lists the parameters).
type State struct {
	// Scenario is the id of the scenario the what-if extends.
	Scenario string
	// Compare is the id of the scenario the results are compared with;
	// empty: Scenario itself, unchanged.
	Compare string
	// Staff are posts added to (or removed from) a unit from 1 January of
	// a year, in the order of the years, then of the units.
	Staff []StaffChange
	// Params are new values of parameters, in the order of the rules.
	Params []ParamChange
	// Member is a new member, or nil.
	Member *NewMember
	// Join moves an existing member's joining date later, or is nil.
	Join *MemberJoin
	// Projects are the adopted project requests when ProjectsSet; else
	// the scenario's own portfolio holds.
	Projects    []string
	ProjectsSet bool
}

// StaffChange adds Change posts (removes them when negative) to a unit
// from 1 January of Year.
type StaffChange struct {
	Unit   string
	Year   int
	Change decimal.Decimal
}

// ParamChange gives a parameter a new value from 1 January of From. Value
// is as the page shows it: × 100 for a percentage.
type ParamChange struct {
	Name  string
	Value decimal.Decimal
	From  int
}

// NewMember is a body joining the service on Joined, of the given
// population.
type NewMember struct {
	Label      string
	Joined     engine.Date
	Population decimal.Decimal
}

// MemberJoin is an existing member joining on Joined instead of its date
// in the scenario.
type MemberJoin struct {
	Member string
	Joined engine.Date
}

// Limits of the state, checked by Parse.
const (
	MaxQueryBytes  = 4096 // the whole query string
	MaxFields      = 120  // query parameters
	MaxValueBytes  = 200  // one value (the project list may be longer)
	MaxLabelRunes  = 80   // a new member's name
	MaxStaffChange = 1000 // posts added or removed at once
	MaxPopulation  = 10_000_000
)

// Problem is a mistake in the state, in French, for the field it names
// (the query parameter, also the name of the form field).
type Problem struct {
	Field, Message string
}

// Problems are every mistake found in a state.
type Problems []Problem

func (ps Problems) Error() string {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, " ; ")
}

func (ps *Problems) add(field, format string, args ...any) {
	*ps = append(*ps, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Parse decodes and validates a query (the part of the URL after ?). An
// empty query is the default scenario, unchanged.
func (s *Simulator) Parse(rawQuery string) (State, error) {
	q, ps := s.readQuery(rawQuery)
	if len(ps) > 0 {
		return State{}, ps
	}
	var st State
	b := s.Default()
	if id, ok := q.take("scenario"); ok {
		if b = s.byID[id]; b == nil {
			ps.add("scenario", "scénario inconnu « %s » ; scénarios proposés : %s", id, strings.Join(s.ids(), ", "))
			return State{}, ps
		}
	}
	st.Scenario = b.ID
	st.Compare = s.parseCompare(&ps, b, q)
	st.Staff = parseStaff(&ps, b, q)
	s.checkStaff(&ps, b, st.Staff)
	st.Params = parseParams(&ps, b, q)

	// A later joining date: adh.<member>.
	for _, m := range b.joiners() {
		key := "adh." + m.ID
		if raw := q.trimmed(key); raw != "" {
			s.parseJoin(&ps, b, &st, m, key, raw)
		}
	}

	// A new member: nm.label, nm.date, nm.population.
	label, date, pop := q.trimmed("nm.label"), q.trimmed("nm.date"), q.trimmed("nm.population")
	if date != "" || pop != "" {
		s.parseMember(&ps, b, &st, label, date, pop)
	}

	s.parseProjects(&ps, b, &st, q)
	for _, key := range sortedKeys(q) {
		ps.add(key, "paramètre inconnu « %s » dans l'adresse", short(key))
	}
	if len(ps) > 0 {
		return State{}, ps
	}
	return st, nil
}

// unread is what is left to read of a query: reading a parameter takes it
// out, so that those left at the end are the unknown ones.
type unread url.Values

// take reads the parameter key, which readQuery left with one value.
func (q unread) take(key string) (string, bool) {
	vs, ok := q[key]
	if !ok {
		return "", false
	}
	delete(q, key)
	return vs[0], true
}

// trimmed reads the parameter key without its surrounding spaces, "" when
// it is absent.
func (q unread) trimmed(key string) string {
	v, _ := q.take(key)
	return strings.TrimSpace(v)
}

// readQuery decodes a query and refuses what is too big or unreadable to
// be worth reading further: Parse stops at these problems.
func (s *Simulator) readQuery(rawQuery string) (unread, Problems) {
	var ps Problems
	if len(rawQuery) > MaxQueryBytes {
		ps.add("", "l'adresse est trop longue (%d octets, au plus %d)", len(rawQuery), MaxQueryBytes)
		return nil, ps
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		ps.add("", "l'adresse est mal formée : %s", short(err.Error()))
		return nil, ps
	}
	if n := len(q); n > MaxFields {
		ps.add("", "trop de paramètres dans l'adresse (%d, au plus %d)", n, MaxFields)
		return nil, ps
	}
	for _, key := range sortedKeys(q) {
		vs := q[key]
		limit := MaxValueBytes
		if key == "projets" {
			limit = 64 * (len(s.projects) + 1)
		}
		switch {
		case !utf8.ValidString(key) || len(key) > 100:
			ps.add("", "un nom de paramètre de l'adresse n'est pas lisible")
			delete(q, key)
		case len(vs) > 1:
			ps.add(key, "le paramètre « %s » est donné %d fois : une seule valeur est attendue", key, len(vs))
			delete(q, key)
		case len(vs[0]) > limit:
			ps.add(key, "la valeur de « %s » est trop longue (%d octets, au plus %d)", key, len(vs[0]), limit)
			delete(q, key)
		case !utf8.ValidString(vs[0]):
			ps.add(key, "la valeur de « %s » n'est pas du texte lisible (UTF-8)", key)
			delete(q, key)
		}
	}
	return unread(q), ps
}

// parseCompare reads the scenario to compare with: "" for b itself.
func (s *Simulator) parseCompare(ps *Problems, b *Base, q unread) string {
	id, ok := q.take("compare")
	if !ok || id == "" {
		return ""
	}
	if s.byID[id] == nil {
		ps.add("compare", "scénario de comparaison inconnu « %s » ; scénarios proposés : %s", id, strings.Join(s.ids(), ", "))
		return ""
	}
	if id == b.ID {
		return ""
	}
	return id
}

// parseStaff reads the posts added to the units: etc.<unit>.<year>.
func parseStaff(ps *Problems, b *Base, q unread) []StaffChange {
	var changes []StaffChange
	for _, u := range b.Units {
		for y := b.From; y <= b.To; y++ {
			key := fmt.Sprintf("etc.%s.%d", u.Name, y)
			raw, ok := q.take(key)
			if !ok || strings.TrimSpace(raw) == "" {
				continue
			}
			d, ok := parseStaffChange(ps, key, fmt.Sprintf("%s, %d", u.Label, y), raw)
			if ok && !d.IsZero() {
				changes = append(changes, StaffChange{Unit: u.Name, Year: y, Change: d})
			}
		}
	}
	slices.SortStableFunc(changes, func(a, c StaffChange) int { return a.Year - c.Year })
	return changes
}

// parseStaffChange reads a number of posts added, what saying to which
// unit and year.
func parseStaffChange(ps *Problems, key, what, raw string) (decimal.Decimal, bool) {
	d, ok := parseNumber(ps, key, what, raw, 2)
	if !ok {
		return d, false
	}
	if d.Abs().GreaterThan(decimal.NewFromInt(MaxStaffChange)) {
		ps.add(key, "%s : %s postes, c'est hors limites (entre -%d et +%d)", what, reports.Number(d, decimalsOf(d), reports.French), MaxStaffChange, MaxStaffChange)
		return d, false
	}
	return d, true
}

// parseParams reads the parameters' new values: p.<name> and
// p.<name>.from.
func parseParams(ps *Problems, b *Base, q unread) []ParamChange {
	params := slices.Clone(b.KeyParams)
	if b.FeeParam != nil {
		params = append([]Param{*b.FeeParam}, params...)
	}
	var changes []ParamChange
	for _, p := range params {
		key := "p." + p.Name
		raw, ok := q.take(key)
		rawFrom, _ := q.take(key + ".from")
		if !ok || strings.TrimSpace(raw) == "" {
			continue
		}
		if c, ok := parseParam(ps, b, p, key, raw, rawFrom); ok {
			changes = append(changes, c)
		}
	}
	return changes
}

// parseParam reads p's new value, raw, from the year rawFrom (empty: the
// scenario's first).
func parseParam(ps *Problems, b *Base, p Param, key, raw, rawFrom string) (ParamChange, bool) {
	c := ParamChange{Name: p.Name, From: b.From}
	if strings.TrimSpace(rawFrom) != "" {
		y, err := strconv.Atoi(strings.TrimSpace(rawFrom))
		if err != nil || y < b.From || y > b.To {
			ps.add(key+".from", "%s : l'année « %s » n'est pas une année du scénario (%d à %d)", p.Label, short(rawFrom), b.From, b.To)
			return c, false
		}
		c.From = y
	}
	d, ok := parseNumber(ps, key, p.Label, raw, 6)
	if !ok {
		return c, false
	}
	lo, hi, unit := bounds(p)
	if d.LessThan(lo) || d.GreaterThan(hi) {
		ps.add(key, "%s : %s\u00a0%s, c'est hors limites (entre %s et %s\u00a0%s)", p.Label, reports.Number(d, decimalsOf(d), reports.French), unit,
			reports.Number(lo, 0, reports.French), reports.Number(hi, 0, reports.French), unit)
		return c, false
	}
	c.Value = d
	return c, true
}

// parseProjects reads the adopted projects: projets=a,b (empty: none).
func (s *Simulator) parseProjects(ps *Problems, b *Base, st *State, q unread) {
	raw, ok := q.take("projets")
	if !ok {
		return
	}
	st.ProjectsSet = true
	st.Projects = s.projectList(ps, raw)
	if len(s.projects) == 0 && len(st.Projects) == 0 && raw == "" {
		st.ProjectsSet = false
	}
	if st.ProjectsSet && sameSet(st.Projects, b.portfolioIDs()) {
		st.ProjectsSet, st.Projects = false, nil
	}
	if st.ProjectsSet && len(st.Projects) == 0 && b.Portfolio != nil {
		ps.add("projets", "le scénario « %s » adopte déjà des projets : gardez-en au moins un, ou partez d'un scénario sans portefeuille", b.Title)
	}
	if st.ProjectsSet && len(st.Projects) > 0 && b.Portfolio == nil && app.ReferenceStaffPool(b.Model) == "" {
		ps.add("projets", "les règles n'ont pas de charge répartie par la clé de référence : impossible d'y ajouter des projets")
	}
}

// projectList reads a list of project ids separated by commas, each known
// and given once.
func (s *Simulator) projectList(ps *Problems, raw string) []string {
	var ids []string
	for _, id := range strings.Split(raw, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		switch {
		case !slices.ContainsFunc(s.projects, func(p Project) bool { return p.ID == id }):
			ps.add("projets", "projet inconnu « %s »", short(id))
		case slices.Contains(ids, id):
			ps.add("projets", "le projet « %s » est donné deux fois", id)
		default:
			ids = append(ids, id)
		}
	}
	return ids
}

// checkStaff verifies that no unit falls below zero: a change shifts the
// unit's value on its date and every later dated value, as the scenario
// format does.
func (s *Simulator) checkStaff(ps *Problems, b *Base, changes []StaffChange) {
	for _, u := range b.Units {
		dates := map[engine.Date]bool{}
		var mine []StaffChange
		for _, c := range changes {
			if c.Unit == u.Name {
				mine = append(mine, c)
				dates[engine.NewDate(c.Year, 1, 1)] = true
			}
		}
		if len(mine) == 0 {
			continue
		}
		first := engine.NewDate(mine[0].Year, 1, 1)
		for _, v := range u.Values {
			if !v.From.Before(first) {
				dates[v.From] = true
			}
		}
		for _, d := range sortedDates(dates) {
			v := valueAt(u.Values, d)
			for _, c := range mine {
				if c.Year <= d.Year {
					v = v.Add(c.Change)
				}
			}
			if v.IsNegative() {
				ps.add(fmt.Sprintf("etc.%s.%d", u.Name, mine[0].Year), "%s : l'effectif deviendrait négatif (%s ETC au %s)", u.Label,
					reports.Number(v, decimalsOf(v), reports.French), reports.Date(d, reports.French))
				break
			}
		}
	}
}

func sortedDates(m map[engine.Date]bool) []engine.Date {
	var ds []engine.Date
	for d := range m {
		ds = append(ds, d)
	}
	slices.SortFunc(ds, engine.Date.Compare)
	return ds
}

func (s *Simulator) parseMember(ps *Problems, b *Base, st *State, label, date, pop string) {
	m := &NewMember{Label: label}
	ok := true
	if m.Label == "" {
		m.Label = "Nouveau membre"
	}
	if n := utf8.RuneCountInString(m.Label); n > MaxLabelRunes {
		ps.add("nm.label", "le nom du nouveau membre est trop long (%d caractères, au plus %d)", n, MaxLabelRunes)
		ok = false
	} else if strings.ContainsFunc(m.Label, func(r rune) bool { return unicode.IsControl(r) || r == unicode.ReplacementChar }) {
		ps.add("nm.label", "le nom du nouveau membre contient des caractères de contrôle")
		ok = false
	}
	if date == "" || pop == "" {
		ps.add("nm.date", "nouveau membre : indiquez sa date d'adhésion et sa population")
		return
	}
	d, err := engine.ParseDate(date)
	switch {
	case err != nil:
		ps.add("nm.date", "nouveau membre : « %s » n'est pas une date (attendu AAAA-MM-JJ, par exemple 2028-01-01)", short(date))
		ok = false
	case d.Year < b.From || d.Year > b.To:
		ps.add("nm.date", "nouveau membre : la date d'adhésion doit tomber dans les années du scénario, %d à %d", b.From, b.To)
		ok = false
	case d.Before(b.Model.Start):
		ps.add("nm.date", "nouveau membre : la date d'adhésion précède le début du service (%s)", reports.Date(b.Model.Start, reports.French))
		ok = false
	default:
		if last := lastKeyChange(b.Model); d.Before(last) {
			ps.add("nm.date", "nouveau membre : dans ce scénario, la clé de référence change le %s ; choisissez une adhésion à cette date ou après", reports.Date(last, reports.French))
			ok = false
		}
	}
	m.Joined = d
	n, good := parseNumber(ps, "nm.population", "Population du nouveau membre", pop, 0)
	switch {
	case !good:
		ok = false
	case n.LessThan(decimal.NewFromInt(1)) || n.GreaterThan(decimal.NewFromInt(MaxPopulation)):
		ps.add("nm.population", "nouveau membre : la population doit être comprise entre 1 et %s habitants", reports.Number(decimal.NewFromInt(MaxPopulation), 0, reports.French))
		ok = false
	}
	m.Population = n
	if ok {
		if _, err := newMemberRef(b, d); err != nil {
			ps.add("nm.date", "nouveau membre : %s", err)
			ok = false
		}
	}
	if ok {
		st.Member = m
	}
}

// joiners are the members whose joining date the page may move: those
// that join after the service started, other than the manager.
func (b *Base) joiners() []engine.Member {
	var out []engine.Member
	for _, m := range b.Model.Members {
		if m.ID != b.Model.Manager && m.Joined.After(b.Model.Start) {
			out = append(out, m)
		}
	}
	return out
}

// parseJoin reads a later joining date for m. The reference key must have
// a version that starts when m joins, after which it does not change, and
// an earlier one without m: the key of the what-if takes the earlier
// version's formulas while m is not yet a member (see scenario.go).
func (s *Simulator) parseJoin(ps *Problems, b *Base, st *State, m engine.Member, key, raw string) {
	d, err := engine.ParseDate(raw)
	switch {
	case err != nil:
		ps.add(key, "%s : « %s » n'est pas une date (attendu AAAA-MM-JJ, par exemple 2027-01-01)", m.Label, short(raw))
		return
	case d == m.Joined:
		return
	case d.Before(m.Joined):
		ps.add(key, "%s : la page ne sait que retarder une adhésion, prévue le %s dans ce scénario", m.Label, reports.Date(m.Joined, reports.French))
		return
	case d.Year > b.To:
		ps.add(key, "%s : la date d'adhésion doit tomber dans les années du scénario, jusqu'à %d", m.Label, b.To)
		return
	case !m.Left.IsZero() && d.After(m.Left):
		ps.add(key, "%s : la date d'adhésion suit son départ, le %s", m.Label, reports.Date(m.Left, reports.French))
		return
	case st.Join != nil:
		ps.add(key, "la page ne retarde qu'une adhésion à la fois")
		return
	}
	if err := joinVersions(b, m.ID); err != nil {
		ps.add(key, "%s : %s", m.Label, err)
		return
	}
	st.Join = &MemberJoin{Member: m.ID, Joined: d}
}

// lastKeyChange is the date of the last version of the reference key.
func lastKeyChange(m *engine.Model) engine.Date {
	for _, r := range m.Rules {
		if r.Name == m.ReferenceKey && len(r.Versions) > 0 {
			return r.Versions[len(r.Versions)-1].From
		}
	}
	return engine.Date{}
}

func (b *Base) portfolioIDs() []string {
	if b.Portfolio == nil {
		return nil
	}
	var ids []string
	for _, p := range b.Portfolio.Projects {
		ids = append(ids, p.Value)
	}
	return ids
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func (s *Simulator) ids() []string {
	ids := make([]string, len(s.bases))
	for i, b := range s.bases {
		ids[i] = b.ID
	}
	return ids
}

// numberPattern is what a number field accepts once grouping spaces are
// removed: an optional sign, digits, and a decimal part after a comma or a
// dot. No exponent, no NaN, no infinity.
var numberPattern = regexp.MustCompile(`^[+-]?[0-9]{1,12}([.,][0-9]{1,12})?$`)

// parseNumber reads a number as people type it in French or English
// (2, -0,5, 20 000, 3.5), with at most decimals decimals.
func parseNumber(ps *Problems, field, what, raw string, decimals int32) (decimal.Decimal, bool) {
	s := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\u2009', '\t':
			return -1
		case '\u2212': // minus sign
			return '-'
		}
		return r
	}, raw)
	if !numberPattern.MatchString(s) {
		ps.add(field, "%s : « %s » n'est pas un nombre (par exemple 2, -0,5 ou 20 000)", what, short(raw))
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(strings.Replace(strings.TrimPrefix(s, "+"), ",", ".", 1))
	if err != nil {
		ps.add(field, "%s : « %s » n'est pas un nombre", what, short(raw))
		return decimal.Decimal{}, false
	}
	if -d.Exponent() > decimals && !d.Equal(d.Round(decimals)) {
		if decimals == 0 {
			ps.add(field, "%s : un nombre entier est attendu, pas « %s »", what, short(raw))
		} else {
			ps.add(field, "%s : au plus %d décimales, pas « %s »", what, decimals, short(raw))
		}
		return decimal.Decimal{}, false
	}
	return d, true
}

// bounds are the values the page accepts for a parameter, in the unit it
// shows (percent for rates and shares), and that unit for messages.
func bounds(p Param) (lo, hi decimal.Decimal, unit string) {
	switch {
	case p.Percent:
		return decimal.Zero, decimal.NewFromInt(100), "%"
	case strings.EqualFold(p.Unit, "ETC"):
		return decimal.Zero, decimal.NewFromInt(100_000), "ETC"
	case strings.HasPrefix(strings.ToUpper(p.Unit), "EUR"):
		return decimal.Zero, decimal.NewFromInt(1_000_000_000), unitLabel(p.Unit)
	}
	return decimal.NewFromInt(-1_000_000_000), decimal.NewFromInt(1_000_000_000), unitLabel(p.Unit)
}

// unitLabel writes a unit for people: € for EUR.
func unitLabel(u string) string {
	switch {
	case u == "EUR":
		return "€"
	case strings.HasPrefix(u, "EUR/"):
		return "€ par " + strings.TrimPrefix(u, "EUR/")
	}
	return u
}

func decimalsOf(d decimal.Decimal) int32 { return max(0, -d.Exponent()) }

// short cuts what the user typed for a message.
func short(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

// Query encodes the state as the page's URL query, without what holds by
// default, keys sorted: the same state always gives the same query.
func (st State) Query(s *Simulator) url.Values {
	q := url.Values{}
	if st.Scenario != "" && st.Scenario != s.Default().ID {
		q.Set("scenario", st.Scenario)
	}
	if st.Compare != "" {
		q.Set("compare", st.Compare)
	}
	for _, c := range st.Staff {
		q.Set(fmt.Sprintf("etc.%s.%d", c.Unit, c.Year), c.Change.String())
	}
	b := s.byID[st.Scenario]
	for _, c := range st.Params {
		q.Set("p."+c.Name, c.Value.String())
		if b == nil || c.From != b.From {
			q.Set("p."+c.Name+".from", strconv.Itoa(c.From))
		}
	}
	if m := st.Member; m != nil {
		q.Set("nm.label", m.Label)
		q.Set("nm.date", m.Joined.String())
		q.Set("nm.population", m.Population.String())
	}
	if j := st.Join; j != nil {
		q.Set("adh."+j.Member, j.Joined.String())
	}
	if st.ProjectsSet {
		q.Set("projets", strings.Join(st.Projects, ","))
	}
	return q
}

// isZero tells a state that changes nothing in its scenario.
func (st State) isZero() bool {
	return len(st.Staff) == 0 && len(st.Params) == 0 && st.Member == nil && st.Join == nil && !st.ProjectsSet
}
