package rules

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2/unstable"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"go.yaml.in/yaml/v3"
)

// MaxTOMLNesting is how deep arrays and inline tables may nest in a TOML
// file, and how many parts a dotted key may have: 100, where a rule file
// needs 3. The TOML parser descends into nested values by recursion, and
// a few megabytes of [[[[... would exhaust the stack of the process.
const MaxTOMLNesting = 100

// TOML files are read with the unstable parser of
// github.com/pelletier/go-toml/v2, which keeps the case and order of keys,
// the text of numbers and the offset of every key and value. tomlNode
// turns its expressions into the node tree that the YAML path decodes
// (tables as mappings, arrays as lists, each node with the line and column
// of its text), so that the strict decoder, its did-you-mean and every
// later error work the same, positioned in the .toml file. Numbers keep
// their text (0.1 is exactly one tenth), dates are the text of the date.

// tomlLines splits TOML text into lines: TOML breaks lines at \n (a \r
// before it is part of the break) and nowhere else.
func tomlLines(text string) []string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// tomlTree builds the node tree of a TOML document.
type tomlTree struct {
	src  *source
	data []byte
	// starts holds the offset at which each line starts.
	starts []int
	errs   diag.List
	// keys indexes the first value of each key of a mapping, for tables
	// and dotted keys to find the mapping they extend.
	keys map[*yaml.Node]map[string]*yaml.Node
	// headers holds the tables a [header] defined, with where; sealed the
	// values that cannot be extended (inline tables, arrays written as
	// values); arrays the lists made by [[header]].
	headers map[*yaml.Node]diag.Pos
	sealed  map[*yaml.Node]bool
	arrays  map[*yaml.Node]bool
}

// tomlNode reads TOML text into a YAML document node.
func tomlNode(src *source, data []byte) (*yaml.Node, error) {
	if err := tomlNesting(src, data); err != nil {
		return nil, err
	}
	data = data[:len(data):len(data)] // so that cap gives an offset
	t := &tomlTree{src: src, data: data, keys: map[*yaml.Node]map[string]*yaml.Node{},
		headers: map[*yaml.Node]diag.Pos{}, sealed: map[*yaml.Node]bool{}, arrays: map[*yaml.Node]bool{}}
	t.starts = []int{0}
	for i, c := range data {
		if c == '\n' {
			t.starts = append(t.starts, i+1)
		}
	}
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: 1, Column: 1}
	table := root
	var p unstable.Parser
	p.Reset(data)
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.KeyValue:
			t.keyValue(table, e)
		case unstable.Table:
			table = t.header(root, e, false)
		case unstable.ArrayTable:
			table = t.header(root, e, true)
		}
	}
	if err := p.Error(); err != nil {
		return nil, t.syntaxError(err)
	}
	if err := t.errs.Err(); err != nil {
		return nil, err
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: 1, Column: 1, Content: []*yaml.Node{root}}, nil
}

// pos returns the line and column of a byte offset, the column counted in
// characters as yaml.v3 counts them.
func (t *tomlTree) pos(offset int) (line, col int) {
	offset = min(max(offset, 0), len(t.data))
	i := sort.Search(len(t.starts), func(i int) bool { return t.starts[i] > offset }) - 1
	return i + 1, utf8.RuneCount(t.data[t.starts[i]:offset]) + 1
}

func (t *tomlTree) diagPos(offset int) diag.Pos {
	line, col := t.pos(offset)
	return diag.Pos{File: t.src.path, Line: line, Col: col}
}

// offset returns where b, a part of the text, starts in it.
func (t *tomlTree) offset(b []byte) int { return cap(t.data) - cap(b) }

func (t *tomlTree) errorf(offset int, format string, args ...any) {
	pos := t.diagPos(offset)
	t.errs = append(t.errs, &diag.Error{Pos: pos, Code: diag.Invalid, Msg: fmt.Sprintf(format, args...), Source: t.src.line(pos.Line)})
}

// syntaxError positions an error of the TOML parser on what it highlights.
func (t *tomlTree) syntaxError(err error) error {
	var pe *unstable.ParserError
	if e, ok := err.(*unstable.ParserError); ok {
		pe = e
	}
	if pe == nil {
		return diag.Errorf(diag.Pos{File: t.src.path}, diag.Invalid, "invalid TOML: %v", err)
	}
	at := len(t.data)
	if cap(pe.Highlight) > 0 {
		at = t.offset(pe.Highlight)
	}
	t.errorf(at, "invalid TOML: %s", pe.Message)
	return t.errs[len(t.errs)-1]
}

// keyNode makes the node of one part of a key.
func (t *tomlTree) keyNode(k *unstable.Node) *yaml.Node {
	line, col := t.pos(int(k.Raw.Offset))
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: string(k.Data), Line: line, Column: col}
}

// keyParts lists the parts of a key (a.b.c).
func keyParts(n *unstable.Node) []*unstable.Node {
	var parts []*unstable.Node
	for it := n.Key(); it.Next(); {
		parts = append(parts, it.Node())
	}
	return parts
}

// lookup returns the value of key in mapping m, nil when there is none.
func (t *tomlTree) lookup(m *yaml.Node, key string) *yaml.Node {
	return t.keys[m][key]
}

// add appends key and value to mapping m. A key already there is added
// again: the strict decoder reports it as a key given twice.
func (t *tomlTree) add(m, key, value *yaml.Node) {
	m.Content = append(m.Content, key, value)
	if t.keys[m] == nil {
		t.keys[m] = map[string]*yaml.Node{}
	}
	if _, ok := t.keys[m][key.Value]; !ok {
		t.keys[m][key.Value] = value
	}
}

// descend returns the table under key k of mapping m, making it when
// there is none. In a [header], a key that names an array of tables
// stands for its last table.
func (t *tomlTree) descend(m *yaml.Node, k *unstable.Node, header bool) *yaml.Node {
	key := string(k.Data)
	at := int(k.Raw.Offset)
	v := t.lookup(m, key)
	switch {
	case v == nil:
		kn := t.keyNode(k)
		v = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: kn.Line, Column: kn.Column}
		t.add(m, kn, v)
		return v
	case header && t.arrays[v] && len(v.Content) > 0:
		return v.Content[len(v.Content)-1]
	case v.Kind == yaml.MappingNode && !t.sealed[v]:
		return v
	case v.Kind == yaml.MappingNode:
		t.errorf(at, "key %q is an inline table (line %d), complete as written: it cannot be extended", key, v.Line)
	default:
		t.errorf(at, "key %q already has a value (line %d): it cannot also be a table", key, v.Line)
	}
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} // detached: what is added there is dropped
}

// nested refuses a key of more than MaxTOMLNesting parts.
func (t *tomlTree) nested(parts []*unstable.Node) bool {
	if len(parts) <= MaxTOMLNesting {
		return true
	}
	pos := t.diagPos(int(parts[0].Raw.Offset))
	e := limitErrorf(pos, "a dotted key of %s parts, beyond the limit of %d parts in a TOML key", formula.Thousands(len(parts)), MaxTOMLNesting)
	e.Source = t.src.line(pos.Line)
	t.errs = append(t.errs, e)
	return false
}

// header opens the table of a [header] or a [[header]] and returns it.
func (t *tomlTree) header(root *yaml.Node, e *unstable.Node, array bool) *yaml.Node {
	parts := keyParts(e)
	detached := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if !t.nested(parts) {
		return detached
	}
	m := root
	for _, k := range parts[:len(parts)-1] {
		m = t.descend(m, k, true)
	}
	last := parts[len(parts)-1]
	key, at := string(last.Data), int(last.Raw.Offset)
	line, col := t.pos(at)
	v := t.lookup(m, key)
	if array {
		switch {
		case v == nil:
			v = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: line, Column: col}
			t.arrays[v] = true
			t.add(m, t.keyNode(last), v)
		case !t.arrays[v]:
			t.errorf(at, "key %q already has a value (line %d): it cannot also be an array of tables", key, v.Line)
			return detached
		}
		table := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line, Column: col}
		v.Content = append(v.Content, table)
		return table
	}
	switch {
	case v == nil:
		v = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line, Column: col}
		t.add(m, t.keyNode(last), v)
	case v.Kind != yaml.MappingNode || t.sealed[v] || t.arrays[v]:
		t.errorf(at, "key %q already has a value (line %d): it cannot also be a table", key, v.Line)
		return detached
	}
	if prev, ok := t.headers[v]; ok {
		t.errorf(at, "table [%s] appears twice (first on line %d)", tomlKeyText(parts), prev.Line)
		return detached
	}
	t.headers[v] = diag.Pos{File: t.src.path, Line: line, Col: col}
	return v
}

// tomlKeyText writes a key as its parts joined by dots.
func tomlKeyText(parts []*unstable.Node) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = string(p.Data)
	}
	return strings.Join(s, ".")
}

// keyValue adds key = value to table m.
func (t *tomlTree) keyValue(m *yaml.Node, e *unstable.Node) {
	parts := keyParts(e)
	if !t.nested(parts) {
		return
	}
	for _, k := range parts[:len(parts)-1] {
		m = t.descend(m, k, false)
	}
	last := parts[len(parts)-1]
	v := t.value(e.Value(), t.afterKey(last))
	if v != nil {
		t.add(m, t.keyNode(last), v)
	}
}

// afterKey returns the offset of the value after a key and its =.
func (t *tomlTree) afterKey(last *unstable.Node) int {
	i := int(last.Raw.Offset + last.Raw.Length)
	for i < len(t.data) && (t.data[i] == ' ' || t.data[i] == '\t' || t.data[i] == '=') {
		i++
	}
	return i
}

// value makes the node of a value; at is where it starts when the parser
// does not say (an array).
func (t *tomlTree) value(n *unstable.Node, at int) *yaml.Node {
	scalar := func(tag string, offset int, value string) *yaml.Node {
		line, col := t.pos(offset)
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value, Line: line, Column: col}
	}
	switch n.Kind {
	case unstable.String:
		return t.stringNode(n)
	case unstable.Integer:
		return scalar("!!int", int(n.Raw.Offset), string(n.Data))
	case unstable.Float:
		return scalar("!!float", int(n.Raw.Offset), string(n.Data))
	case unstable.Bool:
		return scalar("!!bool", t.offset(n.Data), string(n.Data))
	case unstable.LocalDate, unstable.LocalDateTime, unstable.DateTime, unstable.LocalTime:
		return scalar("!!timestamp", t.offset(n.Data), string(n.Data))
	case unstable.Array:
		line, col := t.pos(at)
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: line, Column: col}
		t.sealed[seq] = true
		for it := n.Children(); it.Next(); {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			if v := t.value(c, at); v != nil {
				seq.Content = append(seq.Content, v)
			}
		}
		return seq
	case unstable.InlineTable:
		line, col := t.pos(int(n.Raw.Offset))
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line, Column: col}
		for it := n.Children(); it.Next(); {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				t.keyValue(m, c)
			}
		}
		t.sealed[m] = true
		return m
	}
	return nil
}

// stringNode makes the node of a string. Its position and style let
// Expr.PosAt line an expression up with the file's text: a string on one
// line starts after its quote; a multi-line one whose text starts on the
// next line is read like a YAML literal block; one that starts on the line
// of its """ is placed where its text starts.
func (t *tomlTree) stringNode(n *unstable.Node) *yaml.Node {
	raw := t.data[n.Raw.Offset : n.Raw.Offset+n.Raw.Length]
	at := int(n.Raw.Offset)
	style := yaml.DoubleQuotedStyle
	switch {
	case len(raw) > 0 && raw[0] == '\'' && !strings.HasPrefix(string(raw), "'''"):
		style = yaml.SingleQuotedStyle
	case strings.HasPrefix(string(raw), `"""`) || strings.HasPrefix(string(raw), "'''"):
		rest := string(raw[3:])
		if strings.HasPrefix(rest, "\n") || strings.HasPrefix(rest, "\r\n") {
			style = yaml.LiteralStyle
		} else {
			style, at = 0, at+3
		}
	}
	line, col := t.pos(at)
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: string(n.Data), Style: style, Line: line, Column: col}
}

// tomlNesting refuses arrays and inline tables nested deeper than
// MaxTOMLNesting, before the parser descends into them. It scans the text
// as TOML reads it: brackets inside strings and comments do not count.
func tomlNesting(src *source, data []byte) error {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
		case '"', '\'':
			delim := []byte{c}
			if i+2 < len(data) && data[i+1] == c && data[i+2] == c {
				delim = []byte{c, c, c}
			}
			i += len(delim)
			for i < len(data) && !bytes.HasPrefix(data[i:], delim) {
				if c == '"' && data[i] == '\\' {
					i++ // an escaped character
				} else if len(delim) == 1 && data[i] == '\n' {
					break // an unterminated string ends with its line
				}
				i++
			}
			i += len(delim) - 1
		case '[', '{':
			if depth++; depth > MaxTOMLNesting {
				lines := tomlLines(string(data[:i]))
				pos := diag.Pos{File: src.path, Line: len(lines), Col: utf8.RuneCountInString(lines[len(lines)-1]) + 1}
				e := limitErrorf(pos, "arrays and inline tables nested more than %d deep, beyond the limit of nesting in a TOML file", MaxTOMLNesting)
				e.Source = src.line(pos.Line)
				return e
			}
		case ']', '}':
			depth = max(0, depth-1)
		}
	}
	return nil
}
