package rules_test

import (
	"context"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
)

// fuzzExts are the formats a fuzzed file is read as, chosen by a byte.
var fuzzExts = []string{".yaml", ".json", ".toml"}

// addSeeds adds the Rouen rule files and every rule file under testdata,
// the broken ones included, each with the format of its name.
func addSeeds(f *testing.F) {
	f.Helper()
	add := func(fsys fs.FS, name string) {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			f.Fatal(err)
		}
		ext := uint8(0)
		for i, e := range fuzzExts {
			if strings.HasSuffix(name, e) {
				ext = uint8(i)
			}
		}
		f.Add(data, ext)
	}
	defaults, err := fs.Glob(rules.Defaults(), "*.yaml")
	if err != nil || len(defaults) == 0 {
		f.Fatalf("no default rule file: %v", err)
	}
	for _, name := range defaults {
		add(rules.Defaults(), name)
	}
	// Aliases within and beyond the budget of alias expansion.
	f.Add([]byte(aliasBomb(3)), uint8(0))
	f.Add([]byte(aliasBomb(300)), uint8(0))
	f.Add([]byte("members: &m [*m]\nrules: &r {a: {versions: [{from: 2024-01-01, by_member: *r}]}}\n"), uint8(0))
	err = fs.WalkDir(os.DirFS("testdata"), ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && rules.IsRuleFile(d.Name()) {
			add(os.DirFS("testdata"), name)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
}

// checkErrors checks that err is made of diagnostics that point into the
// file name, within its lines.
func checkErrors(t *testing.T, err error, name string, lines int) {
	t.Helper()
	for _, e := range diag.Flatten(err) {
		if e.Code == diag.Internal {
			t.Errorf("internal error: %v", e)
		}
		if e.Pos.File != name || e.Pos.Line < 0 || e.Pos.Line > lines || e.Pos.Col < 0 {
			t.Errorf("error %q is positioned outside %s (%d lines)", e, name, lines)
		}
		if e.Msg == "" {
			t.Errorf("error at %s has no message", e.Pos)
		}
		_ = e.Detail()
	}
}

// exprs lists every expression a decoded file holds.
func exprs(f *rules.File) []rules.Expr {
	var xs []rules.Expr
	byMember := func(m rules.Map[rules.Expr]) {
		for _, e := range m.Entries {
			xs = append(xs, e.Value)
		}
	}
	for _, e := range f.Rules.Entries {
		xs = append(xs, e.Value.Expr)
		byMember(e.Value.ByMember)
		for _, v := range e.Value.Versions {
			xs = append(xs, v.Expr)
			byMember(v.ByMember)
		}
	}
	for _, e := range f.Pools.Entries {
		xs = append(xs, e.Value.Amount)
	}
	if f.Fees != nil {
		xs = append(xs, f.Fees.Rate)
	}
	return xs
}

func FuzzDecodeFile(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, ext uint8) {
		checkDecode(t, "f"+fuzzExts[int(ext)%len(fuzzExts)], data)
	})
}

// FuzzDecodeTOML fuzzes the TOML reader: go-toml's parser, the node tree
// built from it, the strict decoder on that tree and the positions of
// expressions in the TOML text.
func FuzzDecodeTOML(f *testing.F) {
	for _, doc := range []string{
		tomlBase,
		strings.Replace(tomlBase, `amount = "Total"`, "amount = \"\"\"\n  Total\n  * 2\"\"\"", 1),
		"[service]\nid = \"a\"\n[service]\n",
		"a = {b = 1}\na.c = 2\n",
		"x = []\n[[x]]\n",
		"[[members]]\nid = 'a'\n[members.attributes]\npopulation = 1_000\n",
		"[a.b.c]\n[a]\n[a.b]\n",
		"a = [[1, [2]], {x = [3]}]\n",
		"\"quoted key\" = 1\n'lit' = 2\n",
		"a = \"\\u00e9\\t\"\nb = '''\nligne\r\n'''\n",
		"values = { 2026-01-01 = 1, 2026-01-01T00:00:00 = 2 }\nstart = 1979-05-27T07:32:00Z\n",
		"a = " + strings.Repeat("[", 150),
	} {
		f.Add([]byte(doc))
	}
	if data, err := os.ReadFile("testdata/formats/toml/regles.toml"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, "f.toml", data)
	})
}

// checkDecode decodes data as the file name and checks that every error
// and every position of every expression lies within the file.
func checkDecode(t *testing.T, name string, data []byte) {
	t.Helper()
	lines := yamlLines(string(data))
	if strings.HasSuffix(name, ".toml") {
		lines = strings.Split(string(data), "\n")
		for i := range lines {
			lines[i] = strings.TrimSuffix(lines[i], "\r")
		}
	}
	file, err := rules.DecodeFile(name, data)
	checkErrors(t, err, name, len(lines))
	if err == nil && file == nil {
		t.Fatal("DecodeFile returned neither a file nor an error")
	}
	if file == nil {
		return
	}
	for _, x := range exprs(file) {
		n := utf8.RuneCountInString(x.Source)
		for offset := -1; offset <= n+1 && offset < 300; offset++ {
			pos, line := x.PosAt(offset)
			if pos.Line < 0 || pos.Line > len(lines) || pos.Col < 0 {
				t.Fatalf("PosAt(%d) of %q = %v, outside the file", offset, x.Source, pos)
			}
			if pos.Line > 0 && line != "" && line != lines[pos.Line-1] {
				t.Fatalf("PosAt(%d) of %q gives line %q, not line %d", offset, x.Source, line, pos.Line)
			}
		}
	}
}

func FuzzLoad(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, ext uint8) {
		name := "regles" + fuzzExts[int(ext)%len(fuzzExts)]
		set, err := rules.Load(fstest.MapFS{name: {Data: data}}, ".", "r")
		if err != nil {
			checkErrors(t, err, path.Join("r", name), len(yamlLines(string(data))))
			return
		}
		if set.Model == nil {
			t.Fatal("Load returned neither a model nor an error")
		}
		// A model that loads runs, or fails with a diagnostic, for a few
		// years: never a panic.
		m := set.Model
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err = engine.Run(ctx, m, engine.Options{From: m.FirstYear, To: min(m.LastYear, m.FirstYear+3)})
		for _, e := range diag.Flatten(err) {
			if e.Code == diag.Internal && ctx.Err() == nil {
				t.Errorf("internal error: %v", e)
			}
		}
	})
}
