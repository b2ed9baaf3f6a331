package reports

import (
	"testing"

	"github.com/shopspring/decimal"
)

// The space characters of French formatting, spelled out so that a test
// never depends on what an editor shows.
const (
	nnbsp = "\u202f" // narrow no-break space: between groups of thousands
	nbsp  = "\u00a0" // no-break space: before € and %
)

func dec(tb testing.TB, s string) decimal.Decimal {
	tb.Helper()
	d, err := decimal.NewFromString(s)
	if err != nil {
		tb.Fatalf("bad decimal %q in test: %v", s, err)
	}
	return d
}

func TestMoney(t *testing.T) {
	tests := []struct {
		in     string
		fr, en string
	}{
		{"0", "0,00" + nbsp + "€", "€0.00"},
		{"1", "1,00" + nbsp + "€", "€1.00"},
		{"999.99", "999,99" + nbsp + "€", "€999.99"},
		{"1000", "1" + nnbsp + "000,00" + nbsp + "€", "€1,000.00"},
		{"20003.76", "20" + nnbsp + "003,76" + nbsp + "€", "€20,003.76"},
		{"100000", "100" + nnbsp + "000,00" + nbsp + "€", "€100,000.00"},
		{"1234567.89", "1" + nnbsp + "234" + nnbsp + "567,89" + nbsp + "€", "€1,234,567.89"},
		{"4357473.5", "4" + nnbsp + "357" + nnbsp + "473,50" + nbsp + "€", "€4,357,473.50"},
		// Negative amounts keep an ASCII hyphen-minus in front; in English
		// it goes before the euro sign.
		{"-0.5", "-0,50" + nbsp + "€", "-€0.50"},
		{"-1234.56", "-1" + nnbsp + "234,56" + nbsp + "€", "-€1,234.56"},
		{"-1234567.89", "-1" + nnbsp + "234" + nnbsp + "567,89" + nbsp + "€", "-€1,234,567.89"},
		// Rounded to the cent from the decimal value, half away from zero:
		// through a float64, 1.005 would give 1.00.
		{"1.005", "1,01" + nbsp + "€", "€1.01"},
		{"-1.005", "-1,01" + nbsp + "€", "-€1.01"},
		{"0.005", "0,01" + nbsp + "€", "€0.01"},
		{"2.675", "2,68" + nbsp + "€", "€2.68"},
		{"1.004999", "1,00" + nbsp + "€", "€1.00"},
		{"999.995", "1" + nnbsp + "000,00" + nbsp + "€", "€1,000.00"},
		// Less than half a cent below zero is zero, without a sign.
		{"-0.004", "0,00" + nbsp + "€", "€0.00"},
	}
	for _, tt := range tests {
		d := dec(t, tt.in)
		if got := Money(d, French); got != tt.fr {
			t.Errorf("Money(%s, fr) = %q, want %q", tt.in, got, tt.fr)
		}
		if got := Money(d, English); got != tt.en {
			t.Errorf("Money(%s, en) = %q, want %q", tt.in, got, tt.en)
		}
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		in     string
		fr, en string
	}{
		{"0", "0,00" + nbsp + "%", "0.00%"},
		{"1", "100,00" + nbsp + "%", "100.00%"},
		{"0.4620", "46,20" + nbsp + "%", "46.20%"},
		{"0.5332", "53,32" + nbsp + "%", "53.32%"},
		{"0.0048", "0,48" + nbsp + "%", "0.48%"},
		{"0.33333333333333333333", "33,33" + nbsp + "%", "33.33%"},
		{"0.66666666666666666667", "66,67" + nbsp + "%", "66.67%"},
		// Two decimals of the percentage, half away from zero.
		{"0.12345", "12,35" + nbsp + "%", "12.35%"},
		{"0.00005", "0,01" + nbsp + "%", "0.01%"},
		{"-0.00005", "-0,01" + nbsp + "%", "-0.01%"},
		{"-0.5", "-50,00" + nbsp + "%", "-50.00%"},
		// Grouped like money past a thousand per cent.
		{"12.3456", "1" + nnbsp + "234,56" + nbsp + "%", "1,234.56%"},
	}
	for _, tt := range tests {
		d := dec(t, tt.in)
		if got := Percent(d, French); got != tt.fr {
			t.Errorf("Percent(%s, fr) = %q, want %q", tt.in, got, tt.fr)
		}
		if got := Percent(d, English); got != tt.en {
			t.Errorf("Percent(%s, en) = %q, want %q", tt.in, got, tt.en)
		}
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		in       string
		decimals int32
		fr, en   string
	}{
		{"0", 0, "0", "0"},
		{"94.5", 1, "94,5", "94.5"},
		{"94.5", 0, "95", "95"},
		{"-94.5", 0, "-95", "-95"},
		{"507654", 0, "507" + nnbsp + "654", "507,654"},
		{"1234567.891", 2, "1" + nnbsp + "234" + nnbsp + "567,89", "1,234,567.89"},
		{"-1234567.5", 1, "-1" + nnbsp + "234" + nnbsp + "567,5", "-1,234,567.5"},
		{"123", 3, "123,000", "123.000"},
		{"1000", 0, "1" + nnbsp + "000", "1,000"},
	}
	for _, tt := range tests {
		d := dec(t, tt.in)
		if got := Number(d, tt.decimals, French); got != tt.fr {
			t.Errorf("Number(%s, %d, fr) = %q, want %q", tt.in, tt.decimals, got, tt.fr)
		}
		if got := Number(d, tt.decimals, English); got != tt.en {
			t.Errorf("Number(%s, %d, en) = %q, want %q", tt.in, tt.decimals, got, tt.en)
		}
	}
}

func TestKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0.0000"},
		{"1", "1.0000"},
		{"0.462", "0.4620"},
		{"0.46200000", "0.4620"},
		{"0.0048", "0.0048"},
		{"0.12345", "0.12345"},
		{"-0.5", "-0.5000"},
		{"500", "500.0000"},
		// Every decimal is kept past the fourth: a key is never rounded.
		{"0.33333333333333333333", "0.33333333333333333333"},
		{"0.6166666666666666666675", "0.6166666666666666666675"},
		{"-0.00001", "-0.00001"},
	}
	for _, tt := range tests {
		if got := Key(dec(t, tt.in)); got != tt.want {
			t.Errorf("Key(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCents(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0.00"},
		{"1", "1.00"},
		{"1234567.89", "1234567.89"},
		{"1234567.891", "1234567.89"},
		{"1.005", "1.01"},
		{"-1.005", "-1.01"},
		{"0.005", "0.01"},
		{"-0.004", "0.00"},
		{"-2008122.76", "-2008122.76"},
		{"4357473.5", "4357473.50"},
	}
	for _, tt := range tests {
		if got := Cents(dec(t, tt.in)); got != tt.want {
			t.Errorf("Cents(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSafeCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Ville de Rouen", "Ville de Rouen"},
		{"Métropole", "Métropole"},
		{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tTab", "'\tTab"},
		{"\rCR", "'\rCR"},
		// Only the first character matters.
		{"a=b", "a=b"},
		{"a|b", "a|b"},
		{"</script>", "</script>"},
		{"CCAS -1", "CCAS -1"},
		{"'déjà protégé", "'déjà protégé"},
	}
	for _, tt := range tests {
		if got := SafeCell(tt.in); got != tt.want {
			t.Errorf("SafeCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseLangAndFormat(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Lang
		ok   bool
	}{{"fr", French, true}, {"EN", English, true}, {"de", "", false}, {"", "", false}} {
		got, err := ParseLang(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseLang(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	for _, tt := range []struct {
		in   string
		want Format
		ok   bool
	}{{"table", Table, true}, {"JSON", JSON, true}, {"csv", CSV, true}, {"md", Markdown, true}, {"", Table, true}, {"html", "", false}} {
		got, err := RunOutput.Parse(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("RunOutput.Parse(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
