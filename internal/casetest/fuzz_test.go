package casetest_test

import (
	"context"
	"github.com/quotepart/quotepart/internal/app"
	"io/fs"
	"testing"

	"github.com/quotepart/quotepart/internal/casetest"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
)

// FuzzTestFile decodes a test file and runs its cases against the default
// rules, scenarios and project requests. Whatever the input, nothing may
// panic, and an error is never an internal one.
//
//	go test ./casetest/ -run '^$' -fuzz FuzzTestFile -fuzztime 5m
func FuzzTestFile(f *testing.F) {
	names, err := fs.Glob(rules.Defaults(), "*.test.yaml")
	if err != nil || len(names) == 0 {
		f.Fatalf("no default test file to seed with: %v", err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(rules.Defaults(), name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("tests: []\n"))
	ws, err := app.OpenDefaults()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(err error) {
			for _, e := range diag.Flatten(err) {
				if e.Code == diag.Internal {
					t.Errorf("internal error: %v", e)
				}
			}
		}
		l, err := casetest.Decode("fuzz.test.yaml", data)
		if err != nil {
			check(err)
			if l == nil {
				return
			}
		}
		if _, err := casetest.Run(context.Background(), ws, []*casetest.Loaded{l}, casetest.Options{Coverage: true}); err != nil {
			check(err)
		}
	})
}
