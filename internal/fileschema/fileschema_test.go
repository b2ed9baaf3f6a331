package fileschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"github.com/quotepart/quotepart/internal/casetest"
	"github.com/quotepart/quotepart/rules"
)

// root is the repository root, from this package's folder.
const root = "../.."

// TestCommittedSchemas keeps docs/schema/*.json equal to what the
// generator produces. QUOTEPART_UPDATE=1 go test ./... rewrites them.
func TestCommittedSchemas(t *testing.T) {
	for _, k := range Kinds {
		got, err := Generate(k)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(root, "docs", "schema", k.Name+".json")
		if os.Getenv("QUOTEPART_UPDATE") != "" {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run QUOTEPART_UPDATE=1 go test ./internal/fileschema to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date with the Go types: run QUOTEPART_UPDATE=1 go test ./internal/fileschema", path)
		}
		again, _ := Generate(k)
		if !bytes.Equal(got, again) {
			t.Errorf("%s: two runs differ", k.Name)
		}
	}
}

// compile compiles the schema of a kind with the validator the tests use.
func compile(t *testing.T, k Kind) *jsonschema.Schema {
	t.Helper()
	data, err := Generate(k)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	url := "https://quotepart.invalid/schema/" + k.Name + ".json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("schema %s does not compile: %v", k.Name, err)
	}
	return s
}

// instance reads YAML as a YAML 1.2 editor does into JSON values: numbers
// as json.Number, dates and other plain text as strings.
func instance(t *testing.T, data []byte) any {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		t.Fatal(err)
	}
	if len(n.Content) == 0 {
		return nil
	}
	return toJSON(n.Content[0])
}

func toJSON(n *yaml.Node) any {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = toJSON(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, toJSON(c))
		}
		return l
	}
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		return n.Value == "true"
	case "!!int", "!!float":
		if d, err := decimal.NewFromString(strings.ReplaceAll(n.Value, "_", "")); err == nil {
			return json.Number(d.String())
		}
	}
	return n.Value
}

// shipped lists the files shipped with quotepart and the kind of each.
func shipped(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	add := func(pattern, kind string) {
		files, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			switch {
			case casetest.IsTestFile(f):
				out[f] = "tests"
			case rules.IsRuleFile(f):
				out[f] = kind
			}
		}
	}
	add("rules/rouen/*", "rules")
	add("scenarios/rouen/*", "scenarios")
	add("scenarios/rouen/projets/*", "projects")
	add("rules/grand-pic-saint-loup/*", "rules")
	add("rules/grand-pic-saint-loup/comptes/*", "actuals")
	add("scenarios/grand-pic-saint-loup/*", "scenarios")
	add("docs/cycle/rouen/*", "actuals")
	if len(out) < 10 {
		t.Fatalf("found only %d shipped files", len(out))
	}
	return out
}

// TestShippedFilesMatchTheirSchema validates every shipped rule, scenario,
// project and test file against its schema, and checks that it names that
// schema on a yaml-language-server line, by a path that exists.
func TestShippedFilesMatchTheirSchema(t *testing.T) {
	schemas := map[string]*jsonschema.Schema{}
	for _, k := range Kinds {
		schemas[k.Name] = compile(t, k)
	}
	files := shipped(t)
	names := make([]string, 0, len(files))
	for f := range files {
		names = append(names, f)
	}
	slices.Sort(names)
	for _, f := range names {
		kind := files[f]
		t.Run(filepath.ToSlash(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := schemas[kind].Validate(instance(t, data)); err != nil {
				t.Errorf("does not match the %s schema:\n%v", kind, err)
			}
			first, _, _ := strings.Cut(string(data), "\n")
			ref, ok := strings.CutPrefix(first, "# yaml-language-server: $schema=")
			if !ok {
				rel, _ := filepath.Rel(filepath.Dir(f), filepath.Join(root, "docs", "schema", kind+".json"))
				t.Fatalf("the first line should be\n# yaml-language-server: $schema=%s", filepath.ToSlash(rel))
			}
			target := filepath.Join(filepath.Dir(f), filepath.FromSlash(ref))
			if want := filepath.Join(root, "docs", "schema", kind+".json"); filepath.Clean(target) != filepath.Clean(want) {
				t.Errorf("the schema line names %s, want the %s schema %s", ref, kind, want)
			}
		})
	}
}

// TestSchemaAgreesWithLoader checks, on small documents, that the schema
// rejects what the loader rejects for its shape, and accepts what it
// accepts.
func TestSchemaAgreesWithLoader(t *testing.T) {
	rulesSchema := compile(t, Kinds[0])
	testsKind, _ := Lookup("tests")
	testsSchema := compile(t, testsKind)
	cases := []struct {
		name   string
		schema *jsonschema.Schema
		decode func(name string, data []byte) error
		doc    string
		ok     bool
	}{
		{"values by date", rulesSchema, decodeRules, "parameters:\n  p:\n    description: d\n    unit: EUR\n    values:\n      2026-01-01: 0.4668\n      2027-01-01: \"20_000\"\n", true},
		{"unknown key", rulesSchema, decodeRules, "parameters:\n  p:\n    description: d\n    unit: EUR\n    value: 1\n    colour: blue\n", false},
		{"missing required key", rulesSchema, decodeRules, "parameters:\n  p:\n    unit: EUR\n    value: 1\n", false},
		{"a value date that is not a date", rulesSchema, decodeRules, "parameters:\n  p:\n    description: d\n    unit: EUR\n    values:\n      soon: 1\n", false},
		{"a number written as text", rulesSchema, decodeRules, "parameters:\n  p:\n    description: d\n    unit: EUR\n    value: \"0,5\"\n", false},
		{"a date in the wrong format", rulesSchema, decodeRules, "members:\n  - {id: a, label: A, joined: 01/01/2026}\n", false},
		{"expressions and numbers", rulesSchema, decodeRules, "rules:\n  r:\n    expr: 1\n  s:\n    expr: r * 2\n    per_member: false\n", true},
		{"a list where a mapping is expected", rulesSchema, decodeRules, "service:\n  - id: x\n", false},
		{"a test case", testsSchema, decodeTests, "tests:\n  - name: n\n    years: [2026]\n    expect:\n      - member: ville\n        key: 0.462\n        absolute_error: 0.0001\n", true},
		{"a test case with a typo", testsSchema, decodeTests, "tests:\n  - name: n\n    expected:\n      - total: 1\n", false},
		{"a year as text", testsSchema, decodeTests, "tests:\n  - name: n\n    years: [deux-mille]\n    expect:\n      - total: 1\n", false},
	}
	// The loader rejects these when it builds the rule set from the
	// decoded files, not when it decodes one file.
	built := map[string]bool{"a value date that is not a date": true}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			schemaErr := c.schema.Validate(instance(t, []byte(c.doc)))
			loadErr := c.decode("doc.yaml", []byte(c.doc))
			if (schemaErr == nil) != c.ok {
				t.Errorf("schema: got %v, want ok=%v", schemaErr, c.ok)
			}
			if (loadErr == nil) != (c.ok || built[c.name]) {
				t.Errorf("loader: got %v, want ok=%v", loadErr, c.ok)
			}
		})
	}
}

func decodeRules(name string, data []byte) error {
	_, err := rules.DecodeFile(name, data)
	return err
}

func decodeTests(name string, data []byte) error {
	var f casetest.File
	return rules.Decode(name, data, &f)
}

// TestUnknownKind names the kinds.
func TestUnknownKind(t *testing.T) {
	_, err := Lookup("regles")
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("expected one of %s", strings.Join(Names(), ", "))) {
		t.Errorf("got %v", err)
	}
}
