package reports

import (
	"fmt"
	"io"
	"strings"
)

// reportMarkdown writes the report as Markdown (GitHub flavour): the same
// sections and tables as the HTML report, without the charts. Every text
// is escaped so that nothing from a rule file becomes markup.
func reportMarkdown(w io.Writer, lang Lang, r *Report) error {
	d, err := r.document(lang, false)
	if err != nil {
		return err
	}
	return documentMarkdown(w, lang, d)
}

// documentMarkdown writes a document as Markdown; a document without a
// table of contents (Contents "") gets none.
func documentMarkdown(w io.Writer, lang Lang, d *document) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", escapeMarkdown(d.Title))
	for _, m := range d.Meta {
		fmt.Fprintf(&b, "%s\n\n", escapeMarkdown(m))
	}
	if d.Contents != "" {
		fmt.Fprintf(&b, "**%s**\n\n", escapeMarkdown(d.Contents))
		n := 0
		for _, s := range d.Sections {
			if s.Level == 1 {
				n++
				fmt.Fprintf(&b, "%d. [%s](#%s)\n", n, escapeMarkdown(s.Title), s.ID)
			}
		}
		b.WriteString("\n")
	}
	for _, s := range d.Sections {
		fmt.Fprintf(&b, "<a id=\"%s\"></a>\n\n%s %s\n\n", s.ID, strings.Repeat("#", s.Level+1), escapeMarkdown(s.Title))
		for _, bl := range s.Blocks {
			switch {
			case bl.Para != "":
				fmt.Fprintf(&b, "%s\n\n", escapeMarkdown(bl.Para))
			case bl.List != nil:
				if bl.ListTitle != "" {
					fmt.Fprintf(&b, "**%s**\n\n", escapeMarkdown(bl.ListTitle))
				}
				for _, item := range bl.List {
					fmt.Fprintf(&b, "- %s\n", escapeMarkdown(item))
				}
				b.WriteString("\n")
			case bl.Note != "":
				fmt.Fprintf(&b, "_%s_\n\n", escapeMarkdown(bl.Note))
			case bl.Defs != nil:
				for _, def := range bl.Defs {
					fmt.Fprintf(&b, "- **%s**%s %s\n", escapeMarkdown(def[0]), colon(lang), escapeMarkdown(def[1]))
				}
				b.WriteString("\n")
			case bl.Table != nil:
				markdownTable(&b, lang, bl.Table)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func markdownTable(b *strings.Builder, lang Lang, t *table) {
	if t.Caption != "" {
		fmt.Fprintf(b, "**%s**\n\n", escapeMarkdown(t.Caption))
	}
	head := make([]string, len(t.Head))
	seps := make([]string, len(t.Head))
	right := t.right()
	for i, h := range t.Head {
		head[i] = escapeMarkdown(h)
		seps[i] = "---"
		if right[i] {
			seps[i] = "---:"
		}
	}
	fmt.Fprintf(b, "| %s |\n|%s|\n", strings.Join(head, " | "), strings.Join(seps, "|"))
	for _, row := range t.Rows {
		cells := make([]string, len(row))
		for i, c := range row {
			s := markdownCell(c, lang)
			if c.Strong && s != "" {
				s = "**" + s + "**"
			}
			cells[i] = s
		}
		fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
	}
	b.WriteString("\n")
}

// markdownCell writes ids and formulas as code, where nothing but the
// pipe needs escaping (GitHub reads \| inside code in a table); text that
// holds a backtick is escaped as plain text instead.
func markdownCell(c cell, lang Lang) string {
	if len(c.Spans) > 0 {
		var b strings.Builder
		for _, sp := range c.Spans {
			if sp.URL == "" {
				b.WriteString(escapeMarkdown(sp.Text))
				continue
			}
			fmt.Fprintf(&b, "[%s](<%s>)", escapeMarkdown(sp.Text), markdownURL(sp.URL))
		}
		return b.String()
	}
	s := c.Format(lang)
	if (c.Kind == codeCell || c.Kind == formulaCell) && s != "" && !strings.Contains(s, "`") {
		return "`" + strings.ReplaceAll(SafeText(s), "|", `\|`) + "`"
	}
	return escapeMarkdown(s)
}

// markdownURL writes a link's address between angle brackets, where
// CommonMark allows any character but <, > and a line break; the rules
// refused spaces and control characters, and |, which would end a table
// cell, is percent-encoded like the brackets.
func markdownURL(u string) string {
	return strings.NewReplacer("<", "%3C", ">", "%3E", "|", "%7C").Replace(u)
}
