package rules_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/shopspring/decimal"
)

// leaves has one field of each leaf type of the schema.
type leaves struct {
	T  rules.Text              `yaml:"t"`
	N  rules.Number            `yaml:"n"`
	PN *rules.Number           `yaml:"pn"`
	I  rules.Int               `yaml:"i"`
	B  rules.Bool              `yaml:"b"`
	D  rules.Date              `yaml:"d"`
	E  rules.Expr              `yaml:"e"`
	M  rules.Map[rules.Number] `yaml:"m"`
	L  []rules.Text            `yaml:"l"`
	S  *struct {
		X rules.Int `yaml:"x"`
	} `yaml:"s"`
	R  rules.Text                      `yaml:"r" required:"true" doc:"a required key"`
	MM rules.Map[rules.Map[rules.Int]] `yaml:"mm"`
}

// decodeLeaves decodes doc, which must not set r (it is added), and
// returns the value and the error list.
func decodeLeaves(tb testing.TB, doc string) (*leaves, diag.List) {
	tb.Helper()
	v := new(leaves)
	err := rules.Decode("f.yaml", []byte("r: x\n"+doc), v)
	return v, diag.Flatten(err)
}

func TestDecodeLeaves(t *testing.T) {
	dec := decimal.RequireFromString
	tests := []struct {
		doc   string
		check func(v *leaves) bool
	}{
		{"t: bonjour", func(v *leaves) bool { return v.T.Value == "bonjour" && v.T.Set }},
		{"t: 'a: b'", func(v *leaves) bool { return v.T.Value == "a: b" }},
		{"t: 12", func(v *leaves) bool { return v.T.Value == "12" }},
		{"n: 0.4668", func(v *leaves) bool { return v.N.Value.String() == "0.4668" }},
		// Read from the text, never through a float64.
		{"n: 0.46680000000000000001", func(v *leaves) bool { return v.N.Value.Equal(dec("0.46680000000000000001")) }},
		{"n: 1_000_000.50", func(v *leaves) bool { return v.N.Value.Equal(dec("1000000.5")) }},
		{"n: -2", func(v *leaves) bool { return v.N.Value.Equal(dec("-2")) }},
		{"n: 1e3", func(v *leaves) bool { return v.N.Value.Equal(dec("1000")) }},
		{"n: '0.5'", func(v *leaves) bool { return v.N.Value.Equal(dec("0.5")) }},
		{"pn: 3", func(v *leaves) bool { return v.PN != nil && v.PN.Value.Equal(dec("3")) }},
		{"i: 2026", func(v *leaves) bool { return v.I.Value == 2026 }},
		{"i: 2026.0", func(v *leaves) bool { return v.I.Value == 2026 }},
		{"i: -5", func(v *leaves) bool { return v.I.Value == -5 }},
		{"b: true", func(v *leaves) bool { return v.B.Value && v.B.Set }},
		{"b: false", func(v *leaves) bool { return !v.B.Value && v.B.Set }},
		{"b: True", func(v *leaves) bool { return v.B.Value }},
		{"d: 2026-01-01", func(v *leaves) bool { return v.D.Value == engine.NewDate(2026, 1, 1) }},
		{"d: '2024-05-01'", func(v *leaves) bool { return v.D.Value == engine.NewDate(2024, 5, 1) }},
		{"e: a + b", func(v *leaves) bool { return v.E.Source == "a + b" }},
		{"e: \"a > 0 ? 1 : 2\"", func(v *leaves) bool { return v.E.Source == "a > 0 ? 1 : 2" }},
		{"e: >-\n  a +\n  b", func(v *leaves) bool { return v.E.Source == "a + b" }},
		{"e: |\n  a +\n  b\n", func(v *leaves) bool { return v.E.Source == "a +\nb\n" }},
		{"e: 12", func(v *leaves) bool { return v.E.Source == "12" }},
		{"m: {z: 1, a: 2, m: 3}", func(v *leaves) bool {
			// Entries keep the order of the file.
			e := v.M.Entries
			return len(e) == 3 && e[0].Key == "z" && e[1].Key == "a" && e[2].Key == "m" && e[2].Value.Value.Equal(dec("3"))
		}},
		{"m:", func(v *leaves) bool { return v.M.Set && len(v.M.Entries) == 0 }},
		{"mm: {a: {x: 1}, b: {}}", func(v *leaves) bool {
			return len(v.MM.Entries) == 2 && v.MM.Entries[0].Value.Entries[0].Value.Value == 1
		}},
		{"l: [a, b]", func(v *leaves) bool { return len(v.L) == 2 && v.L[1].Value == "b" }},
		{"l:", func(v *leaves) bool { return v.L == nil }},
		{"s: {x: 4}", func(v *leaves) bool { return v.S != nil && v.S.X.Value == 4 }},
		// Anchors and aliases are resolved.
		{"t: &a bonjour\nl: [*a]", func(v *leaves) bool { return len(v.L) == 1 && v.L[0].Value == "bonjour" }},
		// What is not written stays unset.
		{"t: x", func(v *leaves) bool { return !v.N.Set && v.PN == nil && !v.D.Set && !v.E.Set && !v.M.Set }},
	}
	for _, tt := range tests {
		v, errs := decodeLeaves(t, tt.doc)
		if len(errs) > 0 {
			t.Errorf("%q: %v", tt.doc, errs)
			continue
		}
		if !tt.check(v) {
			t.Errorf("%q decoded as %+v", tt.doc, v)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	// Each document starts on line 2 (line 1 is r: x).
	tests := []struct{ doc, want string }{
		{"t: [a]", "f.yaml:2:4: t: expected text, found a list"},
		{"t:", "f.yaml:2:3: t: expected text, found nothing"},
		{"n: abc", `f.yaml:2:4: n: expected a number, found "abc"`},
		{"n: 0,4668", `f.yaml:2:4: n: expected a number, found "0,4668" (write the decimal mark as a dot: 0.4668, not 0,4668)`},
		{"n: true", `f.yaml:2:4: n: expected a number, found "true"`},
		{"n: {a: 1}", "f.yaml:2:4: n: expected a number, found a mapping"},
		{"pn:", "f.yaml:2:4: pn: expected a number, found nothing"},
		{"i: 1e99999999", `f.yaml:2:4: i: expected a number, found "1e99999999", whose power of ten is beyond ±100`},
		{"n: 1e-101", `f.yaml:2:4: n: expected a number, found "1e-101", whose power of ten is beyond ±100`},
		{"i: 2026.5", `f.yaml:2:4: i: expected a whole number, found "2026.5"`},
		{"i: 10000000", `f.yaml:2:4: i: expected a whole number, found "10000000"`},
		{"b: oui", `f.yaml:2:4: b: expected true or false, found "oui"`},
		{"b: 'true'", `f.yaml:2:4: b: expected true or false, found "true"`},
		{"b: 1", `f.yaml:2:4: b: expected true or false, found "1"`},
		{"d: 01/01/2026", `f.yaml:2:4: d: expected a date written YYYY-MM-DD, found "01/01/2026"`},
		{"d: 2026-02-30", `f.yaml:2:4: d: expected a date written YYYY-MM-DD, found "2026-02-30"`},
		{"d: [2026]", "f.yaml:2:4: d: expected a date written YYYY-MM-DD, found a list"},
		{"e:", "f.yaml:2:3: e: expected an expression, found nothing"},
		{"e: {a: 1}", "f.yaml:2:4: e: expected an expression, found a mapping"},
		{"m: [1]", "f.yaml:2:4: m: expected a mapping, found a list"},
		{"m: {a: 1, a: 2}", `f.yaml:2:11: m: key "a" appears twice (first on line 2)`},
		{"m: {[a]: 1}", "f.yaml:2:5: m: expected a name as key, found a list"},
		{"m: {a: x}", `f.yaml:2:8: m.a: expected a number, found "x"`},
		{"mm: {a: {x: y}}", `f.yaml:2:13: mm.a.x: expected a number, found "y"`},
		{"l: a", `f.yaml:2:4: l: expected a list, found "a"`},
		{"l: [a, [b]]", "f.yaml:2:8: l[2]: expected text, found a list"},
		{"s:", "f.yaml:2:3: s: expected a mapping, found nothing"},
		{"s: 1", `f.yaml:2:4: s: expected a mapping, found "1"`},
		{"s: {Y: 1}", `f.yaml:2:5: s: unknown key "Y"; expected one of: x`},
		{"tt: 1", `f.yaml:2:1: top level: unknown key "tt"; expected one of: t, n, pn, i, b, d, e, m, l, s, r, mm`},
		{"t: a\nt: b", `f.yaml:3:1: top level: key "t" appears twice (first on line 2)`},
		{"a: &x {t: 1}\n<<: *x", "unknown key"},
		{"<<: {t: 1}", "f.yaml:2:1: top level: YAML merge keys (<<) are not supported: write the keys out"},
	}
	for _, tt := range tests {
		_, errs := decodeLeaves(t, tt.doc)
		if len(errs) == 0 {
			t.Errorf("%q decoded without error, want %s", tt.doc, tt.want)
			continue
		}
		if got := errs[0].Error(); !strings.Contains(got, tt.want) {
			t.Errorf("%q: got %s\nwant %s", tt.doc, errs.Error(), tt.want)
		}
		for _, e := range errs {
			if e.Code != diag.Invalid || e.Pos.File != "f.yaml" {
				t.Errorf("%q: error %v has code %s, file %q", tt.doc, e, e.Code, e.Pos.File)
			}
		}
	}
}

func TestDecodeRequired(t *testing.T) {
	v := new(leaves)
	errs := diag.Flatten(rules.Decode("f.yaml", []byte("t: x\nn: 1\n"), v))
	if len(errs) != 1 || errs[0].Error() != `f.yaml:1:1: top level: missing key "r" (a required key)` {
		t.Fatalf("errors = %v, want one missing key r", errs)
	}
	// A typo of a required key is reported once, as the typo, even with
	// two letters swapped.
	for _, typo := range []string{"lable", "labl", "labels"} {
		_, err := rules.DecodeFile("f.yaml", []byte("members:\n  - id: a\n    "+typo+": A\n"))
		errs = diag.Flatten(err)
		want := `f.yaml:3:5: members[1]: unknown key "` + typo + `" (did you mean "label"?)`
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), want) {
			t.Errorf("errors = %v, want one: %s", errs, want)
		}
	}
}

func TestDecodeAllErrors(t *testing.T) {
	// Every mistake of a file is reported, in order of position.
	_, errs := decodeLeaves(t, "n: x\nb: oui\nzz: 1\nd: 2026")
	if len(errs) != 4 {
		t.Fatalf("%d errors, want 4:\n%s", len(errs), errs.Detail())
	}
	for i := 1; i < len(errs); i++ {
		if errs[i-1].Pos.Compare(errs[i].Pos) > 0 {
			t.Errorf("errors not sorted by position:\n%s", errs)
		}
	}
}

func TestDecodePositions(t *testing.T) {
	v, errs := decodeLeaves(t, "t: bonjour\nm:\n  z: 1\n  a: 2\nl:\n  - x\n  - y\nd: {x: 1}")
	if len(errs) != 1 {
		t.Fatalf("errors: %v", errs)
	}
	tests := []struct {
		got  diag.Pos
		want string
	}{
		{v.T.Pos, "f.yaml:2:4"},
		{v.M.Pos, "f.yaml:4:3"},
		{v.M.Entries[0].KeyPos, "f.yaml:4:3"},
		{v.M.Entries[1].Value.Pos, "f.yaml:5:6"},
		{v.L[1].Pos, "f.yaml:8:5"},
		{v.D.Pos, "f.yaml:9:4"},
	}
	for _, tt := range tests {
		if tt.got.String() != tt.want {
			t.Errorf("position %s, want %s", tt.got, tt.want)
		}
	}
}

func TestDecodeFileSyntax(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"a.yaml", "service:\n  id: [a\n", "a.yaml:2: invalid YAML"},
		{"a.json", "{\"service\": {\"id\": \"a\" \"title\": \"b\"}}", "a.json:1:24: invalid JSON: invalid character '\"' after object key:value pair"},
		{"a.toml", "[service]\nid = \"a\"\ntitle = b\n", "a.toml:3:9: invalid TOML"},
		{"a.yaml", "a:\n  b: 1\n\tc: 2\n", "a.yaml:3:1: invalid YAML: found a tab character"},
		// A second document would be dropped: it is an error, and so is
		// a syntax error in it.
		{"a.yaml", "fees: {rate: 1}\n---\nmembers: []\n", "a.yaml:3:1: a second YAML document (after ---)"},
		{"a.yaml", "fees: {rate: 1}\n---\nmembers: [\n", "a.yaml:3: invalid YAML"},
	}
	for _, tt := range tests {
		_, err := rules.DecodeFile(tt.name, []byte(tt.data))
		if err == nil {
			t.Errorf("DecodeFile(%q) succeeded, want %s", tt.data, tt.want)
			continue
		}
		if got := err.Error(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("DecodeFile(%s): %s\nwant %s...", tt.name, got, tt.want)
		}
	}
	// An empty file declares nothing and is no error.
	f, err := rules.DecodeFile("vide.yaml", []byte("# rien\n"))
	if err != nil || f == nil || f.Service != nil || len(f.Members) != 0 {
		t.Errorf("DecodeFile of a comment = %+v, %v; want an empty file", f, err)
	}
}

// yamlLines cuts text into lines where YAML does (yaml.v3 counts \r\n, \n,
// \r, NEL, LS and PS as line breaks).
func yamlLines(text string) []string {
	return regexp.MustCompile("\r\n|[\n\r\u0085\u2028\u2029]").Split(text, -1)
}

// posAtDocs are rule-file fragments whose fee rate is written in each
// scalar style YAML has.
var posAtDocs = []struct {
	name, doc string
	exact     bool // every rune of the expression maps onto itself
}{
	{"plain", "fees:\n  rate: a + b\n", true},
	{"plain after accents", "fees: {label: \"Métropole é\", rate: a + bé}\n", true},
	{"plain with comment", "fees:\n  rate: a + b # commentaire\n", true},
	{"plain on two lines", "fees:\n  rate: a +\n    b\n", true},
	{"double quoted", "fees:\n  rate: \"a + b\"\n", true},
	{"single quoted", "fees:\n  rate: 'a + b'\n", true},
	{"double quoted on two lines", "fees:\n  rate: \"a +\n    b\"\n", true},
	{"folded", "fees:\n  rate: >-\n    a +\n    b * c\n", true},
	{"folded with comment", "fees:\n  rate: >- # note\n    a +\n    b\n", true},
	{"folded with a blank line", "fees:\n  rate: >-\n    a +\n\n    b * c\n", true},
	{"folded with two blank lines", "fees:\n  rate: >-\n    a +\n\n\n    b * c\n", true},
	{"folded, more indented line", "fees:\n  rate: >-\n    a +\n      b * c\n    d\n", true},
	{"folded, leading blank line", "fees:\n  rate: >\n\n    a +\n    b * c\n", true},
	{"folded, indentation indicator", "fees:\n  rate: >2-\n      a +\n    b * c\n", true},
	{"literal", "fees:\n  rate: |\n    a +\n\n    b * c\n", true},
	{"literal, leading blank line", "fees:\n  rate: |\n\n    a +\n    b * c\n", true},
	{"literal keep", "fees:\n  rate: |+\n    a +\n    b * c\n\n", true},
	{"literal then a key", "fees:\n  rate: |-\n    a +\n    b\n  label: a\n", true},
	{"folded, Windows line ends", "fees:\r\n  rate: >-\r\n    a +\r\n\r\n    b * c\r\n", true},
	{"literal, old Mac line ends", "fees:\r  rate: |\r    a +\r    b * c\r", true},
	{"double quoted with escapes", "fees:\n  rate: \"a + \\\"x\\\" + b\"\n", false},
	{"single quoted with escape", "fees:\n  rate: 'it''s + b'\n", false},
}

// TestPosAtMapsEveryRune checks, for every rune of expressions written in
// each style, that PosAt points at that very rune in the file, or, where
// escapes make it impossible, at the start of the scalar.
func TestPosAtMapsEveryRune(t *testing.T) {
	for _, tt := range posAtDocs {
		t.Run(tt.name, func(t *testing.T) {
			f, err := rules.DecodeFile("f.yaml", []byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			x := f.Fees.Rate
			lines := yamlLines(tt.doc)
			fallback := 0
			for i, r := range []rune(x.Source) {
				pos, line := x.PosAt(i)
				if pos.File != "f.yaml" || pos.Line < 1 || pos.Line > len(lines) {
					t.Fatalf("PosAt(%d) = %v, outside the file", i, pos)
				}
				if line != lines[pos.Line-1] {
					t.Errorf("PosAt(%d) gives line %q, want %q", i, line, lines[pos.Line-1])
				}
				if r == ' ' || r == '\n' {
					continue
				}
				if pos == x.Pos && i > 0 {
					fallback++
					continue
				}
				text := []rune(lines[pos.Line-1])
				if pos.Col < 1 || pos.Col > len(text) || text[pos.Col-1] != r {
					t.Errorf("PosAt(%d) = %v, which is not %q", i, pos, r)
				}
			}
			if tt.exact && fallback > 0 {
				t.Errorf("%d runes fall back on the scalar's start, want each mapped", fallback)
			}
			if !tt.exact && fallback == 0 {
				t.Errorf("no rune falls back on the scalar's start: escapes cannot map")
			}
		})
	}
}

func TestPosAt(t *testing.T) {
	doc := "fees:\n  rate: >-\n    taux\n\n    * (1 + b)\n  label: x\n"
	f, err := rules.DecodeFile("f.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	x := f.Fees.Rate
	if x.Source != "taux\n* (1 + b)" {
		t.Fatalf("source %q", x.Source)
	}
	tests := []struct {
		offset int
		want   string
		line   string
	}{
		{0, "f.yaml:3:5", "    taux"},
		{3, "f.yaml:3:8", "    taux"},
		// On the line break: just after the text before it.
		{4, "f.yaml:3:9", "    taux"},
		{5, "f.yaml:5:5", "    * (1 + b)"},
		{12, "f.yaml:5:12", "    * (1 + b)"},
		// Past the end (unexpected end of the expression): after it.
		{14, "f.yaml:5:14", "    * (1 + b)"},
		{100, "f.yaml:5:14", "    * (1 + b)"},
	}
	for _, tt := range tests {
		pos, line := x.PosAt(tt.offset)
		if pos.String() != tt.want || line != tt.line {
			t.Errorf("PosAt(%d) = %s %q, want %s %q", tt.offset, pos, line, tt.want, tt.line)
		}
	}
}

func TestPosAtWithoutLines(t *testing.T) {
	// TOML keeps positions (see TestTOMLPositions).
	f, err := rules.DecodeFile("f.toml", []byte("[fees]\nrate = \"a + b\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	pos, line := f.Fees.Rate.PosAt(2)
	if pos.String() != "f.toml:2:11" || line != `rate = "a + b"` {
		t.Errorf("PosAt in TOML = %v %q", pos, line)
	}
	// An expression made in code has no scalar at all.
	var x rules.Expr
	if pos, line := x.PosAt(3); !pos.IsZero() || line != "" {
		t.Errorf("PosAt of a bare Expr = %v %q", pos, line)
	}
}
