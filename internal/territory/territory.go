package territory

import (
	"bytes"
	"cmp"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

//go:embed data/epci-membres-2026.csv.gz
var compressed []byte

// What every use of the data must say about it.
const (
	// Edition is the edition of the data: perimeters and populations are
	// those it publishes.
	Edition = "2026"
	// Attribution is the credit the Licence Ouverte asks for.
	Attribution = "Etalab — découpage administratif, édition 2026, d'après INSEE et DGCL"
	// Licence is the licence of the data.
	Licence = "Licence Ouverte / Open Licence"
	// Population names the figure Commune.Population holds.
	Population = "population totale (populations légales publiées avec l'édition 2026)"
)

// EPCI is an établissement public de coopération intercommunale with its
// own tax status, and its member communes as the edition lists them.
type EPCI struct {
	SIREN string
	Name  string
	// Kind is CA, CC, CU, METRO or MET69 (the Métropole de Lyon).
	Kind     string
	Communes []*Commune // largest population first, as the file lists them
	folded   string
}

// Population is the sum of the population totale of its communes.
func (e *EPCI) Population() int {
	n := 0
	for _, c := range e.Communes {
		n += c.Population
	}
	return n
}

// Commune is a member commune of an EPCI.
type Commune struct {
	INSEE, SIREN, Name string
	// Population is the population totale, MunicipalPopulation the
	// population municipale.
	Population, MunicipalPopulation int
	EPCI                            *EPCI
	folded                          string
}

// Data is the national list, read from the embedded file.
type Data struct {
	epcis    []*EPCI // by SIREN
	bySIREN  map[string]*EPCI
	communes map[string]*Commune // by INSEE code
}

// Load returns the embedded data, decompressed and parsed on first use.
var Load = sync.OnceValues(func() (*Data, error) { return parse(compressed) })

func parse(gz []byte) (*Data, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("embedded national data: %v", err)
	}
	r := csv.NewReader(zr)
	r.ReuseRecord = true
	head, err := r.Read()
	want := []string{"epci_siren", "epci_nom", "epci_type", "commune_insee", "commune_siren", "commune_nom", "population_totale", "population_municipale"}
	if err != nil || !slices.Equal(head, want) {
		return nil, fmt.Errorf("embedded national data: unexpected header %q", head)
	}
	d := &Data{bySIREN: map[string]*EPCI{}, communes: map[string]*Commune{}}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("embedded national data, line %d: %v", line, err)
		}
		pop, err1 := strconv.Atoi(rec[6])
		mun, err2 := strconv.Atoi(rec[7])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("embedded national data, line %d: populations %q, %q", line, rec[6], rec[7])
		}
		e := d.bySIREN[rec[0]]
		if e == nil {
			e = &EPCI{SIREN: rec[0], Name: rec[1], Kind: rec[2], folded: Fold(rec[1])}
			d.bySIREN[e.SIREN] = e
			d.epcis = append(d.epcis, e)
		}
		c := &Commune{INSEE: rec[3], SIREN: rec[4], Name: rec[5], Population: pop, MunicipalPopulation: mun, EPCI: e, folded: Fold(rec[5])}
		e.Communes = append(e.Communes, c)
		d.communes[c.INSEE] = c
	}
	slices.SortFunc(d.epcis, func(a, b *EPCI) int { return cmp.Compare(a.SIREN, b.SIREN) })
	return d, nil
}

// EPCIs lists every EPCI, by SIREN.
func (d *Data) EPCIs() []*EPCI { return d.epcis }

// CommuneCount is the number of communes in the data.
func (d *Data) CommuneCount() int { return len(d.communes) }

// EPCI returns the EPCI whose SIREN is siren.
func (d *Data) EPCI(siren string) (*EPCI, bool) {
	e, ok := d.bySIREN[strings.TrimSpace(siren)]
	return e, ok
}

// Commune returns the commune whose INSEE code is insee.
func (d *Data) Commune(insee string) (*Commune, bool) {
	c, ok := d.communes[strings.ToUpper(strings.TrimSpace(insee))]
	return c, ok
}

// SearchEPCI returns the EPCI whose name holds every word of text, accents
// and case aside ("coeur cote fleurie" finds "CC Coeur Côte Fleurie"), or
// whose SIREN starts with text; exact names first, then by name.
func (d *Data) SearchEPCI(text string) []*EPCI {
	words := strings.Fields(Fold(text))
	if len(words) == 0 {
		return nil
	}
	var out []*EPCI
	for _, e := range d.epcis {
		if strings.HasPrefix(e.SIREN, strings.TrimSpace(text)) || containsAll(e.folded, words) {
			out = append(out, e)
		}
	}
	q := strings.Join(words, " ")
	slices.SortStableFunc(out, func(a, b *EPCI) int {
		ea, eb := a.folded == q, b.folded == q
		switch {
		case ea && !eb:
			return -1
		case eb && !ea:
			return 1
		}
		return cmp.Or(cmp.Compare(a.folded, b.folded), cmp.Compare(a.SIREN, b.SIREN))
	})
	return out
}

// SearchCommune returns the communes whose name holds every word of text,
// accents and case aside, by name then INSEE code.
func (d *Data) SearchCommune(text string) []*Commune {
	words := strings.Fields(Fold(text))
	if len(words) == 0 {
		return nil
	}
	var out []*Commune
	for _, c := range d.communes {
		if containsAll(c.folded, words) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *Commune) int {
		return cmp.Or(cmp.Compare(a.folded, b.folded), cmp.Compare(a.INSEE, b.INSEE))
	})
	return out
}

// NearSIREN returns the EPCI whose SIREN is one typo away from siren: one
// character changed, or two neighbours swapped.
func (d *Data) NearSIREN(siren string) []*EPCI {
	var out []*EPCI
	for _, e := range d.epcis {
		if oneTypo(strings.TrimSpace(siren), e.SIREN) {
			out = append(out, e)
		}
	}
	return out
}

// NearINSEE returns the communes whose INSEE code is one typo away from
// insee, by code.
func (d *Data) NearINSEE(insee string) []*Commune {
	insee = strings.ToUpper(strings.TrimSpace(insee))
	var out []*Commune
	for code, c := range d.communes {
		if oneTypo(insee, code) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *Commune) int { return cmp.Compare(a.INSEE, b.INSEE) })
	return out
}

// oneTypo reports whether b is a, one character changed or two
// neighbouring characters swapped.
func oneTypo(a, b string) bool {
	if len(a) != len(b) || a == b {
		return false
	}
	var diff []int
	for i := range len(a) {
		if a[i] != b[i] {
			diff = append(diff, i)
			if len(diff) > 2 {
				return false
			}
		}
	}
	switch len(diff) {
	case 1:
		return true
	case 2:
		i, j := diff[0], diff[1]
		return j == i+1 && a[i] == b[j] && a[j] == b[i]
	}
	return false
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// Fold is text for comparison: lower case, without accents, ligatures
// spelt out (œ → oe), and every run of other characters than letters and
// digits one space ("Saint-Gatien-des-Bois" → "saint gatien des bois").
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			b.WriteRune(r)
			space = false
		case 'A' <= r && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
			space = false
		case r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteString(foldRune(r))
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// foldRune is a letter beyond ASCII, lower case, without its accents.
func foldRune(r rune) string {
	if s, ok := ligatures[unicode.ToLower(r)]; ok {
		return s
	}
	d := norm.NFD.String(string(unicode.ToLower(r)))
	var b strings.Builder
	for _, c := range d {
		if !unicode.Is(unicode.Mn, c) {
			b.WriteRune(c)
		}
	}
	return b.String()
}

var ligatures = map[rune]string{'œ': "oe", 'æ': "ae", 'ß': "ss"}
