package rules

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
)

// CompileExpr compiles an expression decoded from any quotepart file
// against the names env declares, for formulas outside the rule files
// (project lines, test cases), in the environment opts choose
// (WithFormulas). Errors point into the file, with a did-you-mean for
// unknown names; what names the expression in messages. Member attributes
// cannot be read: such formulas are not evaluated per member.
func CompileExpr(x Expr, env formula.Decls, what string, opts ...Option) (*engine.Formula, error) {
	fail := func(offset int, msg string) error {
		pos, line := x.PosAt(offset)
		return &diag.Error{Pos: pos, Code: diag.Invalid, Source: line, Msg: what + ": " + msg}
	}
	p, err := Formulas(opts...).Compile(x.Source, env, formula.KindNumber)
	if err != nil {
		var fe *formula.Error
		if !errors.As(err, &fe) {
			return nil, err
		}
		names := make([]string, 0, len(env))
		for n := range env {
			names = append(names, n)
		}
		slices.Sort(names)
		offset, msg, code := compileMessage(fe, func() []string { return names }, Formulas(opts...).Limits())
		pos, line := x.PosAt(offset)
		return nil, &diag.Error{Pos: pos, Code: code, Source: line, Msg: what + ": " + msg}
	}
	for _, ref := range p.Refs() {
		switch ref.Name {
		case formula.Member:
			return nil, fail(ref.Offset, fmt.Sprintf("member.%s can only be read in a per-member rule", ref.Field))
		case formula.Previous:
			if _, ok := env[ref.Field]; !ok {
				names := make([]string, 0, len(env))
				for n := range env {
					names = append(names, n)
				}
				slices.Sort(names)
				return nil, fail(ref.Offset, fmt.Sprintf("previous.%s: %s is not a parameter or a rule%s", ref.Field, ref.Field, diag.Suggest(ref.Field, names)))
			}
		}
	}
	pos, line := x.PosAt(0)
	return &engine.Formula{Program: p, Pos: pos, Line: line, At: x.PosAt}, nil
}

// compileMessage words a compile error for a rule file: the offset in the
// expression it points at, the message, with a did-you-mean for an
// unknown name (among names, computed only then) or function, and its
// code (a limit reached, or a mistake).
func compileMessage(fe *formula.Error, names func() []string, lim formula.Limits) (offset int, msg string, code diag.Code) {
	offset, msg, code = fe.Offset, fe.Msg, diag.Invalid
	var le *formula.LimitError
	switch {
	case errors.As(fe, &le):
		code = diag.Limit
		if le.Limit == "nodes" {
			// expr stops where it counted one node too many: point at
			// the whole expression instead.
			offset = 0
			msg = fmt.Sprintf("the expression is too large: more than %s nodes (operators, names and numbers); split it into several rules", formula.Thousands(int(lim.MaxNodes)))
		}
	case errors.Is(fe, formula.ErrInternal):
		code = diag.Internal
	case errors.Is(fe, formula.ErrUnknownName):
		msg += diag.Suggest(fe.Name, names())
	case errors.Is(fe, formula.ErrUnknownFunction) && msg == "unknown function "+fe.Name:
		if s := diag.Suggest(fe.Name, formula.Names()); s != "" {
			msg += s
		} else {
			msg += "; the functions are " + strings.Join(formula.Names(), ", ")
		}
	}
	return offset, msg, code
}
