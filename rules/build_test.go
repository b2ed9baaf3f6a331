package rules_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
)

// buildBase is a small valid rule set that the build tests complete with a
// second file, extra.yaml.
const buildBase = `service:
  id: t
  title: T
  manager: a
  start: 2024-01-01
  years: {from: 2024, to: 2025}
members:
  - {id: a, label: A, attributes: {population: 10}}
  - {id: b, label: B, attributes: {population: 30}}
parameters:
  total: {description: d, unit: EUR, value: 1000, source: s}
rules:
  key:
    per_member: true
    expr: member.population / 40
pools:
  p: {label: P, amount: total, key: key}
`

// buildWith loads buildBase and extra as a rule set.
func buildWith(tb testing.TB, extra string) (*rules.Set, diag.List) {
	tb.Helper()
	fsys := fstest.MapFS{
		"base.yaml":  {Data: []byte(buildBase)},
		"extra.yaml": {Data: []byte(extra)},
	}
	set, err := rules.Load(fsys, ".", "r")
	return set, diag.Flatten(err)
}

func rule(m *engine.Model, name string) *engine.Rule {
	for i := range m.Rules {
		if m.Rules[i].Name == name {
			return &m.Rules[i]
		}
	}
	return nil
}

func TestBuildNames(t *testing.T) {
	tests := []struct{ extra, want string }{
		{"members:\n  - {id: 1ville, label: V}", `r/extra.yaml:2:10: member id "1ville": expected letters, digits and underscores, starting with a letter`},
		{"members:\n  - {id: ville-centre, label: V}", `member id "ville-centre": expected letters`},
		{"members:\n  - {id: a, label: A2}", "r/extra.yaml:2:10: member a is declared twice: first at r/base.yaml:8:10"},
		{"members:\n  - {id: c, label: C, attributes: {nb-postes: 3}}", `r/extra.yaml:2:36: attribute "nb-postes" of member c: expected letters`},
		{"parameters:\n  taux-frais: {description: d, unit: taux, value: 1, source: s}", `r/extra.yaml:2:3: parameter name "taux-frais": expected letters`},
		{"parameters:\n  sum: {description: d, unit: taux, value: 1, source: s}", `r/extra.yaml:2:3: parameter name "sum" is reserved`},
		{"parameters:\n  year: {description: d, unit: taux, value: 1, source: s}", `parameter name "year" is reserved`},
		{"rules:\n  member: {expr: 1}", `rule name "member" is reserved`},
		{"rules:\n  total: {expr: 1}", "r/extra.yaml:2:3: total is declared twice: first at r/base.yaml:11:3"},
		{"rules:\n  key: {expr: 1}", "r/extra.yaml:2:3: key is declared twice: first at r/base.yaml:13:3"},
		{"pools:\n  p: {label: P, amount: 1, key: key}", "r/extra.yaml:2:3: pool p is declared twice: first at r/base.yaml:17:3"},
		{"rules:\n  x: {expr: totl * 2}", `r/extra.yaml:2:13: rule x: unknown name totl (did you mean "total"?)`},
		{"rules:\n  x: {expr: previous.totl}", `r/extra.yaml:2:22: rule x: previous.totl: totl is not a parameter or a rule (did you mean "total"?)`},
		{"rules:\n  x: {expr: previous.key}", "previous.key: last year's values are kept for parameters and global rules, and key is per member"},
		{"rules:\n  x: {expr: sum(key) / 0}", ""},
		{"rules:\n  x: {expr: key}", "r/extra.yaml:2:13: rule x: expected a number, found a value per member"},
		{"rules:\n  x: {per_member: true, expr: member.surface}", `r/extra.yaml:2:38: rule x: unknown member attribute surface; the members have: population`},
		{"fees: {rate: 0.03}\n---\n", ""},
		{"fees: {rate: 0.03}", ""},
	}
	for _, tt := range tests {
		set, errs := buildWith(t, tt.extra)
		if tt.want == "" {
			if len(errs) > 0 {
				t.Errorf("%q: %v", tt.extra, errs)
			} else if set.Model == nil {
				t.Errorf("%q: no model", tt.extra)
			}
			continue
		}
		if len(errs) == 0 {
			t.Errorf("%q builds, want %s", tt.extra, tt.want)
			continue
		}
		if !strings.Contains(errs.Error(), tt.want) {
			t.Errorf("%q:\n%s\nwant %s", tt.extra, errs.Detail(), tt.want)
		}
	}
}

func TestBuildPerMember(t *testing.T) {
	set, errs := buildWith(t, `rules:
  global: {expr: total / 2}
  flagged: {per_member: true, expr: member.population}
  listed:
    by_member: {a: 1, b: 0}
  mixed:
    by_member: {a: 0.5}
    expr: 0.5
  dated:
    versions:
      - {from: 2024-01-01, expr: 1}
      - {from: 2025-01-01, by_member: {a: 1, b: 0}}
  member_reads_global:
    per_member: true
    expr: global * member.population
  global_reads_member:
    expr: sum(listed) + total
`)
	if len(errs) > 0 {
		t.Fatal(errs.Detail())
	}
	want := map[string]bool{"key": true, "global": false, "flagged": true, "listed": true, "mixed": true,
		"dated": true, "member_reads_global": true, "global_reads_member": false}
	for name, per := range want {
		r := rule(set.Model, name)
		if r == nil {
			t.Errorf("rule %s missing from the model", name)
			continue
		}
		if r.PerMember != per {
			t.Errorf("rule %s: PerMember = %v, want %v", name, r.PerMember, per)
		}
	}
	// A rule that says it is global but lists members is an error.
	_, errs = buildWith(t, "rules:\n  x:\n    per_member: false\n    by_member: {a: 1, b: 0}\n")
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, "per_member is false but the rule has by_member formulas") {
		t.Errorf("per_member false with by_member: %v", errs)
	}
	// A pool's key must be a per-member rule; a global one is refused.
	_, errs = buildWith(t, "rules:\n  g: {expr: 1}\npools:\n  q: {label: Q, amount: 1, key: g}\n")
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, "key g is not a per-member rule") {
		t.Errorf("pool keyed by a global rule: %v", errs)
	}
}

func TestBuildVersions(t *testing.T) {
	set, errs := buildWith(t, `rules:
  x:
    versions:
      - {from: 2024-01-01, expr: 1}
      - {from: 2024-07-01, expr: 2}
      - {from: 2025-01-01, expr: 3}
parameters:
  y:
    description: d
    unit: taux
    values: {2025-01-01: 2, 2024-01-01: 1, 2024-06-01: 1.5}
    source: s
`)
	if len(errs) > 0 {
		t.Fatal(errs.Detail())
	}
	x := rule(set.Model, "x")
	var froms []string
	for _, v := range x.Versions {
		froms = append(froms, v.From.String())
	}
	if got := strings.Join(froms, " "); got != "2024-01-01 2024-07-01 2025-01-01" {
		t.Errorf("versions of x from %s", got)
	}
	// Parameter values may be written in any order; the model has them by date.
	for _, p := range set.Model.Params {
		if p.Name == "y" && !slices.IsSortedFunc(p.Values, func(a, b engine.Dated) int { return a.From.Compare(b.From) }) {
			t.Errorf("values of y not sorted: %v", p.Values)
		}
	}

	tests := []struct{ extra, want string }{
		{"rules:\n  x:\n    versions:\n      - {from: 2025-01-01, expr: 1}\n      - {from: 2024-01-01, expr: 2}\n",
			"r/extra.yaml:5:16: rule x: versions must be in date order, and 2024-01-01 does not come after 2025-01-01"},
		{"rules:\n  x:\n    versions:\n      - {from: 2024-01-01, expr: 1}\n      - {from: 2024-01-01, expr: 2}\n",
			"r/extra.yaml:5:16: rule x: versions must be in date order, and 2024-01-01 does not come after 2024-01-01"},
		{"rules:\n  x:\n    versions:\n      - {from: 2024-06-01, expr: 1}\n",
			"r/extra.yaml:4:16: rule x has no formula before 2024-06-01, but the service starts on 2024-01-01"},
		{"rules:\n  x:\n    versions:\n      - {from: 2024-01-01}\n",
			"r/extra.yaml:4:16: rule x (version from 2024-01-01) has no formula: give expr (or by_member for a per-member rule)"},
		{"rules:\n  x:\n    expr: 1\n    versions:\n      - {from: 2024-01-01, expr: 1}\n",
			"r/extra.yaml:2:3: rule x: give either expr/by_member or versions, not both"},
		{"rules:\n  x:\n    versions:\n      - {expr: 1}\n",
			`r/extra.yaml:4:9: rules.x.versions[1]: missing key "from" (effective date, YYYY-MM-DD)`},
	}
	for _, tt := range tests {
		_, errs := buildWith(t, tt.extra)
		if len(errs) != 1 || errs[0].Error() != tt.want {
			t.Errorf("%q:\n%s\nwant %s", tt.extra, errs.Detail(), tt.want)
		}
	}
}

func TestBuildOrder(t *testing.T) {
	// Rules are declared before what they read, across files; the model
	// must have each after its dependencies and otherwise keep file order.
	set, errs := buildWith(t, `rules:
  c: {expr: b * 2}
  lone: {expr: 7}
  b: {expr: a + total}
  d: {expr: "sum(key) + c"}
  a: {expr: previous.d + 1}
`)
	if len(errs) > 0 {
		t.Fatal(errs.Detail())
	}
	var names []string
	for _, r := range set.Model.Rules {
		names = append(names, r.Name)
	}
	index := func(n string) int { return slices.Index(names, n) }
	for _, dep := range [][2]string{{"a", "b"}, {"b", "c"}, {"c", "d"}, {"key", "d"}} {
		if index(dep[0]) < 0 || index(dep[1]) < 0 || index(dep[0]) > index(dep[1]) {
			t.Errorf("rule order %v: %s must come before %s", names, dep[0], dep[1])
		}
	}
	// Rules are placed in the order of the files, each after what it
	// reads (a reads previous.d, which does not make d come first):
	// base.yaml's key, then c with what it needs, then lone, then d.
	if got := strings.Join(names, " "); got != "key a b c lone d" {
		t.Errorf("rule order %s, want key a b c lone d", got)
	}

	tests := []struct{ extra, want string }{
		{"rules:\n  x: {expr: x + 1}\n", "rules form a cycle: x → x"},
		{"rules:\n  x: {expr: y + 1}\n  y: {expr: z}\n  z: {expr: x * 2}\n", "r/extra.yaml:2:3: rules form a cycle: x → y → z → x"},
		{"rules:\n  x:\n    per_member: true\n    by_member: {a: y, b: 1}\n  y: {expr: sum(x)}\n", "rules form a cycle: x → y → x"},
	}
	for _, tt := range tests {
		_, errs := buildWith(t, tt.extra)
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want) {
			t.Errorf("%q:\n%s\nwant %s", tt.extra, errs.Detail(), tt.want)
		}
	}
}

func TestBuildWarnings(t *testing.T) {
	set, errs := buildWith(t, `parameters:
  sourced: {description: d, unit: EUR, value: 1, source: Délibération}
  assumed: {description: d, unit: EUR, value: 1, assumption: Hypothèse}
  silent: {description: d, unit: EUR, value: 1}
`)
	if len(errs) > 0 {
		t.Fatal(errs.Detail())
	}
	if len(set.Warnings) != 1 {
		t.Fatalf("warnings:\n%s\nwant one, for silent", set.Warnings.Detail())
	}
	w := set.Warnings[0]
	if w.Pos.String() != "r/extra.yaml:4:3" || !strings.Contains(w.Msg, "parameter silent has neither source nor assumption") {
		t.Errorf("warning %v", w)
	}
}

func TestBuildParameters(t *testing.T) {
	tests := []struct{ extra, want string }{
		{"parameters:\n  e: {description: d, unit: ETC, value: -1, source: s}", "r/extra.yaml:2:41: parameter e: -1 ETC from 2024-01-01 is below the minimum 0"},
		{"parameters:\n  e: {description: d, unit: etc, value: -0.5, source: s}", "parameter e: -0.5 etc from 2024-01-01 is below the minimum 0"},
		{"parameters:\n  e: {description: d, unit: ETC, value: -1, min: -2, source: s}", ""},
		{"parameters:\n  e: {description: d, unit: taux, value: 1.5, max: 1, source: s}", "parameter e: 1.5 taux from 2024-01-01 is above the maximum 1"},
		{"parameters:\n  e: {description: d, unit: EUR, value: -5, source: s}", ""},
		{"parameters:\n  e: {description: d, unit: EUR, source: s}", "r/extra.yaml:2:3: parameter e has no value: give value: or values: with dates"},
		{"parameters:\n  e: {unit: EUR, value: 1, source: s}", `r/extra.yaml:2:6: parameters.e: missing key "description"`},
		{"parameters:\n  e: {description: d, unit: EUR, values: {2024-13-01: 1}, source: s}", `r/extra.yaml:2:43: parameter e: expected a date written YYYY-MM-DD, found "2024-13-01"`},
	}
	for _, tt := range tests {
		_, errs := buildWith(t, tt.extra)
		switch {
		case tt.want == "" && len(errs) > 0:
			t.Errorf("%q: %v", tt.extra, errs)
		case tt.want != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want)):
			t.Errorf("%q:\n%s\nwant %s", tt.extra, errs.Detail(), tt.want)
		}
	}
}

func TestLoadFolder(t *testing.T) {
	// Only rule files are read: test cases and other files are left out.
	fsys := fstest.MapFS{
		"base.yaml":        {Data: []byte(buildBase)},
		"cas.test.yaml":    {Data: []byte("not: a rule file")},
		"README.md":        {Data: []byte("# notes")},
		"sous/extra.yaml":  {Data: []byte("broken: [")},
		"notes.txt":        {Data: []byte("x")},
		"extra.yml":        {Data: []byte("parameters:\n  q: {description: d, unit: EUR, value: 2, source: s}\n")},
		"encore.json":      {Data: []byte(`{"parameters": {"j": {"description": "d", "unit": "EUR", "value": 3, "source": "s"}}}`)},
		"toujours.toml":    {Data: []byte("[parameters.k]\ndescription = \"d\"\nunit = \"EUR\"\nvalue = 4\nsource = \"s\"\n")},
		"vide/.gitkeep":    {Data: nil},
		"autre/base.yaml":  {Data: []byte(buildBase)},
		"autre/extra.yaml": {Data: []byte(buildBase)},
	}
	set, err := rules.Load(fsys, ".", "r")
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	var params []string
	for _, p := range set.Model.Params {
		params = append(params, p.Name)
	}
	// Files are read in name order: base, encore, extra, toujours.
	if got := strings.Join(params, " "); got != "total j q k" {
		t.Errorf("parameters %s, want total j q k", got)
	}
	if _, err := rules.Load(fsys, "vide", "r/vide"); err == nil || !strings.Contains(err.Error(), "r/vide: no rule file") {
		t.Errorf("empty folder: %v", err)
	}
	if _, err := rules.Load(fsys, "absent", "r/absent"); err == nil || !strings.Contains(err.Error(), "r/absent: cannot read the rules folder") {
		t.Errorf("missing folder: %v", err)
	}
	_, err = rules.Load(fsys, "autre", "r/autre")
	if errs := diag.Flatten(err); len(errs) == 0 || !strings.Contains(errs[0].Error(), "the service is declared twice") {
		t.Errorf("two services: %v", err)
	}
}

func TestIsRuleFile(t *testing.T) {
	for name, want := range map[string]bool{
		"regles.yaml": true, "regles.yml": true, "R.YAML": true, "r.json": true, "r.toml": true,
		"cas.test.yaml": false, "cas.test.yml": false, "README.md": false, "regles.yaml.bak": false, "yaml": false,
		".regles.yaml": false, ".#regles.yaml": false, "dir/.hidden.yaml": false, "../rouen/regles.yaml": true,
		"quotepart.yaml": false, "Quotepart.YML": false, "ccf/quotepart.yaml": false, "quotepart.json": true,
	} {
		if got := rules.IsRuleFile(name); got != want {
			t.Errorf("IsRuleFile(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestBuildSourceURL: a source's address reaches the model for parameters,
// rules and rule versions, and anything a report could not safely link to
// is an error at the url's position.
func TestBuildSourceURL(t *testing.T) {
	set, errs := buildWith(t, `parameters:
  taux: {description: d, unit: taux, value: 0.03, source: Décret, url: "https://www.legifrance.gouv.fr/jorf/id/X"}
rules:
  cle:
    source: Délibération 10-26
    url: https://example.org/deliberation-10-26.pdf
    versions:
      - from: 2024-01-01
        description: Première version.
        source: Article 3
        url: "http://example.org/a3#p2"
        expr: "1"
`)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m := set.Model
	var p engine.Param
	for _, x := range m.Params {
		if x.Name == "taux" {
			p = x
		}
	}
	if p.URL != "https://www.legifrance.gouv.fr/jorf/id/X" || p.Source != "Décret" {
		t.Errorf("parameter taux: source %q, url %q", p.Source, p.URL)
	}
	r := rule(m, "cle")
	if r == nil || r.Source != "Délibération 10-26" || r.URL != "https://example.org/deliberation-10-26.pdf" {
		t.Fatalf("rule cle: %+v", r)
	}
	if v := r.Versions[0]; v.Description != "Première version." || v.Source != "Article 3" || v.URL != "http://example.org/a3#p2" {
		t.Errorf("version of cle: description %q, source %q, url %q", v.Description, v.Source, v.URL)
	}

	bad := []struct{ url, want string }{
		{`"javascript:alert(1)"`, `r/extra.yaml:4:10: rule cle: url "javascript:alert(1)": expected an address starting with https:// or http://`},
		{`/relatif/texte.pdf`, `expected an address starting with https://`},
		{`"https://exa mple.org/"`, `spaces and control characters are not allowed`},
		{`"https://ex\u202eample.org/"`, `spaces and control characters are not allowed`},
		{`"https:///chemin"`, `expected an address with a host name`},
		{`"https://moi:secret@example.org/"`, `no user name`},
		{`"https://example.org/` + strings.Repeat("a", 2000) + `"`, `longer than 2000 bytes`},
	}
	for _, tc := range bad {
		_, errs := buildWith(t, "rules:\n  cle:\n    expr: \"1\"\n    url: "+tc.url+"\n")
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) {
			t.Errorf("url %.40s: errors %v, want one containing %q", tc.url, errs, tc.want)
		}
	}
	_, errs = buildWith(t, "rules:\n  cle:\n    versions:\n      - from: 2024-01-01\n        expr: \"1\"\n        url: ftp://example.org/x\n")
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `r/extra.yaml:6:14: rule cle (version from 2024-01-01): url "ftp://example.org/x"`) {
		t.Errorf("a version's ftp url: %v", errs)
	}
}
