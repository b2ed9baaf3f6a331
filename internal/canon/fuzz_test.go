package canon

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/rules"
)

// load builds and runs a rule set of one file: its model's names and the
// run's bills as JSON, or the error.
func load(name string, data []byte) (names []string, bills []byte, err error) {
	f, err := rules.DecodeFile(name, data)
	if err != nil {
		return nil, nil, err
	}
	set, err := rules.BuildDecoded([]rules.NamedFile{{Path: name, File: f}}, nil)
	if err != nil {
		return nil, nil, err
	}
	m := set.Model
	for _, p := range m.Params {
		names = append(names, "param "+p.Name)
	}
	for _, r := range m.Rules {
		names = append(names, "rule "+r.Name)
	}
	for _, p := range m.Pools {
		names = append(names, "pool "+p.ID)
	}
	for _, mb := range m.Members {
		names = append(names, "member "+mb.ID)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	res, err := engine.Run(ctx, m, engine.Options{From: m.FirstYear, To: min(m.LastYear, m.FirstYear+3)})
	if err != nil {
		return names, nil, err
	}
	var b bytes.Buffer
	if err := reports.RunOutput.Render(&b, reports.JSON, reports.French, &reports.Bills{Results: []*engine.Result{res}}); err != nil {
		return names, nil, err
	}
	return names, b.Bytes(), nil
}

// FuzzFormatKeepsMeaning: whatever fmt accepts, its output loads into the
// same rule set — the same names, the same bills, or the same failure —
// and fmt is idempotent on it. The seeds are every rule file of the
// repository.
func FuzzFormatKeepsMeaning(f *testing.F) {
	for _, dir := range []string{"../../rules/rouen", "../../rules/testdata/*", "../../reports/testdata/*"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("service:\n  id: s\n  title: 'S'\n  manager: a\n  start: 2026-01-01\n  years: {from: 2026, to: 2026}\nmembers:\n  - {id: a, label: A}\nparameters:\n  x:\n    unit: part\n    value: 1\n    description: >-\n      x\n      y\nrules:\n  cle:\n    per_member: true\n    by_member: {a: x}\npools:\n  c: {label: C, amount: 100, key: cle}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return
		}
		out, err := Format("rules.yaml", data)
		if err != nil {
			return
		}
		again, err := Format("rules.yaml", out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent (%v):\n%s", err, Diff("once", "twice", out, again))
		}
		n1, b1, e1 := load("rules.yaml", data)
		n2, b2, e2 := load("rules.yaml", out)
		if (e1 == nil) != (e2 == nil) {
			t.Fatalf("loading before: %v; after: %v\n%s", e1, e2, Diff("before", "after", data, out))
		}
		if !slices.Equal(n1, n2) {
			t.Fatalf("names before %v, after %v", n1, n2)
		}
		if !bytes.Equal(b1, b2) {
			t.Fatalf("bills differ:\n%s", Diff("before", "after", b1, b2))
		}
	})
}
