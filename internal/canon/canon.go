package canon

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/internal/fileschema"
	"go.yaml.in/yaml/v3"
)

// ErrNotYAML is returned for JSON and TOML files, which Format leaves as
// they are.
var ErrNotYAML = errors.New("JSON and TOML files are left as they are")

// ErrUnknown is returned for a YAML file that is not a quotepart file
// (no key of a rule, scenario, project or test file at its top).
var ErrUnknown = errors.New("not a quotepart file")

// Kind says which kind of quotepart file data is, from its name and its
// top-level keys: rules, scenarios, projects or tests.
func Kind(name string, data []byte) (fileschema.Kind, error) {
	lower := strings.ToLower(name)
	switch path.Ext(lower) {
	case ".json", ".toml":
		return fileschema.Kind{}, ErrNotYAML
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return fileschema.Kind{}, err
	}
	return kindOf(lower, &root)
}

func kindOf(lower string, root *yaml.Node) (fileschema.Kind, error) {
	keys := map[string]bool{}
	if len(root.Content) == 1 && root.Content[0].Kind == yaml.MappingNode {
		m := root.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			keys[m.Content[i].Value] = true
		}
	}
	name := ""
	switch {
	case keys["tests"] && (strings.HasSuffix(lower, ".test.yaml") || strings.HasSuffix(lower, ".test.yml") || len(keys) == 1):
		name = "tests"
	case keys["scenario"]:
		name = "scenarios"
	case keys["project"] || keys["evaluation"] && !keys["service"]:
		name = "projects"
	case keys["actuals"]:
		name = "actuals"
	case keys["service"] || keys["members"] || keys["parameters"] || keys["rules"] || keys["pools"] || keys["fees"] || keys["billing"]:
		name = "rules"
	}
	if name == "" {
		return fileschema.Kind{}, ErrUnknown
	}
	return fileschema.Lookup(name)
}

// marker is the comment that stands for a blank line while the file goes
// through the YAML encoder, which drops blank lines.
const marker = "#quotepart-fmt:blank-line"

// placeholder stands for a block scalar while the file goes through the
// encoder, which would re-flow it; its lines are put back after.
const placeholder = "quotepart-fmt-block-"

var placeholderRE = regexp.MustCompile(`^(\s*(?:- )*)(.*?)` + placeholder + `([0-9]+)$`)

// Format returns data in the canonical layout. name chooses the kind of
// file (and JSON and TOML files are left: ErrNotYAML).
func Format(name string, data []byte) ([]byte, error) {
	lower := strings.ToLower(name)
	switch path.Ext(lower) {
	case ".json", ".toml":
		return data, ErrNotYAML
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	text := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n")
	var orig yaml.Node
	if err := yaml.Unmarshal([]byte(text), &orig); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(orig.Content) == 0 {
		return nil, fmt.Errorf("%s: empty file", name)
	}
	if strings.Contains(text, marker) || strings.Contains(text, placeholder) {
		return nil, fmt.Errorf("%s: holds quotepart fmt's own markers: left as it is", name)
	}
	kind, err := kindOf(lower, &orig)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	lines := strings.Split(text, "\n")
	blocks := blockScalars(&orig, lines)

	// With a marker for each blank line; without them if that does not
	// parse (a blank line inside a multi-line quoted scalar).
	out, err := render(kind, markBlankLines(lines, blocks), blocks)
	if err != nil {
		if out, err = render(kind, text, blocks); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
	}
	// The safety net: the output means what the input meant.
	var back yaml.Node
	if err := yaml.Unmarshal(out, &back); err != nil {
		return nil, fmt.Errorf("%s: quotepart fmt would write YAML that does not parse (%v): left as it is; please report it", name, err)
	}
	reorder(orig.Content[0], kind.Type)
	if err := same(orig.Content[0], back.Content[0], "$"); err != nil {
		return nil, fmt.Errorf("%s: quotepart fmt would change the meaning of the file (%v): left as it is; please report it", name, err)
	}
	return out, nil
}

// block is a block scalar (| or >) as written: its header (the indicator
// and what follows it on its line) and its content lines.
type block struct {
	header string
	lines  []string
	first  int // line index of the first content line
}

// blockScalars finds the block scalars of a document, in document order,
// with their lines as written.
func blockScalars(root *yaml.Node, lines []string) []block {
	var out []block
	var walk func(n *yaml.Node, parentIndent int)
	walk = func(n *yaml.Node, parentIndent int) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, -1)
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, n.Column-1)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], n.Content[i].Column-1)
			}
		case yaml.ScalarNode:
			if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 || n.Line < 1 || n.Line > len(lines) {
				return
			}
			head := lines[n.Line-1]
			col := min(max(n.Column-1, 0), len(head))
			b := block{header: strings.TrimRight(head[col:], " \t"), first: n.Line}
			i := n.Line
			for ; i < len(lines); i++ {
				l := lines[i]
				if strings.TrimSpace(l) != "" && indent(l) <= parentIndent {
					break
				}
				b.lines = append(b.lines, l)
			}
			keep := strings.Contains(strings.SplitN(b.header, "#", 2)[0], "+")
			for !keep && len(b.lines) > 0 && strings.TrimSpace(b.lines[len(b.lines)-1]) == "" {
				b.lines = b.lines[:len(b.lines)-1]
			}
			out = append(out, b)
		}
	}
	walk(root, -1)
	return out
}

func indent(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }

// markBlankLines replaces each run of blank lines outside block scalars
// by one marker comment, at the indentation of the line that follows, so
// that the encoder keeps it with that line's key. Blank lines at the start
// and at the end of the file go.
func markBlankLines(lines []string, blocks []block) string {
	inBlock := map[int]bool{}
	for _, b := range blocks {
		for i := range b.lines {
			inBlock[b.first+i] = true
		}
	}
	var out []string
	pending := false
	for i, l := range lines {
		if strings.TrimSpace(l) == "" && !inBlock[i] {
			pending = len(out) > 0
			continue
		}
		if pending {
			out = append(out, strings.Repeat(" ", indent(l))+marker)
			pending = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n") + "\n"
}

// render parses text, lays its keys out in order, and encodes it.
func render(kind fileschema.Kind, text string, blocks []block) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, errors.New("empty file")
	}
	root := doc.Content[0]
	n := 0
	var prepare func(x *yaml.Node) error
	prepare = func(x *yaml.Node) error {
		if x.Kind == yaml.ScalarNode {
			switch {
			case x.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
				if n >= len(blocks) {
					return errors.New("block scalars out of step")
				}
				x.Value, x.Style, x.Tag = fmt.Sprintf("%s%06d", placeholder, n), 0, "!!str"
				n++
			case x.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0:
				x.Style = 0 // the encoder quotes what needs quotes
			}
		}
		for _, c := range x.Content {
			if err := prepare(c); err != nil {
				return err
			}
		}
		return nil
	}
	if err := prepare(root); err != nil {
		return nil, err
	}
	if n != len(blocks) {
		return nil, errors.New("block scalars out of step")
	}
	reorderTop(&doc, kind.Type)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return finish(b.String(), blocks)
}

// finish turns the markers back into blank lines and the placeholders
// into the block scalars as written, re-indented under their key.
func finish(s string, blocks []block) ([]byte, error) {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if strings.TrimSpace(l) == marker {
			// One blank line at most, and none right under the key
			// that opens a section.
			if len(out) > 0 && out[len(out)-1] != "" && !strings.HasSuffix(out[len(out)-1], ":") {
				out = append(out, "")
			}
			continue
		}
		// A marker the encoder left after a value, as a line comment.
		if i := strings.Index(l, " "+marker); i >= 0 {
			l = strings.TrimRight(l[:i], " ")
		}
		if m := placeholderRE.FindStringSubmatch(l); m != nil {
			k, err := strconv.Atoi(m[3])
			if err != nil || k >= len(blocks) {
				return nil, errors.New("block scalars out of step")
			}
			b := blocks[k]
			out = append(out, strings.TrimRight(m[1]+m[2], " ")+" "+b.header)
			if strings.HasSuffix(m[2], ": ") || m[2] == "" && m[1] != "" {
				out[len(out)-1] = m[1] + m[2] + b.header
			}
			out = append(out, reindent(b.lines, keyIndent(m[1], m[2])+2)...)
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return []byte(strings.Join(out, "\n") + "\n"), nil
}

// keyIndent is the indentation a block scalar's lines are relative to:
// the column of its key, or of its dash in a list.
func keyIndent(prefix, key string) int {
	if key == "" {
		return len(prefix) - 2 // "  - " : the dash
	}
	return len(prefix)
}

// reindent moves lines so that the least indented non-blank one starts
// at col, keeping the others' indentation relative to it.
func reindent(lines []string, col int) []string {
	least := -1
	for _, l := range lines {
		if strings.TrimSpace(l) != "" && (least < 0 || indent(l) < least) {
			least = indent(l)
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			out[i] = ""
			continue
		}
		out[i] = strings.Repeat(" ", col) + l[least:]
	}
	return out
}

// reorderTop lays out the document's mapping, and keeps the comment at the
// top of the file at the top.
func reorderTop(doc *yaml.Node, t reflect.Type) {
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode || len(root.Content) < 2 {
		reorder(root, t)
		return
	}
	first := root.Content[0]
	head := first.HeadComment
	reorder(root, t)
	if root.Content[0] != first && head != "" {
		first.HeadComment = ""
		root.Content[0].HeadComment = strings.TrimSpace(head + "\n" + root.Content[0].HeadComment)
	}
}

// reorder sorts the keys of n's mappings that are sections of t (struct
// fields) in the order of the fields; keys t does not know go last, in
// their order (the loader will report them).
func reorder(n *yaml.Node, t reflect.Type) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n == nil || t == nil {
		return
	}
	if elem, ok := fileschema.MapValue(t); ok {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				reorder(n.Content[i+1], elem)
			}
		}
		return
	}
	switch t.Kind() {
	case reflect.Slice:
		if n.Kind == yaml.SequenceNode {
			for _, c := range n.Content {
				reorder(c, t.Elem())
			}
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return
		}
		order := map[string]int{}
		types := map[string]reflect.Type{}
		for i := range t.NumField() {
			f := t.Field(i)
			key, ok := fileschema.YAMLKey(f)
			if !ok {
				continue
			}
			order[key] = len(order)
			types[key] = f.Type
		}
		type pair struct{ k, v *yaml.Node }
		var pairs []pair
		for i := 0; i+1 < len(n.Content); i += 2 {
			pairs = append(pairs, pair{n.Content[i], n.Content[i+1]})
		}
		rank := func(p pair) int {
			if r, ok := order[p.k.Value]; ok {
				return r
			}
			return len(order)
		}
		slices.SortStableFunc(pairs, func(a, b pair) int { return rank(a) - rank(b) })
		n.Content = n.Content[:0]
		for _, p := range pairs {
			n.Content = append(n.Content, p.k, p.v)
			reorder(p.v, types[p.k.Value])
		}
	}
}

// same compares two documents value by value: kinds, resolved types,
// values, keys and their order, items; not comments, styles or
// positions.
func same(a, b *yaml.Node, at string) error {
	if a.Kind != b.Kind {
		return fmt.Errorf("%s: a %s became a %s", at, kindName(a.Kind), kindName(b.Kind))
	}
	if a.Kind == yaml.ScalarNode || a.Kind == yaml.AliasNode {
		if a.Value != b.Value || a.ShortTag() != b.ShortTag() {
			return fmt.Errorf("%s: %s %q became %s %q", at, a.ShortTag(), a.Value, b.ShortTag(), b.Value)
		}
		return nil
	}
	if a.Anchor != b.Anchor {
		return fmt.Errorf("%s: anchor %q became %q", at, a.Anchor, b.Anchor)
	}
	if len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: %d entries became %d", at, len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		where := fmt.Sprintf("%s[%d]", at, i)
		if a.Kind == yaml.MappingNode && i%2 == 1 {
			where = at + "." + a.Content[i-1].Value
		}
		if err := same(a.Content[i], b.Content[i], where); err != nil {
			return err
		}
	}
	return nil
}

func kindName(k yaml.Kind) string {
	return map[yaml.Kind]string{yaml.DocumentNode: "document", yaml.SequenceNode: "list", yaml.MappingNode: "mapping", yaml.ScalarNode: "scalar", yaml.AliasNode: "alias"}[k]
}
