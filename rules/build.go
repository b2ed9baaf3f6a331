package rules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/engine/billing"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
)

// Set is a loaded rule set: the model to run, the decoded files it came
// from, and warnings that do not stop a run (`check --strict` makes them
// errors).
type Set struct {
	Model *engine.Model
	// Billing are the billing terms the files declare under billing:
	// (package billing); never nil, the zero Terms when none are.
	Billing  *billing.Terms
	Files    []NamedFile
	Warnings diag.List
	// Skipped are the files of the folder not read because quotepart
	// wrote them (see OutputSchema); they are among the Warnings too.
	Skipped diag.List
}

// NamedFile is a decoded rule file and the path it is reported under.
type NamedFile struct {
	Path string
	File *File
}

// IsRuleFile reports whether a file name is one Load reads: YAML, JSON or
// TOML, except test-case files (*.test.yaml), which sit beside the rules,
// hidden files (.name), such as editors' lock files, and the project file
// quotepart.yaml (or .yml), which holds settings and may sit in the rules
// folder, as quotepart init writes it.
func IsRuleFile(name string) bool {
	lower := strings.ToLower(name)
	base := path.Base(strings.ReplaceAll(lower, `\`, "/"))
	if strings.HasPrefix(base, ".") || strings.HasSuffix(lower, ".test.yaml") || strings.HasSuffix(lower, ".test.yml") ||
		base == "quotepart.yaml" || base == "quotepart.yml" {
		return false
	}
	switch path.Ext(lower) {
	case ".yaml", ".yml", ".json", ".toml":
		return true
	}
	return false
}

// Load reads the rule files directly inside dir of fsys, in name order, and
// builds the rule set. Positions name each file as display/name.
func Load(fsys fs.FS, dir, display string, opts ...Option) (*Set, error) {
	sources, err := ReadFolder(fsys, dir, display, "the rules folder", IsRuleFile)
	if err != nil {
		return nil, err
	}
	var errs, skipped diag.List
	files := make([]NamedFile, 0, len(sources))
	for _, src := range sources {
		if src.Skipped != nil {
			skipped = append(skipped, src.Skipped)
			continue
		}
		if src.Err != nil {
			errs = append(errs, src.Err)
			files = append(files, NamedFile{Path: src.Path})
			continue
		}
		f, err := DecodeFile(src.Path, src.Data)
		errs.Add(err)
		if f != nil {
			errs.Add(f.ReadData(FSDataReader(fsys, dir, display)))
		}
		files = append(files, NamedFile{Path: src.Path, File: f})
	}
	if len(files) == 0 {
		return nil, diag.Errorf(diag.Pos{File: display}, diag.NotFound, "no rule file (*.yaml, *.yml, *.json, *.toml) in this folder%s", skippedNote(skipped))
	}
	set, err := BuildDecoded(files, errs, opts...)
	if err != nil {
		return nil, err
	}
	set.NoteSkipped(skipped)
	return set, nil
}

// BuildDecoded builds a rule set from files as DecodeFile left them, with
// the errors decoding reported. Files that decoded with errors are still
// checked, so that one run reports every mistake; a file that could not be
// parsed at all (File nil) stops the build, since the names it declares are
// unknown and every reference to them would be a false error.
func BuildDecoded(files []NamedFile, decodeErrs diag.List, opts ...Option) (*Set, error) {
	var parsed []NamedFile
	for _, f := range files {
		if f.File == nil {
			return nil, decodeErrs.Err()
		}
		parsed = append(parsed, f)
	}
	set, err := Build(parsed, opts...)
	if cerr := buildContext(opts...).Err(); cerr != nil && errors.Is(err, cerr) {
		return nil, err
	}
	// A value that did not decode is left zero, and checking it again
	// would report the same mistake in other words at the same place
	// (an empty expression, a date 0000-00-00): keep the first report.
	reported := map[diag.Pos]bool{}
	for _, e := range decodeErrs {
		reported[e.Pos] = true
	}
	for _, e := range diag.Flatten(err) {
		// What the whole set lacks (no service, no member) may be a
		// section that did not decode: say it once that is fixed.
		if !reported[e.Pos] && (e.Pos.Line > 0 || len(decodeErrs) == 0) {
			decodeErrs = append(decodeErrs, e)
		}
	}
	if err := decodeErrs.Err(); err != nil {
		return nil, err
	}
	return set, nil
}

// Build merges decoded files into a rule set, checks them and compiles every
// expression, in the environment opts choose (WithFormulas). All errors
// found are returned, sorted by position.
func Build(files []NamedFile, opts ...Option) (*Set, error) {
	b := &builder{set: &Set{Files: files}, m: &engine.Model{}, names: map[string]diag.Pos{}, formulas: Formulas(opts...),
		ctx: buildContext(opts...)}
	b.build()
	if b.canceled != nil {
		return nil, b.canceled
	}
	if err := b.errs.Err(); err != nil {
		return nil, err
	}
	b.set.Model = b.m
	b.set.Billing = b.terms
	b.set.Warnings = b.warnings.Sort()
	return b.set, nil
}

type builder struct {
	set      *Set
	m        *engine.Model
	errs     diag.List
	warnings diag.List
	// formulas is the environment every expression compiles in.
	formulas *formula.Env
	// ctx is checked every few compilations (compiled counts them);
	// canceled is its error once it is done, after which nothing more is
	// compiled.
	ctx      context.Context
	compiled int
	canceled error
	// names maps every parameter and rule name to where it is declared.
	names  map[string]diag.Pos
	params map[string]*engine.Param
	rules  map[string]*ruleDraft
	// declared indexes the rules of every file by name; sortedNames are
	// the candidates of a did-you-mean, suggested how many were given.
	declared    map[string]*Rule
	sortedNames []string
	suggested   int
	attributes  []string
	members     map[string]*engine.Member
	// memberParams are the per-member parameters (by_member), run as
	// per-member rules ahead of the others.
	memberParams []memberParam
	terms        *billing.Terms
}

// memberParam is a per-member parameter as declared.
type memberParam struct {
	name string
	pos  diag.Pos
	p    *Parameter
}

// ruleDraft is a rule before the rules are put in dependency order.
type ruleDraft struct {
	rule *engine.Rule
	deps []string // rules it reads, in order of appearance
}

func (b *builder) errorf(pos diag.Pos, format string, args ...any) {
	e := diag.Errorf(pos, diag.Invalid, format, args...)
	for _, nf := range b.set.Files {
		if nf.Path == pos.File && nf.File.source != nil {
			e.Source = nf.File.source.line(pos.Line)
		}
	}
	b.errs = append(b.errs, e)
}

func (b *builder) build() {
	var service *Service
	var fees *Fees
	for _, nf := range b.set.Files {
		f := nf.File
		if f.Service != nil {
			if service != nil {
				b.errorf(f.Service.ID.Pos, "the service is declared twice: first at %s", service.ID.Pos)
			} else {
				service = f.Service
			}
		}
		if f.Fees != nil {
			if fees != nil {
				b.errorf(f.Fees.Rate.Pos, "fees are declared twice: first at %s", fees.Rate.Pos)
			} else {
				fees = f.Fees
			}
		}
	}
	if service == nil {
		var where diag.Pos
		if len(b.set.Files) > 0 {
			where.File = b.set.Files[0].Path
		}
		b.errorf(where, "no file declares the service (a top-level service: section with id, title, manager, start and years)")
		return
	}
	if !b.checkLimits(service) {
		return
	}
	b.service(service)
	b.memberList()
	b.parameters()
	b.memberParameters()
	b.ruleList()
	b.pools()
	if fees != nil {
		b.m.FeeRate = b.compile(fees.Rate, b.globalEnv(), false, "the fee rate")
	} else {
		b.feesWithoutRate()
	}
	b.referenceKey(service)
	b.order()
	b.billingTerms()
}

// feesWithoutRate reports the pools that ask for fees when no fees:
// section gives their rate: they would silently carry none.
func (b *builder) feesWithoutRate() {
	for _, nf := range b.set.Files {
		for _, e := range nf.File.Pools.Entries {
			if f := e.Value.Fees; f.Value {
				b.errorf(f.Pos, "pool %s has fees: true, but no fees: section gives the fee rate", e.Key)
			}
		}
	}
}

func (b *builder) service(s *Service) {
	m := b.m
	m.ID, m.Title, m.Manager = s.ID.Value, s.Title.Value, s.Manager.Value
	m.Description, m.Source, m.URL = s.Description.Value, s.Source.Value, b.sourceURL(s.URL, "service")
	m.Start = s.Start.Value
	if s.Years != nil {
		m.FirstYear, m.LastYear = s.Years.From.Value, s.Years.To.Value
		if m.FirstYear > m.LastYear {
			b.errorf(s.Years.From.Pos, "service years: from %d is after to %d", m.FirstYear, m.LastYear)
		}
		if s.Start.Set && m.FirstYear < m.Start.Year {
			b.errorf(s.Years.From.Pos, "service years start in %d, before the service itself starts on %s", m.FirstYear, m.Start)
		}
		// Months count from their first day: a service starting after 1
		// December counts no month of its first year, which is legal but
		// rarely meant.
		if first := m.Start; s.Start.Set && first.Day > 1 && first.Month == 12 && m.FirstYear == first.Year {
			b.warnings.Addf(s.Years.From.Pos, diag.Invalid, "service years start in %d, but the service, starting on %s, counts no month of %d (months count from their first day): that year bills nothing; start the years in %d", m.FirstYear, m.Start, m.FirstYear, m.FirstYear+1)
		}
		if s.Start.Set && m.Start.Year > m.LastYear {
			b.errorf(s.Start.Pos, "the service starts on %s, after the last year %d", m.Start, m.LastYear)
		}
	}
	m.From, m.To = m.FirstYear, m.LastYear
	if s.Run != nil {
		m.From, m.To = s.Run.From.Value, s.Run.To.Value
		if m.From > m.To || m.From < m.FirstYear || m.To > m.LastYear {
			b.errorf(s.Run.From.Pos, "service run: years %d–%d must lie within the years %d–%d", m.From, m.To, m.FirstYear, m.LastYear)
		}
	}
}

func (b *builder) memberList() {
	b.members = map[string]*engine.Member{}
	var manager *Text
	for _, nf := range b.set.Files {
		for i := range nf.File.Members {
			mem := &nf.File.Members[i]
			id := mem.ID.Value
			if !formula.ValidName(id) {
				b.errorf(mem.ID.Pos, "member id %s: expected letters, digits and underscores, starting with a letter", quote(id))
			}
			if prev, ok := b.members[id]; ok {
				b.errorf(mem.ID.Pos, "member %s is declared twice: first at %s", id, prev.Pos)
				continue
			}
			em := engine.Member{ID: id, Label: mem.Label.Value, Kind: mem.Kind.Value,
				Attributes: map[string]decimal.Decimal{}, Joined: b.m.Start, Left: mem.Left.Value, Pos: mem.ID.Pos}
			if mem.Joined.Set {
				em.Joined = mem.Joined.Value
			}
			if mem.Left.Set && mem.Left.Value.Before(em.Joined) {
				b.errorf(mem.Left.Pos, "member %s leaves on %s, before it joins on %s", id, mem.Left.Value, em.Joined)
			}
			for _, a := range mem.Attributes.Entries {
				if !formula.ValidName(a.Key) {
					b.errorf(a.KeyPos, "attribute %s of member %s: expected letters, digits and underscores", quote(a.Key), short(id))
				}
				em.Attributes[a.Key] = a.Value.Value
				if !slices.Contains(b.attributes, a.Key) {
					b.attributes = append(b.attributes, a.Key)
				}
			}
			b.m.Members = append(b.m.Members, em)
			b.members[id] = &b.m.Members[len(b.m.Members)-1]
			if id == b.m.Manager {
				manager = &mem.ID
			}
		}
	}
	// Pointers into b.m.Members are stale after appends: rebuild them.
	for i := range b.m.Members {
		b.members[b.m.Members[i].ID] = &b.m.Members[i]
	}
	slices.Sort(b.attributes)
	if len(b.m.Members) == 0 {
		b.errorf(diag.Pos{File: b.set.Files[0].Path}, "no member: declare the bodies that share the service under members:")
	} else if manager == nil && b.m.Manager != "" {
		b.errorf(b.servicePos(), "the manager %s is not a member%s", quote(b.m.Manager), diag.Suggest(b.m.Manager, b.memberIDs()))
	}
}

func (b *builder) servicePos() diag.Pos {
	for _, nf := range b.set.Files {
		if nf.File.Service != nil {
			return nf.File.Service.Manager.Pos
		}
	}
	return diag.Pos{}
}

func (b *builder) memberIDs() []string {
	ids := make([]string, len(b.m.Members))
	for i, m := range b.m.Members {
		ids[i] = m.ID
	}
	return ids
}

// declare reserves a parameter or rule name.
func (b *builder) declare(name string, pos diag.Pos, kind string) bool {
	switch {
	case !formula.ValidName(name):
		b.errorf(pos, "%s name %s: expected letters, digits and underscores, starting with a letter", kind, quote(name))
		return false
	case formula.Reserved(name):
		b.errorf(pos, "%s name %s is reserved (a function or keyword of expressions)", kind, quote(name))
		return false
	}
	if prev, ok := b.names[name]; ok {
		b.errorf(pos, "%s is declared twice: first at %s", name, prev)
		return false
	}
	b.names[name] = pos
	return true
}

var etcUnit = "ETC"

func (b *builder) parameters() {
	b.params = map[string]*engine.Param{}
	for _, nf := range b.set.Files {
		for _, e := range nf.File.Parameters.Entries {
			p := &e.Value
			if !b.declare(e.Key, e.KeyPos, "parameter") {
				continue
			}
			if p.ByMember.Set {
				if p.Value != nil || p.Values.Set || p.CSV != nil {
					b.errorf(p.ByMember.Pos, "parameter %s: give value, values, by_member or csv, only one", e.Key)
					continue
				}
				if !p.Source.Set && !p.Assumption.Set {
					b.warnings.Addf(e.KeyPos, diag.Invalid, "parameter %s has neither source nor assumption: say where the figure comes from", e.Key)
				}
				b.memberParams = append(b.memberParams, memberParam{name: e.Key, pos: e.KeyPos, p: p})
				continue
			}
			ep := engine.Param{Name: e.Key, Label: p.Label.Value, Unit: p.Unit.Value, Pos: e.KeyPos,
				Description: p.Description.Value, Source: p.Source.Value, Assumption: p.Assumption.Value,
				URL: b.sourceURL(p.URL, "parameter "+e.Key)}
			switch {
			case p.CSV != nil && !p.CSV.read:
				b.errorf(p.CSV.File.Pos, "parameter %s: %v", e.Key, errNotRead)
			case p.Value != nil && p.Values.Set:
				b.errorf(p.Value.Pos, "parameter %s: give value or values, not both", e.Key)
			case p.Value != nil:
				ep.Values = []engine.Dated{{From: b.m.Start, Value: p.Value.Value, Pos: p.Value.Pos}}
			case len(p.Values.Entries) > 0:
				for _, v := range p.Values.Entries {
					d, err := engine.ParseDate(v.Key)
					if err != nil {
						b.errorf(v.KeyPos, "parameter %s: %v", e.Key, err)
						continue
					}
					ep.Values = append(ep.Values, engine.Dated{From: d, Value: v.Value.Value, Pos: v.Value.Pos})
				}
			default:
				b.errorf(e.KeyPos, "parameter %s has no value: give value: or values: with dates", e.Key)
			}
			slices.SortStableFunc(ep.Values, func(x, y engine.Dated) int { return x.From.Compare(y.From) })
			if !p.Source.Set && !p.Assumption.Set {
				b.warnings.Addf(e.KeyPos, diag.Invalid, "parameter %s has neither source nor assumption: say where the figure comes from", e.Key)
			}
			b.bounds(e.Key, p, &ep)
			b.m.Params = append(b.m.Params, ep)
		}
	}
	for i := range b.m.Params {
		b.params[b.m.Params[i].Name] = &b.m.Params[i]
	}
}

// MaxURLBytes bounds the address of a source.
const MaxURLBytes = 2000

// sourceURL checks the address of a source: an absolute http or https URL
// with a host, without spaces or control characters, that a report can
// link to; anything else (javascript:, a relative path) is an error at its
// position.
func (b *builder) sourceURL(t Text, what string) string {
	if !t.Set {
		return ""
	}
	v := t.Value
	bad := func(why string) string {
		b.errorf(t.Pos, "%s: url %s: %s", what, quote(v), why)
		return ""
	}
	switch {
	case len(v) > MaxURLBytes:
		return bad(fmt.Sprintf("longer than %d bytes", MaxURLBytes))
	case strings.ContainsFunc(v, func(r rune) bool {
		return r <= ' ' || r == 0x7f || unicode.IsSpace(r) || unicode.In(r, unicode.Cc, unicode.Cf)
	}):
		return bad("spaces and control characters are not allowed (write a space as %20)")
	}
	u, err := url.Parse(v)
	switch {
	case err != nil:
		return bad("not an address")
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("expected an address starting with https:// or http://")
	case u.Host == "" || u.User != nil:
		return bad("expected an address with a host name and no user name, such as https://www.legifrance.gouv.fr/...")
	}
	return v
}

// bounds checks every value of a parameter against its min and max; a
// staff count (unit ETC) cannot be negative unless min says otherwise.
func (b *builder) bounds(name string, p *Parameter, ep *engine.Param) {
	var lo, hi *decimal.Decimal
	if p.Min != nil {
		lo = &p.Min.Value
	} else if strings.EqualFold(p.Unit.Value, etcUnit) {
		zero := decimal.Zero
		lo = &zero
	}
	if p.Max != nil {
		hi = &p.Max.Value
	}
	for _, v := range ep.Values {
		if lo != nil && v.Value.LessThan(*lo) {
			b.errorf(v.Pos, "parameter %s: %s %s from %s is below the minimum %s", name, v.Value, ep.Unit, v.From, lo)
		}
		if hi != nil && v.Value.GreaterThan(*hi) {
			b.errorf(v.Pos, "parameter %s: %s %s from %s is above the maximum %s", name, v.Value, ep.Unit, v.From, hi)
		}
	}
}

// IsPerMember reports whether a declared rule is evaluated per member:
// it says so, or gives a value by member in any of its versions.
func (r *Rule) IsPerMember() bool {
	if r.PerMember.Value || len(r.ByMember.Entries) > 0 {
		return true
	}
	for _, v := range r.Versions {
		if len(v.ByMember.Entries) > 0 {
			return true
		}
	}
	return false
}

// declaredRules lists every rule of every file with its per-member flag,
// so that environments can be built before any rule is compiled.
func (b *builder) declaredRules() []Entry[Rule] {
	var all []Entry[Rule]
	for _, nf := range b.set.Files {
		all = append(all, nf.File.Rules.Entries...)
	}
	return all
}

func (b *builder) globalEnv() formula.Decls {
	env := b.baseEnv()
	for _, mp := range b.memberParams {
		env[mp.name] = formula.NumberMap
	}
	for _, e := range b.declaredRules() {
		if !usableName(e.Key) {
			continue
		}
		if e.Value.IsPerMember() {
			env[e.Key] = formula.NumberMap
		} else {
			env[e.Key] = formula.Number
		}
	}
	return env
}

func (b *builder) memberEnv() formula.Decls {
	env := b.baseEnv()
	for _, mp := range b.memberParams {
		env[mp.name] = formula.Number
	}
	for _, e := range b.declaredRules() {
		if usableName(e.Key) {
			env[e.Key] = formula.Number
		}
	}
	return env
}

// usableName reports whether a rule's name can enter the environment of
// expressions: a rule named like a function (round) is reported once, by
// declare, and must not hide the function from every other expression.
func usableName(name string) bool {
	return formula.ValidName(name) && !formula.Reserved(name)
}

func (b *builder) baseEnv() formula.Decls {
	env := formula.Decls{formula.Year: formula.Number, formula.Previous: formula.NumberMap, formula.Member: formula.NumberMap}
	for _, p := range b.m.Params {
		env[p.Name] = formula.Number
	}
	return env
}

func (b *builder) ruleList() {
	b.rules = map[string]*ruleDraft{}
	globalEnv, memberEnv := b.globalEnv(), b.memberEnv()
	for _, e := range b.declaredRules() {
		r := &e.Value
		if !b.declare(e.Key, e.KeyPos, "rule") {
			continue
		}
		perMember := r.IsPerMember()
		if r.PerMember.Set && !r.PerMember.Value && perMember {
			b.errorf(r.PerMember.Pos, "rule %s: per_member is false but the rule has by_member formulas", e.Key)
		}
		env := globalEnv
		if perMember {
			env = memberEnv
		}
		draft := &ruleDraft{rule: &engine.Rule{Name: e.Key, Label: r.Label.Value, Unit: r.Unit.Value, PerMember: perMember, Pos: e.KeyPos, Description: r.Description.Value,
			Source: r.Source.Value, URL: b.sourceURL(r.URL, "rule "+e.Key)}}
		versions := r.Versions
		switch {
		case len(versions) > 0 && (r.Expr.Set || r.ByMember.Set):
			b.errorf(e.KeyPos, "rule %s: give either expr/by_member or versions, not both", e.Key)
			continue
		case len(versions) == 0:
			versions = []Version{{From: Date{Node: Node{Set: true, Pos: e.KeyPos}, Value: b.m.Start}, Expr: r.Expr, ByMember: r.ByMember}}
		}
		ordered := true
		for i, v := range versions {
			if i > 0 && !versions[i-1].From.Value.Before(v.From.Value) {
				ordered = false
				b.errorf(v.From.Pos, "rule %s: versions must be in date order, and %s does not come after %s", e.Key, v.From.Value, versions[i-1].From.Value)
			}
			what := "rule " + e.Key
			if len(r.Versions) > 0 {
				what = fmt.Sprintf("rule %s (version from %s)", e.Key, v.From.Value)
			}
			ev := engine.Version{From: v.From.Value, Pos: v.From.Pos, Description: v.Description.Value, Source: v.Source.Value,
				URL: b.sourceURL(v.URL, what)}
			if !v.Expr.Set && !v.ByMember.Set {
				b.errorf(v.From.Pos, "%s has no formula: give expr (or by_member for a per-member rule)", what)
				continue
			}
			if v.Expr.Set {
				ev.Expr = b.compile(v.Expr, env, perMember, what)
				draft.deps = append(draft.deps, b.ruleDeps(ev.Expr)...)
			}
			if v.ByMember.Set {
				ev.ByMember = map[string]*engine.Formula{}
			}
			for _, bm := range v.ByMember.Entries {
				if _, ok := b.members[bm.Key]; !ok {
					b.errorf(bm.KeyPos, "%s: %s is not a member%s", what, quote(bm.Key), diag.Suggest(bm.Key, b.memberIDs()))
					continue
				}
				f := b.compile(bm.Value, env, true, fmt.Sprintf("%s for member %s", what, bm.Key))
				ev.ByMember[bm.Key] = f
				draft.deps = append(draft.deps, b.ruleDeps(f)...)
			}
			draft.rule.Versions = append(draft.rule.Versions, ev)
		}
		if ordered && len(draft.rule.Versions) > 0 && b.m.Start.Before(draft.rule.Versions[0].From) {
			b.errorf(versions[0].From.Pos, "rule %s has no formula before %s, but the service starts on %s", e.Key, draft.rule.Versions[0].From, b.m.Start)
		}
		b.rules[e.Key] = draft
	}
}

// ruleDeps lists the rules a compiled formula reads (not through previous).
func (b *builder) ruleDeps(f *engine.Formula) []string {
	if f == nil {
		return nil
	}
	var deps []string
	for _, r := range f.Program.Refs() {
		if r.Field == "" && r.Name != formula.Year && b.params[r.Name] == nil {
			deps = append(deps, r.Name)
		}
	}
	return deps
}

// compile compiles an expression and checks the member attributes and
// previous values it reads. what names it in messages.
func (b *builder) compile(x Expr, env formula.Decls, perMember bool, what string) *engine.Formula {
	if !x.Set || b.canceled != nil {
		return nil
	}
	if b.compiled++; b.compiled%64 == 0 {
		if err := b.ctx.Err(); err != nil {
			b.canceled = err
			return nil
		}
	}
	p, err := b.formulas.Compile(x.Source, env, formula.KindNumber)
	if err != nil {
		var fe *formula.Error
		if !errors.As(err, &fe) {
			b.errs.Add(err)
			return nil
		}
		offset, msg, code := compileMessage(fe, func() []string { return b.envNames(env) }, b.formulas.Limits())
		if d := b.declaredRule(fe.Name); errors.Is(fe, formula.ErrSumOfNumber) && perMember && d != nil && d.IsPerMember() {
			msg = fmt.Sprintf("sum(%s): inside a per-member rule, %s is the member's own value, a number, and sum needs the values of every member: compute sum(%s) in a global rule and read that rule here", fe.Name, fe.Name, fe.Name)
		}
		pos, line := x.PosAt(offset)
		b.errs = append(b.errs, &diag.Error{Pos: pos, Code: code, Source: line,
			Msg: fmt.Sprintf("%s: %s", what, msg)})
		return nil
	}
	pos, line := x.PosAt(0)
	f := &engine.Formula{Program: p, Pos: pos, Line: line, At: x.PosAt}
	for _, ref := range p.Refs() {
		at := func(format string, args ...any) {
			pos, line := x.PosAt(ref.Offset)
			b.errs = append(b.errs, &diag.Error{Pos: pos, Code: diag.Invalid, Source: line,
				Msg: fmt.Sprintf("%s: ", what) + fmt.Sprintf(format, args...)})
		}
		if ref.Key != "" && b.members[ref.Key] == nil {
			if d := b.declaredRule(ref.Name); d != nil && d.IsPerMember() {
				pos, line := x.PosAt(ref.KeyOffset)
				b.errs = append(b.errs, &diag.Error{Pos: pos, Code: diag.Invalid, Source: line,
					Msg: fmt.Sprintf("%s: %s is not a member%s; %s is per member, by member id", what, quote(ref.Key), diag.Suggest(ref.Key, b.memberIDs()), ref.Name)})
			}
		}
		switch ref.Name {
		case formula.Member:
			if !perMember {
				at("member.%s can only be read in a per-member rule", ref.Field)
			} else if !slices.Contains(b.attributes, ref.Field) {
				at("unknown member attribute %s%s; the members have: %s", ref.Field, diag.Suggest(ref.Field, b.attributes), strings.Join(b.attributes, ", "))
			}
		case formula.Previous:
			if b.params[ref.Field] != nil {
				break
			}
			if d := b.declaredRule(ref.Field); d == nil {
				at("previous.%s: %s is not a parameter or a rule%s", ref.Field, ref.Field, diag.Suggest(ref.Field, b.envNames(env)))
			} else if d.IsPerMember() {
				at("previous.%s: last year's values are kept for parameters and global rules, and %s is per member", ref.Field, ref.Field)
			}
		}
	}
	return f
}

// declaredRule returns the rule declared under name (the first, when it
// is declared twice), nil when there is none.
func (b *builder) declaredRule(name string) *Rule {
	if b.declared == nil {
		all := b.declaredRules()
		b.declared = make(map[string]*Rule, len(all))
		for i := range all {
			if _, ok := b.declared[all[i].Key]; !ok {
				b.declared[all[i].Key] = &all[i].Value
			}
		}
	}
	return b.declared[name]
}

// maxSuggestions bounds how many unknown names get a did-you-mean: each
// is compared with every name of the rule set, and a file of thousands of
// mistakes would make check quadratic.
const maxSuggestions = 100

// envNames returns the names of env, sorted, then the functions: the
// candidates of a did-you-mean. The environments of a rule set all hold
// the same names, so the list is made once; past maxSuggestions calls it
// is empty.
func (b *builder) envNames(env formula.Decls) []string {
	if b.suggested++; b.suggested > maxSuggestions {
		return nil
	}
	if len(b.sortedNames) != len(env)+len(formula.Names()) {
		names := make([]string, 0, len(env)+len(formula.Names()))
		for n := range env {
			names = append(names, n)
		}
		slices.Sort(names)
		b.sortedNames = append(names, formula.Names()...)
	}
	return b.sortedNames
}

func (b *builder) pools() {
	env := b.globalEnv()
	seen := map[string]diag.Pos{}
	for _, nf := range b.set.Files {
		for _, e := range nf.File.Pools.Entries {
			p := &e.Value
			if prev, ok := seen[e.Key]; ok {
				b.errorf(e.KeyPos, "pool %s is declared twice: first at %s", e.Key, prev)
				continue
			}
			seen[e.Key] = e.KeyPos
			ep := engine.Pool{ID: e.Key, Label: p.Label.Value, Key: p.Key.Value, Fees: p.Fees.Value, Pos: e.KeyPos}
			ep.Amount = b.compile(p.Amount, env, false, "pool "+e.Key)
			b.checkKey(p.Key, "pool "+e.Key)
			b.m.Pools = append(b.m.Pools, ep)
		}
	}
	if len(b.m.Pools) == 0 && len(b.set.Files) > 0 {
		b.errorf(diag.Pos{File: b.set.Files[0].Path}, "no pool: declare what the service costs under pools:")
	}
}

// checkKey verifies that a key names a per-member rule.
func (b *builder) checkKey(key Text, what string) {
	if !key.Set {
		return
	}
	r := b.declaredRule(key.Value)
	switch {
	case r == nil:
		b.errorf(key.Pos, "%s: key %s is not a rule%s", what, quote(key.Value), diag.Suggest(key.Value, slices.Sorted(maps.Keys(b.names))))
	case !r.IsPerMember():
		b.errorf(key.Pos, "%s: key %s is not a per-member rule (give it per_member: true or by_member formulas)", what, key.Value)
	}
}

func (b *builder) referenceKey(s *Service) {
	if s.ReferenceKey.Set {
		b.checkKey(s.ReferenceKey, "service reference_key")
		b.m.ReferenceKey = s.ReferenceKey.Value
	}
}

// order puts the rules in an order in which each comes after the rules it
// reads, keeping the order of the files where dependencies allow; a cycle
// is an error naming it.
func (b *builder) order() {
	var names []string
	listed := map[string]bool{}
	for _, e := range b.declaredRules() {
		if b.rules[e.Key] != nil && !listed[e.Key] {
			listed[e.Key] = true
			names = append(names, e.Key)
		}
	}
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(name string) bool
	visit = func(name string) bool {
		switch state[name] {
		case done:
			return true
		case visiting:
			i := slices.Index(stack, name)
			cycle := append(slices.Clone(stack[i:]), name)
			b.errorf(b.rules[name].rule.Pos, "rules form a cycle: %s", strings.Join(cycle, " → "))
			return false
		}
		state[name] = visiting
		stack = append(stack, name)
		for _, dep := range b.rules[name].deps {
			if b.rules[dep] != nil && !visit(dep) {
				return false
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = done
		b.m.Rules = append(b.m.Rules, *b.rules[name].rule)
		return true
	}
	for _, name := range names {
		if state[name] == unvisited && !visit(name) {
			return
		}
	}
}
