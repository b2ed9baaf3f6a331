// Package spreadsheet turns filled spreadsheets into quotepart files, for
// quotepart import, and writes the request form the PMO sends out, for
// quotepart template projet.
//
// A workbook (XLSX) is read cell by cell with excelize; every value keeps
// its cell, so that an error names it as a spreadsheet user finds it:
// fiche.xlsx!Projet!C12: « deux » n'est pas un nombre. A CSV file is read
// with package tabular (';', decimal commas, Windows-1252) and its errors
// name the line and column. Work is bounded: a file larger than
// tabular.DefaultLimits.MaxBytes is refused before it is opened, a
// workbook's decompressed size is capped (a zip bomb is refused), and so
// are its rows and columns.
//
// What a cell must hold is checked where it is read: a number (1 234,56 or
// a numeric cell), a date (a date cell, 2026-01-01 or 31/12/2026, never a
// US date), a year, a member id, a word from a list. A formula whose result
// is an error (#DIV/0!) is reported at its cell; cells merged across the
// tables of a form are refused, since they hide which value belongs where.
//
// Two kinds are read: the parameters table (one row per parameter and
// date, with value, unit, description, source or assumption), written as a
// rule file of parameters; and the request form (Form), one sheet per
// request, written as one project file per request. The files are YAML
// written here, line by line, so that an error found when quotepart
// checks them can be traced back to the cell it came from (Origins).
package spreadsheet
