package rules_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/rules"
)

// A build given a context stops compiling when it is done, and returns
// the context's error, not a diagnostic; without one, or before, it runs.
func TestBuildCanceled(t *testing.T) {
	var b strings.Builder
	b.WriteString("service: {id: c, title: C, manager: a, start: 2026-01-01, years: {from: 2026, to: 2026}}\n" +
		"members:\n  - {id: a, label: A}\nrules:\n  r0: {expr: \"1\"}\n")
	for i := 1; i < 500; i++ {
		fmt.Fprintf(&b, "  r%d: {expr: \"r%d + 1\"}\n", i, i-1)
	}
	b.WriteString("  cle: {per_member: true, expr: \"1\"}\npools:\n  p: {label: P, amount: r499, key: cle}\n")
	fsys := fstest.MapFS{"r.yaml": {Data: []byte(b.String())}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := rules.Load(fsys, ".", "r", rules.WithContext(ctx)); !errors.Is(err, context.Canceled) {
		t.Errorf("Load on a cancelled context: %v, want context.Canceled", err)
	}
	if _, err := rules.Load(fsys, ".", "r", rules.WithContext(context.Background())); err != nil {
		t.Errorf("Load: %v", err)
	}
}
