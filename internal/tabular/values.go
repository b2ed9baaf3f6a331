package tabular

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// Lang is the language of messages.
type Lang int

const (
	French Lang = iota
	English
)

// Say picks the words of the language: the French or the English ones.
func (l Lang) Say(fr, en string) string {
	if l == English {
		return en
	}
	return fr
}

// Quote quotes text as the language does: « deux » or "two".
func (l Lang) Quote(s string) string {
	if l == English {
		return strconv.Quote(s)
	}
	return "« " + s + " »"
}

// ParseNumber reads a number as a spreadsheet shows it: "1 234,56",
// "1234.56", "1.234,56", "-3", "−3" (U+2212), "12 %" (0.12), "1 234,56 €",
// "1,5E+06". Spaces, no-break spaces (U+00A0, U+202F) and apostrophes group
// thousands. When a comma and a point are both written, the last one is
// the decimal mark; a comma alone is a decimal comma (the French way); two
// commas or more are refused as ambiguous. The value is exact.
func ParseNumber(s string, lang Lang) (decimal.Decimal, error) {
	text := strings.TrimSpace(strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\u2009", " ").Replace(s))
	fail := func(why, whyEN string) (decimal.Decimal, error) {
		return decimal.Decimal{}, notA(lang, s, "un nombre", "a number", why, whyEN)
	}
	if text == "" {
		return fail("la cellule est vide", "the cell is empty")
	}
	percent := false
	for _, suffix := range []string{"€", "EUR", "%"} {
		if t, ok := strings.CutSuffix(text, suffix); ok {
			text = strings.TrimSpace(t)
			percent = suffix == "%"
			break
		}
	}
	neg := false
	if t, ok := strings.CutPrefix(text, "\u2212"); ok {
		text, neg = t, true
	} else if t, ok := strings.CutPrefix(text, "-"); ok {
		text, neg = t, true
	} else if t, ok := strings.CutPrefix(text, "+"); ok {
		text = t
	}
	text = strings.TrimSpace(text)
	mantissa, exponent := text, ""
	if i := strings.IndexAny(text, "eE"); i > 0 {
		mantissa, exponent = text[:i], text[i+1:]
	}
	comma, point := strings.Count(mantissa, ","), strings.Count(mantissa, ".")
	var whole, frac string
	switch {
	case comma > 1 && point == 0:
		return fail("plusieurs virgules : écrivez la virgule décimale une seule fois (1 234,56)", "several commas: write the decimal mark once (1234.56)")
	case comma > 0 && point > 0:
		dec := ","
		if strings.LastIndex(mantissa, ".") > strings.LastIndex(mantissa, ",") {
			dec = "."
		}
		if strings.Count(mantissa, dec) > 1 {
			return fail("", "")
		}
		whole, frac, _ = strings.Cut(mantissa, dec)
		group := map[string]string{",": ".", ".": ","}[dec]
		whole = strings.ReplaceAll(whole, group, " ")
	case comma == 1:
		whole, frac, _ = strings.Cut(mantissa, ",")
	case point == 1:
		whole, frac, _ = strings.Cut(mantissa, ".")
	case point > 1:
		// 1.234.567: points grouping thousands.
		whole = strings.ReplaceAll(mantissa, ".", " ")
	default:
		whole = mantissa
	}
	whole = strings.ReplaceAll(whole, "'", " ")
	if !groupedDigits.MatchString(whole) || !digits.MatchString(frac) || (whole == "" && frac == "") {
		return fail("", "")
	}
	num := strings.ReplaceAll(whole, " ", "")
	if frac != "" {
		num += "." + frac
	}
	if exponent != "" {
		if !signedDigits.MatchString(exponent) {
			return fail("", "")
		}
		e, err := strconv.Atoi(exponent)
		if err != nil || e < -100 || e > 100 {
			return fail("exposant hors de −100 à 100", "exponent beyond −100 to 100")
		}
		num += "e" + exponent
	}
	v, err := decimal.NewFromString(num)
	if err != nil {
		return fail("", "")
	}
	if neg {
		v = v.Neg()
	}
	if percent {
		v = v.Shift(-2)
	}
	return v, nil
}

var (
	groupedDigits = regexp.MustCompile(`^(\d*|\d{1,3}( \d{3})+)$`)
	digits        = regexp.MustCompile(`^\d*$`)
	signedDigits  = regexp.MustCompile(`^[+-]?\d{1,3}$`)
)

// ValueError is a value that does not read as what was expected; its
// message is in the language asked for.
type ValueError struct{ Msg string }

func (e *ValueError) Error() string { return e.Msg }

// notA is the error of s, which is not what was expected (a number, a
// date), saying why when why is given.
func notA(lang Lang, s, what, whatEN, why, whyEN string) *ValueError {
	msg := lang.Say(lang.Quote(s)+" n'est pas "+what, lang.Quote(s)+" is not "+whatEN)
	if why != "" {
		msg += lang.Say(" : "+why, ": "+whyEN)
	}
	return &ValueError{Msg: msg}
}

// ParseDate reads a date: 2026-01-01, 01/01/2026 or 1/1/2026 (day first,
// as in France), 01-01-2026, 01.01.2026; with yearAlone, 2026 for
// 1 January 2026. A date whose middle number is beyond 12 (12/31/2026) is
// refused as a US date.
func ParseDate(s string, yearAlone bool, lang Lang) (engine.Date, error) {
	text := strings.TrimSpace(s)
	fail := func(why, whyEN string) (engine.Date, error) {
		return engine.Date{}, notA(lang, s, "une date", "a date", why, whyEN)
	}
	if text == "" {
		return fail("la cellule est vide", "the cell is empty")
	}
	if yearAlone && yearOnly.MatchString(text) {
		y, _ := strconv.Atoi(text)
		return engine.NewDate(y, time.January, 1), nil
	}
	if iso.MatchString(text) {
		d, err := engine.ParseDate(text)
		if err != nil {
			return fail("jour ou mois impossible", "impossible day or month")
		}
		return d, nil
	}
	m := dayFirst.FindStringSubmatch(text)
	if m == nil {
		if yearAlone {
			return fail("écrivez 31/12/2026, 2026-12-31 ou une année (2026)", "write 2026-12-31, 31/12/2026 or a year (2026)")
		}
		return fail("écrivez 31/12/2026 ou 2026-12-31", "write 2026-12-31 or 31/12/2026")
	}
	day, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[3])
	year, _ := strconv.Atoi(m[4])
	if month > 12 && day <= 12 {
		us := fmt.Sprintf("%02d/%02d/%04d", month, day, year)
		iso := fmt.Sprintf("%04d-%02d-%02d", year, day, month)
		return fail("on dirait une date américaine (mois/jour/année) ; écrivez "+us+" (jour/mois/année) ou "+iso,
			"it looks like a US date (month/day/year); write "+iso+" or "+us+" (day/month/year)")
	}
	d, err := engine.ParseDate(fmt.Sprintf("%04d-%02d-%02d", year, month, day))
	if err != nil {
		return fail("jour ou mois impossible", "impossible day or month")
	}
	return d, nil
}

var (
	yearOnly = regexp.MustCompile(`^\d{4}$`)
	iso      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	dayFirst = regexp.MustCompile(`^(\d{1,2})([/.-])(\d{1,2})[/.-](\d{4})$`)
)
