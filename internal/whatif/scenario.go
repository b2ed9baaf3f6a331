package whatif

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// Names the generated scenario adds for a new member. The derivation of
// its key is written in these rules, so that the downloaded file shows it.
const (
	NewMemberID        = "nouveau_membre"
	newMemberShareRule = "part_nouveau_membre"
	referenceShareRule = "part_reference_simulation"
	populationRule     = "population_simulation"
)

// ScenarioFile writes the state as a scenario file extending its scenario:
// what the page computes, and what "Télécharger comme scénario" gives.
func (s *Simulator) ScenarioFile(st State) ([]byte, error) {
	data, _, err := s.file(st)
	return data, err
}

// file writes the scenario file of a state and lists its changes, one
// French sentence each.
func (s *Simulator) file(st State) ([]byte, []string, error) {
	b := s.byID[st.Scenario]
	if b == nil {
		return nil, nil, Problems{{Field: "scenario", Message: fmt.Sprintf("scénario inconnu « %s »", st.Scenario)}}
	}
	var changes []string
	body := mapping()

	header := mapping(
		"id", str(s.fileID),
		"title", str(fmt.Sprintf("Simulation sur « %s »", b.Title)),
	)
	body.add("scenario", header)

	keys, err := keyChanges(b, st)
	if err != nil {
		return nil, nil, err
	}
	if keys != nil {
		if keys.add != nil {
			body.add("add", keys.add)
		}
		if keys.members != nil {
			body.add("members", keys.members)
		}
		changes = append(changes, keys.changes...)
	}

	if len(st.Params) > 0 {
		params := mapping()
		for _, c := range st.Params {
			p := b.param(c.Name)
			value := c.Value
			shown := reports.Number(c.Value, decimalsOf(c.Value), reports.French) + "\u00a0" + unitLabel(p.Unit)
			if p.Percent {
				value = value.Shift(-2)
				shown = reports.Number(c.Value, decimalsOf(c.Value), reports.French) + "\u00a0%"
			}
			params.add(c.Name, mapping(
				"values", mapping(date(engine.NewDate(c.From, 1, 1)), num(value)),
				"assumption", str("Valeur choisie dans la page de simulation (quotepart serve)."),
			))
			changes = append(changes, fmt.Sprintf("%s : %s à partir du %s.", p.Label, shown, reports.Date(engine.NewDate(c.From, 1, 1), reports.French)))
		}
		body.add("parameters", params)
	}

	if keys != nil {
		body.add("rules", mapping(b.Model.ReferenceKey, keys.override))
	}

	if len(st.Staff) > 0 {
		list := &yaml.Node{Kind: yaml.SequenceNode}
		for _, c := range st.Staff {
			u := b.unit(c.Unit)
			what := "ajoutés à"
			if c.Change.IsNegative() {
				what = "retirés de"
			}
			text := fmt.Sprintf("%s\u00a0ETC %s « %s » au %s.", reports.Number(c.Change.Abs(), decimalsOf(c.Change), reports.French), what, u.Label, reports.Date(engine.NewDate(c.Year, 1, 1), reports.French))
			list.Content = append(list.Content, mapping(
				"from", date(engine.NewDate(c.Year, 1, 1)),
				"unit", str(c.Unit),
				"change", num(c.Change),
				"description", str("Simulation : "+text),
			).Node)
			changes = append(changes, text)
		}
		body.add("etc", list)
	}

	if st.ProjectsSet {
		spec := mapping()
		label, key, pool := "Projets retenus (simulation)", b.Model.ReferenceKey, app.ReferenceStaffPool(b.Model)
		if p := b.Portfolio; p != nil {
			if p.Label.Value != "" {
				label = p.Label.Value
			}
			key, pool = p.Key.Value, p.StaffPool.Value
		}
		projects := &yaml.Node{Kind: yaml.SequenceNode}
		for _, id := range st.Projects {
			projects.Content = append(projects.Content, str(id))
		}
		spec.add("label", str(label))
		spec.add("key", str(key))
		spec.add("staff_pool", str(pool))
		spec.add("projects", projects)
		if p := b.Portfolio; p != nil {
			// The starts the scenario gives its requests hold for those
			// still adopted.
			starts := mapping()
			for _, e := range p.Starts.Entries {
				if slices.Contains(st.Projects, e.Key) {
					starts.add(e.Key, num(decimal.NewFromInt(int64(e.Value.Value))))
				}
			}
			if len(starts.Content) > 0 {
				spec.add("starts", starts)
			}
		}
		body.add("portfolio", spec)
		if len(st.Projects) == 0 {
			changes = append(changes, "Aucun projet adopté.")
		} else {
			var names []string
			for _, id := range st.Projects {
				names = append(names, s.projectTitle(id))
			}
			changes = append(changes, fmt.Sprintf("Projets adoptés : %s.", strings.Join(names, " ; ")))
		}
	}

	description := "Aucune modification : le scénario tel quel."
	if len(changes) > 0 {
		description = "Modifications choisies dans la page de simulation : " + strings.Join(changes, " ")
	}
	header.add("description", str(description))
	header.add("assumption", str("Simulation faite en séance : les chiffres saisis sont des hypothèses, pas des décisions."))
	if b.Scenario != nil {
		header.add("extends", str(b.ID))
	}

	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{body.Node}}
	body.HeadComment = fmt.Sprintf("Scénario produit par la page de simulation de quotepart (quotepart serve).\nPour le rejouer : quotepart run %s", s.FileName(st))
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, nil, err
	}
	return out.Bytes(), changes, nil
}

// projectTitle is a project's title and id, for people.
func (s *Simulator) projectTitle(id string) string {
	for _, p := range s.projects {
		if p.ID == id && p.Title != "" {
			return fmt.Sprintf("%s (%s)", p.Title, id)
		}
	}
	return id
}

// memberRef is the member whose share per inhabitant a new member pays,
// and the formula of its share in the key when the new member joins.
type memberRef struct {
	id, label string
	share     string
}

// newMemberRef chooses the reference member for a member joining on d: the
// most populous member other than the manager present that day (a commune
// if there is one), and its share as the reference key gives it then.
func newMemberRef(b *Base, d engine.Date) (memberRef, error) {
	m := b.Model
	for _, name := range []string{NewMemberID, newMemberShareRule, referenceShareRule, populationRule} {
		if slices.ContainsFunc(m.Members, func(x engine.Member) bool { return x.ID == name }) ||
			slices.ContainsFunc(m.Params, func(x engine.Param) bool { return x.Name == name }) ||
			slices.ContainsFunc(m.Rules, func(x engine.Rule) bool { return x.Name == name }) {
			return memberRef{}, fmt.Errorf("le nom %s est déjà pris dans ce scénario", name)
		}
	}
	var best *engine.Member
	for i := range m.Members {
		x := &m.Members[i]
		pop, ok := x.Attributes["population"]
		if x.ID == m.Manager || !ok || !pop.IsPositive() || !x.ActiveOn(d) {
			continue
		}
		better := best == nil ||
			(x.Kind == "commune") != (best.Kind == "commune") && x.Kind == "commune" ||
			(x.Kind == "commune") == (best.Kind == "commune") && pop.GreaterThan(best.Attributes["population"])
		if better {
			best = x
		}
	}
	if best == nil {
		return memberRef{}, errors.New("aucun membre (autre que le gestionnaire) n'a de population à laquelle comparer la sienne")
	}
	v := keyVersion(m, d)
	if v == nil {
		return memberRef{}, errors.New("la clé de référence n'a pas de formule à cette date")
	}
	f := v.ByMember[best.ID]
	if f == nil {
		f = v.Expr
	}
	if f == nil || f.Program == nil {
		return memberRef{}, fmt.Errorf("la clé de référence ne donne pas de formule pour %s à cette date", best.Label)
	}
	perMember := map[string]bool{}
	for _, r := range m.Rules {
		perMember[r.Name] = r.PerMember
	}
	for _, ref := range f.Program.Refs() {
		if ref.Name == formula.Member || perMember[ref.Name] {
			return memberRef{}, fmt.Errorf("la part de %s dépend de valeurs propres à chaque membre (%s) : la page ne sait pas en déduire celle d'un nouveau membre", best.Label, f.Program.Source())
		}
	}
	return memberRef{id: best.ID, label: best.Label, share: strings.TrimSpace(f.Program.Source())}, nil
}

// keyVersion is the version of the reference key in force on d.
func keyVersion(m *engine.Model, d engine.Date) *engine.Version {
	for _, r := range m.Rules {
		if r.Name != m.ReferenceKey {
			continue
		}
		var v *engine.Version
		for i := range r.Versions {
			if !r.Versions[i].From.After(d) {
				v = &r.Versions[i]
			}
		}
		return v
	}
	return nil
}

// keyPlan is what a new member or a later joining date writes into the
// scenario: rules and a member under add:, a member's new joining date,
// and the reference key's new version.
type keyPlan struct {
	add, members, override *node
	changes                []string
}

// branches are a member's formula in the key's new version while the
// member joining later is present, and while it is absent ("" when the
// same). The condition on its presence is written last, around them: the
// dialect does not compute with the value of a condition, (c ? a : b) * x,
// so the new member's factor goes inside each branch.
type branches struct{ present, absent string }

// Names of the rules a later joining date adds.
const (
	presenceRule = "presence_simulation"
	presentRule  = "membre_present_simulation"
)

// keyChanges writes the reference key's new version for a new member and
// for a member joining later, both at once when both are asked: the file
// can give a rule only one new version. It is nil when neither is asked.
//
// A member joining later takes, until it joins, the formulas of the key's
// version before its arrival (in Rouen, the two-member convention), by a
// condition on its presence; a new member takes its share and every other
// member's formula is multiplied by (1 − that share), which is 0 before it
// joins. The version starts on the earlier of the two dates.
func keyChanges(b *Base, st State) (*keyPlan, error) {
	if st.Member == nil && st.Join == nil {
		return nil, nil
	}
	k := &keyEdit{m: b.Model, byMember: map[string]branches{}}
	if j := st.Join; j != nil {
		if err := k.join(b, j); err != nil {
			return nil, err
		}
	}
	if nm := st.Member; nm != nil {
		if err := k.newMember(b, nm); err != nil {
			return nil, err
		}
	}
	if k.rules != nil {
		if k.plan.add == nil {
			k.plan.add = mapping()
		}
		k.plan.add.add("rules", k.rules)
	}
	k.plan.override = k.override(st)
	return &k.plan, nil
}

// keyEdit is the reference key's new version being written by keyChanges,
// and the rest of its plan.
type keyEdit struct {
	m     *engine.Model
	plan  keyPlan
	rules *node // the rules the plan adds, nil while none
	// byMember gives each member's formula in the new version, deflt the
	// formula of the members not listed; v is the version they start from,
	// from the date the new version starts.
	from     engine.Date
	v        *engine.Version
	byMember map[string]branches
	deflt    *branches
}

func (k *keyEdit) addRule(name string, r *node) {
	if k.rules == nil {
		k.rules = mapping()
	}
	k.rules.add(name, r)
}

// switched are the branches of a formula cur whose earlier form was prev
// (nil: none).
func switched(cur, prev *engine.Formula) branches {
	c := strings.TrimSpace(cur.Program.Source())
	if prev == nil || strings.TrimSpace(prev.Program.Source()) == c {
		return branches{c, ""}
	}
	return branches{c, strings.TrimSpace(prev.Program.Source())}
}

// expr is the one formula of b: its condition around its branches when
// they differ.
func (b branches) expr() string {
	if b.absent == "" {
		return b.present
	}
	return fmt.Sprintf("%s == 1 ? %s : %s", presentRule, b.present, b.absent)
}

// join writes j, an existing member joining later: the key's version from
// its arrival, switching to the earlier one's formulas while it is absent,
// the rules that tell its presence and its new date.
func (k *keyEdit) join(b *Base, j *MemberJoin) error {
	m := k.m
	mem := memberOf(m, j.Member)
	k.from = mem.Joined
	cur, prev := keyVersion(m, k.from), keyVersion(m, k.from.AddDays(-1))
	if err := joinVersions(b, j.Member); err != nil {
		return Problems{{Field: "adh." + j.Member, Message: mem.Label + " : " + err.Error()}}
	}
	k.v = cur
	for id, f := range cur.ByMember {
		var p *engine.Formula
		if id != j.Member {
			if p = prev.ByMember[id]; p == nil {
				p = prev.Expr
			}
		}
		k.byMember[id] = switched(f, p)
	}
	if cur.Expr != nil {
		d := switched(cur.Expr, prev.Expr)
		k.deflt = &d
	}
	k.plan.members = mapping(j.Member, mapping(
		"joined", date(j.Joined),
		"description", str(fmt.Sprintf("Simulation : %s adhère le %s.", mem.Label, reports.Date(j.Joined, reports.French))),
	))
	k.addRule(presenceRule, mapping(
		"label", str("Membres présents (simulation)"),
		"description", str("1 pour chaque membre présent : la clé lit qui est membre."),
		"unit", str("membre"),
		"per_member", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"},
		"expr", str("1"),
	))
	k.addRule(presentRule, mapping(
		"label", str(mem.Label+" est membre (simulation)"),
		"description", str(fmt.Sprintf("1 quand %s est membre, 0 avant son adhésion.", mem.Label)),
		"unit", str("membre"),
		"expr", str(fmt.Sprintf("%q in %s ? 1 : 0", j.Member, presenceRule)),
	))
	k.plan.changes = append(k.plan.changes, fmt.Sprintf("%s adhère le %s au lieu du %s ; jusque-là, la clé de référence reste celle d'avant son arrivée.",
		mem.Label, reports.Date(j.Joined, reports.French), reports.Date(mem.Joined, reports.French)))
	return nil
}

// newMember writes nm, a new member: the member, its share at the
// reference member's rate per inhabitant, the other members' formulas
// reduced in proportion, and the rules that compute its share.
func (k *keyEdit) newMember(b *Base, nm *NewMember) error {
	ref, err := newMemberRef(b, nm.Joined)
	if err != nil {
		return Problems{{Field: "nm.date", Message: "nouveau membre : " + err.Error()}}
	}
	if k.v == nil {
		k.startAt(nm.Joined)
	}
	share := ref.share
	if f, ok := k.byMember[ref.id]; ok {
		share = f.expr()
	} else if k.deflt != nil {
		share = k.deflt.expr()
	}
	k.makeRoomFor(newMemberShareRule)
	k.plan.add = mapping("members", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{mapping(
		"id", str(NewMemberID),
		"label", str(nm.Label),
		"kind", str("commune"),
		"joined", date(nm.Joined),
		"attributes", mapping("population", num(nm.Population)),
		"source", str("Population saisie dans la page de simulation."),
	).Node}})
	k.addRule(populationRule, populationOfMembers(k.m))
	k.addRule(referenceShareRule, mapping(
		"label", str("Part de "+ref.label+" (simulation)"),
		"description", str(fmt.Sprintf("Part de %s dans la clé de référence, avant l'arrivée du nouveau membre.", ref.label)),
		"unit", str("part"),
		"expr", str(share),
	))
	k.addRule(newMemberShareRule, mapping(
		"label", str("Part de "+nm.Label),
		"description", str(fmt.Sprintf("Part du nouveau membre au même taux par habitant que %s (sa part dans la clé de référence à la date d'adhésion, divisée par sa population), arrondie au centième de point.", ref.label)),
		"unit", str("part"),
		"expr", str(fmt.Sprintf(`%q in %s ? round(%s * %s[%q] / %s[%q], 4) : 0`,
			NewMemberID, populationRule, referenceShareRule, populationRule, NewMemberID, populationRule, ref.id)),
	))
	k.byMember[NewMemberID] = branches{newMemberShareRule, ""}
	k.plan.changes = append(k.plan.changes, fmt.Sprintf("%s (%s\u00a0habitants) adhère le %s ; sa part est calculée au même taux par habitant que %s, et les parts des autres membres sont réduites dans la même proportion.",
		nm.Label, reports.Number(nm.Population, 0, reports.French), reports.Date(nm.Joined, reports.French), ref.label))
	return nil
}

// startAt starts the new version from the key's version in force on d,
// its formulas unchanged.
func (k *keyEdit) startAt(d engine.Date) {
	k.from, k.v = d, keyVersion(k.m, d)
	for id, f := range k.v.ByMember {
		k.byMember[id] = switched(f, nil)
	}
	if k.v.Expr != nil {
		deflt := switched(k.v.Expr, nil)
		k.deflt = &deflt
	}
}

// makeRoomFor multiplies every formula of the new version by (1 − share),
// the new member's share being the rule share.
func (k *keyEdit) makeRoomFor(share string) {
	times := func(f string) string {
		if f == "" {
			return ""
		}
		return fmt.Sprintf("(%s) * (1 - %s)", f, share)
	}
	for id, f := range k.byMember {
		k.byMember[id] = branches{times(f.present), times(f.absent)}
	}
	if k.deflt != nil {
		k.deflt = &branches{times(k.deflt.present), times(k.deflt.absent)}
	}
}

// populationOfMembers is the rule of the members' populations, 0 for
// those that have none.
func populationOfMembers(m *engine.Model) *node {
	zero := mapping()
	for _, x := range m.Members {
		if _, ok := x.Attributes["population"]; !ok {
			zero.add(x.ID, str("0"))
		}
	}
	population := mapping(
		"label", str("Population du membre (simulation)"),
		"description", str("Population des membres ; 0 pour ceux qui n'en ont pas."),
		"unit", str("habitants"),
		"per_member", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"},
		"expr", str("member.population"),
	)
	if len(zero.Content) > 0 {
		population.add("by_member", zero)
	}
	return population
}

// override is the key's new version: its date, what it does, and the
// formulas, the new member's first, then in the order of the members.
func (k *keyEdit) override(st State) *node {
	var descr []string
	if st.Join != nil {
		descr = append(descr, fmt.Sprintf("jusqu'à l'adhésion de %s, les formules d'avant son arrivée", memberOf(k.m, st.Join.Member).Label))
	}
	if st.Member != nil {
		descr = append(descr, fmt.Sprintf("%s prend sa part et celles des autres membres sont réduites dans la même proportion", st.Member.Label))
	}
	override := mapping(
		"from", date(k.from),
		"description", str("Simulation : "+strings.Join(descr, " ; ")+"."),
	)
	if k.deflt != nil {
		override.add("expr", str(k.deflt.expr()))
	}
	members := mapping()
	if f, ok := k.byMember[NewMemberID]; ok {
		members.add(NewMemberID, str(f.expr()))
	}
	for _, x := range k.m.Members {
		if f, ok := k.byMember[x.ID]; ok {
			members.add(x.ID, str(f.expr()))
		}
	}
	override.add("by_member", members)
	return override
}

// joinVersions checks that the page can move member id's joining date:
// the reference key has a version from the day it joins, none after, and
// one before it, whose formulas read no per-member value.
func joinVersions(b *Base, id string) error {
	m := b.Model
	mem := memberOf(m, id)
	if mem == nil {
		return fmt.Errorf("%q n'est pas un membre", id)
	}
	for _, name := range []string{presenceRule, presentRule} {
		if slices.ContainsFunc(m.Rules, func(x engine.Rule) bool { return x.Name == name }) ||
			slices.ContainsFunc(m.Params, func(x engine.Param) bool { return x.Name == name }) {
			return fmt.Errorf("le nom %s est déjà pris dans ce scénario", name)
		}
	}
	cur, prev := keyVersion(m, mem.Joined), keyVersion(m, mem.Joined.AddDays(-1))
	switch {
	case cur == nil || prev == nil || cur == prev || cur.From != mem.Joined:
		return errors.New("la clé de référence n'a pas de formule propre à son arrivée : la page ne sait pas la répartir sans lui")
	case lastKeyChange(m).After(mem.Joined):
		return fmt.Errorf("la clé de référence change encore le %s dans ce scénario : la page ne sait pas retarder cette adhésion", reports.Date(lastKeyChange(m), reports.French))
	}
	for _, v := range []*engine.Version{cur, prev} {
		for _, f := range append(slices.Collect(maps.Values(v.ByMember)), v.Expr) {
			if f != nil && readsPerMember(m, f) {
				return fmt.Errorf("la clé de référence lit des valeurs propres à chaque membre (%s)", f.Program.Source())
			}
		}
	}
	return nil
}

// readsPerMember reports whether a formula reads a member attribute or a
// per-member rule: it could not be used in a global rule.
func readsPerMember(m *engine.Model, f *engine.Formula) bool {
	for _, ref := range f.Program.Refs() {
		if ref.Name == formula.Member {
			return true
		}
		for _, r := range m.Rules {
			if r.Name == ref.Name && r.PerMember {
				return true
			}
		}
	}
	return false
}

func memberOf(m *engine.Model, id string) *engine.Member {
	for i := range m.Members {
		if m.Members[i].ID == id {
			return &m.Members[i]
		}
	}
	return nil
}

func (b *Base) param(name string) Param {
	if b.FeeParam != nil && b.FeeParam.Name == name {
		return *b.FeeParam
	}
	for _, p := range b.KeyParams {
		if p.Name == name {
			return p
		}
	}
	return Param{Name: name, Label: name}
}

func (b *Base) unit(name string) Param {
	for _, p := range b.Units {
		if p.Name == name {
			return p
		}
	}
	return Param{Name: name, Label: name}
}

// node is a YAML mapping being written, keys in the order added.
type node struct{ *yaml.Node }

func mapping(kv ...any) *node {
	n := &node{&yaml.Node{Kind: yaml.MappingNode}}
	for i := 0; i+1 < len(kv); i += 2 {
		n.add(kv[i], kv[i+1])
	}
	return n
}

// add appends a key (a string, or a node such as a date) and its value (a
// *node or a *yaml.Node).
func (n *node) add(key, v any) {
	k, ok := key.(*yaml.Node)
	if !ok {
		k = str(key.(string))
	}
	var val *yaml.Node
	switch v := v.(type) {
	case *node:
		val = v.Node
	case *yaml.Node:
		val = v
	default:
		panic(fmt.Sprintf("whatif: unexpected YAML value %T", v))
	}
	n.Content = append(n.Content, k, val)
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func num(d decimal.Decimal) *yaml.Node {
	tag := "!!int"
	if d.Exponent() < 0 {
		tag = "!!float"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: d.String()}
}

func date(d engine.Date) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: d.String()}
}
