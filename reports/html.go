package reports

import (
	"bytes"
	_ "embed"
	"html/template"
	"io"
)

// The HTML report is one self-contained file: its stylesheet is inlined,
// its charts are inline SVG, it has no script, and its
// Content-Security-Policy forbids loading anything, so that it opens
// offline and prints cleanly to PDF. Every text goes through html/template,
// which escapes it for where it appears.

//go:embed html/report.html
var reportTemplateText string

//go:embed html/report.css
var reportCSS string

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"css":       func() template.CSS { return template.CSS(reportCSS + PaletteCSS()) },
	"right":     func(t *table) []bool { return t.right() },
	"strongRow": func(cells []cell) bool { return len(cells) > 0 && cells[0].Strong },
	"cellClass": cellClass,
	// A row's first cell heads it (th scope=row) when it names something:
	// not when it is empty (the continuation of the row above).
	"rowHeader": func(c cell) bool { return c.Format(French) != "" && c.Kind != emptyCell },
	// cell is replaced per rendering with the language's formatter.
	"cell": func(c cell) string { return c.Format(French) },
}).Parse(reportTemplateText))

func reportHTML(w io.Writer, lang Lang, r *Report) error {
	d, err := r.document(lang, true)
	if err != nil {
		return err
	}
	return documentHTML(w, lang, d)
}

// documentHTML writes a document as one self-contained page.
func documentHTML(w io.Writer, lang Lang, d *document) error {
	t, err := reportTemplate.Clone()
	if err != nil {
		return err
	}
	t.Funcs(template.FuncMap{"cell": func(c cell) string { return c.Format(lang) }})
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

func cellClass(c cell) string {
	switch c.Kind {
	case codeCell:
		return "code"
	case formulaCell:
		return "formula"
	case dateCell:
		return "date"
	case textCell:
		return ""
	}
	return "num"
}

// right tells which columns hold numbers: those whose cells are all
// numeric or empty text.
func (t *table) right() []bool {
	right := make([]bool, len(t.Head))
	for i := range right {
		numeric, seen := true, false
		for _, row := range t.Rows {
			if i >= len(row) {
				continue
			}
			c := row[i]
			if c.Kind == textCell && c.Text == "" {
				continue
			}
			seen = true
			if !c.Numeric() {
				numeric = false
				break
			}
		}
		right[i] = numeric && seen
	}
	return right
}
