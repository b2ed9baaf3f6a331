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
	names := make([]string, 0, len(env))
	for n := range env {
		names = append(names, n)
	}
	slices.Sort(names)
	p, err := Formulas(opts...).Compile(x.Source, env, formula.KindNumber)
	if err != nil {
		var fe *formula.Error
		if !errors.As(err, &fe) {
			return nil, err
		}
		msg := fe.Msg
		if name, ok := strings.CutPrefix(msg, "unknown name "); ok {
			msg += diag.Suggest(name, names)
		}
		return nil, fail(fe.Offset, msg)
	}
	for _, ref := range p.Refs() {
		switch ref.Name {
		case formula.Member:
			return nil, fail(ref.Offset, fmt.Sprintf("member.%s can only be read in a per-member rule", ref.Field))
		case formula.Previous:
			if _, ok := env[ref.Field]; !ok {
				return nil, fail(ref.Offset, fmt.Sprintf("previous.%s: %s is not a parameter or a rule%s", ref.Field, ref.Field, diag.Suggest(ref.Field, names)))
			}
		}
	}
	pos, line := x.PosAt(0)
	return &engine.Formula{Program: p, Pos: pos, Line: line, At: x.PosAt}, nil
}
