package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// The statement's HTML is one self-contained page, like the report: its
// stylesheet inlined, no script, a Content-Security-Policy that loads
// nothing, and a print stylesheet for A4. Every text goes through
// html/template.

//go:embed html/statement.html
var statementTemplateText string

//go:embed html/statement.css
var statementCSS string

var statementTemplate = template.Must(template.New("statement").Parse(statementTemplateText))

func statementHTML(w io.Writer, lang Lang, s *Statement) error {
	v := s.view(lang)
	var b bytes.Buffer
	err := statementTemplate.Execute(&b, struct {
		Lang Lang
		CSS  template.CSS
		V    *stmtView
	}{lang, template.CSS(statementCSS), safeView(v)})
	if err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

// safeView escapes the control and bidirectional characters of every
// text of v (SafeText): html/template escapes markup, not those.
func safeView(v *stmtView) *stmtView {
	c := *v
	c.Title, c.Subtitle, c.KeyIntro, c.InstalIntro = SafeText(v.Title), SafeText(v.Subtitle), SafeText(v.KeyIntro), SafeText(v.InstalIntro)
	pairs := func(in [][2]string) [][2]string {
		out := make([][2]string, len(in))
		for i, p := range in {
			out[i] = [2]string{SafeText(p[0]), SafeText(p[1])}
		}
		return out
	}
	triples := func(in [][3]string) [][3]string {
		out := make([][3]string, len(in))
		for i, p := range in {
			out[i] = [3]string{SafeText(p[0]), SafeText(p[1]), SafeText(p[2])}
		}
		return out
	}
	list := func(in []string) []string {
		out := make([]string, len(in))
		for i, x := range in {
			out[i] = SafeText(x)
		}
		return out
	}
	rows := func(in [][]string) [][]string {
		out := make([][]string, len(in))
		for i, r := range in {
			out[i] = list(r)
		}
		return out
	}
	c.Facts, c.Summary = pairs(v.Facts), pairs(v.Summary)
	c.SummaryTotal = [2]string{SafeText(v.SummaryTotal[0]), SafeText(v.SummaryTotal[1])}
	c.KeySteps, c.Sources = triples(v.KeySteps), triples(v.Sources)
	c.PoolHead, c.PoolTotal, c.InstalHead, c.InstalTotal = list(v.PoolHead), list(v.PoolTotal), list(v.InstalHead), list(v.InstalTotal)
	c.Pools, c.Instalments = rows(v.Pools), rows(v.Instalments)
	c.Regul, c.Settlement, c.Warnings, c.SourceHead, c.Footer = list(v.Regul), list(v.Settlement), list(v.Warnings), list(v.SourceHead), list(v.Footer)
	return &c
}

// statementMarkdown writes the statement as Markdown: headings, tables,
// paragraphs; user text escaped.
func statementMarkdown(w io.Writer, lang Lang, s *Statement) error {
	v := s.view(lang)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", escapeMarkdown(v.Title))
	facts := [][]string{{"", ""}}
	for _, f := range v.Facts {
		facts = append(facts, []string{f[0], f[1]})
	}
	writeMarkdownTable(&b, facts, []bool{false, false})
	fmt.Fprintf(&b, "\n## %s\n\n", escapeMarkdown(v.Headings.Summary))
	summary := [][]string{{"", ""}}
	for _, f := range v.Summary {
		summary = append(summary, []string{f[0], f[1]})
	}
	writeMarkdownTable(&b, summary, []bool{false, true})
	fmt.Fprintf(&b, "| **%s** | **%s** |\n", escapeMarkdown(v.SummaryTotal[0]), escapeMarkdown(v.SummaryTotal[1]))
	fmt.Fprintf(&b, "\n## %s\n\n%s\n\n", escapeMarkdown(v.Headings.Key), escapeMarkdown(v.KeyIntro))
	if len(v.KeySteps) > 0 {
		steps := [][]string{{"", "", ""}}
		for _, st := range v.KeySteps {
			steps = append(steps, []string{st[0], st[1], st[2]})
		}
		writeMarkdownTable(&b, steps, []bool{false, false, true})
	}
	fmt.Fprintf(&b, "\n## %s\n\n", escapeMarkdown(v.Headings.Pools))
	writeMarkdownTable(&b, append(append([][]string{v.PoolHead}, v.Pools...), v.PoolTotal), []bool{false, true, true, true, true})
	fmt.Fprintf(&b, "\n## %s\n\n%s\n", escapeMarkdown(v.Headings.Instalments), escapeMarkdown(v.InstalIntro))
	if len(v.InstalHead) > 0 {
		b.WriteString("\n")
		writeMarkdownTable(&b, append(append([][]string{v.InstalHead}, v.Instalments...), v.InstalTotal), []bool{false, false, true, true})
	}
	paragraphs := func(heading string, lines []string) {
		fmt.Fprintf(&b, "\n## %s\n\n", escapeMarkdown(heading))
		for _, l := range lines {
			fmt.Fprintf(&b, "%s\n\n", escapeMarkdown(l))
		}
	}
	paragraphs(v.Headings.Regul, v.Regul)
	paragraphs(v.Headings.Settlement, v.Settlement)
	if len(v.Warnings) > 0 {
		paragraphs(v.Headings.Warnings, v.Warnings)
	}
	fmt.Fprintf(&b, "## %s\n\n", escapeMarkdown(v.Headings.Sources))
	sources := [][]string{v.SourceHead}
	for _, src := range v.Sources {
		sources = append(sources, []string{src[0], src[1], src[2]})
	}
	writeMarkdownTable(&b, sources, []bool{false, true, false})
	b.WriteString("\n---\n\n")
	for _, f := range v.Footer {
		fmt.Fprintf(&b, "%s\n\n", escapeMarkdown(f))
	}
	text := strings.TrimRight(b.String(), "\n") + "\n"
	for strings.Contains(text, "\n\n\n") {
		text = strings.ReplaceAll(text, "\n\n\n", "\n\n")
	}
	_, err := io.WriteString(w, text)
	return err
}
