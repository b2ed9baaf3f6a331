package rules

import (
	"context"

	"github.com/quotepart/quotepart/internal/formula"
)

// Option is a choice a caller makes for a load or a build: Load, Build,
// BuildDecoded, LoadDefaults and CompileExpr take any number of them, and
// none keeps their defaults.
type Option func(*options)

type options struct {
	formulas *formula.Env
	ctx      context.Context
}

// WithContext stops a build when ctx is done: compiling every expression
// of a rule set at the limits (50,000 expressions) takes seconds. The
// build then returns ctx's error. Without it, a build runs to its end.
func WithContext(ctx context.Context) Option {
	return func(o *options) { o.ctx = ctx }
}

// buildContext returns the context opts choose, context.Background
// without WithContext.
func buildContext(opts ...Option) context.Context {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.ctx == nil {
		return context.Background()
	}
	return o.ctx
}

// WithFormulas compiles the expressions in env, whose limits they are held
// to and whose cache of compiled programs they share with every other load
// given the same env. Without it, each call compiles in a new environment
// of its own (formula.NewEnv(formula.DefaultLimits)), shared with nothing.
func WithFormulas(env *formula.Env) Option {
	return func(o *options) { o.formulas = env }
}

// Formulas returns the environment opts choose: the one given with
// WithFormulas, or a new one with the default limits. A function that
// makes several builds calls it once and passes WithFormulas on, so that
// its builds share one environment even when its caller chose none.
func Formulas(opts ...Option) *formula.Env {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.formulas == nil {
		o.formulas = formula.NewEnv(formula.DefaultLimits)
	}
	return o.formulas
}
