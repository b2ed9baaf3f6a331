package formula

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"
)

// Env is the environment expressions are compiled in: expr-lang's options
// (the decimal functions, the operator overloads, the disabled built-ins),
// the parse configuration Refs uses, the limits, and a cache of the
// programs compiled in it. Build it once with NewEnv and keep it for as
// long as its programs are useful, typically one per workspace: building
// the options and the parse configuration costs more than compiling a
// short rule. An Env is safe for concurrent use.
type Env struct {
	limits Limits
	// opts are the options every compilation starts from; expr-lang
	// applies them to a configuration of its own on each compilation
	// (its operator patchers point into that configuration), so they are
	// shared, not the configuration.
	opts []expr.Option
	// parse is the configuration Refs parses with: the parser only reads
	// it.
	parse *conf.Config
	cache programCache
}

// NewEnv builds an environment whose expressions are held to lim.
func NewEnv(lim Limits) *Env {
	e := &Env{limits: lim, opts: options(), parse: conf.CreateNew(),
		cache: programCache{m: map[string]*Program{}}}
	for _, o := range e.opts {
		o(e.parse)
	}
	return e
}

// Limits returns the limits the environment holds expressions to.
func (e *Env) Limits() Limits { return e.limits }

// Compile parses, type-checks and compiles src, which may read the names
// declared in names. The result must be of the given kind. A returned
// error is an *Error.
//
// Programs are immutable, so the environment remembers a compilation: the
// same source against names of the same types, for the same kind, gives
// the same Program again without compiling (a what-if rebuilds a rule set
// of mostly unchanged expressions on every request).
func (e *Env) Compile(src string, names Decls, want Kind) (*Program, error) {
	key := cacheKey(src, names, want)
	if p := e.cache.get(key); p != nil {
		return p, nil
	}
	p, err := e.compile(src, names, want)
	if err == nil {
		e.cache.put(key, p)
	}
	return p, err
}

func (e *Env) compile(src string, names Decls, want Kind) (*Program, error) {
	lim := e.limits
	if strings.TrimSpace(src) == "" {
		return nil, &Error{Msg: "empty expression"}
	}
	if lim.MaxLength > 0 && len(src) > lim.MaxLength {
		return nil, &Error{Msg: fmt.Sprintf("expression is %d bytes long, more than the limit of %d", len(src), lim.MaxLength)}
	}
	refs, err := e.Refs(src)
	if err != nil {
		return nil, err
	}
	// expr-lang's checker lets an unknown name through inside a function's
	// arguments (round(x / typo, 2)); every name read must be known.
	for _, r := range refs {
		if _, ok := names[r.Name]; !ok {
			return nil, &Error{Offset: r.Offset, Msg: "unknown name " + r.Name}
		}
	}
	opts := append(e.opts[:len(e.opts):len(e.opts)], expr.Env(map[string]any(names)), expr.MaxNodes(lim.MaxNodes),
		expr.Patch(literalPatch{src: []rune(src)}))
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		return nil, convert(err)
	}
	got := prog.Node().Type()
	switch {
	case want == KindNumber && got != numberType:
		return nil, &Error{Msg: fmt.Sprintf("expected a number, found %s", describe(got))}
	case want == KindBool && got != boolType:
		return nil, &Error{Msg: fmt.Sprintf("expected a condition (true or false), found %s", describe(got))}
	}
	return &Program{env: e, source: src, prog: prog, refs: refs, budget: lim.MemoryBudget}, nil
}

// Refs parses src and lists the names it reads: identifiers that are not
// called as functions and not bound by let or a closure.
func (e *Env) Refs(src string) ([]Ref, error) {
	tree, err := parser.ParseWithConfig(src, e.parse)
	if err != nil {
		return nil, convert(err)
	}
	w := &refWalker{bound: map[string]int{}}
	w.walk(tree.Node)
	if w.err != nil {
		return nil, w.err
	}
	return w.refs, nil
}

// programCache remembers compiled programs, up to a bound past which it
// starts afresh: an environment that lives as long as a server compiles
// every what-if sent to it.
type programCache struct {
	mu sync.Mutex
	m  map[string]*Program
}

const programCacheSize = 2048 // a few hundred expressions per rule set

func (c *programCache) get(key string) *Program {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

func (c *programCache) put(key string, p *Program) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= programCacheSize {
		c.m = map[string]*Program{}
	}
	c.m[key] = p
}

// cacheKey identifies a compilation in an environment: the source, the
// kind and every declared name with the type of its value.
func cacheKey(src string, names Decls, want Kind) string {
	sorted := make([]string, 0, len(names))
	for name := range names {
		sorted = append(sorted, name)
	}
	slices.Sort(sorted)
	var b strings.Builder
	fmt.Fprintf(&b, "%d\x00%s\x00", want, src)
	for _, name := range sorted {
		b.WriteString(name)
		b.WriteByte(':')
		if t := reflect.TypeOf(names[name]); t != nil {
			b.WriteString(t.String())
		}
		b.WriteByte(';')
	}
	return b.String()
}
