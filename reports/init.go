package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"
)

// Scaffolded is what quotepart init made: the service, its members, the
// files written, the example values to replace and what the user must
// know of the data.
type Scaffolded struct {
	Dir, Title string
	// Members counts every member, Communes the communes among them;
	// EPCI names the EPCI when it is one.
	Members, Communes int
	EPCI              string
	Population        int
	Manager, Key      string
	Files             []string
	Placeholders      []Placeholder
	// Notices say what the user must check (the perimeter of the data).
	Notices []string
	// Data is the attribution of the national data.
	Data string
}

// Placeholder is an example value written by init.
type Placeholder struct {
	Name, Value, Unit string
}

// EPCIMatch is an EPCI found by init --list-epci.
type EPCIMatch struct {
	SIREN      string `json:"siren"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Communes   int    `json:"communes"`
	Population int    `json:"population"`
}

// EPCIList is what init --list-epci found, and the data searched.
type EPCIList struct {
	Query   string      `json:"query"`
	Data    string      `json:"data"`
	Matches []EPCIMatch `json:"matches"`
}

var (
	// InitOutput is the summary init prints.
	InitOutput = NewOutput("init", "", Renderer[*Scaffolded]{Text, initText})
	// EPCIListOutput is the list of init --list-epci.
	EPCIListOutput = NewOutput("init --list-epci", "quotepart/epci/v1",
		Renderer[*EPCIList]{Table, epciTable},
		Renderer[*EPCIList]{JSON, func(w io.Writer, _ Lang, l *EPCIList) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(struct {
				Schema string `json:"schema"`
				*EPCIList
			}{"quotepart/epci/v1", l})
		}},
	)
)

func initText(w io.Writer, lang Lang, s *Scaffolded) error {
	fr := lang != English
	say := func(f, e string) string {
		if fr {
			return f
		}
		return e
	}
	var b strings.Builder
	members := fmt.Sprintf(say("%d membres", "%d members"), s.Members)
	if s.EPCI != "" {
		members += fmt.Sprintf(say(" (l'EPCI et %d communes, %s habitants)", " (the EPCI and %d communes, %s inhabitants)"), s.Communes, integer(lang, s.Population))
	} else {
		members += fmt.Sprintf(say(" (%s habitants)", " (%s inhabitants)"), integer(lang, s.Population))
	}
	fmt.Fprintf(&b, say("%s : %s, gestionnaire %s, clé %s.\n", "%s: %s, manager %s, key %s.\n"), SafeText(s.Title), members, SafeText(s.Manager), s.Key)
	fmt.Fprintf(&b, "\n%s %s%s\n", say("Fichiers écrits dans", "Files written in"), SafeText(s.Dir), say(" :", ":"))
	for _, f := range s.Files {
		fmt.Fprintf(&b, "  %s\n", f)
	}
	fmt.Fprintf(&b, "\n%s\n", say("Valeurs d'exemple à remplacer, avec leur source (chacune le dit dans son assumption:) :",
		"Example values to replace, with their source (each says so in its assumption:):"))
	width := 0
	for _, p := range s.Placeholders {
		width = max(width, len(p.Name))
	}
	for _, p := range s.Placeholders {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, p.Name, strings.TrimSpace(p.Value+" "+p.Unit))
	}
	if len(s.Notices) > 0 {
		fmt.Fprintf(&b, "\n%s\n", say("À vérifier :", "To check:"))
		for _, n := range s.Notices {
			fmt.Fprintf(&b, "  %s\n", SafeText(n))
		}
	}
	fmt.Fprintf(&b, "\n%s %s.\n", say("Données :", "Data:"), s.Data)
	fmt.Fprintf(&b, "\n%s\n  cd %s\n  quotepart check --strict\n  quotepart run\n  quotepart report -o rapport.html\n", say("Ensuite :", "Next:"), SafeText(s.Dir))
	_, err := io.WriteString(w, b.String())
	return err
}

func epciTable(w io.Writer, lang Lang, l *EPCIList) error {
	fr := lang != English
	var b strings.Builder
	if len(l.Matches) == 0 {
		if fr {
			fmt.Fprintf(&b, "Aucun EPCI dont le nom contient %q.\nDonnées : %s.\n", SafeText(l.Query), l.Data)
		} else {
			fmt.Fprintf(&b, "No EPCI whose name holds %q.\nData: %s.\n", SafeText(l.Query), l.Data)
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	head := []string{"SIREN", "EPCI", "Type", "Communes", "Population"}
	rows := [][]string{}
	for _, m := range l.Matches {
		rows = append(rows, []string{m.SIREN, m.Name, m.Kind, fmt.Sprint(m.Communes), integer(lang, m.Population)})
	}
	widths := make([]int, len(head))
	for i, h := range head {
		widths[i] = textWidth(h)
	}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], textWidth(c))
		}
	}
	line := func(cells []string) {
		for i, c := range cells {
			pad := strings.Repeat(" ", widths[i]-textWidth(c))
			if i >= 3 {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
			if i < len(cells)-1 {
				b.WriteString("  ")
			}
		}
		b.WriteString("\n")
	}
	line(head)
	for _, r := range rows {
		line(r)
	}
	if fr {
		fmt.Fprintf(&b, "\n%d EPCI. quotepart init DOSSIER --epci SIREN crée le service.\nDonnées : %s.\n", len(rows), l.Data)
	} else {
		fmt.Fprintf(&b, "\n%d EPCIs. quotepart init FOLDER --epci SIREN starts the service.\nData: %s.\n", len(rows), l.Data)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func textWidth(s string) int { return len([]rune(s)) }

// integer writes a whole number with its thousands grouped, as Number
// does: 21 024 in French, 21,024 in English.
func integer(lang Lang, n int) string { return Number(decimal.NewFromInt(int64(n)), 0, lang) }
