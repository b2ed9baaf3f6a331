package reports

import (
	"regexp"
	"strings"
	"testing"
)

// dataSheet reports whether a sheet of the report's workbook is one of the
// data sheets, which hold values only, as opposed to the formula sheets.
func dataSheet(name string) bool {
	for _, s := range []string{"Synthèse", "Montants", "Charges", "Écarts", "Sensibilité", "Paramètres", "Membres", "Règles",
		"Summary", "Amounts", "Pools", "Changes", "Sensitivity", "Parameters", "Members", "Rules", "Projets", "Projects", "Indicateurs", "Indicators"} {
		if name == s {
			return true
		}
	}
	return false
}

// calcFormulaSafe reports whether a formula of the formula sheets holds
// only what they write: cell references, defined names (rule names),
// numbers, operators, functions, and the comparison texts ">" and "<" of
// COUNTIF; a quoted sheet name may hold anything, quoted.
func calcFormulaSafe(f string) bool {
	rest := quotedSheet.ReplaceAllString(f, "S!")
	rest = strings.NewReplacer(`">"&`, "", `"<"&`, "").Replace(rest)
	return safeFormula.MatchString(rest)
}

var (
	quotedSheet = regexp.MustCompile(`'(?:[^']|'')*'!`)
	safeFormula = regexp.MustCompile(`^[A-Za-z0-9_$.:!(),+\-*/<>=]*$`)
)

func TestCalcFormulaSafe(t *testing.T) {
	for f, want := range map[string]bool{
		"etc_service*cout_moyen_etc":       true,
		`'Paramètres x'!$D$5`:              true,
		`'a''b 2026'!F54`:                  true,
		`COUNTIF($F$5:$F$7,">"&F5)+1`:      true,
		`HYPERLINK("http://127.0.0.1:9/")`: false,
		`cmd|' /C calc'!A0`:                false,
		"WEBSERVICE(\"x\")":                false,
	} {
		if got := calcFormulaSafe(f); got != want {
			t.Errorf("calcFormulaSafe(%q) = %v", f, got)
		}
	}
}
