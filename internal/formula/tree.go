package formula

import (
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Tree parses src as Compile does (the dialect's functions are calls, the
// built-ins of expr-lang are not there) and returns its syntax tree, for
// a renderer that writes an expression in another language: the
// workbook's formulas. Offsets in the tree are rune offsets into src.
func (e *Env) Tree(src string) (ast.Node, error) {
	tree, err := parser.ParseWithConfig(src, e.parse)
	if err != nil {
		return nil, convert(err)
	}
	return tree.Node, nil
}
