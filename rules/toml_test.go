package rules_test

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// tomlBase is a small rule set in TOML, with names in mixed case.
const tomlBase = `[service]
id = "t"
title = "T"
manager = "a"
start = 2024-01-01
years = { from = 2024, to = 2025 }

[[members]]
id = "a"
label = "A"
attributes = { population = 10 }

[[members]]
id = "b"
label = "B"
attributes = { population = 30 }

[parameters.partA]
description = "La part de A."
unit = "part"
values = { 2024-01-01 = 0.25, "2025-01-01" = 0.1 }
source = "s"

[parameters.Total]
description = "d"
unit = "EUR"
value = 1_000
source = "s"

[rules.cleAB]
by_member = { a = "partA", b = "1 - partA" }

[pools.p]
label = "P"
amount = "Total"
key = "cleAB"
`

// loadTOML loads one TOML file as a rule set.
func loadTOML(tb testing.TB, text string) (*rules.Set, diag.List) {
	tb.Helper()
	set, err := rules.Load(fstest.MapFS{"r.toml": {Data: []byte(text)}}, ".", "r")
	return set, diag.Flatten(err)
}

func TestTOMLKeepsCaseAndNumbers(t *testing.T) {
	set, errs := loadTOML(t, tomlBase)
	if len(errs) > 0 {
		t.Fatal(errs.Detail())
	}
	res, err := engine.Run(context.Background(), set.Model, engine.Options{From: 2024, To: 2025})
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	// 0.1 is exactly one tenth: A pays 100.00 of 1,000 in 2025.
	got := res.Years[1].Members[0]
	if got.ID != "a" || !got.Share.Equal(decimal.RequireFromString("0.1")) || got.Amount.String() != "100" {
		t.Errorf("2025: %+v", got)
	}
	p := set.Model.Params[0]
	if p.Name != "partA" || p.Values[0].Pos.String() != "r/r.toml:21:25" || p.Pos.String() != "r/r.toml:18:13" {
		t.Errorf("parameter %s at %s, its first value at %s", p.Name, p.Pos, p.Values[0].Pos)
	}
}

func TestTOMLValues(t *testing.T) {
	dec := decimal.RequireFromString
	for _, tt := range []struct {
		doc   string
		check func(v *leaves) bool
	}{
		{`n = 0.46680000000000000001`, func(v *leaves) bool { return v.N.Value.Equal(dec("0.46680000000000000001")) }},
		{`n = 4_167_450.5`, func(v *leaves) bool { return v.N.Value.Equal(dec("4167450.5")) }},
		{`n = 1e3`, func(v *leaves) bool { return v.N.Value.Equal(dec("1000")) }},
		{`n = "0.5"`, func(v *leaves) bool { return v.N.Value.Equal(dec("0.5")) }},
		{`n = 123456789012345678901234567890`, func(v *leaves) bool { return v.N.Value.Equal(dec("123456789012345678901234567890")) }},
		{`i = 2026`, func(v *leaves) bool { return v.I.Value == 2026 }},
		{`b = true`, func(v *leaves) bool { return v.B.Value }},
		{`d = 2026-03-15`, func(v *leaves) bool { return v.D.Value == engine.NewDate(2026, 3, 15) }},
		{`d = "2026-03-15"`, func(v *leaves) bool { return v.D.Value == engine.NewDate(2026, 3, 15) }},
		{`t = 'C:\chemin'`, func(v *leaves) bool { return v.T.Value == `C:\chemin` }},
		{`t = "ligne\nsuivante"`, func(v *leaves) bool { return v.T.Value == "ligne\nsuivante" }},
		{"t = \"\"\"\nun\ndeux\"\"\"", func(v *leaves) bool { return v.T.Value == "un\ndeux" }},
		{`l = ["x", "y"]`, func(v *leaves) bool { return len(v.L) == 2 && v.L[1].Value == "y" }},
		{"[m]\nZ = 1\na = 2", func(v *leaves) bool {
			return len(v.M.Entries) == 2 && v.M.Entries[0].Key == "Z" && v.M.Entries[1].Key == "a"
		}},
		{"s.x = 3", func(v *leaves) bool { return v.S != nil && v.S.X.Value == 3 }},
		{"[s]\nx = 3", func(v *leaves) bool { return v.S != nil && v.S.X.Value == 3 }},
		{"[mm.un]\nx = 1\n[mm.deux]\ny = 2", func(v *leaves) bool {
			return len(v.MM.Entries) == 2 && v.MM.Entries[1].Value.Entries[0].Key == "y"
		}},
	} {
		v := new(leaves)
		err := rules.Decode("f.toml", []byte("r = \"x\"\n"+tt.doc+"\n"), v)
		if err != nil {
			t.Errorf("%q: %v", tt.doc, err)
			continue
		}
		if !tt.check(v) {
			t.Errorf("%q: decoded %+v", tt.doc, v)
		}
	}
}

func TestTOMLErrors(t *testing.T) {
	for _, tt := range []struct{ doc, want string }{
		// The strict decoder's errors, at their line and column.
		{"[service]\ncolour = \"bleu\"", `f.toml:2:1: service: unknown key "colour"; expected one of: id, title,`},
		{"[service]\nmanger = \"a\"", `f.toml:2:1: service: unknown key "manger" (did you mean "manager"?)`},
		{"[[members]]\nid = \"a\"\nlabel = 3\njoined = 2026-13-01", `f.toml:4:10: members[1].joined: `},
		{"[parameters.x]\nvalue = 0,5", `f.toml:2:10: invalid TOML: `},
		{"[parameters.x]\nvalue = \"0,5\"", `f.toml:2:9: parameters.x.value: expected a number, found "0,5" (write the decimal mark as a dot`},
		{"[parameters.x]\nvalue = 0x1F", `f.toml:2:9: parameters.x.value: expected a number, found "0x1F"`},
		{"[parameters.x]\nvalue = inf", `f.toml:2:9: parameters.x.value: expected a number, found "inf"`},
		{"[parameters.x]\nvalue = true", `f.toml:2:9: parameters.x.value: expected a number, found "true"`},
		{"[parameters.x]\nvalues = [1, 2]", `f.toml:2:10: parameters.x.values: expected a mapping, found a list`},
		// A key twice, in any way TOML can write it.
		{"[service]\nid = \"a\"\nid = \"b\"", `f.toml:3:1: service: key "id" appears twice (first on line 2)`},
		{"[service]\nid = \"a\"\n[service]\ntitle = \"b\"", `f.toml:3:2: table [service] appears twice (first on line 1)`},
		{"service = \"a\"\n[service]", `f.toml:2:2: key "service" already has a value (line 1): it cannot also be a table`},
		{"service = \"a\"\n[service.x]", `f.toml:2:2: key "service" already has a value (line 1): it cannot also be a table`},
		{"service = {id = \"a\"}\nservice.title = \"b\"", `f.toml:2:1: key "service" is an inline table (line 1), complete as written: it cannot be extended`},
		{"members = []\n[[members]]", `f.toml:2:3: key "members" already has a value (line 1): it cannot also be an array of tables`},
		// Syntax.
		{"[service]\nid = \"a", `f.toml:2:8: invalid TOML: basic string not terminated by "`},
		{"[service\nid = 1", `f.toml:1:`},
	} {
		_, err := rules.DecodeFile("f.toml", []byte(tt.doc))
		var found *diag.Error
		for _, e := range diag.Flatten(err) {
			if strings.HasPrefix(e.Error(), tt.want) {
				found = e
				break
			}
		}
		if found == nil {
			t.Errorf("%q:\n got %v\nwant %s...", tt.doc, err, tt.want)
			continue
		}
		if found.Pos.Line > 0 && found.Source == "" {
			t.Errorf("%q: no source line for the caret", tt.doc)
		}
	}
}

func TestTOMLExpressionPositions(t *testing.T) {
	for _, tt := range []struct{ expr, want string }{
		{`amount = "Total * tauxx"`, "r/r.toml:35:19: pool p: unknown name tauxx"},
		{`amount = 'Total * tauxx'`, "r/r.toml:35:19: pool p: unknown name tauxx"},
		{"amount = \"\"\"\n  Total\n  * tauxx\"\"\"", "r/r.toml:37:5: pool p: unknown name tauxx"},
		{"amount = '''Total * tauxx'''", "r/r.toml:35:21: pool p: unknown name tauxx"},
	} {
		text := strings.Replace(tomlBase, `amount = "Total"`, tt.expr, 1)
		_, errs := loadTOML(t, text)
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), tt.want) {
			t.Errorf("%s:\n got %v\nwant %s", tt.expr, errs, tt.want)
			continue
		}
		if !strings.Contains(errs[0].Detail(), "tauxx\n") || !strings.HasSuffix(errs[0].Detail(), "^") {
			t.Errorf("%s: snippet\n%s", tt.expr, errs[0].Detail())
		}
	}
}

func TestTOMLNestingLimit(t *testing.T) {
	for _, tt := range []struct{ doc, want string }{
		// Brackets in strings and comments do not count.
		{"a = \"" + strings.Repeat("[", 1000) + "\" # " + strings.Repeat("{", 1000) + "\nb = '''\n" + strings.Repeat("[", 1000) + "'''", ""},
		{"a = " + strings.Repeat("[", rules.MaxTOMLNesting) + strings.Repeat("]", rules.MaxTOMLNesting), ""},
		{"a = " + strings.Repeat("[", 1_000_000), "f.toml:1:105: arrays and inline tables nested more than 100 deep, beyond the limit of nesting in a TOML file"},
		{"a = " + strings.Repeat("{b = ", 200), "f.toml:1:505: arrays and inline tables nested more than 100 deep"},
		{strings.Repeat("a.", 1_000_000) + "b = 1", "f.toml:1:1: a dotted key of 1,000,001 parts, beyond the limit of 100 parts in a TOML key"},
		{"[" + strings.Repeat("a.", 100) + "b]", "f.toml:1:2: a dotted key of 101 parts, beyond the limit of 100 parts in a TOML key"},
	} {
		_, err := rules.DecodeFile("f.toml", []byte(tt.doc))
		var limit *diag.Error
		for _, e := range diag.Flatten(err) {
			if e.Code == diag.Limit {
				limit = e
			}
		}
		switch {
		case tt.want == "" && limit != nil:
			t.Errorf("%.40q: %v", tt.doc, limit)
		case tt.want != "" && (limit == nil || !strings.HasPrefix(limit.Error(), tt.want)):
			t.Errorf("%.40q:\n got %v\nwant %s", tt.doc, err, tt.want)
		}
	}
}

// toTOML writes a YAML rule file as TOML: tables for mappings of
// mappings, arrays of tables for lists of mappings, key = value for the
// rest, in the order of the file.
func toTOML(tb testing.TB, data []byte) string {
	tb.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		tb.Fatal(err)
	}
	if len(doc.Content) == 0 {
		return ""
	}
	var b strings.Builder
	var table func(path string, m *yaml.Node)
	isTable := func(n *yaml.Node) bool { return n.Kind == yaml.MappingNode }
	isTables := func(n *yaml.Node) bool {
		return n.Kind == yaml.SequenceNode && len(n.Content) > 0 && n.Content[0].Kind == yaml.MappingNode
	}
	table = func(path string, m *yaml.Node) {
		for i := 0; i < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if !isTable(v) && !isTables(v) {
				fmt.Fprintf(&b, "%s = %s\n", tomlKey(k.Value), tomlValue(tb, v))
			}
		}
		for i := 0; i < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			sub := tomlKey(k.Value)
			if path != "" {
				sub = path + "." + sub
			}
			switch {
			case isTable(v):
				fmt.Fprintf(&b, "\n[%s]\n", sub)
				table(sub, v)
			case isTables(v):
				for _, item := range v.Content {
					fmt.Fprintf(&b, "\n[[%s]]\n", sub)
					table(sub, item)
				}
			}
		}
	}
	table("", doc.Content[0])
	return b.String()
}

var bareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func tomlKey(k string) string {
	if bareKey.MatchString(k) {
		return k
	}
	return tomlString(k)
}

func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func tomlValue(tb testing.TB, v *yaml.Node) string {
	tb.Helper()
	switch v.Kind {
	case yaml.AliasNode:
		return tomlValue(tb, v.Alias)
	case yaml.SequenceNode:
		items := make([]string, len(v.Content))
		for i, c := range v.Content {
			items[i] = tomlValue(tb, c)
		}
		return "[" + strings.Join(items, ", ") + "]"
	case yaml.MappingNode:
		items := make([]string, 0, len(v.Content)/2)
		for i := 0; i < len(v.Content); i += 2 {
			items = append(items, tomlKey(v.Content[i].Value)+" = "+tomlValue(tb, v.Content[i+1]))
		}
		return "{ " + strings.Join(items, ", ") + " }"
	}
	switch v.Tag {
	case "!!int", "!!float", "!!bool", "!!timestamp":
		return v.Value
	case "!!str":
		return tomlString(v.Value)
	}
	tb.Fatalf("no TOML for %s %q", v.Tag, v.Value)
	return ""
}

// TestRouenInTOML converts the embedded Rouen rules to TOML and checks
// that they build the same model and bill the same amounts.
func TestRouenInTOML(t *testing.T) {
	names, err := fs.Glob(rules.Defaults(), "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	converted := fstest.MapFS{}
	for _, name := range names {
		if !rules.IsRuleFile(name) {
			continue
		}
		data, err := fs.ReadFile(rules.Defaults(), name)
		if err != nil {
			t.Fatal(err)
		}
		converted[strings.TrimSuffix(name, ".yaml")+".toml"] = &fstest.MapFile{Data: []byte(toTOML(t, data))}
	}
	if len(converted) < 4 {
		t.Fatalf("converted %d files", len(converted))
	}
	want, err := rules.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	got, err := rules.Load(converted, ".", "toml")
	if err != nil {
		for name, f := range converted {
			t.Logf("%s:\n%s", name, f.Data)
		}
		t.Fatal(diag.Flatten(err).Detail())
	}
	wm, gm := want.Model, got.Model
	if params(gm) != params(wm) {
		t.Errorf("parameters:\n%s\nwant:\n%s", params(gm), params(wm))
	}
	if fmt.Sprint(len(gm.Rules), len(gm.Members), len(gm.Pools), gm.ReferenceKey, gm.Start, gm.FirstYear, gm.LastYear) !=
		fmt.Sprint(len(wm.Rules), len(wm.Members), len(wm.Pools), wm.ReferenceKey, wm.Start, wm.FirstYear, wm.LastYear) {
		t.Errorf("model differs")
	}
	wr, err := engine.Run(context.Background(), wm, engine.Options{From: wm.FirstYear, To: wm.LastYear})
	if err != nil {
		t.Fatal(err)
	}
	gr, err := engine.Run(context.Background(), gm, engine.Options{From: gm.FirstYear, To: gm.LastYear})
	if err != nil {
		t.Fatal(diag.Flatten(err).Detail())
	}
	if g, w := summary(t, gr), summary(t, wr); g != w {
		t.Errorf("results:\n%s\nwant:\n%s", g, w)
	}
	// Every formula points into the TOML file, at the same expression.
	for i, r := range gm.Rules {
		for j, v := range r.Versions {
			if v.Expr == nil {
				continue
			}
			if !strings.HasPrefix(v.Expr.Pos.File, "toml/") || v.Expr.Pos.Line == 0 || wm.Rules[i].Versions[j].Expr.Program.Source() != v.Expr.Program.Source() {
				t.Errorf("rule %s: formula at %s", r.Name, v.Expr.Pos)
			}
			line := v.Expr.Line
			if col := v.Expr.Pos.Col; col < 1 || col > utf8.RuneCountInString(line) {
				t.Errorf("rule %s: column %d outside %q", r.Name, col, line)
			}
		}
	}
}
