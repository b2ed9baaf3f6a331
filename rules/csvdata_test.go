package rules_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/rules"
	"golang.org/x/text/encoding/charmap"
)

// csvRules is a rule set whose key reads the population of each member
// from a CSV file and whose payroll reads a dated series from another.
const csvRules = `service:
  id: csv
  title: Service commun aux données en CSV
  manager: epci
  start: 2026-01-01
  years: {from: 2026, to: 2028}

members:
  - id: epci
    label: Communauté de communes
  - id: trouville
    label: Trouville-sur-Mer
  - id: touques
    label: Touques

parameters:
  population:
    description: Population totale de chaque membre.
    unit: habitants
    csv: {file: donnees/populations.csv, column: population, date: année, member: membre}
    source: Etalab — découpage administratif, édition 2026.
  masse:
    description: Masse salariale du service.
    unit: EUR
    csv: {file: donnees/budget.csv, column: masse salariale, date: date}
    assumption: Budget primitif.
  taux:
    description: Taux des frais.
    unit: taux
    csv: {file: donnees/budget.csv, column: taux, date: date}
    assumption: Hypothèse.

rules:
  population_totale:
    unit: habitants
    expr: sum(population)
  cle:
    unit: part
    per_member: true
    expr: population / population_totale

pools:
  masse:
    label: Masse salariale
    amount: masse
    key: cle
    fees: true

fees:
  rate: taux
`

// What a French spreadsheet writes: ';', decimal commas, grouped
// thousands, Windows-1252 (année), a year or a day-first date.
const populationsCSV = "membre;année;population\r\n" +
	"epci;2026;0\r\n" +
	"trouville;2026;4 679\r\n" +
	"touques;2026;3903\r\n" +
	"epci;2027;0\r\n" +
	"trouville;2027;4 700\r\n" +
	"touques;2027;3 900\r\n"

const budgetCSV = "date;masse salariale;taux\n01/01/2026;1 000 000,00;3 %\n2027-07-01;1 200 000;0,03\n"

func csvFS(t *testing.T, over map[string]string) fstest.MapFS {
	t.Helper()
	latin1, err := charmap.Windows1252.NewEncoder().String(populationsCSV)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"regles/regles.yaml":             {Data: []byte(csvRules)},
		"regles/donnees/populations.csv": {Data: []byte(latin1)},
		"regles/donnees/budget.csv":      {Data: []byte(budgetCSV)},
	}
	for name, data := range over {
		if data == "" {
			delete(fsys, name)
			continue
		}
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

// Parameters read from CSV run as if written in YAML: a dated global
// series, and a value per member and year that the key reads.
func TestCSVParameters(t *testing.T) {
	set, err := rules.Load(csvFS(t, nil), "regles", "regles")
	if err != nil {
		t.Fatalf("%s", diag.Flatten(err).Detail())
	}
	if len(set.Warnings) > 0 {
		t.Errorf("warnings: %s", set.Warnings.Detail())
	}
	res, err := engine.Run(context.Background(), set.Model, engine.Options{})
	if err != nil {
		t.Fatalf("%s", diag.Flatten(err).Detail())
	}
	amounts := func(y engine.Year) string {
		var b strings.Builder
		for _, m := range y.Members {
			b.WriteString(m.ID + "=" + m.Amount.StringFixed(2) + " ")
		}
		return strings.TrimSpace(b.String())
	}
	// 2026: 1,000,000 + 3 % shared 4679:3903 (8582), the payroll and the
	// fees each to the cent by the largest remainder: Trouville
	// 545,210.90 + 1 cent and 16,356.32 + 1 cent.
	if got, want := amounts(res.Years[0]), "epci=0.00 trouville=561567.24 touques=468432.76"; got != want {
		t.Errorf("2026: %s, want %s", got, want)
	}
	// 2027: six months at 1,000,000 and six at 1,200,000, 4700:3900.
	if got := res.Years[1].Total.StringFixed(2); got != "1133000.00" {
		t.Errorf("2027 total %s", got)
	}
	// 2028: the 2027 populations stay in force.
	if got, want := amounts(res.Years[2]), "epci=0.00 trouville=675488.37 touques=560511.63"; got != want {
		t.Errorf("2028: %s, want %s", got, want)
	}
	// The values keep their cells: populations.csv:3:16 is Trouville's 2026.
	var pop *engine.Rule
	for i := range set.Model.Rules {
		if set.Model.Rules[i].Name == "population" {
			pop = &set.Model.Rules[i]
		}
	}
	if pop == nil || !pop.PerMember || len(pop.Versions) != 2 {
		t.Fatalf("population: %+v", pop)
	}
	if f := pop.Versions[0].ByMember["trouville"]; f == nil || f.Pos.String() != "regles/donnees/populations.csv:3:16" || f.Program.Source() != "4679" {
		t.Errorf("trouville 2026: %+v", f)
	}
	for _, p := range set.Model.Params {
		if p.Name == "masse" && (len(p.Values) != 2 || p.Values[1].Pos.String() != "regles/donnees/budget.csv:3:12") {
			t.Errorf("masse: %+v", p.Values)
		}
	}
}

// A later date that lists only the members whose figure changed keeps the
// others' last values in force, as a by_member written by hand does, each
// still on its own cell: a data refresh need not repeat every member.
func TestCSVParameterValuesStayInForce(t *testing.T) {
	refresh := populationsCSV + "trouville;2028;5000\r\n"
	set, err := rules.Load(csvFS(t, map[string]string{"regles/donnees/populations.csv": refresh}), "regles", "regles")
	if err != nil {
		t.Fatalf("%s", diag.Flatten(err).Detail())
	}
	res, err := engine.Run(context.Background(), set.Model, engine.Options{})
	if err != nil {
		t.Fatalf("%s", diag.Flatten(err).Detail())
	}
	// 2028: Trouville 5000, Touques still 3900 (from 2027), the EPCI 0.
	last := res.Years[2]
	shares := map[string]string{}
	for _, m := range last.Members {
		shares[m.ID] = m.Share.StringFixed(6)
	}
	if shares["trouville"] != "0.561798" || shares["touques"] != "0.438202" || shares["epci"] != "0.000000" {
		t.Errorf("2028 keys: %v, want trouville 5000/8900, touques 3900/8900", shares)
	}
	for i := range set.Model.Rules {
		r := &set.Model.Rules[i]
		if r.Name != "population" {
			continue
		}
		if len(r.Versions) != 3 {
			t.Fatalf("population: %d versions, want 3", len(r.Versions))
		}
		if f := r.Versions[2].ByMember["touques"]; f == nil || f.Pos.String() != "regles/donnees/populations.csv:7:14" {
			t.Errorf("touques 2028: %+v, want its 2027 cell", f)
		}
	}
}

// Mistakes in CSV data are errors at the cell, or at the YAML key that
// names what is missing; nothing else is reported about the parameter.
func TestCSVParameterErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		over map[string]string
		want string
	}{
		{"not a number", map[string]string{"regles/donnees/populations.csv": "membre;année;population\nepci;2026;0\ntrouville;2026;deux\ntouques;2026;1\n"},
			`regles/donnees/populations.csv:3:16: parameter population: "deux" is not a number
    3 | trouville;2026;deux
      |                ^`},
		{"US date", map[string]string{"regles/donnees/budget.csv": "date;masse salariale;taux\n12/31/2025;1000;0\n"},
			`regles/donnees/budget.csv:2:1: parameter masse: "12/31/2025" is not a date: it looks like a US date (month/day/year); write 2025-12-31 or 31/12/2025 (day/month/year)
    2 | 12/31/2025;1000;0
      | ^
regles/donnees/budget.csv:2:1: parameter taux: "12/31/2025" is not a date: it looks like a US date (month/day/year); write 2025-12-31 or 31/12/2025 (day/month/year)
    2 | 12/31/2025;1000;0
      | ^`},
		{"unknown column", map[string]string{"regles/regles.yaml": strings.Replace(csvRules, "column: population", "column: populaton", 1)},
			`regles/regles.yaml:20:50: parameter population: regles/donnees/populations.csv has no value column "populaton" (did you mean "population"?); its columns are: membre, année, population
   20 |     csv: {file: donnees/populations.csv, column: populaton, date: année, member: membre}
      |                                                  ^`},
		{"twice", map[string]string{"regles/donnees/budget.csv": "date;masse salariale;taux\n2026;1000;0\n01/01/2026;2000;0\n"},
			`regles/donnees/budget.csv:3:1: parameter masse: 2026-01-01 is given twice (first on line 2)
    3 | 01/01/2026;2000;0
      | ^
regles/donnees/budget.csv:3:1: parameter taux: 2026-01-01 is given twice (first on line 2)
    3 | 01/01/2026;2000;0
      | ^`},
		{"missing file", map[string]string{"regles/donnees/budget.csv": ""},
			`regles/donnees/budget.csv: cannot read: file does not exist`},
		{"outside the folder", map[string]string{"regles/regles.yaml": strings.Replace(csvRules, "file: donnees/budget.csv, column: taux", "file: ../secret.csv, column: taux", 1)},
			`regles/regles.yaml:30:17: parameter taux: csv file "../secret.csv" must be a path inside the rules folder, such as donnees/populations.csv
   30 |     csv: {file: ../secret.csv, column: taux, date: date}
      |                 ^`},
		{"value and csv", map[string]string{"regles/regles.yaml": strings.Replace(csvRules, "    assumption: Hypothèse.\n", "    assumption: Hypothèse.\n    value: 0.03\n", 1)},
			`regles/regles.yaml:30:17: parameter taux: give value, values, by_member or csv, only one
   30 |     csv: {file: donnees/budget.csv, column: taux, date: date}
      |                 ^`},
		{"not a member", map[string]string{"regles/donnees/populations.csv": "membre;année;population\nepci;2026;0\ntrouvile;2026;4679\ntouques;2026;3903\n"},
			`regles/donnees/populations.csv:3:1: rule population (version from 2026-01-01): "trouvile" is not a member (did you mean "trouville"?)`},
		{"short line", map[string]string{"regles/donnees/budget.csv": "date;masse salariale;taux\n2026;1000\n"},
			`regles/donnees/budget.csv:2: parameter taux: this line has 2 fields and no value (column 3, "taux")
    2 | 2026;1000`},
		{"below the minimum", map[string]string{"regles/donnees/budget.csv": "date;masse salariale;taux\n2026;1000;-1 %\n"},
			""},
		{"empty", map[string]string{"regles/donnees/budget.csv": "date;masse salariale;taux\n"},
			`regles/regles.yaml:25:17: parameter masse: regles/donnees/budget.csv has no line of values under its header
   25 |     csv: {file: donnees/budget.csv, column: masse salariale, date: date}
      |                 ^
regles/regles.yaml:30:17: parameter taux: regles/donnees/budget.csv has no line of values under its header
   30 |     csv: {file: donnees/budget.csv, column: taux, date: date}
      |                 ^`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == "" {
				tc.want = "regles/donnees/budget.csv:2:11: parameter taux: -0.01 taux is below the minimum 0\n    2 | 2026;1000;-1 %\n      |           ^"
				tc.over["regles/regles.yaml"] = strings.Replace(csvRules, "    assumption: Hypothèse.\n", "    assumption: Hypothèse.\n    min: 0\n", 1)
			}
			_, err := rules.Load(csvFS(t, tc.over), "regles", "regles")
			if err == nil {
				t.Fatal("no error")
			}
			list := diag.Flatten(err)
			for _, e := range list {
				if e.Code == diag.Internal {
					t.Errorf("internal error: %v", e)
				}
			}
			if got := list.Detail(); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// A scenario's additions cannot reach data files: csv: there is refused.
func TestCSVNotRead(t *testing.T) {
	f, err := rules.DecodeFile("ajout.yaml", []byte(strings.Replace(csvRules, "  manager: epci", "  manager: epci", 1)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = rules.Build([]rules.NamedFile{{Path: "ajout.yaml", File: f}})
	if err == nil || !strings.Contains(err.Error(), "ajout.yaml:20:17: parameter population: csv: is read in the rules folder's files only") {
		t.Errorf("got %v", err)
	}
}
