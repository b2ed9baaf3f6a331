package reports

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-fonts/liberation/liberationmonoregular"
	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"
)

// The statement as PDF, drawn with fpdf (in the module graph through
// gonum/plot) in the Liberation fonts that gonum/plot embeds: metrically
// compatible with Arial and Courier New, they carry every character the
// statement prints (accents, €, the no-break and narrow no-break spaces
// of French numbers, «, —, →). The fonts are embedded (subset), so the
// document prints and extracts the same everywhere. The document carries
// no time of its own making: its creation date is the statement's date,
// or 1 January of the year stated, so that the same inputs give the same
// bytes.

const (
	pdfMargin     = 14.0 // mm, left, right and top
	pdfBottom     = 16.0 // mm, room for the footer
	pdfLine       = 4.2  // mm, line height of body text
	pdfSmallLine  = 3.5  // mm, line height of the sources
	pdfBodySize   = 9.5  // pt
	pdfSmallSize  = 7.5  // pt
	pdfFamily     = "LiberationSans"
	pdfMonoFamily = "LiberationMono"
)

var pdfAccent = [3]int{0x1f, 0x4e, 0x79}

func statementPDF(w io.Writer, lang Lang, s *Statement) error {
	v := s.view(lang)
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(pdfFamily, "", liberationsansregular.TTF)
	pdf.AddUTF8FontFromBytes(pdfFamily, "B", liberationsansbold.TTF)
	pdf.AddUTF8FontFromBytes(pdfMonoFamily, "", liberationmonoregular.TTF)
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(true, pdfBottom)
	made := time.Date(s.Trace.Year, time.January, 1, 0, 0, 0, 0, time.UTC)
	if !s.Date.IsZero() {
		made = time.Date(s.Date.Year, s.Date.Month, s.Date.Day, 0, 0, 0, 0, time.UTC)
	}
	pdf.SetCreationDate(made)
	pdf.SetModificationDate(made)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(v.Title, true)
	pdf.SetSubject(v.Subtitle, true)
	pdf.SetCreator("quotepart", true)
	pdf.SetProducer("quotepart", true)
	if lang == English {
		pdf.SetLang("en")
	} else {
		pdf.SetLang("fr")
	}
	pdf.AliasNbPages("{nb}")
	footer := strings.Join(v.Footer, " — ")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-pdfBottom + 3)
		pdf.SetFont(pdfFamily, "", 6.5)
		pdf.SetTextColor(0x44, 0x44, 0x44)
		pdf.MultiCell(0, 2.8, footer, "", "L", false)
		pdf.SetY(-6)
		pdf.CellFormat(0, 3, fmt.Sprintf("%d/{nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	d := &pdfDoc{pdf: pdf, mono: -1}

	pdf.SetFont(pdfFamily, "B", 15)
	pdf.SetTextColor(pdfAccent[0], pdfAccent[1], pdfAccent[2])
	pdf.MultiCell(0, 6.5, v.Title, "", "L", false)
	pdf.SetTextColor(0, 0, 0)
	pdf.Ln(1)
	var facts [][]string
	for _, f := range v.Facts {
		facts = append(facts, []string{f[0], f[1]})
	}
	d.table([]float64{32, 150}, "LL", nil, facts, nil, pdfBodySize, pdfLine)

	d.heading(v.Headings.Summary)
	var summary [][]string
	for _, f := range v.Summary {
		summary = append(summary, []string{f[0], f[1]})
	}
	d.table([]float64{80, 35}, "LR", nil, summary, []string{v.SummaryTotal[0], v.SummaryTotal[1]}, pdfBodySize, pdfLine)

	d.heading(v.Headings.Key)
	d.paragraph(v.KeyIntro)
	if len(v.KeySteps) > 0 {
		var steps [][]string
		for _, st := range v.KeySteps {
			steps = append(steps, []string{st[0], st[1], st[2]})
		}
		d.mono = 1
		d.table([]float64{62, 90, 30}, "LLR", nil, steps, nil, 8.5, 3.8)
		d.mono = -1
	}

	d.heading(v.Headings.Pools)
	d.table([]float64{62, 34, 22, 34, 30}, "LRRRR", v.PoolHead, v.Pools, v.PoolTotal, pdfBodySize, pdfLine)

	d.heading(v.Headings.Instalments)
	d.paragraph(v.InstalIntro)
	if len(v.InstalHead) > 0 {
		d.table([]float64{62, 58, 26, 36}, "LLRR", v.InstalHead, v.Instalments, v.InstalTotal, pdfBodySize, pdfLine)
	}
	d.heading(v.Headings.Regul)
	for _, p := range v.Regul {
		d.paragraph(p)
	}
	d.heading(v.Headings.Settlement)
	for _, p := range v.Settlement {
		d.paragraph(p)
	}
	if len(v.Warnings) > 0 {
		d.heading(v.Headings.Warnings)
		for _, p := range v.Warnings {
			d.paragraph(p)
		}
	}
	d.heading(v.Headings.Sources)
	var sources [][]string
	for _, src := range v.Sources {
		sources = append(sources, []string{src[0], src[1], src[2]})
	}
	d.table([]float64{48, 32, 102}, "LRL", v.SourceHead, sources, nil, pdfSmallSize, pdfSmallLine)

	if err := pdf.Error(); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// pdfDoc draws the blocks of a statement.
type pdfDoc struct {
	pdf *fpdf.Fpdf
	// mono is the column drawn in the monospaced font, -1 for none.
	mono int
}

func (d *pdfDoc) heading(text string) {
	pdf := d.pdf
	// Keep a heading with at least three lines of what follows it.
	_, pageHeight := pdf.GetPageSize()
	if pdf.GetY()+7+3*pdfLine > pageHeight-pdfBottom {
		pdf.AddPage()
	}
	pdf.Ln(2.5)
	pdf.SetFont(pdfFamily, "B", 11)
	pdf.SetTextColor(pdfAccent[0], pdfAccent[1], pdfAccent[2])
	pdf.CellFormat(0, 5.5, text, "B", 1, "L", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	pdf.Ln(1)
}

func (d *pdfDoc) paragraph(text string) {
	d.pdf.SetFont(pdfFamily, "", pdfBodySize)
	d.pdf.MultiCell(0, pdfLine, text, "", "L", false)
}

// table draws rows in columns of the given widths (mm) and alignments
// (L or R per column), each cell wrapped to its width; head and total,
// when given, are drawn in bold, the head shaded, the total ruled above.
// A row never splits across pages; the head is drawn again on a new page.
func (d *pdfDoc) table(widths []float64, align string, head []string, rows [][]string, total []string, size, line float64) {
	pdf := d.pdf
	_, pageHeight := pdf.GetPageSize()
	drawRow := func(cells []string, style string, fill, ruleAbove bool) {
		pdf.SetFont(pdfFamily, style, size)
		lines := make([][]string, len(cells))
		height := line
		for i, c := range cells {
			if i >= len(widths) {
				break
			}
			family := pdfFamily
			if i == d.mono && style == "" {
				family = pdfMonoFamily
			}
			pdf.SetFont(family, style, size)
			lines[i] = wrap(pdf, c, widths[i]-2)
			height = max(height, float64(len(lines[i]))*line)
		}
		if pdf.GetY()+height+1 > pageHeight-pdfBottom {
			pdf.AddPage()
			if head != nil && style == "" {
				drawHead(pdf, widths, align, head, size, line)
			}
		}
		x, y := pdf.GetX(), pdf.GetY()
		if fill {
			pdf.SetFillColor(0xf2, 0xf2, 0xf2)
			pdf.Rect(x, y, sum(widths), height+1, "F")
		}
		if ruleAbove {
			pdf.SetLineWidth(0.35)
			pdf.Line(x, y, x+sum(widths), y)
			pdf.SetLineWidth(0.2)
		}
		cx := x
		for i := range lines {
			family := pdfFamily
			if i == d.mono && style == "" {
				family = pdfMonoFamily
			}
			pdf.SetFont(family, style, size)
			for k, l := range lines[i] {
				pdf.SetXY(cx+1, y+0.5+float64(k)*line)
				pdf.CellFormat(widths[i]-2, line, l, "", 0, string(align[i]), false, 0, "")
			}
			cx += widths[i]
		}
		pdf.SetDrawColor(0xd0, 0xd0, 0xd0)
		pdf.Line(x, y+height+1, x+sum(widths), y+height+1)
		pdf.SetDrawColor(0, 0, 0)
		pdf.SetXY(x, y+height+1)
	}
	if head != nil {
		drawHead(pdf, widths, align, head, size, line)
	}
	for _, r := range rows {
		drawRow(r, "", false, false)
	}
	if total != nil {
		drawRow(total, "B", false, true)
	}
	pdf.Ln(1)
}

func drawHead(pdf *fpdf.Fpdf, widths []float64, align string, head []string, size, line float64) {
	pdf.SetFont(pdfFamily, "B", size)
	x, y := pdf.GetX(), pdf.GetY()
	height := line
	lines := make([][]string, len(head))
	for i, c := range head {
		lines[i] = wrap(pdf, c, widths[i]-2)
		height = max(height, float64(len(lines[i]))*line)
	}
	pdf.SetFillColor(0xf2, 0xf2, 0xf2)
	pdf.Rect(x, y, sum(widths), height+1, "F")
	cx := x
	for i := range lines {
		for k, l := range lines[i] {
			pdf.SetXY(cx+1, y+0.5+float64(k)*line)
			pdf.CellFormat(widths[i]-2, line, l, "", 0, string(align[i]), false, 0, "")
		}
		cx += widths[i]
	}
	pdf.SetXY(x, y+height+1)
}

func sum(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t
}

// wrap cuts text into lines no wider than width (mm) in the current font,
// at spaces, and inside a word longer than a line (a digest, an address).
func wrap(pdf *fpdf.Fpdf, text string, width float64) []string {
	if text == "" {
		return []string{""}
	}
	var lines []string
	cur := ""
	flush := func() {
		lines = append(lines, cur)
		cur = ""
	}
	for _, word := range strings.Split(text, " ") {
		candidate := word
		if cur != "" {
			candidate = cur + " " + word
		}
		if pdf.GetStringWidth(candidate) <= width {
			cur = candidate
			continue
		}
		if cur != "" {
			flush()
		}
		for pdf.GetStringWidth(word) > width {
			r := []rune(word)
			n := len(r)
			for n > 1 && pdf.GetStringWidth(string(r[:n])) > width {
				n--
			}
			lines = append(lines, string(r[:n]))
			word = string(r[n:])
		}
		cur = word
	}
	if cur != "" || len(lines) == 0 {
		flush()
	}
	return lines
}
