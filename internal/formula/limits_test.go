package formula

import (
	"strings"
	"testing"
)

// The memory budget stops an evaluation that allocates more than allowed
// (expr counts array and map elements); such expressions are never bound
// to the fast path, so the VM always enforces it.
func TestMemoryBudget(t *testing.T) {
	env := Decls{"a": Number}
	src := "let xs = [a, a, a, a, a, a, a, a, a, a]; a"
	tight := NewEnv(Limits{MaxNodes: 500, MemoryBudget: 5})
	small, err := tight.Compile(src, env, KindNumber)
	if err != nil {
		t.Fatal(err)
	}
	if tight.Bind(small, func(string) Slot { return Slot{Kind: SlotGlobal} }) != nil {
		t.Fatal("an expression that allocates was bound to the fast path")
	}
	var vm VM
	values := map[string]any{"a": Number}
	if _, err := vm.Number(small, values); err == nil || !strings.Contains(err.Error(), "needs more memory than the limit of 5") {
		t.Errorf("over the budget: %v, want the limit of memory", err)
	}
	enough, err := NewEnv(Limits{MaxNodes: 500, MemoryBudget: 1000}).Compile(src, env, KindNumber)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vm.Number(enough, values); err != nil {
		t.Errorf("within the budget: %v", err)
	}
}

// The node limit is the environment's: the same source may compile in one
// environment and not in a stricter one.
func TestNodeLimitPerEnv(t *testing.T) {
	env := Decls{"a": Number}
	src := "a" + strings.Repeat(" + a", 30)
	if _, err := NewEnv(Limits{MaxNodes: 100}).Compile(src, env, KindNumber); err != nil {
		t.Fatal(err)
	}
	if _, err := NewEnv(Limits{MaxNodes: 20}).Compile(src, env, KindNumber); err == nil || !strings.Contains(err.Error(), "nodes") {
		t.Errorf("61 nodes with a limit of 20: %v", err)
	}
}

// An environment remembers a compilation, only for the same declared
// types and kind; another environment compiles afresh.
func TestCompileCache(t *testing.T) {
	e := NewEnv(DefaultLimits)
	num := Decls{"a": Number, "b": Number}
	p1, err := e.Compile("a + b", num, KindNumber)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := e.Compile("a + b", Decls{"b": Number, "a": Number}, KindNumber)
	if err != nil || p1 != p2 {
		t.Errorf("the same compilation gave a new program (%v)", err)
	}
	if _, err := e.Compile("a + b", Decls{"a": Number, "b": NumberMap}, KindNumber); err == nil {
		t.Error("a + b with b per member compiled: the cache ignored the types")
	}
	if _, err := e.Compile("a + b", num, KindBool); err == nil {
		t.Error("a + b compiled as a condition: the cache ignored the kind")
	}
	other := NewEnv(DefaultLimits)
	p3, err := other.Compile("a + b", num, KindNumber)
	if err != nil || p3 == p1 {
		t.Errorf("another environment gave the first one's program (%v)", err)
	}
	if other.Bind(p1, func(string) Slot { return Slot{Kind: SlotGlobal} }) != nil {
		t.Error("a program bound in an environment that did not compile it")
	}
	if e.Bind(p1, func(string) Slot { return Slot{Kind: SlotGlobal} }) == nil {
		t.Error("a program did not bind in its own environment")
	}
}
