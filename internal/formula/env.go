package formula

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"
	"github.com/shopspring/decimal"
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
	size   sizer
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
	size := sizer{max: int64(lim.MaxDigits)}
	e := &Env{limits: lim, size: size, opts: options(size), parse: conf.CreateNew(),
		cache: programCache{m: map[string]*cacheEntry{}}}
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
// Every name the expression reads and every function it calls, in any
// branch and at any depth, must exist: an unknown one is an error at its
// own offset, not a failure when evaluated.
//
// Programs are immutable, so the environment remembers a compilation: the
// same source, reading names of the same types, for the same kind, gives
// the same Program again without compiling (a what-if rebuilds a rule set
// of mostly unchanged expressions on every request). Only the names the
// expression reads count, so that the cost of a compilation does not grow
// with the number of names declared.
func (e *Env) Compile(src string, names Decls, want Kind) (*Program, error) {
	entry := e.cache.entry(want, src)
	entry.once.Do(func() { entry.parsed, entry.err = e.parse1(src) })
	if entry.err != nil {
		return nil, entry.err
	}
	key, err := entry.parsed.check(names)
	if err != nil {
		return nil, err
	}
	if p := e.cache.get(entry, key); p != nil {
		return p, nil
	}
	p, err := e.compile(src, entry.parsed, names, want)
	if err == nil {
		e.cache.put(entry, key, p)
	}
	return p, err
}

// parsed is what compilation learns from the source alone: the names it
// reads, the functions it calls, the names sum is given.
type parsed struct {
	refs, calls, sums []Ref
}

// parse1 checks the length of src and walks its syntax tree.
func (e *Env) parse1(src string) (*parsed, error) {
	lim := e.limits
	if strings.TrimSpace(src) == "" {
		return nil, &Error{Msg: "empty expression"}
	}
	if lim.MaxLength > 0 && len(src) > lim.MaxLength {
		return nil, &Error{Msg: fmt.Sprintf("expression is %s bytes long, more than the limit of %s", Thousands(len(src)), Thousands(lim.MaxLength)),
			Err: &LimitError{Limit: "length", Max: lim.MaxLength}}
	}
	w, err := e.walk(src)
	if err != nil {
		return nil, err
	}
	return &parsed{refs: w.refs, calls: w.calls, sums: w.sums}, nil
}

// check verifies, against the declared names, that every name read is
// declared, that every function called exists and that sum is given values
// per member; it returns the first mistake in the order of the source, or
// the key under which the compilation is remembered: the types of the
// names read.
func (p *parsed) check(names Decls) (string, error) {
	var first *Error
	fail := func(e *Error) {
		if first == nil || e.Offset < first.Offset {
			first = e
		}
	}
	var key strings.Builder
	for _, r := range p.refs {
		v, ok := names[r.Name]
		if !ok {
			// expr-lang's checker lets an unknown name through inside a
			// function's arguments (round(x / typo, 2)); every name read
			// must be known.
			fail(&Error{Offset: r.Offset, Msg: "unknown name " + r.Name, Name: r.Name, Err: ErrUnknownName})
			continue
		}
		key.WriteString(r.Name)
		key.WriteByte(':')
		if t := reflect.TypeOf(v); t != nil {
			key.WriteString(t.String())
		}
		key.WriteByte(';')
	}
	for _, c := range p.calls {
		switch _, declared := names[c.Name]; {
		case callable(c.Name):
		case declared:
			fail(&Error{Offset: c.Offset, Name: c.Name, Err: ErrUnknownFunction,
				Msg: fmt.Sprintf("%s is not a function: the functions are %s", c.Name, strings.Join(Names(), ", "))})
		case c.Name == "now":
			fail(&Error{Offset: c.Offset, Name: c.Name, Err: ErrUnknownFunction,
				Msg: "unknown function now: a result must not depend on the day it is computed (year is the year computed)"})
		default:
			fail(&Error{Offset: c.Offset, Msg: "unknown function " + c.Name, Name: c.Name, Err: ErrUnknownFunction})
		}
	}
	for _, a := range p.sums {
		if v, ok := names[a.Name]; ok && reflect.TypeOf(v) == numberType {
			fail(&Error{Offset: a.Offset, Name: a.Name, Err: ErrSumOfNumber,
				Msg: fmt.Sprintf("sum(%s): %s is a number here, and sum adds up a value per member", a.Name, a.Name)})
		}
	}
	if first != nil {
		return "", first
	}
	return key.String(), nil
}

func (e *Env) compile(src string, p *parsed, names Decls, want Kind) (prog *Program, err error) {
	// expr-lang's compiler turns its own panics into errors, its checker
	// and the patches do not: an expression must never crash a run.
	defer func() {
		if r := recover(); r != nil {
			prog, err = nil, &Error{Msg: fmt.Sprintf("internal error: cannot compile this expression (%v)", r), Err: ErrInternal}
		}
	}()
	if compileHook != nil {
		compileHook()
	}
	lim := e.limits
	// Only the names the expression reads: declaring every name of a rule
	// set would cost, for each expression, as much as there are names.
	env := make(map[string]any, len(p.refs))
	for _, r := range p.refs {
		env[r.Name] = names[r.Name]
	}
	patch := &literalPatch{src: []rune(src), size: e.size}
	opts := append(e.opts[:len(e.opts):len(e.opts)], expr.Env(env), expr.MaxNodes(lim.MaxNodes), expr.Patch(patch))
	compiled, err := expr.Compile(src, opts...)
	if patch.err != nil {
		return nil, patch.err
	}
	if err != nil {
		err := convert(err)
		if fe := err.(*Error); strings.Contains(fe.Msg, "exceeds maximum allowed nodes") {
			fe.Err = &LimitError{Limit: "nodes", Max: int(lim.MaxNodes)}
		}
		return nil, err
	}
	got := compiled.Node().Type()
	switch {
	case want == KindNumber && got != numberType:
		return nil, &Error{Msg: fmt.Sprintf("expected a number, found %s", describe(got))}
	case want == KindBool && got != boolType:
		return nil, &Error{Msg: fmt.Sprintf("expected a condition (true or false), found %s", describe(got))}
	}
	return &Program{env: e, source: src, prog: compiled, refs: p.refs, budget: lim.MemoryBudget}, nil
}

// compileHook, when set, runs at the start of every compilation: tests
// make it panic.
var compileHook func()

// Refs parses src and lists the names it reads: identifiers that are not
// called as functions and not bound by let or a closure.
func (e *Env) Refs(src string) ([]Ref, error) {
	w, err := e.walk(src)
	if err != nil {
		return nil, err
	}
	return w.refs, nil
}

func (e *Env) walk(src string) (*refWalker, error) {
	tree, err := parser.ParseWithConfig(src, e.parse)
	if err != nil {
		return nil, e.literalError(convert(err).(*Error), src)
	}
	w := &refWalker{bound: map[string]int{}}
	w.walk(tree.Node)
	if w.err != nil {
		return nil, w.err
	}
	return w, nil
}

// badLiteral is how expr-lang's parser reports a number literal it cannot
// read: Go's strconv words, at the literal's last character.
var badLiteral = regexp.MustCompile(`^invalid (float|integer) literal: strconv\.Parse\w+: parsing "([^"]*)": (.*)$`)

// literalError words a number literal the parser could not read, at its
// first character.
func (e *Env) literalError(fe *Error, source string) *Error {
	m := badLiteral.FindStringSubmatch(fe.Msg)
	if m == nil {
		return fe
	}
	text := m[2]
	// The literal as written that starts last at or before the offset
	// expr-lang gives, which is past its start.
	at, src, lit := 0, []rune(source), []rune(text)
	for i := 0; i <= fe.Offset && i+len(lit) <= len(src); i++ {
		if slices.Equal(src[i:i+len(lit)], lit) {
			at = i
		}
	}
	switch {
	case m[3] != "value out of range":
		return &Error{Offset: at, Msg: fmt.Sprintf("%s is not a number", text)}
	case m[1] == "integer":
		return &Error{Offset: at, Msg: fmt.Sprintf("the whole number %s does not fit in 64 bits: write it with an exponent (1e20) or a decimal point", text)}
	}
	if v, err := decimal.NewFromString(text); err == nil && !e.size.fits(&v) {
		return &Error{Offset: at, Msg: fmt.Sprintf("the number %s has more than %s digits (the limit of a value; docs/limits.md)", text, Thousands(int(e.size.max))),
			Err: &LimitError{Limit: "digits", Max: int(e.size.max)}}
	}
	return &Error{Offset: at, Msg: fmt.Sprintf("the number %s is too large for an expression to write (at most about 1.8e308)", text)}
}

// programCache remembers, by kind and source, what parsing found and the
// programs compiled for each set of types of the names read, up to a
// bound past which it starts afresh: an environment that lives as long as
// a server compiles every what-if sent to it.
type programCache struct {
	mu sync.Mutex
	m  map[string]*cacheEntry
	n  int // programs held
}

type cacheEntry struct {
	once   sync.Once
	parsed *parsed
	err    error
	progs  map[string]*Program // by the types of the names read
}

const programCacheSize = 2048 // a few hundred expressions per rule set

func (c *programCache) entry(want Kind, src string) *cacheEntry {
	key := fmt.Sprintf("%d\x00%s", want, src)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[key]; e != nil {
		return e
	}
	if len(c.m) >= programCacheSize || c.n >= programCacheSize {
		c.m, c.n = map[string]*cacheEntry{}, 0
	}
	e := &cacheEntry{progs: map[string]*Program{}}
	c.m[key] = e
	return e
}

func (c *programCache) get(e *cacheEntry, key string) *Program {
	c.mu.Lock()
	defer c.mu.Unlock()
	return e.progs[key]
}

func (c *programCache) put(e *cacheEntry, key string, p *Program) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := e.progs[key]; !ok {
		e.progs[key] = p
		c.n++
	}
}
