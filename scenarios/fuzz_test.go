package scenarios_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
)

// FuzzScenarioFile decodes a scenario file, applies it to the default
// rules (with the default scenarios as the catalog its extends resolve
// against), builds and runs the result. Whatever the input, nothing may
// panic, and an error is a positioned diagnostic, never an internal one.
//
//	go test ./scenarios/ -run '^$' -fuzz FuzzScenarioFile -fuzztime 2m
func FuzzScenarioFile(f *testing.F) {
	defaults := scenarios.Defaults()
	seeds, err := fs.Glob(defaults, "*.yaml")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no default scenario to seed with: %v", err)
	}
	for _, name := range seeds {
		data, err := fs.ReadFile(defaults, name)
		if err != nil {
			f.Fatal(err)
		}
		// As the default it is, and under another id, so that it is
		// applied rather than refused as declared twice.
		f.Add(data)
		f.Add([]byte(strings.Replace(string(data), "  id: ", "  id: fuzz-", 1)))
	}
	bad, err := filepath.Glob("testdata/bad/*/*.yaml")
	if err != nil || len(bad) == 0 {
		f.Fatalf("no bad case to seed with: %v", err)
	}
	for _, name := range bad {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	base, err := rules.LoadDefaults()
	if err != nil {
		f.Fatal(err)
	}
	// Years beyond the limit of a span, aliases beyond their budget.
	f.Add([]byte("scenario: {id: loin, title: Loin, years: {from: 2026, to: 999999}}\n"))
	f.Add([]byte("scenario: {id: a, title: &t A}\nparameters: &p {x: {value: 1}}\nmembers: {m: {description: *t}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cat, err := scenarios.LoadDir(defaults, ".", scenarios.DefaultDir)
		if err != nil {
			t.Fatal(err)
		}
		if err := fuzzPipeline(cat, base, data); err != nil {
			for _, e := range diag.Flatten(err) {
				if e.Code == diag.Internal {
					t.Errorf("internal error: %v", e)
				}
			}
		}
	})
}

// fuzzPipeline adds data to the catalog as fuzz.yaml and takes it through
// Chain, Apply, BuildDecoded and engine.Run; it returns the first error.
func fuzzPipeline(cat *scenarios.Catalog, base *rules.Set, data []byte) error {
	s, err := cat.Add("fuzz.yaml", data)
	if err != nil {
		return err
	}
	chain, err := cat.Chain(s)
	if err != nil {
		return err
	}
	applied, err := scenarios.Apply(base.Files, chain)
	if err != nil {
		return err
	}
	set, err := rules.BuildDecoded(applied.Files, nil)
	if err != nil {
		return err
	}
	_, err = engine.Run(context.Background(), set.Model, engine.Options{From: applied.From, To: applied.To})
	return err
}
