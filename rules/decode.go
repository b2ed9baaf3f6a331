package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// source is a file's name and lines, kept for error snippets.
type source struct {
	path  string
	lines []string
}

// splitLines cuts text into lines where YAML does: at \r\n, \n, \r, and
// the Unicode line breaks yaml.v3 counts (NEL, LS, PS), so that the lines
// of a file saved on Windows carry no \r and line numbers agree.
func splitLines(text string) []string {
	lines := make([]string, 0, strings.Count(text, "\n")+1)
	start := 0
	for i := 0; i < len(text); {
		c := text[i]
		width := 0 // of the line break at i, 0 if none
		switch {
		case c == '\n':
			width = 1
		case c == '\r':
			width = 1
			if i+1 < len(text) && text[i+1] == '\n' {
				width = 2
			}
		case c == 0xC2 && strings.HasPrefix(text[i:], "\u0085"):
			width = 2
		case c == 0xE2 && (strings.HasPrefix(text[i:], "\u2028") || strings.HasPrefix(text[i:], "\u2029")):
			width = 3
		}
		if width == 0 {
			i++
			continue
		}
		lines = append(lines, text[start:i])
		i += width
		start = i
	}
	return append(lines, text[start:])
}

func (s *source) line(n int) string {
	if n < 1 || n > len(s.lines) {
		return ""
	}
	return s.lines[n-1]
}

// DecodeFile decodes one rule file. The format is chosen by the extension:
// .toml as TOML (see tomlNode), anything else as YAML, of which JSON is a
// subset; every error is positioned file:line:col in either. All errors
// found are returned together; the File is nil only when the text could
// not be parsed at all, or went beyond a limit.
func DecodeFile(name string, data []byte) (*File, error) {
	f := new(File)
	src, err := decode(name, data, f)
	if src == nil {
		return nil, err
	}
	f.source, f.input = src, NewInput(name, data)
	return f, err
}

// Decode decodes a YAML (or JSON, or TOML) document into v, a pointer to a
// struct built, like File, from the leaf types of this package (Text,
// Number, Date, Expr, Map, ...) so that every value keeps its position.
// Other file formats (scenarios, test cases) use it to share the strict
// decoding and the messages of rule files.
func Decode(name string, data []byte, v any) error {
	_, err := decode(name, data, v)
	return err
}

// SetSource gives a File decoded as part of another document (a scenario's
// additions) the text it came from, for the snippets of its errors.
func (f *File) SetSource(name string, data []byte) {
	f.source = &source{path: name, lines: splitLines(string(data))}
	if strings.EqualFold(path.Ext(name), ".toml") {
		f.source.lines = tomlLines(string(data))
	}
}

func decode(name string, data []byte, v any) (*source, error) {
	src := &source{path: name, lines: splitLines(string(data))}
	d := &decoder{src: src}
	var root yaml.Node
	if strings.EqualFold(path.Ext(name), ".toml") {
		src.lines = tomlLines(string(data))
		node, err := tomlNode(src, data)
		if err != nil {
			return nil, err
		}
		root = *node
	} else {
		// A file holds one document: a second one (after ---) would
		// otherwise be dropped without a word.
		dec := yaml.NewDecoder(bytes.NewReader(data))
		var next yaml.Node
		if err := dec.Decode(&root); err != nil && err != io.EOF {
			return nil, d.syntaxError(err, data)
		} else if err := dec.Decode(&next); err != nil && err != io.EOF {
			return nil, d.syntaxError(err, data)
		} else if err == nil && len(next.Content) > 0 && next.Content[0].Tag != "!!null" {
			d.errorf(next.Content[0], "a second YAML document (after ---): a file holds one; put this one in a file of its own")
		}
	}
	// A document with nothing in it (---, ~) is an empty file.
	if len(root.Content) > 0 && root.Content[0].Tag != "!!null" {
		d.own = countNodes(root.Content[0])
		d.aliasBudget = aliasBudget(d.own)
		d.value(root.Content[0], reflect.ValueOf(v).Elem(), "")
	}
	if d.stopped {
		// Past a limit, what was decoded is partial: nothing more of
		// the file is reported, nor built.
		return nil, d.errs.Err()
	}
	return src, d.errs.Err()
}

// countNodes counts the nodes of a YAML tree as written, an alias being
// one node (what it names is not counted again).
func countNodes(root *yaml.Node) int {
	n := 0
	stack := []*yaml.Node{root}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n++
		if x.Kind != yaml.AliasNode {
			stack = append(stack, x.Content...)
		}
	}
	return n
}

// aliasBudget is how many nodes the decoder may visit through the aliases
// of a document of own nodes: see MaxAliasNodes.
func aliasBudget(own int) int {
	return min(MaxAliasNodes, AliasFloor+AliasRatio*own)
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

// parserProblems are the messages of the YAML parser, as opposed to its
// scanner: yaml.v3 reports their line counting from 0, and it is the line
// where the enclosing mapping or list starts, or where the parser stopped.
var parserProblems = []string{
	"did not find expected <stream-start>", "did not find expected <document start>",
	"did not find expected node content", "did not find expected key",
	"did not find expected '-' indicator", "did not find expected ',' or ']'",
	"did not find expected ',' or '}'", "found duplicate %YAML directive",
	"found incompatible YAML document", "found undefined tag handle", "found duplicate %TAG directive",
}

// yamlHints say what usually causes the YAML errors users meet most.
var yamlHints = map[string]string{
	"did not find expected key":                       "check the indentation of this line",
	"did not find expected '-' indicator":             "check the indentation of this line",
	"mapping values are not allowed in this context":  `check the indentation, or quote a value that contains ": "`,
	"found unexpected end of stream":                  "a quote or a bracket opened here is not closed",
	"did not find expected ',' or '}'":                "a comma or the closing } is missing",
	"did not find expected ',' or ']'":                "a comma or the closing ] is missing",
	"found a tab character that violates indentation": "indent with spaces only",
}

// syntaxError positions a YAML syntax error on its line. A .json file is
// read as YAML too, but its errors are those of a JSON reader, which knows
// the column.
func (d *decoder) syntaxError(err error, data []byte) error {
	var syntax *json.SyntaxError
	if strings.EqualFold(path.Ext(d.src.path), ".json") && errors.As(json.Unmarshal(data, new(any)), &syntax) {
		at := min(max(int(syntax.Offset)-1, 0), len(data))
		before := splitLines(string(data[:at]))
		last := before[len(before)-1]
		pos := diag.Pos{File: d.src.path, Line: len(before), Col: utf8.RuneCountInString(last) + 1}
		return &diag.Error{Pos: pos, Code: diag.Invalid, Msg: "invalid JSON: " + syntax.Error(), Source: d.src.line(pos.Line)}
	}
	msg := err.Error()
	pos := diag.Pos{File: d.src.path}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	hint := yamlHints[msg]
	if ln := problemLine(d.src.lines, msg, len(data)); ln > 0 {
		pos.Line = ln
	} else if pos.Line > 0 && slices.Contains(parserProblems, msg) {
		pos.Line++
	}
	if strings.Contains(msg, "tab character") {
		// yaml.v3 gives the line of the value before the tab: point at
		// the first tab in an indentation from there.
		for ln := max(pos.Line, 1); ln <= len(d.src.lines); ln++ {
			text := d.src.line(ln)
			indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
			if i := strings.IndexByte(indent, '\t'); i >= 0 {
				pos.Line, pos.Col = ln, i+1
				break
			}
		}
	}
	if hint != "" {
		msg += " (" + hint + ")"
	}
	format := "YAML"
	if strings.EqualFold(path.Ext(d.src.path), ".json") {
		format = "JSON"
	}
	return &diag.Error{Pos: pos, Code: diag.Invalid, Msg: "invalid " + format + ": " + msg, Source: d.src.line(pos.Line)}
}

// problemLine finds the line a YAML syntax error is on, which yaml.v3 does
// not always say (it may give the line where the enclosing mapping starts):
// the first line after which the text, cut there, fails with the same
// message. A cut inside a block that the rest of the file closes could fail
// too, but not with the same message, so the first such cut is found by
// bisection. It returns 0 when the whole text does not fail that way, or
// when it is larger than maxBisect bytes: each step parses the text again.
func problemLine(lines []string, msg string, size int) int {
	if size > maxBisect {
		return 0
	}
	fails := func(k int) bool {
		dec := yaml.NewDecoder(strings.NewReader(strings.Join(lines[:k], "\n")))
		for {
			var n yaml.Node
			err := dec.Decode(&n)
			if err == io.EOF {
				return false
			}
			if err != nil {
				return yamlLine.ReplaceAllString(err.Error(), "") == msg
			}
		}
	}
	lo, hi := 0, len(lines) // fails(lo) is false, fails(hi) true
	if !fails(hi) {
		return 0
	}
	for lo+1 < hi {
		if mid := (lo + hi) / 2; fails(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// maxBisect is the size of the largest text whose syntax errors
// problemLine looks for by bisection: 256 KiB, which about 18 parses of
// the text search in under a second. A larger file's syntax error is
// reported on the line yaml.v3 gives.
const maxBisect = 256 << 10

type decoder struct {
	src  *source
	errs diag.List

	// Alias expansion: own is the number of nodes of the document as
	// written; aliasNodes counts the nodes visited through aliases,
	// aliasBudget says how many may be (aliasBudget); aliasDepth is how
	// many aliases are being expanded, the outermost one at aliasAt;
	// expanding holds them, since an alias inside the value it names
	// would never end. Past the budget the decoder is stopped: nothing
	// more is decoded.
	own, aliasNodes, aliasBudget, aliasDepth int
	aliasAt                                  *yaml.Node
	expanding                                map[*yaml.Node]bool
	stopped                                  bool
}

// alias decodes the value an alias names into v, counting its nodes.
func (d *decoder) alias(n *yaml.Node, v reflect.Value, what string) {
	if d.stopped {
		return
	}
	if d.expanding[n] {
		d.errorf(n, "%s: the alias *%s is inside the value it names, which would never end", name(what), short(n.Value))
		return
	}
	if d.expanding == nil {
		d.expanding = map[*yaml.Node]bool{}
	}
	if d.aliasDepth == 0 {
		d.aliasAt = n
	}
	d.expanding[n] = true
	d.aliasDepth++
	d.value(n.Alias, v, what)
	d.aliasDepth--
	delete(d.expanding, n)
}

// visit counts a node about to be decoded, and reports false once the
// decoder is stopped: past the budget of alias expansion.
func (d *decoder) visit() bool {
	if d.stopped {
		return false
	}
	if d.aliasDepth == 0 {
		return true
	}
	if d.aliasNodes++; d.aliasNodes <= d.aliasBudget {
		return true
	}
	d.stopped = true
	e := limitErrorf(d.pos(d.aliasAt), "the YAML aliases of this file expand to more than %s values, the limit of alias expansion for this file (%s + %d × its %s values as written, at most %s); write the values out rather than through so many aliases",
		formula.Thousands(d.aliasBudget), formula.Thousands(AliasFloor), AliasRatio, formula.Thousands(d.own), formula.Thousands(MaxAliasNodes))
	e.Source = d.src.line(d.aliasAt.Line)
	d.errs = append(d.errs, e)
	return false
}

func (d *decoder) pos(n *yaml.Node) diag.Pos {
	if last := len(d.src.lines); n.Line > last && last > 0 {
		// yaml.v3 puts a value missing at the end of the file on the
		// line after: point just after the last character instead.
		return diag.Pos{File: d.src.path, Line: last, Col: utf8.RuneCountInString(d.src.lines[last-1]) + 1}
	}
	return diag.Pos{File: d.src.path, Line: n.Line, Col: n.Column}
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, &diag.Error{Pos: d.pos(n), Code: diag.Invalid,
		Msg: fmt.Sprintf(format, args...), Source: d.src.line(n.Line)})
}

// numberError reports the error of a number that did not read, with the
// code diag.Limit when it is beyond a limit.
func (d *decoder) numberError(n *yaml.Node, what string, err error) {
	d.errorf(n, "%s: %v", name(what), err)
	var le *limitError
	if errors.As(err, &le) {
		d.errs[len(d.errs)-1].Code = diag.Limit
	}
}

// decodable is implemented by the leaf types of the schema.
type decodable interface {
	decode(d *decoder, n *yaml.Node, what string)
}

var decodableType = reflect.TypeFor[decodable]()

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return quote(n.Value)
	}
	return "something else"
}

// quoteWidth is how many characters of a value from the file a message
// quotes: a value of a megabyte is not copied into its message.
const quoteWidth = 80

// short cuts text from the file to quoteWidth characters, followed by an
// ellipsis, for messages.
func short(s string) string {
	if len(s) <= quoteWidth || utf8.RuneCountInString(s) <= quoteWidth {
		return s
	}
	return string([]rune(s)[:quoteWidth]) + "…"
}

// quote quotes text from the file for a message, cut to quoteWidth
// characters; control characters come out escaped.
func quote(s string) string { return strconv.Quote(short(s)) }

// join extends the path of a value with a key: service.years.from,
// parameters.etc_dsi.values.
func join(what, key string) string {
	key = short(key)
	if what == "" {
		return key
	}
	return what + "." + key
}

// name is how messages call the value at a path; the root is the file's
// top level.
func name(what string) string {
	if what == "" {
		return "top level"
	}
	return what
}

// value decodes n into v; what is the path of v in the file
// (members[2].joined), used in messages.
func (d *decoder) value(n *yaml.Node, v reflect.Value, what string) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		d.alias(n, v, what)
		return
	}
	if !d.visit() {
		return
	}
	if v.CanAddr() {
		if dec, ok := v.Addr().Interface().(decodable); ok {
			dec.decode(d, n, what)
			return
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		// A leaf (value: with nothing) says what it expected itself.
		if n.Tag == "!!null" && !v.Type().Implements(decodableType) {
			d.errorf(n, "%s: expected a mapping, found nothing", name(what))
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		d.value(n, v.Elem(), what)
	case reflect.Struct:
		d.structure(n, v, what)
	case reflect.Slice:
		if n.Tag == "!!null" {
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.errorf(n, "%s: expected a list, found %s", name(what), describeNode(n))
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content)))
		for i, item := range n.Content {
			d.value(item, v.Index(i), fmt.Sprintf("%s[%d]", what, i+1))
		}
	default:
		panic(fmt.Sprintf("rules: no decoder for %s", v.Type()))
	}
}

// fieldKey returns the key a struct field is written under.
func fieldKey(f reflect.StructField) string {
	return strings.Split(f.Tag.Get("yaml"), ",")[0]
}

func (d *decoder) structure(n *yaml.Node, v reflect.Value, what string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: expected a mapping, found %s", name(what), describeNode(n))
		return
	}
	t := v.Type()
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		key := fieldKey(t.Field(i))
		if !t.Field(i).IsExported() {
			key = "" // never matched: a YAML key is never empty here
		}
		keys = append(keys, key)
	}
	seen := map[string]*yaml.Node{}
	// suggested holds the keys that an unknown key looks like a typo of:
	// their absence is not reported again as a missing key.
	suggested := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolve(n.Content[i]), n.Content[i+1]
		if k.Value == "<<" {
			d.errorf(k, "%s: YAML merge keys (<<) are not supported: write the keys out", name(what))
			continue
		}
		idx := slices.Index(keys, k.Value)
		if k.Value == "" {
			idx = -1
		}
		if idx < 0 {
			known := slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == "" })
			d.errorf(k, "%s: unknown key %s%s; expected one of: %s", name(what), quote(k.Value), diag.Suggest(k.Value, known), strings.Join(known, ", "))
			suggested[diag.Closest(k.Value, known)] = true
			continue
		}
		if prev := seen[k.Value]; prev != nil {
			d.errorf(k, "%s: key %s appears twice (first on line %d)", name(what), quote(k.Value), prev.Line)
			continue
		}
		seen[k.Value] = k
		d.value(val, v.Field(idx), join(what, k.Value))
	}
	for i := range t.NumField() {
		if f := t.Field(i); f.Tag.Get("required") == "true" && seen[fieldKey(f)] == nil && !suggested[fieldKey(f)] {
			d.errorf(n, "%s: missing key %q (%s)", name(what), fieldKey(f), f.Tag.Get("doc"))
		}
	}
}

func (t *Text) decode(d *decoder, n *yaml.Node, what string) {
	t.Set, t.Pos = true, d.pos(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errorf(n, "%s: expected text, found %s", name(what), describeNode(n))
		return
	}
	t.Value = n.Value
}

func (x *Number) decode(d *decoder, n *yaml.Node, what string) {
	x.Set, x.Pos = true, d.pos(n)
	v, err := parseNumber(n)
	if err != nil {
		d.numberError(n, what, err)
		return
	}
	x.Value = v
}

// parseNumber reads a number from the scalar's text, so 0.4668 is exactly
// that and not the nearest float.
func parseNumber(n *yaml.Node) (decimal.Decimal, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Tag == "!!bool" {
		return decimal.Decimal{}, fmt.Errorf("expected a number, found %s", describeNode(n))
	}
	text := strings.ReplaceAll(n.Value, "_", "")
	mantissa, _, _ := strings.Cut(strings.ToLower(text), "e")
	if len(mantissa) > formula.DefaultLimits.MaxDigits {
		// Reading a number takes time quadratic in its digits (a
		// million take seconds): count them before.
		if k := countDigits(mantissa); k > formula.DefaultLimits.MaxDigits {
			return decimal.Decimal{}, &limitError{fmt.Sprintf("a number of %s digits, beyond the limit of %s digits of a value (docs/limits.md): %s",
				formula.Thousands(k), formula.Thousands(formula.DefaultLimits.MaxDigits), quote(n.Value))}
		}
	}
	v, err := decimal.NewFromString(text)
	if err != nil {
		hint := ""
		if strings.Contains(text, ",") {
			hint = " (write the decimal mark as a dot: 0.4668, not 0,4668)"
		}
		return decimal.Decimal{}, fmt.Errorf("expected a number, found %s%s", quote(n.Value), hint)
	}
	if e := v.Exponent(); e > maxExponent || e < -maxExponent {
		return decimal.Decimal{}, fmt.Errorf("expected a number, found %s, whose power of ten is beyond ±%d", quote(n.Value), maxExponent)
	}
	return v, nil
}

// countDigits counts the digits 0 to 9 of s.
func countDigits(s string) int {
	n := 0
	for i := range len(s) {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// limitError is an error of a value beyond a limit, which the decoder
// reports with the code diag.Limit.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

// maxExponent bounds the power of ten a number may be written with: far
// beyond any amount, rate or key, and small enough that comparing two
// numbers never builds one of millions of digits (1e99999999 would).
const maxExponent = 100

func (x *Int) decode(d *decoder, n *yaml.Node, what string) {
	x.Set, x.Pos = true, d.pos(n)
	v, err := parseNumber(n)
	if err == nil && (!v.IsInteger() || v.Abs().GreaterThan(decimal.NewFromInt(1e6))) {
		err = fmt.Errorf("expected a whole number, found %s", quote(n.Value))
	}
	if err != nil {
		d.numberError(n, what, err)
		return
	}
	x.Value = int(v.IntPart())
}

func (x *Bool) decode(d *decoder, n *yaml.Node, what string) {
	x.Set, x.Pos = true, d.pos(n)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		d.errorf(n, "%s: expected true or false, found %s", name(what), describeNode(n))
		return
	}
	x.Value = n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
}

func (x *Date) decode(d *decoder, n *yaml.Node, what string) {
	x.Set, x.Pos = true, d.pos(n)
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, "%s: expected a date written YYYY-MM-DD, found %s", name(what), describeNode(n))
		return
	}
	v, err := engine.ParseDate(n.Value)
	if err != nil {
		d.errorf(n, "%s: expected a date written YYYY-MM-DD, found %s", name(what), quote(n.Value))
		return
	}
	x.Value = v
}

func (x *Expr) decode(d *decoder, n *yaml.Node, what string) {
	x.Set, x.Pos = true, d.pos(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errorf(n, "%s: expected an expression, found %s", name(what), describeNode(n))
		return
	}
	x.Source, x.scalar, x.file = n.Value, n, d.src
}

func (m *Map[T]) decode(d *decoder, n *yaml.Node, what string) {
	m.Set, m.Pos = true, d.pos(n)
	if n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: expected a mapping, found %s", name(what), describeNode(n))
		return
	}
	first := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s: expected a name as key, found %s", name(what), describeNode(k))
			continue
		}
		if prev := first[k.Value]; prev != nil {
			d.errorf(k, "%s: key %s appears twice (first on line %d)", name(what), quote(k.Value), prev.Line)
			continue
		}
		first[k.Value] = k
		m.Entries = append(m.Entries, Entry[T]{Key: k.Value, KeyPos: d.pos(k)})
		e := &m.Entries[len(m.Entries)-1]
		d.value(n.Content[i+1], reflect.ValueOf(&e.Value).Elem(), join(what, k.Value))
	}
}

func (x *MemberValues) decode(d *decoder, n *yaml.Node, what string) {
	x.Set, x.Pos = true, d.pos(n)
	if resolve(n).Kind == yaml.MappingNode {
		d.value(n, reflect.ValueOf(&x.Values).Elem(), what)
		return
	}
	x.Value = new(Number)
	d.value(n, reflect.ValueOf(x.Value).Elem(), what)
}

// PosAt returns the file position of the rune at offset in the expression,
// and the text of that line. It lines the expression up with the file's
// text, line by line: a plain, quoted, literal (|) or folded (>) scalar
// gives, on each of its lines, the next runes of the value, once the line
// breaks, folding spaces and indentation between lines are skipped. An
// offset on such a join, or past the end, points just after the text before
// it. Where the file's text and the value part ways (an escape in a quoted
// scalar), the position falls back on the scalar's first character.
func (x *Expr) PosAt(offset int) (diag.Pos, string) {
	if x.scalar == nil || x.file == nil || x.scalar.Line == 0 {
		return x.Pos, ""
	}
	n, f := x.scalar, x.file
	start := diag.Pos{File: f.path, Line: n.Line, Col: n.Column}
	value := []rune(x.Source)
	// The value starts on line ln, after skip runes.
	ln, skip := n.Line, n.Column-1
	switch n.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		ln, skip = n.Line+1, 0
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		skip++ // the opening quote
	}
	at, end := 0, start
	for ; ln <= len(f.lines); ln, skip = ln+1, 0 {
		text := []rune(f.line(ln))
		col := min(skip, len(text))
		for col < len(text) && isBlank(text[col]) {
			col++
		}
		for at < len(value) && isBlank(value[at]) {
			at++
		}
		if at >= len(value) || offset < at {
			return end, f.line(end.Line)
		}
		if col >= len(text) {
			continue // an empty line: a line break of the value
		}
		k := 0
		for col+k < len(text) && at+k < len(value) && text[col+k] == value[at+k] {
			k++
		}
		if offset < at+k {
			return diag.Pos{File: f.path, Line: ln, Col: col + 1 + offset - at}, f.line(ln)
		}
		if k == 0 {
			break
		}
		at += k
		end = diag.Pos{File: f.path, Line: ln, Col: col + k + 1}
		lineEnd := len([]rune(strings.TrimRight(string(text), " \t")))
		if col+k < lineEnd && strings.TrimSpace(string(value[at:])) != "" {
			break // the text goes on differently: an escape
		}
	}
	return start, f.line(start.Line)
}

func isBlank(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }
