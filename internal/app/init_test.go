package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
)

// The example of the README: CC Coeur Côte Fleurie and its 12 communes,
// with every key; the files pass check --strict (Init verifies it) and
// run.
func TestInitCoeurCoteFleurie(t *testing.T) {
	for _, key := range []string{"population", "equal", "mixed", "units"} {
		t.Run(key, func(t *testing.T) {
			s, err := NewScaffold(context.Background(), InitOptions{EPCI: "241400415", Key: key})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(s.Spec.Members()); n != 13 {
				t.Errorf("%d members, want 13", n)
			}
			dir := filepath.Join(t.TempDir(), "service")
			if err := s.Write(dir, false, reports.French); err != nil {
				t.Fatal(err)
			}
			ws, err := Open(Folders{Rules: dir, Scenarios: filepath.Join(dir, "scenarios")})
			if err != nil {
				t.Fatalf("%s", diag.Flatten(err).Detail())
			}
			jobs, err := ws.Resolve(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := RunAll(context.Background(), jobs, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 2 || len(res[0].Years) != 5 || res[0].Years[0].Year != 2026 {
				t.Fatalf("ran %d scenarios", len(res))
			}
			y := res[0].Years[0]
			// 5 ETC × 44,100 + 3 % fees + 10,000 of subscriptions.
			if got := y.Total.StringFixed(2); got != "237115.00" {
				t.Errorf("2026 total %s", got)
			}
			_ = engine.Year{}
		})
	}
}

func TestInitErrors(t *testing.T) {
	for _, tc := range []struct {
		opt  InitOptions
		want string
	}{
		{InitOptions{EPCI: "241400416"}, "--epci : 241400416 n'est le SIREN d'aucun EPCI"},
		{InitOptions{EPCI: "241400416"}, "241400415  CC Coeur Côte Fleurie (12 communes, CC)"},
		{InitOptions{EPCI: "Coeur Cote Fleurie"}, "n'est pas un SIREN (9 chiffres) ; EPCI dont le nom correspond :\n  241400415  CC Coeur Côte Fleurie"},
		{InitOptions{EPCI: "211407150"}, "211407150 est le SIREN de la commune Trouville-sur-Mer (code INSEE 14715), membre de CC Coeur Côte Fleurie"},
		{InitOptions{Communes: []string{"14999"}}, "14999 n'est le code INSEE d'aucune commune"},
		{InitOptions{Communes: []string{"14715"}}, "un service commun a au moins deux membres"},
		{InitOptions{Communes: []string{"Deauville"}}, "communes de ce nom : 14220 Deauville (CC Coeur Côte Fleurie)"},
		{InitOptions{Communes: []string{"14715", "14715"}}, "14715 (Trouville-sur-Mer) est donnée deux fois"},
		{InitOptions{}, "donnez l'EPCI (--epci SIREN) ou les communes membres"},
		{InitOptions{EPCI: "241400415", Key: "populaton"}, `--key : clé "populaton" inconnue`},
		{InitOptions{EPCI: "241400415", Manager: "deauvile"}, `(did you mean "deauville"?)`},
		{InitOptions{EPCI: "241400416", Lang: reports.English}, "--epci: 241400416 is the SIREN of no EPCI"},
	} {
		_, err := NewScaffold(context.Background(), tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v\nwant %s", tc.opt, err, tc.want)
		}
	}
}

// A perimeter other than the data's is taken as asked, and said.
func TestInitPerimeter(t *testing.T) {
	s, err := NewScaffold(context.Background(), InitOptions{EPCI: "241400415", Communes: []string{"14715", "14220", "76540"}, Manager: "14220"})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(s.Notices, "\n")
	for _, want := range []string{"Rouen (76540) n'est pas membre de CC Coeur Côte Fleurie dans l'édition 2026 des données, mais de Métropole Rouen Normandie",
		"ne sont pas membres du service : Touques (14699)"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notices %q lack %q", notes, want)
		}
	}
	if s.Spec.Manager != "deauville" || len(s.Spec.Members()) != 4 {
		t.Errorf("manager %s, %d members", s.Spec.Manager, len(s.Spec.Members()))
	}
}

// A folder that holds something is left alone without --force.
func TestInitNotEmpty(t *testing.T) {
	s, err := NewScaffold(context.Background(), InitOptions{EPCI: "241400415"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("à garder"), 0o644)
	err = s.Write(dir, false, reports.French)
	if err == nil || !strings.Contains(err.Error(), "n'est pas vide") {
		t.Fatalf("got %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d entries: something was written", len(entries))
	}
	if err := s.Write(dir, true, reports.French); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(data) != "à garder" {
		t.Error("--force touched another file")
	}
}

// BenchmarkNewScaffold makes and checks the files of CC Coeur Côte
// Fleurie in memory, as init does before writing (the national data read
// once, on the first iteration).
func BenchmarkNewScaffold(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewScaffold(context.Background(), InitOptions{EPCI: "241400415"}); err != nil {
			b.Fatal(err)
		}
	}
}
