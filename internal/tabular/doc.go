// Package tabular reads tables the way French spreadsheets write them, for
// the CSV data of rule files and for quotepart import.
//
// A CSV file is read whatever its encoding and separator: UTF-8 with or
// without a byte-order mark, UTF-16 with one (Excel's "texte Unicode"), and
// otherwise Windows-1252, the superset of Latin-1 that French Excel and
// LibreOffice write by default; fields separated by ';' (the French
// default, since ',' is the decimal mark), a tab or ','. Every field keeps
// its line and column, in characters, and its line's text, so that an
// error points at it with a caret: populations.csv:12:9.
//
// Values are read as the spreadsheet showed them: numbers with a decimal
// comma or point and thousands grouped by spaces, no-break spaces or
// points (1 234,56; 1.234,56; 1234.56), a trailing € or %, a minus sign
// or U+2212; dates as 2026-01-01, 01/01/2026 (day first: a date such as
// 12/31/2026, whose "month" is beyond 12, is refused as a US date) or a
// year alone where a year is enough. Numbers are exact decimals read from
// their text, never through a binary float.
//
// Work is bounded: a file larger than Limits.MaxBytes is refused before
// it is decoded, and so is one with more rows or columns than the limits.
// Error messages exist in French and English (Lang).
package tabular
