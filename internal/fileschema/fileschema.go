package fileschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/quotepart/quotepart/internal/casetest"
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/rules/actuals"
	"github.com/quotepart/quotepart/scenarios"
)

// Kind is a file format.
type Kind struct {
	Name        string // rules, scenarios, projects, tests
	Title       string
	Description string
	Type        reflect.Type
}

// Kinds lists the formats, in the order `quotepart schema` shows them.
var Kinds = []Kind{
	{Name: "rules", Title: "quotepart rule file",
		Description: "A rule file: service, members, dated parameters, rules, cost pools, fees (docs/rules.md).",
		Type:        reflect.TypeFor[rules.File]()},
	{Name: "scenarios", Title: "quotepart scenario file",
		Description: "A scenario: an overlay on the rules (parameters, rules, members, staff, amounts, a project portfolio).",
		Type:        reflect.TypeFor[scenarios.File]()},
	{Name: "projects", Title: "quotepart project request file",
		Description: "A project request (efforts and gains per year) or the evaluation settings of a projects folder.",
		Type:        reflect.TypeFor[scenarios.ProjectFile]()},
	{Name: "tests", Title: "quotepart test file",
		Description: "Test cases run by `quotepart test`: expected values of the rules (docs/tests.md).",
		Type:        reflect.TypeFor[casetest.File]()},
	{Name: "actuals", Title: "quotepart actuals file",
		Description: "The actual figures of a closed year (compte administratif): pools, parameters, instalments issued (docs/cycle.md).",
		Type:        reflect.TypeFor[actuals.File]()},
}

// Names returns the names of the kinds.
func Names() []string {
	out := make([]string, len(Kinds))
	for i, k := range Kinds {
		out[i] = k.Name
	}
	return out
}

// Lookup returns the kind with a name.
func Lookup(name string) (Kind, error) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, nil
		}
	}
	return Kind{}, fmt.Errorf("unknown file kind %q: expected one of %s", name, strings.Join(Names(), ", "))
}

// Draft is the JSON Schema dialect of the generated schemas.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// Generate returns the schema of a kind as indented JSON ending with a
// newline; the output is the same on every run.
func Generate(k Kind) ([]byte, error) {
	g := &generator{visiting: map[reflect.Type]bool{}}
	body, err := g.schema(k.Type, "")
	if err != nil {
		return nil, err
	}
	root := object{{"$schema", Draft}, {"title", k.Title}, {"description", k.Description}}
	root = append(root, body...)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// object is a JSON object whose keys keep their order.
type object []member

type member struct {
	key   string
	value any
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		var v bytes.Buffer
		enc := json.NewEncoder(&v)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(m.value); err != nil {
			return nil, err
		}
		b.Write(bytes.TrimRight(v.Bytes(), "\n"))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (o object) with(key string, value any) object {
	return append(o, member{key, value})
}

// Patterns of the leaf types, as the loader reads them.
const (
	datePattern   = `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`
	numberPattern = `^[+-]?([0-9][0-9_]*(\.[0-9_]*)?|\.[0-9][0-9_]*)([eE][+-]?[0-9]+)?$`
	intPattern    = `^[+-]?[0-9][0-9_]*$`
)

var (
	textType   = reflect.TypeFor[rules.Text]()
	numberType = reflect.TypeFor[rules.Number]()
	intType    = reflect.TypeFor[rules.Int]()
	boolType   = reflect.TypeFor[rules.Bool]()
	dateType   = reflect.TypeFor[rules.Date]()
	exprType   = reflect.TypeFor[rules.Expr]()
	valuesType = reflect.TypeFor[rules.MemberValues]()
)

type generator struct {
	visiting map[reflect.Type]bool
}

// leaf returns the schema of a leaf type, or false.
func leaf(t reflect.Type) (object, bool) {
	switch t {
	case textType:
		return object{{"type", []string{"string", "number", "boolean"}}}, true
	case numberType:
		return object{{"anyOf", []object{{{"type", "number"}}, {{"type", "string"}, {"pattern", numberPattern}}}}}, true
	case intType:
		return object{{"anyOf", []object{{{"type", "integer"}}, {{"type", "string"}, {"pattern", intPattern}}}}}, true
	case boolType:
		return object{{"type", "boolean"}}, true
	case dateType:
		return object{{"type", "string"}, {"pattern", datePattern}}, true
	case exprType:
		return object{{"type", []string{"string", "number"}}}, true
	case valuesType:
		number, _ := leaf(numberType)
		dated := object{{"type", "object"}, {"patternProperties", object{{datePattern, number}}}, {"additionalProperties", false}}
		return object{{"anyOf", []object{number, dated}}}, true
	}
	return nil, false
}

// MapValue reports whether t is an instance of rules.Map, and returns the
// type of its values.
func MapValue(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct || t.PkgPath() != textType.PkgPath() || !strings.HasPrefix(t.Name(), "Map[") {
		return nil, false
	}
	entries, ok := t.FieldByName("Entries")
	if !ok || entries.Type.Kind() != reflect.Slice {
		return nil, false
	}
	value, ok := entries.Type.Elem().FieldByName("Value")
	if !ok {
		return nil, false
	}
	return value.Type, true
}

// YAMLKey returns the key a struct field is written under in the files,
// or false for a field the files do not have (unexported, no yaml tag,
// or yaml:"-").
func YAMLKey(f reflect.StructField) (string, bool) {
	key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return key, f.IsExported() && key != "" && key != "-"
}

// schema describes t; doc is the doc tag of the field of type t, which
// says whether a map has date keys.
func (g *generator) schema(t reflect.Type, doc string) (object, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := leaf(t); ok {
		return s, nil
	}
	if elem, ok := MapValue(t); ok {
		v, err := g.schema(elem, "")
		if err != nil {
			return nil, err
		}
		s := object{{"type", []string{"object", "null"}}}
		if strings.Contains(doc, "YYYY-MM-DD") || strings.Contains(doc, "keys:date") {
			return s.with("patternProperties", object{{datePattern, v}}).with("additionalProperties", false), nil
		}
		return s.with("additionalProperties", v), nil
	}
	switch t.Kind() {
	case reflect.Slice:
		items, err := g.schema(t.Elem(), "")
		if err != nil {
			return nil, err
		}
		return object{{"type", []string{"array", "null"}}, {"items", items}}, nil
	case reflect.Struct:
		return g.structure(t)
	}
	return nil, fmt.Errorf("fileschema: no schema for %s", t)
}

func (g *generator) structure(t reflect.Type) (object, error) {
	if g.visiting[t] {
		return nil, fmt.Errorf("fileschema: %s contains itself; the generator inlines every type", t)
	}
	g.visiting[t] = true
	defer delete(g.visiting, t)
	props := object{}
	var required []string
	for i := range t.NumField() {
		f := t.Field(i)
		key, ok := YAMLKey(f)
		if !ok {
			continue
		}
		doc := f.Tag.Get("doc")
		if f.Tag.Get("keys") == "date" {
			doc += " keys:date"
		}
		s, err := g.schema(f.Type, doc)
		if err != nil {
			return nil, err
		}
		if d := f.Tag.Get("doc"); d != "" {
			s = append(object{{"description", d}}, s...)
		}
		props = props.with(key, s)
		if f.Tag.Get("required") == "true" {
			required = append(required, key)
		}
	}
	s := object{{"type", "object"}, {"properties", props}}
	if len(required) > 0 {
		s = s.with("required", required)
	}
	return s.with("additionalProperties", false), nil
}
