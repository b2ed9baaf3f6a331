package reports

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// Lang is the language of labels and number formats.
type Lang string

const (
	French  Lang = "fr"
	English Lang = "en"
)

// ParseLang accepts "fr" or "en".
func ParseLang(s string) (Lang, error) {
	switch Lang(strings.ToLower(s)) {
	case French:
		return French, nil
	case English:
		return English, nil
	}
	return "", fmt.Errorf("unknown language %q: expected fr or en", s)
}

const (
	thinSpace = "\u202f" // groups thousands in French
	noBreak   = "\u00a0" // before € and %
)

// Money formats an amount rounded to the cent: 1 234 567,89 € in French,
// €1,234,567.89 in English.
func Money(d decimal.Decimal, lang Lang) string {
	if lang == English {
		s := group(d.StringFixed(2), ",", ".")
		if neg, ok := strings.CutPrefix(s, "-"); ok {
			return "-€" + neg
		}
		return "€" + s
	}
	return group(d.StringFixed(2), thinSpace, ",") + noBreak + "€"
}

// Number formats a plain number with the given decimals, grouped.
func Number(d decimal.Decimal, decimals int32, lang Lang) string {
	if lang == English {
		return group(d.StringFixed(decimals), ",", ".")
	}
	return group(d.StringFixed(decimals), thinSpace, ",")
}

// Signed puts a plus sign before text when d, the number it shows, is
// above zero: changes read +1 234,00 €, −5,00 € or 0,00 €.
func Signed(text string, d decimal.Decimal) string {
	if d.IsPositive() {
		return "+" + text
	}
	return text
}

// SignedMoney formats a change of an amount: +1 234,00 €.
func SignedMoney(d decimal.Decimal, lang Lang) string { return Signed(Money(d, lang), d) }

// Percent formats a key as a percentage with two decimals: 46,20 %.
func Percent(key decimal.Decimal, lang Lang) string {
	p := key.Shift(2)
	if lang == English {
		return group(p.StringFixed(2), ",", ".") + "%"
	}
	return group(p.StringFixed(2), thinSpace, ",") + noBreak + "%"
}

// group inserts sep between groups of three digits of the integer part of
// a fixed-point number written with a dot, and replaces the dot by mark.
func group(fixed, sep, mark string) string {
	sign := ""
	if strings.HasPrefix(fixed, "-") {
		sign, fixed = "-", fixed[1:]
	}
	intPart, frac, hasFrac := strings.Cut(fixed, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString(mark)
		b.WriteString(frac)
	}
	return b.String()
}

// Key formats a key for machines: at least four decimals, all of them when
// the key has more (0.4620, 0.33333333333333333333).
func Key(d decimal.Decimal) string {
	s := d.String()
	decimals := 0
	if _, frac, ok := strings.Cut(s, "."); ok {
		decimals = len(frac)
	}
	return d.StringFixed(int32(max(4, decimals)))
}

// Cents formats money for machines: a decimal string with two decimals.
func Cents(d decimal.Decimal) string { return d.StringFixed(2) }

// SafeText makes text from a user's file safe to print on a terminal, in a
// CI log and in Markdown: every C0 and C1 control character (line breaks,
// carriage return, tab, ESC, DEL, U+0080–U+009F) and every bidirectional
// formatting character (U+061C, U+200E, U+200F, U+202A–U+202E,
// U+2066–U+2069) becomes a visible escape: \n, \r and \t for the three
// common ones, \u followed by four lowercase hexadecimal digits for the
// others (\u001b, \u202e). A label then cannot end a table row, start a
// workflow command (::error) on a line of its own, drive the terminal, or
// reorder the text around it. Other text, backslashes included, is kept
// as is; invalid UTF-8 becomes U+FFFD. Every text, table and Markdown
// renderer passes user text (labels, titles, ids, messages, formulas)
// through it; JSON and CSV keep text as written.
func SafeText(s string) string {
	if strings.IndexFunc(s, unsafeRune) < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unsafeRune tells the characters SafeText escapes.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

var (
	frenchMonths  = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	englishMonths = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// Date formats a day as the French administration writes it, with the
// ordinal for the first of the month (1er janvier 2026, 15 mai 2024), or in
// English as 1 January 2026, with plain spaces; the zero Date gives "".
func Date(d engine.Date, lang Lang) string {
	if d.IsZero() || d.Month < 1 || d.Month > 12 {
		return ""
	}
	if lang == English {
		return fmt.Sprintf("%d %s %d", d.Day, englishMonths[d.Month-1], d.Year)
	}
	day := strconv.Itoa(d.Day)
	if d.Day == 1 {
		day = "1er"
	}
	return day + " " + frenchMonths[d.Month-1] + " " + strconv.Itoa(d.Year)
}

// SafeLines is SafeText on each line of a text the renderers made of
// several lines (a diagnostic and its source line): the line breaks stay,
// whatever else could drive a terminal is escaped.
func SafeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = SafeText(l)
	}
	return strings.Join(lines, "\n")
}
