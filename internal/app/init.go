package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing/fstest"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/outfile"
	"github.com/quotepart/quotepart/internal/scaffold"
	"github.com/quotepart/quotepart/internal/territory"
	"github.com/quotepart/quotepart/reports"
)

// InitOptions describe the shared service quotepart init starts.
type InitOptions struct {
	// EPCI is the SIREN of the EPCI whose communes are the members, the
	// EPCI being one too; Communes the INSEE codes of the member communes
	// (with EPCI: the perimeter to take instead of the data's).
	EPCI     string
	Communes []string
	// Manager is the member that manages the service: a SIREN, an INSEE
	// code or a member id; the EPCI, else the first commune, by default.
	Manager string
	// Key is population (the default), equal, mixed or units.
	Key string
	// Start is the day the service takes effect (1 January 2026 by
	// default); To the last year covered (four years after the start's).
	Start engine.Date
	To    int
	// Lang is the language of messages.
	Lang reports.Lang
	// Dir is the folder Init writes into; Force lets it write into a
	// folder that is not empty.
	Dir   string
	Force bool
}

// DefaultStart is the start of a new service when none is given:
// 1 January of the data's edition.
var DefaultStart = engine.NewDate(2026, time.January, 1)

// Scaffold is a new shared service, its files made and checked in memory.
type Scaffold struct {
	Spec         scaffold.Spec
	Files        []scaffold.File
	Placeholders []scaffold.Placeholder
	// Notices say what the user must know of the members: the edition of
	// the data, communes taken or left out against it.
	Notices []string
	// Check is what check --strict says of the files: no error, no
	// warning.
	Check *reports.Check
	// Dir is the folder the files were written to, once written.
	Dir string
}

// Init starts a new shared service: it makes its files (NewScaffold),
// checks them, writes them into opt.Dir (Scaffold.Write) and says what it
// did. Nothing is written on any error.
func Init(ctx context.Context, opt InitOptions) (*reports.Scaffolded, error) {
	s, err := NewScaffold(ctx, opt)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.Write(opt.Dir, opt.Force, opt.Lang); err != nil {
		return nil, err
	}
	return s.Summary(), nil
}

// Summary is what the scaffold holds, as init reports it.
func (s *Scaffold) Summary() *reports.Scaffolded {
	sp := &s.Spec
	out := &reports.Scaffolded{Dir: s.Dir, Title: sp.Title, Members: len(sp.Members()), Communes: len(sp.Communes),
		Manager: sp.Manager, Key: string(sp.Key), Notices: s.Notices, Data: territory.Attribution + " (" + territory.Licence + ")"}
	if sp.EPCI != nil {
		out.EPCI = sp.EPCI.Label
	}
	for _, c := range sp.Communes {
		out.Population += c.Population
	}
	for _, f := range s.Files {
		out.Files = append(out.Files, f.Path)
	}
	for _, p := range s.Placeholders {
		out.Placeholders = append(out.Placeholders, reports.Placeholder(p))
	}
	return out
}

// NewScaffold makes the files of a new shared service from the national
// data and checks them as check --strict would, in memory: it writes
// nothing. An unknown SIREN or INSEE code is an error with the codes one
// typo away and the names that match.
func NewScaffold(ctx context.Context, opt InitOptions) (*Scaffold, error) {
	l := opt.Lang
	data, err := territory.Load()
	if err != nil {
		return nil, fmt.Errorf("internal error: %v", err)
	}
	key := scaffold.KeyPopulation
	if opt.Key != "" {
		k, ok := scaffold.ParseKey(opt.Key)
		if !ok {
			return nil, fmt.Errorf("%s", say(l, fmt.Sprintf("--key : clé %q inconnue ; les clés sont %s", opt.Key, keyList()),
				fmt.Sprintf("--key: unknown key %q; the keys are %s", opt.Key, keyList())))
		}
		key = k
	}
	start := opt.Start
	if start.IsZero() {
		start = DefaultStart
	}
	to := opt.To
	if to == 0 {
		to = start.Year + 4
	}
	if to < start.Year || to > start.Year+50 {
		return nil, fmt.Errorf("%s", say(l, fmt.Sprintf("--to : %d doit être entre l'année du démarrage, %d, et %d", to, start.Year, start.Year+50),
			fmt.Sprintf("--to: %d must lie between the start's year, %d, and %d", to, start.Year, start.Year+50)))
	}
	s := &Scaffold{Spec: scaffold.Spec{Key: key, Start: start, To: to}}
	if err := s.members(data, opt); err != nil {
		return nil, err
	}
	if err := s.manager(opt); err != nil {
		return nil, err
	}
	if _, err = s.files(); err != nil {
		return nil, err
	}
	if err := s.verify(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func keyList() string {
	var ks []string
	for _, k := range scaffold.Keys {
		ks = append(ks, string(k))
	}
	return strings.Join(ks, ", ")
}

func say(l reports.Lang, fr, en string) string {
	if l == reports.English {
		return en
	}
	return fr
}

var siren = regexp.MustCompile(`^\d{9}$`)

// members finds the members in the data.
func (s *Scaffold) members(data *territory.Data, opt InitOptions) error {
	l := opt.Lang
	sp := &s.Spec
	// The files are in French whatever the language of messages.
	edition := "l'édition " + territory.Edition + " des données nationales (" + territory.Attribution + ")"
	var epci *territory.EPCI
	if opt.EPCI != "" {
		e, err := findEPCI(data, strings.TrimSpace(opt.EPCI), l)
		if err != nil {
			return err
		}
		epci = e
		m := scaffold.FromEPCI(e)
		sp.EPCI = &m
		sp.ID = scaffold.Slug(e.Name)
		sp.Title = "Service commun — " + e.Name
	}
	var communes []*territory.Commune
	if len(opt.Communes) > 0 {
		seen := map[string]bool{}
		var errs []string
		for _, code := range opt.Communes {
			code = strings.TrimSpace(code)
			if code == "" {
				continue
			}
			c, err := findCommune(data, code, l)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			if seen[c.INSEE] {
				errs = append(errs, say(l, fmt.Sprintf("--communes : %s (%s) est donnée deux fois", c.INSEE, c.Name),
					fmt.Sprintf("--communes: %s (%s) is given twice", c.INSEE, c.Name)))
				continue
			}
			seen[c.INSEE] = true
			communes = append(communes, c)
		}
		if len(errs) > 0 {
			return errors.New(strings.Join(errs, "\n"))
		}
	}
	switch {
	case epci == nil && len(communes) == 0:
		return errors.New(say(l, "donnez l'EPCI (--epci SIREN) ou les communes membres (--communes INSEE,...) ; --list-epci TEXTE cherche un EPCI par son nom",
			"give the EPCI (--epci SIREN) or the member communes (--communes INSEE,...); --list-epci TEXT searches EPCIs by name"))
	case epci != nil && len(communes) == 0:
		communes = epci.Communes
		sp.Perimeter = fmt.Sprintf("Membres : %s (SIREN %s) et ses %d communes membres selon %s.", epci.Name, epci.SIREN, len(communes), edition)
		s.Notices = append(s.Notices, say(l,
			fmt.Sprintf("Périmètre de %s selon l'édition %s des données : si l'EPCI a changé de périmètre depuis (fusion, adhésion ou retrait d'une commune), relancez init avec --communes, ou corrigez service.yaml et donnees/populations.csv.", epci.Name, territory.Edition),
			fmt.Sprintf("The perimeter of %s is the one of the %s edition of the data: if the EPCI has changed since (a merger, a commune joining or leaving), run init again with --communes, or correct service.yaml and donnees/populations.csv.", epci.Name, territory.Edition)))
	case epci != nil:
		sp.Perimeter = fmt.Sprintf("Membres : %s (SIREN %s) et %d communes données à quotepart init (--communes) ; noms, codes et populations selon %s.", epci.Name, epci.SIREN, len(communes), edition)
		for _, c := range communes {
			if c.EPCI != epci {
				s.Notices = append(s.Notices, say(l,
					fmt.Sprintf("%s (%s) n'est pas membre de %s dans l'édition %s des données, mais de %s : retenue comme demandé (un changement de périmètre depuis ?).", c.Name, c.INSEE, epci.Name, territory.Edition, c.EPCI.Name),
					fmt.Sprintf("%s (%s) is not a member of %s in the %s edition of the data, but of %s: taken as asked (a change of perimeter since?).", c.Name, c.INSEE, epci.Name, territory.Edition, c.EPCI.Name)))
			}
		}
		var left []string
		for _, c := range epci.Communes {
			if !slices.Contains(communes, c) {
				left = append(left, c.Name+" ("+c.INSEE+")")
			}
		}
		if len(left) > 0 {
			s.Notices = append(s.Notices, say(l,
				fmt.Sprintf("Communes de %s dans les données qui ne sont pas membres du service : %s.", epci.Name, strings.Join(left, ", ")),
				fmt.Sprintf("Communes of %s in the data that are not members of the service: %s.", epci.Name, strings.Join(left, ", "))))
		}
	default:
		sp.ID = scaffold.Slug(communes[0].Name)
		sp.Title = "Service commun — " + communes[0].Name
		if len(communes) > 1 {
			sp.Title += fmt.Sprintf(" et %d autres communes", len(communes)-1)
		}
		sp.Perimeter = fmt.Sprintf("Membres : %d communes données à quotepart init (--communes) ; noms, codes et populations selon %s.", len(communes), edition)
	}
	n := len(communes)
	if epci != nil {
		n++
	}
	if n < 2 {
		return errors.New(say(l, "un service commun a au moins deux membres : donnez-en d'autres avec --communes",
			"a shared service has at least two members: give more with --communes"))
	}
	ids := map[string]int{}
	if sp.EPCI != nil {
		ids[sp.EPCI.ID]++
	}
	for _, c := range communes {
		ids[scaffold.Slug(c.Name)]++
	}
	for _, c := range communes {
		m := scaffold.FromCommune(c)
		if ids[m.ID] > 1 {
			m.ID += "_" + strings.ToLower(c.INSEE) // two communes of the same name
		}
		sp.Communes = append(sp.Communes, m)
	}
	sp.ID = strings.ReplaceAll(sp.ID, "_", "-")
	return nil
}

// findEPCI finds an EPCI by SIREN, and says what else the code or text
// may be when it is not one.
func findEPCI(data *territory.Data, code string, l reports.Lang) (*territory.EPCI, error) {
	if e, ok := data.EPCI(code); ok {
		return e, nil
	}
	if !siren.MatchString(code) {
		found := data.SearchEPCI(code)
		if len(found) == 0 {
			return nil, errors.New(say(l,
				fmt.Sprintf("--epci : %q n'est pas un SIREN (9 chiffres), et aucun EPCI de l'édition %s des données n'a ce nom", code, territory.Edition),
				fmt.Sprintf("--epci: %q is not a SIREN (9 digits), and no EPCI of the %s edition of the data has that name", code, territory.Edition)))
		}
		return nil, errors.New(say(l, fmt.Sprintf("--epci : %q n'est pas un SIREN (9 chiffres) ; EPCI dont le nom correspond :", code),
			fmt.Sprintf("--epci: %q is not a SIREN (9 digits); EPCIs whose name matches:", code)) + epciList(found, 10, l))
	}
	for _, e := range data.EPCIs() {
		for _, c := range e.Communes {
			if c.SIREN == code {
				return nil, errors.New(say(l,
					fmt.Sprintf("--epci : %s est le SIREN de la commune %s (code INSEE %s), membre de %s (SIREN %s) ; donnez le SIREN de l'EPCI, ou la commune avec --communes %s", code, c.Name, c.INSEE, e.Name, e.SIREN, c.INSEE),
					fmt.Sprintf("--epci: %s is the SIREN of the commune %s (INSEE code %s), a member of %s (SIREN %s); give the EPCI's SIREN, or the commune with --communes %s", code, c.Name, c.INSEE, e.Name, e.SIREN, c.INSEE)))
			}
		}
	}
	msg := say(l,
		fmt.Sprintf("--epci : %s n'est le SIREN d'aucun EPCI à fiscalité propre de l'édition %s des données (%s) ; un EPCI créé ou fusionné depuis n'y figure pas : donnez alors ses communes avec --communes, et cherchez un EPCI par son nom avec --list-epci TEXTE", code, territory.Edition, territory.Attribution),
		fmt.Sprintf("--epci: %s is the SIREN of no EPCI with its own tax status in the %s edition of the data (%s); an EPCI created or merged since is not in it: give its communes with --communes, and search EPCIs by name with --list-epci TEXT", code, territory.Edition, territory.Attribution))
	if near := data.NearSIREN(code); len(near) > 0 {
		msg += say(l, " ; à une faute de frappe près :", "; one typo away:") + epciList(near, 10, l)
	}
	return nil, errors.New(msg)
}

func epciList(es []*territory.EPCI, n int, l reports.Lang) string {
	var b strings.Builder
	for i, e := range es {
		if i == n {
			fmt.Fprintf(&b, say(l, "\n  ... et %d autres", "\n  ... and %d more"), len(es)-n)
			break
		}
		fmt.Fprintf(&b, "\n  %s  %s (%s, %s)", e.SIREN, e.Name, plural(len(e.Communes), say(l, "commune", "commune")), e.Kind)
	}
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

var inseeCode = regexp.MustCompile(`^(\d{5}|2[AaBb]\d{3})$`)

// findCommune finds a commune by INSEE code.
func findCommune(data *territory.Data, code string, l reports.Lang) (*territory.Commune, error) {
	if c, ok := data.Commune(code); ok {
		return c, nil
	}
	list := func(cs []*territory.Commune) string {
		var parts []string
		for i, c := range cs {
			if i == 8 {
				parts = append(parts, "...")
				break
			}
			parts = append(parts, fmt.Sprintf("%s %s (%s)", c.INSEE, c.Name, c.EPCI.Name))
		}
		return strings.Join(parts, ", ")
	}
	if !inseeCode.MatchString(code) {
		found := data.SearchCommune(code)
		if len(found) == 0 {
			return nil, errors.New(say(l, fmt.Sprintf("--communes : %q n'est pas un code INSEE (5 caractères), et aucune commune n'a ce nom", code),
				fmt.Sprintf("--communes: %q is not an INSEE code (5 characters), and no commune has that name", code)))
		}
		return nil, errors.New(say(l, fmt.Sprintf("--communes : %q n'est pas un code INSEE (5 caractères) ; communes de ce nom : %s", code, list(found)),
			fmt.Sprintf("--communes: %q is not an INSEE code (5 characters); communes of that name: %s", code, list(found))))
	}
	msg := say(l,
		fmt.Sprintf("--communes : %s n'est le code INSEE d'aucune commune membre d'un EPCI dans l'édition %s des données", code, territory.Edition),
		fmt.Sprintf("--communes: %s is the INSEE code of no commune member of an EPCI in the %s edition of the data", code, territory.Edition))
	if near := data.NearINSEE(code); len(near) > 0 {
		msg += say(l, " ; à une faute de frappe près : ", "; one typo away: ") + list(near)
	}
	return nil, errors.New(msg)
}

// manager chooses the member that manages the service.
func (s *Scaffold) manager(opt InitOptions) error {
	sp := &s.Spec
	members := sp.Members()
	want := strings.TrimSpace(opt.Manager)
	if want == "" {
		sp.Manager = members[0].ID
		return nil
	}
	var ids []string
	for _, m := range members {
		if want == m.ID || want == m.SIREN || (m.INSEE != "" && strings.EqualFold(want, m.INSEE)) {
			sp.Manager = m.ID
			return nil
		}
		ids = append(ids, m.ID)
	}
	return errors.New(say(opt.Lang,
		fmt.Sprintf("--manager : %q n'est ni le SIREN, ni le code INSEE, ni l'identifiant d'un membre%s ; les membres sont : %s", want, diag.Suggest(want, ids), strings.Join(ids, ", ")),
		fmt.Sprintf("--manager: %q is neither the SIREN, the INSEE code nor the id of a member%s; the members are: %s", want, diag.Suggest(want, ids), strings.Join(ids, ", "))))
}

// files makes the files.
func (s *Scaffold) files() ([]scaffold.File, error) {
	files, ph, err := scaffold.Files(s.Spec)
	if err != nil {
		return nil, fmt.Errorf("internal error: %v", err)
	}
	s.Files, s.Placeholders = files, ph
	return files, nil
}

// verify loads the files as quotepart reads them and checks them as
// check --strict does: every error or warning is a bug of init.
func (s *Scaffold) verify(ctx context.Context) error {
	fsys := fstest.MapFS{}
	for _, f := range s.Files {
		fsys[f.Path] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
	ws, err := Load(Source{FS: fsys, Dir: ".", Display: "."}, &Source{FS: fsys, Dir: "scenarios", Display: "scenarios"})
	if err != nil {
		return fmt.Errorf("internal error: the files init made do not load:\n%s", diag.Flatten(err).Detail())
	}
	targets, _ := checkLoaded(ctx, ws, ".", CheckOptions{Strict: true, StaleYears: DefaultStaleYears})
	s.Check = &reports.Check{Strict: true, Targets: targets}
	dedupeWarnings(s.Check.Targets)
	for _, t := range s.Check.Targets {
		if len(t.Errors) > 0 || len(t.Warnings) > 0 {
			var b strings.Builder
			for _, e := range t.Errors {
				b.WriteString(e.Detail() + "\n")
			}
			for _, w := range t.Warnings {
				b.WriteString(w.Detail() + " (warning)\n")
			}
			return fmt.Errorf("internal error: the files init made do not pass check --strict (%s):\n%s", t.Name, b.String())
		}
	}
	return nil
}

// Write writes the files into dir, which must be empty or not exist
// unless force is set (files of the same name are then replaced, others
// left). Every path is checked before the first is written; each file is
// written atomically (package outfile); on a failure, what this call
// created is removed, so that a new folder is left as it was.
func (s *Scaffold) Write(dir string, force bool, l reports.Lang) error {
	info, err := os.Stat(dir)
	existed := err == nil
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: %v", dir, diag.Cause(err))
	case existed && !info.IsDir():
		return errors.New(say(l, fmt.Sprintf("%s existe et n'est pas un dossier", dir), fmt.Sprintf("%s exists and is not a folder", dir)))
	case existed && !force:
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("%s: %v", dir, diag.Cause(err))
		}
		if len(entries) > 0 {
			return errors.New(say(l,
				fmt.Sprintf("%s n'est pas vide : init écrit dans un dossier vide ou nouveau ; --force écrit quand même (les fichiers de même nom sont remplacés, les autres laissés)", dir),
				fmt.Sprintf("%s is not empty: init writes into an empty or new folder; --force writes anyway (files of the same name are replaced, others left)", dir)))
		}
	}
	if !existed {
		if parent := filepath.Dir(filepath.Clean(dir)); parent != "" {
			if pi, err := os.Stat(parent); err != nil || !pi.IsDir() {
				return errors.New(say(l, fmt.Sprintf("impossible de créer %s : le dossier %s n'existe pas", dir, parent),
					fmt.Sprintf("cannot create %s: the folder %s does not exist", dir, parent)))
			}
		}
	}
	// Folders first, so that outfile.Check sees where each file goes.
	var made []string
	undo := func() {
		for i := len(made) - 1; i >= 0; i-- {
			os.Remove(made[i])
		}
	}
	mkdir := func(p string) error {
		if _, err := os.Stat(p); err == nil {
			return nil
		}
		if err := os.Mkdir(p, 0o755); err != nil {
			return fmt.Errorf("cannot create %s: %v", p, diag.Cause(err))
		}
		made = append(made, p)
		return nil
	}
	if err := mkdir(dir); err != nil {
		return err
	}
	for _, f := range s.Files {
		parts := strings.Split(path.Dir(f.Path), "/")
		for i := range parts {
			if parts[i] == "." {
				continue
			}
			if err := mkdir(filepath.Join(append([]string{dir}, parts[:i+1]...)...)); err != nil {
				undo()
				return err
			}
		}
	}
	for _, f := range s.Files {
		if err := outfile.Check(filepath.Join(dir, filepath.FromSlash(f.Path))); err != nil {
			undo()
			return err
		}
	}
	for _, f := range s.Files {
		target := filepath.Join(dir, filepath.FromSlash(f.Path))
		_, statErr := os.Lstat(target)
		if err := outfile.Write(target, f.Data, nil); err != nil {
			undo()
			return err
		}
		if errors.Is(statErr, fs.ErrNotExist) {
			made = append(made, target)
		}
	}
	s.Dir = dir
	return nil
}

// ListEPCI returns the EPCI whose name holds every word of text (or
// whose SIREN starts with it), for init --list-epci.
func ListEPCI(text string) (*reports.EPCIList, error) {
	data, err := territory.Load()
	if err != nil {
		return nil, fmt.Errorf("internal error: %v", err)
	}
	out := &reports.EPCIList{Query: text, Data: territory.Attribution + " (" + territory.Licence + ")", Matches: []reports.EPCIMatch{}}
	for _, e := range data.SearchEPCI(text) {
		out.Matches = append(out.Matches, reports.EPCIMatch{SIREN: e.SIREN, Name: e.Name, Kind: e.Kind, Communes: len(e.Communes), Population: e.Population()})
	}
	return out, nil
}
