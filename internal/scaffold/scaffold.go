package scaffold

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/territory"
	"github.com/shopspring/decimal"
)

// Key is how the members share the costs.
type Key string

// The keys init can write.
const (
	// KeyPopulation: the EPCI, when it is a member, takes a fixed share;
	// the communes share the rest in proportion to their population.
	KeyPopulation Key = "population"
	// KeyEqual: every member pays the same share.
	KeyEqual Key = "equal"
	// KeyMixed: the EPCI takes a fixed share; the communes share the rest,
	// half by population and half equally (the weight is a parameter).
	KeyMixed Key = "mixed"
	// KeyUnits: every member pays in proportion to its units of use
	// (workstations, say), read from a CSV file to be filled in.
	KeyUnits Key = "units"
)

// Keys lists the keys, the default first.
var Keys = []Key{KeyPopulation, KeyEqual, KeyMixed, KeyUnits}

// ParseKey reads a key's name.
func ParseKey(s string) (Key, bool) {
	for _, k := range Keys {
		if strings.EqualFold(strings.TrimSpace(s), string(k)) {
			return k, true
		}
	}
	return "", false
}

// Member is a member of the new service.
type Member struct {
	ID, Label string
	// Kind is epci or commune.
	Kind         string
	INSEE, SIREN string
	EPCIName     string // a commune's EPCI in the data
	Population   int
}

// FromEPCI is the member for an EPCI.
func FromEPCI(e *territory.EPCI) Member {
	return Member{ID: Slug(e.Name), Label: e.Name, Kind: "epci", SIREN: e.SIREN, Population: e.Population()}
}

// FromCommune is the member for a commune.
func FromCommune(c *territory.Commune) Member {
	return Member{ID: Slug(c.Name), Label: c.Name, Kind: "commune", INSEE: c.INSEE, SIREN: c.SIREN, EPCIName: c.EPCI.Name, Population: c.Population}
}

// Slug is an id made from a name: "Saint-Gatien-des-Bois" →
// saint_gatien_des_bois; a name that starts with a digit gets "m_".
func Slug(name string) string {
	s := strings.ReplaceAll(territory.Fold(name), " ", "_")
	if s == "" {
		return "membre"
	}
	if s[0] >= '0' && s[0] <= '9' {
		s = "m_" + s
	}
	return s
}

// Spec is the service to write.
type Spec struct {
	// ID and Title name the service.
	ID, Title string
	// EPCI is the EPCI when it is a member (first in the list), nil
	// otherwise.
	EPCI *Member
	// Communes are the member communes.
	Communes []Member
	// Manager is the id of the member that manages the service.
	Manager string
	Key     Key
	// Start is the day the service takes effect; To the last year
	// covered.
	Start engine.Date
	To    int
	// Perimeter says where the members come from, for the service's
	// description and LISEZMOI.md.
	Perimeter string
}

// Members lists the members, the EPCI first.
func (s *Spec) Members() []Member {
	var out []Member
	if s.EPCI != nil {
		out = append(out, *s.EPCI)
	}
	return append(out, s.Communes...)
}

// File is a file to write, its path relative to the new folder.
type File struct {
	Path string
	Data []byte
}

// Placeholder is an example value the user must replace.
type Placeholder struct {
	Name, Value, Unit string
}

// The example values written, each with an assumption.
var (
	exampleETC     = decimal.NewFromInt(5)
	exampleCost    = decimal.NewFromInt(44100)
	exampleFees    = decimal.RequireFromString("0.03")
	exampleSubs    = decimal.NewFromInt(10000)
	exampleEPCI    = decimal.RequireFromString("0.5")
	exampleWeight  = decimal.RequireFromString("0.5")
	exampleUnits   = 1
	populationYear = 2026 // the edition of the data
)

// Files writes the files of the service s. It checks that s is whole
// (members with distinct ids, a manager among them, a known key, years
// in order); the caller checks the files themselves by loading them.
func Files(s Spec) ([]File, []Placeholder, error) {
	if err := s.validate(); err != nil {
		return nil, nil, err
	}
	w := &writer{s: &s}
	files := []File{
		{"quotepart.yaml", w.project()},
		{"service.yaml", w.service()},
		{"parametres.yaml", w.parameters()},
		{"regles.yaml", w.rules()},
		{"charges.yaml", w.pools()},
		{"service.test.yaml", w.tests()},
	}
	if s.usesPopulation() {
		files = append(files, File{"donnees/populations.csv", w.populations()})
	}
	if s.Key == KeyUnits {
		files = append(files, File{"donnees/unites.csv", w.units()})
	}
	files = append(files,
		File{"scenarios/reference.yaml", w.baseline()},
		File{"scenarios/renfort.yaml", w.example()},
		File{".gitlab-ci.yml", ciExample},
		File{"LISEZMOI.md", w.readme(files)},
	)
	return files, w.placeholders(), nil
}

func (s *Spec) validate() error {
	ms := s.Members()
	if len(ms) < 2 {
		return fmt.Errorf("a shared service needs at least two members, found %d", len(ms))
	}
	seen := map[string]bool{}
	for _, m := range ms {
		if !validID.MatchString(m.ID) {
			return fmt.Errorf("member id %q is not made of letters, digits and underscores", m.ID)
		}
		if seen[m.ID] {
			return fmt.Errorf("member id %s is given twice", m.ID)
		}
		seen[m.ID] = true
	}
	if !seen[s.Manager] {
		return fmt.Errorf("the manager %q is not a member", s.Manager)
	}
	if _, ok := ParseKey(string(s.Key)); !ok {
		return fmt.Errorf("unknown key %q", s.Key)
	}
	if s.Start.IsZero() || s.To < s.Start.Year {
		return fmt.Errorf("the years %s–%d are not in order", s.Start, s.To)
	}
	if len(s.Communes) == 0 && (s.Key == KeyPopulation || s.Key == KeyMixed) {
		return fmt.Errorf("the %s key shares among communes, and there is none", s.Key)
	}
	return nil
}

var validID = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (s *Spec) usesPopulation() bool { return s.Key == KeyPopulation || s.Key == KeyMixed }

// epciShare says whether the EPCI takes a fixed share (part_epci).
func (s *Spec) epciShare() bool { return s.EPCI != nil && s.usesPopulation() }

type writer struct {
	s *Spec
}

func (w *writer) placeholders() []Placeholder {
	out := []Placeholder{
		{"etc_service", french(exampleETC), "ETC"},
		{"cout_moyen_etc", french(exampleCost), "EUR/ETC"},
		{"taux_frais_gestion", percent(exampleFees), ""},
		{"abonnements", french(exampleSubs), "EUR"},
	}
	if w.s.epciShare() {
		out = append(out, Placeholder{"part_epci", percent(exampleEPCI), ""})
	}
	if w.s.Key == KeyMixed {
		out = append(out, Placeholder{"poids_population", percent(exampleWeight), ""})
	}
	if w.s.Key == KeyUnits {
		out = append(out, Placeholder{"unites", fmt.Sprintf("%d par membre", exampleUnits), "donnees/unites.csv"})
	}
	return out
}

// dataNote is the attribution of the national data.
var dataNote = territory.Attribution + " (" + territory.Licence + ")"

// schemaLine says where a file's format is described; an editor with a
// YAML language server validates the file against the schema that
// quotepart schema writes (# yaml-language-server: $schema=FILE).
const schemaLine = "# Format : quotepart schema %s (schéma JSON pour les éditeurs).\n"

func (w *writer) project() []byte {
	return []byte(`# Projet quotepart : chaque commande lancée dans ce dossier (ou un de ses
# sous-dossiers) lit les règles de ce dossier et ses scénarios. Ce fichier
# n'est pas lu comme un fichier de règles.
rules: .
scenarios: scenarios
`)
}

func (w *writer) service() []byte {
	s := w.s
	var b strings.Builder
	fmt.Fprintf(&b, schemaLine, "rules")
	b.WriteString("# Le service commun et ses membres, créés par quotepart init à partir des\n")
	b.WriteString("# données nationales : " + dataNote + ".\n")
	b.WriteString("service:\n")
	fmt.Fprintf(&b, "  id: %s\n", yamlText(s.ID))
	fmt.Fprintf(&b, "  title: %s\n", yamlText(s.Title))
	b.WriteString("  description: >-\n")
	writeFolded(&b, "    ", "Service commun (CGCT, art. L.5211-4-2). "+s.Perimeter)
	fmt.Fprintf(&b, "  manager: %s\n", s.Manager)
	fmt.Fprintf(&b, "  start: %s\n", s.Start)
	fmt.Fprintf(&b, "  years: {from: %d, to: %d}\n", s.Start.Year, s.To)
	b.WriteString("  reference_key: cle_repartition\n\n")
	b.WriteString("members:\n")
	for _, m := range s.Members() {
		fmt.Fprintf(&b, "  - id: %s\n", m.ID)
		fmt.Fprintf(&b, "    label: %s\n", yamlText(m.Label))
		fmt.Fprintf(&b, "    kind: %s\n", m.Kind)
		var codes []string
		if m.INSEE != "" {
			codes = append(codes, "code INSEE "+m.INSEE)
		}
		if m.SIREN != "" {
			codes = append(codes, "SIREN "+m.SIREN)
		}
		descr := "Commune"
		if m.Kind == "epci" {
			descr = "EPCI"
		}
		if m.ID == s.Manager {
			descr += " gestionnaire du service commun ; ne se facture pas à elle-même"
			if m.Kind == "epci" {
				descr = strings.Replace(descr, "elle-même", "lui-même", 1)
			}
		}
		fmt.Fprintf(&b, "    description: %s\n", yamlText(descr+" ("+strings.Join(codes, ", ")+")."))
		fmt.Fprintf(&b, "    source: %s\n", yamlText(dataNote+"."))
	}
	b.WriteString("\nfees:\n")
	b.WriteString("  label: Frais de gestion\n")
	fmt.Fprintf(&b, "  description: %s\n", yamlText("Frais de gestion refacturés par le gestionnaire, sur la masse salariale seule."))
	b.WriteString("  rate: taux_frais_gestion\n")
	return []byte(b.String())
}

// example is the assumption of an example value.
const example = "Valeur d'exemple écrite par quotepart init, à remplacer par "

func (w *writer) parameters() []byte {
	s := w.s
	start := s.Start.String()
	var b strings.Builder
	fmt.Fprintf(&b, schemaLine, "rules")
	b.WriteString("# Paramètres datés : chaque valeur est en vigueur de sa date jusqu'à la\n")
	b.WriteString("# suivante. Les valeurs d'exemple disent qu'elles en sont (assumption:) :\n")
	b.WriteString("# remplacez-les, avec leur source (source:), avant tout usage réel.\n")
	b.WriteString("parameters:\n")
	param := func(name, label, descr, unit, value, why string) {
		fmt.Fprintf(&b, "  %s:\n", name)
		fmt.Fprintf(&b, "    label: %s\n", yamlText(label))
		b.WriteString("    description: >-\n")
		writeFolded(&b, "      ", descr)
		fmt.Fprintf(&b, "    unit: %s\n", unit)
		fmt.Fprintf(&b, "    values:\n      %s: %s\n", start, value)
		b.WriteString("    assumption: >-\n")
		writeFolded(&b, "      ", example+why)
		b.WriteString("\n")
	}
	param("etc_service", "Effectif du service commun", "Postes du service commun, en équivalents temps complet.", "ETC",
		number(exampleETC), "l'effectif réel du service (tableau des emplois).")
	param("cout_moyen_etc", "Coût moyen chargé d'un ETC", "Coût annuel moyen chargé d'un poste du service (rémunération et charges).", "EUR/ETC",
		number(exampleCost), "le coût moyen constaté au dernier compte administratif ; 44 100 EUR est l'ordre de grandeur du service commun numérique de Rouen en 2026.")
	param("taux_frais_gestion", "Taux des frais de gestion", "Frais de gestion refacturés par le gestionnaire, en part de la masse salariale.", "taux",
		number(exampleFees), "le taux que fixe la convention de service commun.")
	param("abonnements", "Abonnements mutualisés", "Montant annuel d'abonnements (logiciels, périodiques) payés par le service pour ses membres.", "EUR",
		number(exampleSubs), "le montant prévu au budget, ou supprimez ce poste de charges.")
	if s.epciShare() {
		param("part_epci", "Part de l'EPCI", "Part fixe de l'EPCI dans la clé de répartition ; les communes se partagent le reste.", "part",
			number(exampleEPCI), "la part que fixe la convention.")
	}
	if s.Key == KeyMixed {
		param("poids_population", "Poids de la population", "Part de la clé des communes répartie selon la population ; le reste l'est à parts égales.", "part",
			number(exampleWeight), "le poids que fixe la convention.")
	}
	if s.usesPopulation() {
		b.WriteString("  population:\n")
		b.WriteString("    label: Population\n")
		b.WriteString("    description: >-\n")
		writeFolded(&b, "      ", "Population totale de chaque membre (celle de l'EPCI est la somme de ses communes). Pour mettre à jour les populations, remplacez le fichier donnees/populations.csv.")
		b.WriteString("    unit: habitants\n")
		b.WriteString("    csv: {file: donnees/populations.csv, column: population, date: année, member: membre}\n")
		b.WriteString("    source: >-\n")
		writeFolded(&b, "      ", "Population totale, "+dataNote+".")
		b.WriteString("\n")
	}
	if s.Key == KeyUnits {
		b.WriteString("  unites:\n")
		b.WriteString("    label: Unités d'œuvre\n")
		b.WriteString("    description: >-\n")
		writeFolded(&b, "      ", "Unités d'œuvre de chaque membre (postes de travail, par exemple), par année, dans donnees/unites.csv.")
		b.WriteString("    unit: unités\n")
		b.WriteString("    csv: {file: donnees/unites.csv, column: unités, date: année, member: membre}\n")
		b.WriteString("    assumption: >-\n")
		writeFolded(&b, "      ", example+"le décompte réel de chaque membre dans donnees/unites.csv (une unité par membre, en attendant).")
		b.WriteString("\n")
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n")
}

func (w *writer) rules() []byte {
	s := w.s
	var b strings.Builder
	fmt.Fprintf(&b, schemaLine, "rules")
	b.WriteString("# Règles : la masse salariale et la clé de répartition.\n")
	b.WriteString("rules:\n")
	b.WriteString("  masse_salariale:\n")
	b.WriteString("    label: Masse salariale\n")
	b.WriteString("    unit: EUR\n")
	b.WriteString("    expr: etc_service * cout_moyen_etc\n\n")
	epci := ""
	if s.EPCI != nil {
		epci = s.EPCI.ID
	}
	switch s.Key {
	case KeyPopulation, KeyMixed:
		b.WriteString("  population_communes:\n")
		b.WriteString("    label: Population des communes membres\n")
		b.WriteString("    unit: habitants\n")
		if epci != "" {
			fmt.Fprintf(&b, "    description: %s\n", yamlText("La population de l'EPCI est celle de ses communes : elle n'est pas comptée deux fois."))
			fmt.Fprintf(&b, "    expr: sum(population) - population[%q]\n\n", epci)
		} else {
			b.WriteString("    expr: sum(population)\n\n")
		}
		if s.Key == KeyMixed {
			b.WriteString("  commune:\n")
			b.WriteString("    label: Commune membre\n")
			fmt.Fprintf(&b, "    description: %s\n", yamlText("1 pour une commune, 0 pour l'EPCI."))
			b.WriteString("    per_member: true\n")
			if epci != "" {
				fmt.Fprintf(&b, "    by_member:\n      %s: 0\n", epci)
			}
			b.WriteString("    expr: 1\n\n")
			b.WriteString("  nombre_communes:\n")
			b.WriteString("    label: Nombre de communes membres\n")
			b.WriteString("    expr: sum(commune)\n\n")
		}
	case KeyEqual:
		b.WriteString("  membre:\n")
		b.WriteString("    label: Membre présent\n")
		fmt.Fprintf(&b, "    description: %s\n", yamlText("1 pour chaque membre présent."))
		b.WriteString("    per_member: true\n")
		b.WriteString("    expr: 1\n\n")
		b.WriteString("  nombre_membres:\n")
		b.WriteString("    label: Nombre de membres\n")
		b.WriteString("    expr: sum(membre)\n\n")
	case KeyUnits:
		b.WriteString("  total_unites:\n")
		b.WriteString("    label: Unités d'œuvre de tous les membres\n")
		b.WriteString("    unit: unités\n")
		b.WriteString("    expr: sum(unites)\n\n")
	}
	b.WriteString("  cle_repartition:\n")
	b.WriteString("    label: Clé de répartition\n")
	b.WriteString("    description: >-\n")
	writeFolded(&b, "      ", w.keyText())
	b.WriteString("    unit: part\n")
	b.WriteString("    per_member: true\n")
	if s.epciShare() {
		fmt.Fprintf(&b, "    by_member:\n      %s: part_epci\n", epci)
	}
	switch s.Key {
	case KeyPopulation:
		if s.epciShare() {
			b.WriteString("    expr: (1 - part_epci) * population / population_communes\n")
		} else {
			b.WriteString("    expr: population / population_communes\n")
		}
	case KeyMixed:
		share := "1"
		if s.epciShare() {
			share = "(1 - part_epci)"
		}
		b.WriteString("    expr: >-\n")
		fmt.Fprintf(&b, "      %s * (poids_population * population / population_communes\n", share)
		b.WriteString("      + (1 - poids_population) * commune / nombre_communes)\n")
	case KeyEqual:
		b.WriteString("    expr: 1 / nombre_membres\n")
	case KeyUnits:
		b.WriteString("    expr: unites / total_unites\n")
	}
	return []byte(b.String())
}

func (w *writer) keyText() string {
	s := w.s
	switch s.Key {
	case KeyPopulation:
		if s.epciShare() {
			return "L'EPCI prend une part fixe (part_epci) ; les communes se partagent le reste au prorata de leur population."
		}
		return "Chaque commune paie au prorata de sa population."
	case KeyMixed:
		if s.epciShare() {
			return "L'EPCI prend une part fixe (part_epci) ; les communes se partagent le reste pour une part (poids_population) au prorata de leur population, pour le reste à parts égales."
		}
		return "Les communes paient pour une part (poids_population) au prorata de leur population, pour le reste à parts égales."
	case KeyEqual:
		return "Chaque membre paie la même part."
	}
	return "Chaque membre paie au prorata de ses unités d'œuvre (donnees/unites.csv)."
}

func (w *writer) pools() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, schemaLine, "rules")
	b.WriteString("# Postes de charges : ce que le service coûte chaque année, et la clé qui le partage.\n")
	b.WriteString("pools:\n")
	b.WriteString("  masse_salariale:\n")
	b.WriteString("    label: Masse salariale\n")
	b.WriteString("    amount: masse_salariale\n")
	b.WriteString("    key: cle_repartition\n")
	b.WriteString("    fees: true\n")
	b.WriteString("  abonnements:\n")
	b.WriteString("    label: Abonnements mutualisés\n")
	fmt.Fprintf(&b, "    description: %s\n", yamlText("Exemple de poste de charges sans frais de gestion ; à adapter ou à supprimer."))
	b.WriteString("    amount: abonnements\n")
	b.WriteString("    key: cle_repartition\n")
	return []byte(b.String())
}

// expectedKey is the key a member should have in the first year, worked
// out here from the data and the example values, independently of the
// engine, for the test file.
func (w *writer) expectedKey(m Member) decimal.Decimal {
	s := w.s
	communes := 0
	for _, c := range s.Communes {
		communes += c.Population
	}
	n := decimal.NewFromInt(int64(len(s.Communes)))
	rest := decimal.NewFromInt(1)
	if s.epciShare() {
		rest = rest.Sub(exampleEPCI)
	}
	pop := decimal.NewFromInt(int64(m.Population)).Div(decimal.NewFromInt(int64(communes)))
	switch s.Key {
	case KeyPopulation:
		return rest.Mul(pop)
	case KeyMixed:
		return rest.Mul(exampleWeight.Mul(pop).Add(decimal.NewFromInt(1).Sub(exampleWeight).Div(n)))
	case KeyEqual:
		return decimal.NewFromInt(1).Div(decimal.NewFromInt(int64(len(s.Members()))))
	}
	return decimal.NewFromInt(1).Div(decimal.NewFromInt(int64(len(s.Members())))) // one unit each
}

func (w *writer) tests() []byte {
	s := w.s
	year := s.Start.Year
	if s.Start.Month != 1 || s.Start.Day != 1 {
		year++ // a whole year
	}
	year = min(year, s.To)
	first := s.Members()[0]
	if len(s.Communes) > 0 {
		first = s.Communes[0]
	}
	payroll := exampleETC.Mul(exampleCost)
	var b strings.Builder
	fmt.Fprintf(&b, schemaLine, "tests")
	b.WriteString("# Cas de test : ce que les règles doivent continuer à produire. quotepart test\n")
	b.WriteString("# les vérifie ; adaptez-les quand vous remplacez les valeurs d'exemple.\n")
	b.WriteString("tests:\n")
	b.WriteString("  - name: Le gestionnaire ne se facture rien\n")
	fmt.Fprintf(&b, "    years: [%d]\n", year)
	b.WriteString("    expect:\n")
	fmt.Fprintf(&b, "      - member: %s\n        billed: 0\n\n", s.Manager)
	b.WriteString("  - name: La masse salariale est l'effectif multiplié par le coût moyen\n")
	fmt.Fprintf(&b, "    description: %s ETC à %s EUR, et %s %% de frais de gestion.\n", number(exampleETC), number(exampleCost), number(exampleFees.Shift(2)))
	fmt.Fprintf(&b, "    years: [%d]\n", year)
	b.WriteString("    expect:\n")
	fmt.Fprintf(&b, "      - pool: masse_salariale\n        amount: %s\n        fees: %s\n\n", payroll.StringFixed(2), payroll.Mul(exampleFees).Round(2).StringFixed(2))
	fmt.Fprintf(&b, "  - name: Clé de %s\n", yamlText(first.Label))
	fmt.Fprintf(&b, "    description: %s\n", yamlText(w.keyText()))
	fmt.Fprintf(&b, "    years: [%d]\n", year)
	b.WriteString("    expect:\n")
	fmt.Fprintf(&b, "      - member: %s\n        key: %s\n        absolute_error: 0.000001\n", first.ID, w.expectedKey(first).Round(6))
	return []byte(b.String())
}

// populations is the CSV of the members' populations, as a French
// spreadsheet writes it.
func (w *writer) populations() []byte {
	var b strings.Builder
	b.WriteString("membre;année;population;nom;code INSEE\r\n")
	for _, m := range w.s.Members() {
		fmt.Fprintf(&b, "%s;%s;%d;%s;%s\r\n", m.ID, w.dataDate(), m.Population, csvField(m.Label), m.INSEE)
	}
	return []byte(b.String())
}

// dataDate is when the populations take effect: 1 January of the
// edition, or the service's start when it is earlier.
func (w *writer) dataDate() string {
	if w.s.Start.Year < populationYear {
		return w.s.Start.String()
	}
	return strconv.Itoa(populationYear)
}

func (w *writer) units() []byte {
	var b strings.Builder
	b.WriteString("membre;année;unités;nom\r\n")
	for _, m := range w.s.Members() {
		fmt.Fprintf(&b, "%s;%d;%d;%s\r\n", m.ID, w.s.Start.Year, exampleUnits, csvField(m.Label))
	}
	return []byte(b.String())
}

func (w *writer) baseline() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, schemaLine, "scenarios")
	b.WriteString("# Scénario de référence : les règles telles qu'écrites. Les autres\n")
	b.WriteString("# scénarios se comparent à celui-ci (quotepart compare, quotepart report).\n")
	b.WriteString("scenario:\n")
	b.WriteString("  id: reference\n")
	b.WriteString("  title: Référence\n")
	fmt.Fprintf(&b, "  description: %s\n", yamlText("Les règles du service commun telles qu'écrites dans ce dossier."))
	return []byte(b.String())
}

func (w *writer) example() []byte {
	s := w.s
	from := min(s.Start.Year+1, s.To)
	var b strings.Builder
	fmt.Fprintf(&b, schemaLine, "scenarios")
	b.WriteString("# Exemple de scénario : ce que coûterait à chaque membre un poste de plus.\n")
	b.WriteString("scenario:\n")
	b.WriteString("  id: renfort\n")
	fmt.Fprintf(&b, "  title: Un poste de plus au 1er janvier %d\n", from)
	fmt.Fprintf(&b, "  description: %s\n", yamlText("Le service gagne un ETC ; la clé est inchangée."))
	fmt.Fprintf(&b, "  assumption: %s\n", yamlText("Exemple écrit par quotepart init, pour montrer un scénario."))
	b.WriteString("  extends: reference\n\n")
	b.WriteString("parameters:\n")
	b.WriteString("  etc_service:\n")
	b.WriteString("    values:\n")
	fmt.Fprintf(&b, "      %d-01-01: %s\n", from, number(exampleETC.Add(decimal.NewFromInt(1))))
	b.WriteString("    assumption: Un poste de plus (exemple).\n")
	return []byte(b.String())
}

// ciExample is the CI job of docs/ci.md, for GitLab.
var ciExample = []byte(`# Intégration continue (GitLab) : à chaque demande de fusion, les règles sont
# vérifiées, leurs cas de test passés, et l'effet de la modification sur la
# facture de chaque membre est écrit dans quotepart-diff.md (voir docs/ci.md
# de quotepart, qui donne aussi l'équivalent pour GitHub Actions).
quotepart:
  image: golang:1.26
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  variables:
    QUOTEPART_VERSION: v1.0.0                        # la version avec laquelle les règles sont vérifiées
    GIT_DEPTH: "0"                                   # diff lit les règles de la branche cible
    BASE_REV: $CI_MERGE_REQUEST_DIFF_BASE_SHA
    QUOTEPART_FAIL_OVER: "1000"                      # échoue si une facture bouge de plus de 1 000 EUR
    QUOTEPART_FAIL_OVER_PCT: "0.5"                   # ou de plus de 0,5 % dans une année
  before_script:
    - go install github.com/quotepart/quotepart/cmd/quotepart@$QUOTEPART_VERSION
    - export PATH="$PATH:$(go env GOPATH)/bin"
    - quotepart version
  script:
    - quotepart check --strict --format sarif -o quotepart-check.sarif
    - quotepart test --format junit -o quotepart-tests.xml
    - quotepart diff --against-rev "$BASE_REV" --format md -o quotepart-diff.md
  artifacts:
    when: always
    reports:
      junit: quotepart-tests.xml                     # les cas en échec s'affichent dans la demande de fusion
    paths:
      - quotepart-check.sarif
      - quotepart-diff.md
`)

func (w *writer) readme(files []File) []byte {
	s := w.s
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", s.Title)
	b.WriteString("Dossier créé par `quotepart init`. " + s.Perimeter + "\n\n")
	fmt.Fprintf(&b, "Membres : %d", len(s.Members()))
	if s.EPCI != nil {
		fmt.Fprintf(&b, " (l'EPCI et %d communes)", len(s.Communes))
	}
	fmt.Fprintf(&b, ". Gestionnaire : `%s`. Clé de répartition : %s\n\n", s.Manager, strings.ToLower(w.keyText()[:1])+w.keyText()[1:])
	b.WriteString("## À remplacer avant tout usage réel\n\n")
	b.WriteString("Ces valeurs sont des exemples (elles le disent dans leur `assumption:`) :\n\n")
	b.WriteString("| paramètre | valeur d'exemple |\n| --- | --- |\n")
	for _, p := range w.placeholders() {
		fmt.Fprintf(&b, "| `%s` | %s %s |\n", p.Name, p.Value, p.Unit)
	}
	b.WriteString("\nRemplacez chaque valeur par la vôtre et son `assumption:` par sa `source:`.\n\n")
	b.WriteString("## Ensuite\n\n```sh\nquotepart check --strict      # les règles se chargent et chaque année se calcule\n")
	b.WriteString("quotepart run                 # la facture de chaque membre, année par année\n")
	b.WriteString("quotepart test                # les cas de test de service.test.yaml\n")
	b.WriteString("quotepart report -o rapport.html\n```\n\n")
	b.WriteString("## Fichiers\n\n")
	for _, f := range files {
		fmt.Fprintf(&b, "- `%s`\n", f.Path)
	}
	b.WriteString("- `scenarios/reference.yaml`, `scenarios/renfort.yaml`\n- `.gitlab-ci.yml`\n- `LISEZMOI.md`\n\n")
	b.WriteString("## Données\n\n")
	b.WriteString("Membres, codes et populations : " + dataNote + ". " +
		"Le périmètre des EPCI est celui de cette édition : un EPCI qui a changé de périmètre depuis " +
		"(fusion, adhésion ou retrait d'une commune) se corrige dans `service.yaml` et " +
		"`donnees/populations.csv`, ou en relançant `quotepart init` avec `--communes`.\n")
	return []byte(b.String())
}

// number writes a decimal as YAML and quotepart read it: 44100, 0.03.
func number(d decimal.Decimal) string { return d.String() }

// french writes a number as a French reader reads it: 44 100, 0,5
// (thousands grouped by a narrow no-break space).
func french(d decimal.Decimal) string {
	whole, frac, _ := strings.Cut(d.String(), ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}

// percent writes a rate as a French reader reads it: 3 %.
func percent(d decimal.Decimal) string { return french(d.Shift(2)) + "\u00a0%" }

// yamlText writes a text as a YAML scalar: plain when YAML reads it back
// as the same text, double-quoted otherwise.
func yamlText(s string) string {
	if plainSafe.MatchString(s) && !strings.Contains(s, ": ") && !strings.Contains(s, " #") && !strings.HasSuffix(s, ":") &&
		!slices.Contains([]string{"true", "false", "yes", "no", "on", "off", "null", "~"}, strings.ToLower(s)) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return s
		}
	}
	return strconv.Quote(s)
}

// plainSafe: starts with a letter or digit, no character YAML gives a
// meaning to in a flow or at the start.
var plainSafe = regexp.MustCompile(`^[\p{L}\p{N}][^\x00-\x1f\x7f"{}\[\],&*!|>%@` + "`" + `]*[^\s:]$|^[\p{L}\p{N}]$`)

// writeFolded writes text as the lines of a folded (>-) scalar, about 76
// characters wide.
func writeFolded(b *strings.Builder, indent, text string) {
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len([]rune(line))+1+len([]rune(word)) > 76-len(indent) {
			b.WriteString(indent + line + "\n")
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		b.WriteString(indent + line + "\n")
	}
}

// csvField quotes a CSV field that holds the separator or a quote.
func csvField(s string) string {
	if strings.ContainsAny(s, ";\"\r\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
