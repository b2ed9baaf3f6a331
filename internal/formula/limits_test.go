package formula

import (
	"strings"
	"testing"
)

// The memory budget stops an evaluation that allocates more than allowed
// (expr counts array and map elements); such expressions are never bound
// to the fast path, so the VM always enforces it.
func TestMemoryBudget(t *testing.T) {
	env := Env{"a": Number}
	src := "let xs = [a, a, a, a, a, a, a, a, a, a]; a"
	small, err := Compile(src, env, KindNumber, Limits{MaxNodes: 500, MemoryBudget: 5})
	if err != nil {
		t.Fatal(err)
	}
	if small.Bind(func(string) Slot { return Slot{Kind: SlotGlobal} }) != nil {
		t.Fatal("an expression that allocates was bound to the fast path")
	}
	var vm VM
	values := map[string]any{"a": Number}
	if _, err := vm.Number(small, values); err == nil || !strings.Contains(err.Error(), "memory budget exceeded") {
		t.Errorf("over the budget: %v, want memory budget exceeded", err)
	}
	enough, err := Compile(src, env, KindNumber, Limits{MaxNodes: 500, MemoryBudget: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vm.Number(enough, values); err != nil {
		t.Errorf("within the budget: %v", err)
	}
}

// The node limit is checked on every compilation, cached or not.
func TestNodeLimitCached(t *testing.T) {
	env := Env{"a": Number}
	src := "a" + strings.Repeat(" + a", 30)
	if _, err := Compile(src, env, KindNumber, Limits{MaxNodes: 100}); err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(src, env, KindNumber, Limits{MaxNodes: 20}); err == nil || !strings.Contains(err.Error(), "nodes") {
		t.Errorf("61 nodes with a limit of 20: %v", err)
	}
}

// A compilation is remembered only for the same environment types, kind
// and limits.
func TestCompileCache(t *testing.T) {
	num := Env{"a": Number, "b": Number}
	p1, err := Compile("a + b", num, KindNumber, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := Compile("a + b", Env{"b": Number, "a": Number}, KindNumber, DefaultLimits)
	if err != nil || p1 != p2 {
		t.Errorf("the same compilation gave a new program (%v)", err)
	}
	if _, err := Compile("a + b", Env{"a": Number, "b": NumberMap}, KindNumber, DefaultLimits); err == nil {
		t.Error("a + b with b per member compiled: the cache ignored the types")
	}
	if _, err := Compile("a + b", num, KindBool, DefaultLimits); err == nil {
		t.Error("a + b compiled as a condition: the cache ignored the kind")
	}
}
