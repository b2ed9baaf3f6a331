package canon

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// repoFiles lists the quotepart YAML files of the repository: the
// defaults, the examples, every testdata file that is one.
func repoFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "../.." && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		lower := strings.ToLower(d.Name())
		if strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestEveryRepositoryFile: on every quotepart YAML file of the repository
// that parses, fmt succeeds (its own check that the meaning is kept
// passes) and is idempotent.
func TestEveryRepositoryFile(t *testing.T) {
	n := 0
	for _, f := range repoFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var probe yaml.Node
		if yaml.Unmarshal(data, &probe) != nil {
			continue // a test file of broken YAML
		}
		if _, err := Kind(f, data); err != nil {
			continue
		}
		n++
		out, err := Format(f, data)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		again, err := Format(f, out)
		if err != nil {
			t.Errorf("%s, formatted: %v", f, err)
			continue
		}
		if string(again) != string(out) {
			t.Errorf("%s: fmt is not idempotent:\n%s", f, Diff("once", "twice", out, again))
		}
	}
	if n < 30 {
		t.Errorf("only %d quotepart files found in the repository", n)
	}
}

// TestDefaultsFormatted: the embedded defaults are in the canonical
// layout (.ci/run checks it too, with quotepart fmt -l).
func TestDefaultsFormatted(t *testing.T) {
	for _, dir := range []string{"../../rules/rouen", "../../scenarios/rouen", "../../scenarios/rouen/projets"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, f := range files {
			data, _ := os.ReadFile(f)
			out, err := Format(f, data)
			if err != nil {
				t.Errorf("%v", err)
				continue
			}
			if string(out) != string(data) {
				t.Errorf("%s is not formatted (quotepart fmt -w %s):\n%s", f, f, Diff(f, f+" (formatted)", data, out))
			}
		}
	}
}

func TestLayout(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"key order, comments and blank lines kept",
			`# yaml-language-server: $schema=../docs/schema/rules.json
parameters:
  b:
    unit: part   # the unit
    # where from
    source: 'Délibération'


    description: "Part de b"
    values:
      2026-01-01: 0.4
      2024-01-01: 0.5

  a:
    description: x
    unit: EUR
    value: 1
`,
			`# yaml-language-server: $schema=../docs/schema/rules.json
parameters:
  b:
    description: Part de b
    unit: part # the unit
    # where from
    source: Délibération
    values:
      2026-01-01: 0.4
      2024-01-01: 0.5

  a:
    description: x
    unit: EUR
    value: 1
`},
		{"a top comment stays on top when the first key moves",
			`# top of the file
pools:
  c: {label: C, amount: 100, key: cle}
service:
    id: s
    title: "S"
`,
			`# top of the file
service:
  id: s
  title: S
pools:
  c: {label: C, amount: 100, key: cle}
`},
		{"block scalars as written, re-indented; quotes only where needed",
			`parameters:
  p:
    description: >-
        Une description longue
        sur deux lignes.
    unit: "EUR"
    source: 'a: b'
    assumption: |
         ligne 1
           en retrait

         ligne 3
    values: {2026-01-01: "0.10"}
`,
			`parameters:
  p:
    description: >-
      Une description longue
      sur deux lignes.
    unit: EUR
    source: 'a: b'
    assumption: |
      ligne 1
        en retrait

      ligne 3
    values: {2026-01-01: "0.10"}
`},
		{"test files: case keys in order, list items kept",
			`tests:
  - expect:
      - key: 0.4
        member: b
    years: [2026]
    name: la part de b
`,
			`tests:
  - name: la part de b
    years: [2026]
    expect:
      - member: b
        key: 0.4
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "rules.yaml"
			if strings.HasPrefix(tt.in, "tests:") {
				name = "a.test.yaml"
			}
			got, err := Format(name, []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s\ndiff:\n%s", got, tt.want, Diff("want", "got", []byte(tt.want), got))
			}
			again, err := Format(name, got)
			if err != nil || string(again) != string(got) {
				t.Errorf("not idempotent: %v\n%s", err, again)
			}
		})
	}
}

func TestLeftAlone(t *testing.T) {
	for _, name := range []string{"r.json", "r.TOML"} {
		if out, err := Format(name, []byte("x")); !errors.Is(err, ErrNotYAML) || string(out) != "x" {
			t.Errorf("%s: %q, %v", name, out, err)
		}
	}
	if _, err := Format("ci.yml", []byte("stages: [test]\n")); !errors.Is(err, ErrUnknown) {
		t.Errorf("a YAML file that is no quotepart file: %v", err)
	}
	if _, err := Format("r.yaml", []byte("service: [\n")); err == nil {
		t.Errorf("broken YAML formatted")
	}
}

// BenchmarkFormat lays out the largest default rule file.
func BenchmarkFormat(b *testing.B) {
	data, err := os.ReadFile("../../rules/rouen/parametres.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Format("parametres.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
