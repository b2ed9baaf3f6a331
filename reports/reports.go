package reports

import (
	"fmt"
	"io"
	"path"
	"strings"
)

// Format is an output format.
type Format string

// The formats of every output.
const (
	Table    Format = "table" // aligned text for a terminal
	Text     Format = "text"  // plain text, for check and test
	JSON     Format = "json"  // a versioned JSON contract (docs/output.md)
	CSV      Format = "csv"   // one row per figure, machine numbers
	Markdown Format = "md"    // for a merge-request comment or a note
	HTML     Format = "html"  // one self-contained page
	XLSX     Format = "xlsx"  // a workbook
	JUnit    Format = "junit" // JUnit XML, for CI servers
	PDF      Format = "pdf"   // a printable document, fonts embedded
)

// Output is what one command writes: the formats it offers, the first
// being the default, and how each renders a T. Every command's formats,
// their parsing and their help text come from its Output.
type Output[T any] struct {
	// Name is the command, for messages.
	Name string
	// Schema names the JSON contract, when the output has one.
	Schema    string
	renderers []Renderer[T]
}

// Renderer renders a T in one format.
type Renderer[T any] struct {
	Format Format
	Render func(w io.Writer, lang Lang, v T) error
}

// NewOutput declares an output kind; the first renderer is the default.
func NewOutput[T any](name, schema string, renderers ...Renderer[T]) *Output[T] {
	return &Output[T]{Name: name, Schema: schema, renderers: renderers}
}

// Formats lists the formats, the default first.
func (o *Output[T]) Formats() []Format {
	out := make([]Format, len(o.renderers))
	for i, r := range o.renderers {
		out[i] = r.Format
	}
	return out
}

// Default is the format used when none is asked for.
func (o *Output[T]) Default() Format { return o.renderers[0].Format }

// Parse accepts one of the formats, in any case; "" is the default.
func (o *Output[T]) Parse(s string) (Format, error) {
	if strings.TrimSpace(s) == "" {
		return o.Default(), nil
	}
	for _, r := range o.renderers {
		if strings.EqualFold(string(r.Format), strings.TrimSpace(s)) {
			return r.Format, nil
		}
	}
	return "", fmt.Errorf("unknown format %q: expected one of %s", s, o.list(", "))
}

// Help words the formats for a --format flag: "table, json
// (quotepart/run/v1), csv or md".
func (o *Output[T]) Help() string {
	names := make([]string, len(o.renderers))
	for i, r := range o.renderers {
		names[i] = string(r.Format)
		if r.Format == JSON && o.Schema != "" {
			names[i] += " (" + o.Schema + ")"
		}
	}
	return orList(names)
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func (o *Output[T]) list(sep string) string {
	names := make([]string, len(o.renderers))
	for i, r := range o.renderers {
		names[i] = string(r.Format)
	}
	return strings.Join(names, sep)
}

// Render writes v in format f.
func (o *Output[T]) Render(w io.Writer, f Format, lang Lang, v T) error {
	for _, r := range o.renderers {
		if r.Format == f {
			return r.Render(w, lang, v)
		}
	}
	return fmt.Errorf("%s writes %s, not %s", o.Name, o.list(", "), f)
}

// FromFile chooses the format of an output file: explicit when given,
// otherwise the file's extension (.html, .htm, .md, .xlsx...).
func (o *Output[T]) FromFile(explicit, file string) (Format, error) {
	if explicit != "" {
		return o.Parse(explicit)
	}
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(file, `\`, "/")))
	byExt := map[string]Format{".htm": HTML, ".markdown": Markdown, ".txt": Text}
	f, ok := byExt[ext]
	if !ok {
		f = Format(strings.TrimPrefix(ext, "."))
	}
	for _, r := range o.renderers {
		if r.Format == f {
			return f, nil
		}
	}
	exts := make([]string, len(o.renderers))
	for i, r := range o.renderers {
		exts[i] = "." + string(r.Format)
	}
	if ext == "" {
		return "", fmt.Errorf("cannot tell the %s format of %q: name it %s, or give --format", o.Name, file, orList(exts))
	}
	return "", fmt.Errorf("cannot write a %s as %s (%q): name it %s, or give --format", o.Name, ext, file, orList(exts))
}

// The outputs of the commands.
var (
	// RunOutput is the bills of run.
	RunOutput = NewOutput(
		"run", RunSchema,
		Renderer[*Bills]{Table, func(w io.Writer, lang Lang, b *Bills) error { return runTable(w, lang, b.Results) }},
		Renderer[*Bills]{JSON, func(w io.Writer, _ Lang, b *Bills) error { return runJSON(w, b) }},
		Renderer[*Bills]{CSV, func(w io.Writer, _ Lang, b *Bills) error { return runCSV(w, b.Results) }},
		Renderer[*Bills]{Markdown, func(w io.Writer, lang Lang, b *Bills) error { return runMarkdown(w, lang, b.Results) }},
	)
	// CompareOutput is the comparisons of compare.
	CompareOutput = NewOutput(
		"compare", CompareSchema,
		Renderer[*Comparisons]{Table, func(w io.Writer, lang Lang, cs *Comparisons) error { return compareText(w, Table, lang, cs.List) }},
		Renderer[*Comparisons]{JSON, func(w io.Writer, _ Lang, cs *Comparisons) error { return compareJSON(w, cs) }},
		Renderer[*Comparisons]{CSV, func(w io.Writer, _ Lang, cs *Comparisons) error { return compareCSV(w, cs.List) }},
		Renderer[*Comparisons]{Markdown, func(w io.Writer, lang Lang, cs *Comparisons) error { return compareText(w, Markdown, lang, cs.List) }},
	)
	// ExplainOutput is the trace of explain.
	ExplainOutput = NewOutput(
		"explain", TraceSchema,
		Renderer[Explained]{Table, traceText},
		Renderer[Explained]{Markdown, traceText},
		Renderer[Explained]{JSON, func(w io.Writer, _ Lang, e Explained) error { return traceJSON(w, e) }},
	)
	// EvaluateOutput is the project evaluation of evaluate.
	EvaluateOutput = NewOutput(
		"evaluate", EvaluateSchema,
		Renderer[*Evaluation]{Table, func(w io.Writer, lang Lang, e *Evaluation) error { return evaluationText(w, Table, lang, e) }},
		Renderer[*Evaluation]{JSON, func(w io.Writer, _ Lang, e *Evaluation) error { return evaluationJSON(w, e) }},
		Renderer[*Evaluation]{CSV, func(w io.Writer, _ Lang, e *Evaluation) error { return evaluationCSV(w, e) }},
		Renderer[*Evaluation]{Markdown, func(w io.Writer, lang Lang, e *Evaluation) error { return evaluationText(w, Markdown, lang, e) }},
	)
	// CheckOutput is what check found.
	CheckOutput = NewOutput(
		"check", CheckSchema,
		Renderer[*Check]{Text, checkText},
		Renderer[*Check]{JSON, checkJSON},
		Renderer[*Check]{SARIF, checkSARIF},
		Renderer[*Check]{GitHub, checkGitHub},
	)
	// DiffOutput is the rule diff of diff.
	DiffOutput = NewOutput(
		"diff", DiffSchema,
		Renderer[*RuleDiff]{Table, func(w io.Writer, lang Lang, d *RuleDiff) error { return ruleDiffText(w, lang, d, false) }},
		Renderer[*RuleDiff]{Markdown, func(w io.Writer, lang Lang, d *RuleDiff) error { return ruleDiffText(w, lang, d, true) }},
		Renderer[*RuleDiff]{JSON, func(w io.Writer, _ Lang, d *RuleDiff) error { return ruleDiffJSON(w, d) }},
	)
	// ReportOutput is the report file of report.
	ReportOutput = NewOutput(
		"report", "",
		Renderer[*Report]{HTML, reportHTML},
		Renderer[*Report]{Markdown, reportMarkdown},
		Renderer[*Report]{XLSX, reportXLSX},
	)
)

// SettleOutput is the regularisation of settle.
var SettleOutput = NewOutput(
	"settle", SettleSchema,
	Renderer[*Settled]{Table, func(w io.Writer, lang Lang, s *Settled) error { return settleText(w, lang, s, false) }},
	Renderer[*Settled]{JSON, func(w io.Writer, _ Lang, s *Settled) error { return settleJSON(w, s) }},
	Renderer[*Settled]{CSV, func(w io.Writer, _ Lang, s *Settled) error { return settleCSV(w, s) }},
	Renderer[*Settled]{Markdown, func(w io.Writer, lang Lang, s *Settled) error { return settleText(w, lang, s, true) }},
)

// StatementOutput is the per-member statement of statement. PDF is a
// format of this output only.
var StatementOutput = NewOutput(
	"statement", "",
	Renderer[*Statement]{Markdown, statementMarkdown},
	Renderer[*Statement]{HTML, statementHTML},
	Renderer[*Statement]{PDF, statementPDF},
)
