package reports

import (
	"fmt"
	"io"
	"strings"
)

// Imported is what quotepart import wrote: each file, what it holds and
// the sheet or file it came from, and what the user must know.
type Imported struct {
	Files   []ImportedFile
	Notices []string
}

// ImportedFile is one file import wrote.
type ImportedFile struct {
	Path, Kind, From string
	// IDs are the requests or parameters it declares.
	IDs []string
}

// ImportOutput is the summary import prints.
var ImportOutput = NewOutput("import", "", Renderer[*Imported]{Text, importedText})

func importedText(w io.Writer, lang Lang, im *Imported) error {
	fr := lang != English
	var b strings.Builder
	for _, f := range im.Files {
		what := map[string][2]string{"projet": {"demande", "request"}, "parametres": {"paramètres", "parameters"}}[f.Kind]
		word := what[1]
		if fr {
			word = what[0]
		}
		ids := strings.Join(f.IDs, ", ")
		if len(f.IDs) > 6 {
			ids = strings.Join(f.IDs[:6], ", ") + fmt.Sprintf(", … (%d)", len(f.IDs))
		}
		if fr {
			fmt.Fprintf(&b, "%s : %s %s, de %s\n", SafeText(f.Path), word, SafeText(ids), SafeText(f.From))
		} else {
			fmt.Fprintf(&b, "%s: %s %s, from %s\n", SafeText(f.Path), word, SafeText(ids), SafeText(f.From))
		}
	}
	for _, n := range im.Notices {
		if fr {
			fmt.Fprintf(&b, "À noter : %s\n", SafeText(n))
		} else {
			fmt.Fprintf(&b, "Note: %s\n", SafeText(n))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
