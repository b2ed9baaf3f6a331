package rules_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
)

// goWords are Go internals that no message users read may show.
var goWords = regexp.MustCompile(`strconv\.|interface \{\}|decimal\.Decimal|reflect\.|map\[string\]|\*yaml\.|yaml\.Node|unstable\.|runtime error|goroutine|panic:|toml: `)

// messageBase is a small valid rule file the message tests break.
const messageBase = `service: {id: s, title: T, manager: a, start: 2026-01-01, years: {from: 2026, to: 2026}}
members: [{id: a, label: A, attributes: {population: 1}}]
parameters:
  total: {description: d, unit: EUR, value: 1000, source: s}
rules:
  cle: {per_member: true, expr: "1"}
pools:
  p: {label: P, amount: total, key: cle}
`

// TestLongValuesGiveShortMessages: a value of a megabyte is quoted in its
// message cut to a few dozen characters, whatever the mistake.
func TestLongValuesGiveShortMessages(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	for name, text := range map[string]string{
		"number.yaml":    strings.Replace(messageBase, "value: 1000", "value: "+big, 1),
		"whole.yaml":     strings.Replace(messageBase, "to: 2026}", "to: 2026"+big+"}", 1),
		"key.yaml":       strings.Replace(messageBase, "source: s}", "source: s, "+big+": 1}", 1),
		"date.yaml":      strings.Replace(messageBase, "start: 2026-01-01", `start: "`+big+`"`, 1),
		"bool.yaml":      strings.Replace(messageBase, "per_member: true", "per_member: "+big, 1),
		"member.yaml":    strings.Replace(messageBase, "{id: a, label: A,", `{id: "1`+big+`", label: B}, {id: a, label: A,`, 1),
		"attribute.yaml": strings.Replace(messageBase, "population: 1", `"`+big+`": 1`, 1),
		"parameter.yaml": strings.Replace(messageBase, "  total:", `  "1`+big+`": {description: d, unit: EUR, value: 1, source: s}`+"\n  total:", 1),
		"bymember.yaml":  strings.Replace(messageBase, `{per_member: true, expr: "1"}`, `{by_member: {a: "1", `+big+`: "0"}}`, 1),
		"manager.yaml":   strings.Replace(messageBase, "manager: a", "manager: "+big, 1),
		"poolkey.yaml":   strings.Replace(messageBase, "key: cle", "key: "+big, 1),
		"twice.yaml":     strings.Replace(messageBase, "source: s}", "source: s, "+big+": 1, "+big+": 2}", 1),
		"map.yaml":       strings.Replace(messageBase, "value: 1000", "values: {"+big+": 1, "+big+": 2}", 1),
		"syntax.yaml":    messageBase + "  q: [" + big,
		"syntax.json":    `{"service": {"id": "` + big + `", }}`,
		"syntax.toml":    "[service]\nid = " + big,
		"value.toml":     "[parameters.x]\nvalue = \"" + big + "\"\n",
		"key.toml":       "[service]\n" + big + " = 1\n",
	} {
		_, err := rules.Load(fstest.MapFS{name: {Data: []byte(text)}}, ".", "r")
		errs := diag.Flatten(err)
		if len(errs) == 0 {
			t.Errorf("%s: no error", name)
		}
		for _, e := range errs {
			if len(e.Msg) > 400 {
				t.Errorf("%s: a message of %d bytes: %.200s…", name, len(e.Msg), e.Msg)
			}
			if len(e.Detail()) > 2000 {
				t.Errorf("%s: a detail of %d bytes", name, len(e.Detail()))
			}
			if goWords.MatchString(e.Msg) {
				t.Errorf("%s: %s", name, e.Msg)
			}
		}
	}
}

// TestNoGoInternalsInMessages reads every expected message of the bad
// cases for the words of Go's internals.
func TestNoGoInternalsInMessages(t *testing.T) {
	wants, err := filepath.Glob("testdata/bad/*/want.txt")
	if err != nil || len(wants) < 20 {
		t.Fatalf("%d cases: %v", len(wants), err)
	}
	for _, w := range wants {
		data, err := os.ReadFile(w)
		if err != nil {
			t.Fatal(err)
		}
		if m := goWords.Find(data); m != nil {
			t.Errorf("%s: %q in\n%s", w, m, data)
		}
	}
}
