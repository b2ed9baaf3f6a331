package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// hostile are labels a rule file could hold, by mistake or on purpose.
var hostile = []struct {
	label string
	// csv is the label as a spreadsheet must receive it.
	csv string
	// md is the label as the Markdown table must show it.
	md string
}{
	{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0", `=cmd\|' /C calc'!A0`},
	{"+1", "'+1", "+1"},
	{"-1", "'-1", "-1"},
	{"@x", "'@x", "@x"},
	{"\tTab", "'\tTab", `\tTab`},
	{"a|b", "a|b", `a\|b`},
	{"</script>", "</script>", "&lt;/script&gt;"},
	{"<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"},
	{"*gras* _it_ [lien](http://x) `code`", "*gras* _it_ [lien](http://x) `code`", "\\*gras\\* \\_it\\_ \\[lien\\](http://x) \\`code\\`"},
}

// carriageReturn is kept apart: CSV handles it (tested below), Markdown
// does not yet (TestMarkdownLineBreaks).
const carriageReturn = "\rCR"

// hostileResults has one member per hostile label, plus one whose label
// starts with a carriage return.
func hostileResults(tb testing.TB, labels ...string) []*engine.Result {
	tb.Helper()
	y := engine.Year{Year: 2026, Months: 12, Total: decimal.Zero,
		Pools: []engine.PoolYear{{ID: "=pool", Label: "=pool|</script>", Key: "cle", Amount: decimal.Zero, Fees: decimal.Zero}}}
	for i, l := range labels {
		y.Members = append(y.Members, engine.MemberYear{ID: "m" + string(rune('a'+i)), Label: l,
			Share: decimal.Zero, Amount: decimal.Zero, Fees: decimal.Zero, Billed: decimal.Zero})
	}
	// A negative amount is a number, not a formula: it must stay as is.
	y.Members[0].Amount, y.Members[0].Billed = dec(tb, "-1.50"), dec(tb, "-1.50")
	y.Members[1].Amount, y.Members[1].Billed = dec(tb, "1.50"), dec(tb, "1.50")
	return []*engine.Result{{ID: "=scenario", Title: "Titre | </script> *", Years: []engine.Year{y}}}
}

func hostileLabels() []string {
	var labels []string
	for _, h := range hostile {
		labels = append(labels, h.label)
	}
	return append(labels, carriageReturn)
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	labels := hostileLabels()
	out := render(t, CSV, French, hostileResults(t, labels...))
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV output does not read back: %v\n%s", err, out)
	}
	if len(rows) != 1+len(labels) {
		t.Fatalf("%d rows, want a header and %d members:\n%q", len(rows), len(labels), out)
	}
	want := []string{"scenario", "year", "member", "label", "manager", "share", "amount", "fees", "billed"}
	if strings.Join(rows[0], ",") != strings.Join(want, ",") {
		t.Errorf("header = %q, want %q", rows[0], want)
	}
	for i, row := range rows[1:] {
		wantLabel := "'" + carriageReturn
		if i < len(hostile) {
			wantLabel = hostile[i].csv
		}
		if row[3] != wantLabel {
			t.Errorf("label %q became %q, want %q", labels[i], row[3], wantLabel)
		}
		if row[0] != "'=scenario" {
			t.Errorf("scenario cell = %q, want '=scenario", row[0])
		}
		// Text cells never start with a character a spreadsheet takes for
		// a formula; number cells are plain decimals, signed when negative.
		for c, cell := range row {
			switch want[c] {
			case "share", "amount", "fees", "billed":
				if _, err := decimal.NewFromString(cell); err != nil {
					t.Errorf("%s cell %q is not a number", want[c], cell)
				}
			default:
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s cell %q starts with %q", want[c], cell, cell[0])
				}
			}
		}
	}
	if rows[1][6] != "-1.50" || rows[2][6] != "1.50" {
		t.Errorf("amounts = %q, %q; want -1.50 and 1.50 unchanged", rows[1][6], rows[2][6])
	}
}

func TestMarkdownEscapes(t *testing.T) {
	var labels []string
	for _, h := range hostile {
		labels = append(labels, h.label)
	}
	for _, lang := range []Lang{French, English} {
		out := string(render(t, Markdown, lang, hostileResults(t, labels...)))
		if strings.Contains(out, "</script>") || strings.Contains(out, "<img") {
			t.Errorf("%s: raw HTML in the Markdown output:\n%s", lang, out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if lines[0] != `## Titre \| &lt;/script&gt; \*` {
			t.Errorf("%s: title line = %q", lang, lines[0])
		}
		var rows []string
		for _, l := range lines {
			if strings.HasPrefix(l, "| 2026 |") {
				rows = append(rows, l)
			}
		}
		// One row per member and a total row, each with exactly seven
		// unescaped pipes: six cells.
		if len(rows) != len(hostile)+1 {
			t.Fatalf("%s: %d table rows, want %d:\n%s", lang, len(rows), len(hostile)+1, out)
		}
		for i, row := range rows {
			if n := strings.Count(row, "|") - strings.Count(row, `\|`); n != 7 {
				t.Errorf("%s: row %q has %d cell separators, want 7", lang, row, n)
			}
			if i < len(hostile) {
				cells := strings.SplitN(row, " | ", 3)
				if got := cells[1]; got != hostile[i].md {
					t.Errorf("%s: label %q shown as %q, want %q", lang, hostile[i].label, got, hostile[i].md)
				}
			}
		}
	}
}

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ville de Rouen", "Ville de Rouen"},
		{"a|b", `a\|b`},
		{"*x*", `\*x\*`},
		{"_x_", `\_x\_`},
		{"`x`", "\\`x\\`"},
		{"[x](y)", `\[x\](y)`},
		{"<b>", "&lt;b&gt;"},
		{"</script>", "&lt;/script&gt;"},
		{"=cmd", "=cmd"},
	}
	for _, tt := range tests {
		if got := escapeMarkdown(tt.in); got != tt.want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A line break inside a label (LF, or CR alone, which CommonMark also
// takes as a line ending) would end a table row in the middle.
// escapeMarkdown turns them, like every control character, into visible
// escapes (SafeText).
func TestMarkdownLineBreaks(t *testing.T) {
	for _, label := range []string{carriageReturn, "a\nb", "a\r\nb"} {
		out := string(render(t, Markdown, French, hostileResults(t, label, "ok")))
		rows := 0
		for _, l := range strings.FieldsFunc(out, func(r rune) bool { return r == '\n' || r == '\r' }) {
			if strings.HasPrefix(l, "| 2026 |") {
				rows++
				if !strings.HasSuffix(l, " |") {
					t.Errorf("label %q: row %q is cut", label, l)
				}
			}
		}
		if rows != 3 {
			t.Errorf("label %q: %d rows for 2026, want 3 (two members and the total):\n%s", label, rows, out)
		}
	}
}

// JSON carries labels exactly as written: no formula prefix, and no HTML
// escaping (<, > and & are written as such, which is valid JSON).
func TestJSONKeepsLabels(t *testing.T) {
	labels := hostileLabels()
	out := render(t, JSON, French, hostileResults(t, labels...))
	if !bytes.Contains(out, []byte(`"label": "</script>"`)) {
		t.Errorf("JSON escaped </script>; want it as written")
	}
	doc := decodeRun(t, out)
	y := doc.Scenarios[0].Years[0]
	for i, m := range y.Members {
		if m.Label != labels[i] {
			t.Errorf("member %s: label %q came back as %q", m.ID, labels[i], m.Label)
		}
	}
	if doc.Scenarios[0].ID != "=scenario" || y.Pools[0].Label != "=pool|</script>" {
		t.Errorf("scenario id %q, pool label %q: want them as written", doc.Scenarios[0].ID, y.Pools[0].Label)
	}
	var raw any
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
}

func TestSafeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ville de Rouen", "Ville de Rouen"},
		{"a\nb", `a\nb`},
		{"a\r\nb", `a\r\nb`},
		{"\tTab", `\tTab`},
		{"x\n::error::injected", `x\n::error::injected`},
		{"\x1b[31mrouge\x1b[0m", `\u001b[31mrouge\u001b[0m`},
		{"del\x7f", `del\u007f`},
		{"c1\u0085\u009b", `c1\u0085\u009b`},
		{"abc\u202edef", `abc\u202edef`},
		{"\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069", `\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069`},
		{"déjà\u00a0vu\u202f€", "déjà\u00a0vu\u202f€"}, // no-break spaces are text
		{`a\b`, `a\b`},
		{"bad\xffutf8", "bad\ufffdutf8"},
	}
	for _, tt := range tests {
		if got := SafeText(tt.in); got != tt.want {
			t.Errorf("SafeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := SafeText(SafeText(tt.in)); again != SafeText(tt.in) {
			t.Errorf("SafeText is not idempotent on %q: %q", tt.in, again)
		}
	}
}
