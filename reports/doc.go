// Package reports renders engine results for people and programs: a
// terminal table and Markdown in French (or English), JSON following the
// quotepart/run/v1 contract, and CSV; and report files for officials and
// auditors (Report: HTML with inline SVG charts drawn with gonum/plot,
// Markdown, XLSX), with comparisons against a baseline and the sensitivity
// of the bills to the parameters (engine.Analyse).
//
// Every renderer implements Renderer over an io.Writer and is
// deterministic: the same results give the same bytes, with no clock and no
// map iteration order. Money is formatted from the decimal value itself,
// never through a float: French style is 1 234 567,89 € with a narrow
// no-break space (U+202F) between groups of thousands and a no-break space
// (U+00A0) before the euro and percent signs.
package reports
