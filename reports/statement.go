package reports

import (
	"fmt"

	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/engine/billing"
	"github.com/shopspring/decimal"
)

// Statement is what goes with a member's invoice for a year (the
// statement command): the service, the member's key and how it derives,
// its part of each pool with the fees, its instalments, the regularisation
// of the previous year, how it settles, the source of every figure, and
// which quotepart computed it from which files.
type Statement struct {
	ScenarioID, ScenarioTitle string
	// Basis is "budget" (or empty) or "actuals".
	Basis   string
	Service ServiceInfo
	// Trace is the member's amount explained (engine.Explain): its
	// pools, key and fee evaluations, rules and parameters.
	Trace *engine.Trace
	// Kind, Joined and Left describe the member; MemberMonths counts the
	// months of the year it counts in.
	Kind         string
	Joined, Left engine.Date
	MemberMonths int
	// ReferenceKey names the rule reported as the member's share.
	ReferenceKey string
	// Instalments split the year's bill (without the regularisation);
	// none for the manager and for a member settled by imputation.
	Instalments []billing.Instalment
	Schedule    *ScheduleInfo
	// Previous is the member's regularisation of the previous year, when
	// that year has actual figures.
	Previous *PreviousYear
	// Imputation is set when the member settles by imputation on its
	// attribution de compensation.
	Imputation *ImputationInfo
	Warnings   []string
	// Date is printed when set.
	Date       engine.Date
	Provenance Provenance
}

// ServiceInfo is what a statement says of the service.
type ServiceInfo struct {
	ID, Title, Description, Manager, Source, URL string
	Start                                        engine.Date
}

// ScheduleInfo names the instalment schedule of the year.
type ScheduleInfo struct {
	Label, Source, Assumption string
}

// PreviousYear is a member's regularisation of the previous year.
type PreviousYear struct {
	Year                    int
	Billed, Due, Difference decimal.Decimal
	// Carried says that the difference is part of this year's bill;
	// otherwise it is billed apart.
	Carried bool
}

// ImputationInfo is a member's settlement on its attribution de
// compensation, with the deliberation deciding it.
type ImputationInfo struct {
	engine.Imputation
	Source, Assumption string
}

// FileName is the name of the statement's file in a folder of
// statements: member-year.ext.
func (s *Statement) FileName(f Format) string {
	return fmt.Sprintf("%s-%d.%s", s.Trace.Member.ID, s.Trace.Year, f)
}

// stmtView is a statement worded in one language, laid out by each
// renderer (Markdown, HTML, PDF) its own way.
type stmtView struct {
	Title, Subtitle string
	Facts           [][2]string
	Summary         [][2]string
	// summaryTotal is the last line of the summary: what the member pays
	// (or has imputed) for the year.
	SummaryTotal [2]string
	KeyIntro     string
	KeySteps     [][3]string
	PoolHead     []string
	Pools        [][]string
	PoolTotal    []string
	InstalIntro  string
	InstalHead   []string
	Instalments  [][]string
	InstalTotal  []string
	Regul        []string
	Settlement   []string
	Warnings     []string
	SourceHead   []string
	Sources      [][3]string
	Footer       []string
	Lang         Lang
	Headings     stmtHeadings
}

type stmtHeadings struct {
	Summary, Key, Pools, Instalments, Regul, Settlement, Warnings, Sources string
}

type stmtWords struct {
	title, service, manager, convention, member, year, basis, budget, actuals, date, months, since, until,
	part, fees, regulOf, total, billedTotal, imputedTotal, managerTotal,
	headSummary, headKey, headPools, headInstal, headRegul, headSettle, headWarn, headSources,
	keyIntro, pool, amount, key, partCol, feesCol, due, period, fraction, instAmount, instalIntro, noSchedule,
	instalManager, instalImputed, regulNone, regulNotMember, regulCarried, regulApart, regulLine,
	settleInvoice, settleManager, settleAC, acBefore, acAfter, acNegative, figure, value, source, assumption,
	actualAmount, computed, issued, instalSum, totalFor string
	kinds map[string]string
}

var stmtVocabulary = map[Lang]stmtWords{
	French: {title: "Relevé %d", service: "Service", manager: "Gestionnaire", convention: "Fondement", member: "Membre",
		year: "Année", basis: "Base", budget: "budget (montants prévisionnels)", actuals: "chiffres réels (compte administratif)",
		date: "Édité le", months: "%d mois", since: "membre depuis le %s", until: "jusqu'au %s",
		part: "Votre part des charges", fees: "dont frais de gestion", regulOf: "Régularisation de %d",
		total: "Total", billedTotal: "Montant facturé pour %d", imputedTotal: "Montant imputé sur l'attribution de compensation pour %d",
		managerTotal: "Montant facturé (le gestionnaire ne se facture pas)",
		headSummary:  "Montant de l'année", headKey: "Votre clé et son calcul", headPools: "Détail par charge",
		headInstal: "Échéancier", headRegul: "Régularisation de l'année précédente", headSettle: "Mode de règlement",
		headWarn: "Avertissements", headSources: "Sources des chiffres",
		keyIntro: "Votre clé de référence (%s) est de %s. Elle se calcule ainsi, dans l'ordre :",
		pool:     "Charge", amount: "Montant de la charge", key: "Votre clé", partCol: "Votre part", feesCol: "Frais de gestion",
		due: "Échéance", period: "Période couverte", fraction: "Fraction", instAmount: "Montant",
		instalIntro: "%s. Les acomptes portent sur le montant prévisionnel de l'année et totalisent exactement %s.",
		noSchedule:  "Un seul titre, au 31 décembre", instalManager: "Le gestionnaire supporte sa part sans se la facturer : aucun acompte.",
		instalImputed:  "Pas de titre de recette : le montant est imputé sur l'attribution de compensation (voir Mode de règlement).",
		regulNone:      "Aucune régularisation : les chiffres réels de %d ne sont pas encore arrêtés (aucun compte administratif dans le dossier des comptes).",
		regulNotMember: "Aucune régularisation : vous n'étiez pas membre en %d.",
		regulCarried:   "L'écart s'ajoute au montant facturé de cette année.", regulApart: "L'écart est facturé à part : il ne s'ajoute pas au montant de cette année.",
		regulLine:     "En %d, vous avez été facturé %s ; sur les chiffres réels, vous deviez %s. Écart : %s.",
		settleInvoice: "Règlement par titre de recette émis par le gestionnaire à chaque échéance.",
		settleManager: "Le gestionnaire ne s'émet pas de titre : sa part reste à sa charge.",
		settleAC:      "Règlement par imputation sur l'attribution de compensation (paramètre %s).",
		acBefore:      "Attribution de compensation avant imputation", acAfter: "Attribution de compensation après imputation",
		acNegative: "L'imputation rend l'attribution de compensation négative : la différence doit faire l'objet d'un titre de recette.",
		figure:     "Chiffre", value: "Valeur", source: "Source", assumption: "hypothèse",
		actualAmount: "montant réel", computed: "calculé", issued: "titres émis",
		instalSum: "Total des acomptes", totalFor: "Total pour %d",
		kinds: map[string]string{"epci": "EPCI", "commune": "commune", "ccas": "CCAS"}},
	English: {title: "Statement %d", service: "Service", manager: "Manager", convention: "Founded on", member: "Member",
		year: "Year", basis: "Basis", budget: "budget (forecast amounts)", actuals: "actual figures (closed accounts)",
		date: "Issued on", months: "%d months", since: "member since %s", until: "until %s",
		part: "Your part of the costs", fees: "of which management fees", regulOf: "Regularisation of %d",
		total: "Total", billedTotal: "Amount billed for %d", imputedTotal: "Amount imputed on the attribution de compensation for %d",
		managerTotal: "Amount billed (the manager does not bill itself)",
		headSummary:  "The year's amount", headKey: "Your key and how it is computed", headPools: "By cost",
		headInstal: "Instalments", headRegul: "Regularisation of the previous year", headSettle: "Settlement",
		headWarn: "Warnings", headSources: "Sources of the figures",
		keyIntro: "Your reference key (%s) is %s. It is computed as follows, in order:",
		pool:     "Cost", amount: "Amount of the cost", key: "Your key", partCol: "Your part", feesCol: "Management fees",
		due: "Due", period: "Months covered", fraction: "Fraction", instAmount: "Amount",
		instalIntro: "%s. The instalments are on the year's forecast amount and add up to exactly %s.",
		noSchedule:  "One bill, on 31 December", instalManager: "The manager bears its part without billing itself: no instalment.",
		instalImputed:  "No invoice: the amount is imputed on the attribution de compensation (see Settlement).",
		regulNone:      "No regularisation: the actual figures of %d are not closed yet (no actuals file).",
		regulNotMember: "No regularisation: you were not a member in %d.",
		regulCarried:   "The difference is added to this year's bill.", regulApart: "The difference is billed apart: it is not added to this year's amount.",
		regulLine:     "In %d you were billed %s; on the actual figures you owed %s. Difference: %s.",
		settleInvoice: "Settled by invoice (titre de recette) issued by the manager at each due date.",
		settleManager: "The manager issues itself no invoice: its part stays its own.",
		settleAC:      "Settled by imputation on the attribution de compensation (parameter %s).",
		acBefore:      "Attribution de compensation before imputation", acAfter: "Attribution de compensation after imputation",
		acNegative: "The imputation turns the attribution de compensation negative: the difference must be invoiced.",
		figure:     "Figure", value: "Value", source: "Source", assumption: "assumption",
		actualAmount: "actual amount", computed: "computed", issued: "instalments issued",
		instalSum: "Instalments", totalFor: "Total for %d",
		kinds: map[string]string{"epci": "EPCI", "commune": "commune", "ccas": "CCAS"}},
}

func stmtWordsFor(lang Lang) stmtWords { return wordsIn(stmtVocabulary, lang) }

// stmtViewer words one statement: the parts of its view, one method each.
type stmtViewer struct {
	s    *Statement
	v    *stmtView
	w    stmtWords
	lang Lang
}

// view words s in lang. Text from the files is kept as written: each
// renderer escapes it for its format.
func (s *Statement) view(lang Lang) *stmtView {
	w := stmtWordsFor(lang)
	b := &stmtViewer{s: s, w: w, lang: lang, v: &stmtView{Lang: lang, Headings: stmtHeadings{Summary: w.headSummary, Key: w.headKey, Pools: w.headPools,
		Instalments: w.headInstal, Regul: w.headRegul, Settlement: w.headSettle, Warnings: w.headWarn, Sources: w.headSources}}}
	b.facts()
	b.summary()
	b.keySteps()
	b.pools()
	b.instalments()
	b.previousYear()
	b.settlement()
	b.v.Warnings = s.Warnings
	b.sources()
	b.footer()
	return b.v
}

// facts are the title and the facts of the head: the service, the
// member, the year, the basis and the date.
func (b *stmtViewer) facts() {
	s, v, w, lang := b.s, b.v, b.w, b.lang
	t := s.Trace
	v.Title = fmt.Sprintf(w.title, t.Year) + " — " + t.Member.Label
	v.Subtitle = s.Service.Title
	v.Facts = append(v.Facts, [2]string{w.service, s.Service.Title})
	if s.Service.Manager != "" {
		v.Facts = append(v.Facts, [2]string{w.manager, s.Service.Manager})
	}
	if s.Service.Source != "" {
		v.Facts = append(v.Facts, [2]string{w.convention, oneLine(s.Service.Source)})
	}
	v.Facts = append(v.Facts, [2]string{w.member, b.memberText()})
	year := fmt.Sprint(t.Year)
	if s.MemberMonths < 12 {
		year += " (" + fmt.Sprintf(w.months, s.MemberMonths) + ")"
	}
	v.Facts = append(v.Facts, [2]string{w.year, year})
	basis := w.budget
	if s.Basis == "actuals" {
		basis = w.actuals
	}
	v.Facts = append(v.Facts, [2]string{w.basis, basis})
	if !s.Date.IsZero() {
		v.Facts = append(v.Facts, [2]string{w.date, Date(s.Date, lang)})
	}
}

// memberText is the member's label with its kind, and when it joined
// (after the service started) or left.
func (b *stmtViewer) memberText() string {
	s, w := b.s, b.w
	member := s.Trace.Member.Label
	if k, ok := w.kinds[s.Kind]; ok {
		member += " (" + k + ")"
	}
	if !s.Joined.IsZero() && s.Joined.After(s.Service.Start) {
		member += ", " + fmt.Sprintf(w.since, Date(s.Joined, b.lang))
	}
	if !s.Left.IsZero() {
		member += ", " + fmt.Sprintf(w.until, Date(s.Left, b.lang))
	}
	return member
}

// summary is what the member pays: its part, the fees, the
// regularisation, and the total, worded by how it settles.
func (b *stmtViewer) summary() {
	s, v, w, lang := b.s, b.v, b.w, b.lang
	t := s.Trace
	my := t.Member
	v.Summary = append(v.Summary, [2]string{w.part, Money(my.Amount, lang)})
	if !my.Fees.IsZero() {
		v.Summary = append(v.Summary, [2]string{w.fees, Money(my.Fees, lang)})
	}
	if !my.Regularisation.IsZero() && s.Previous != nil {
		v.Summary = append(v.Summary, [2]string{fmt.Sprintf(w.regulOf, s.Previous.Year), SignedMoney(my.Regularisation, lang)})
	}
	switch {
	case my.Manager:
		v.SummaryTotal = [2]string{w.managerTotal, Money(my.Billed, lang)}
	case s.Imputation != nil:
		v.SummaryTotal = [2]string{fmt.Sprintf(w.imputedTotal, t.Year), Money(my.Billed, lang)}
	default:
		v.SummaryTotal = [2]string{fmt.Sprintf(w.billedTotal, t.Year), Money(my.Billed, lang)}
	}
}

// keySteps are the key and its derivation: every rule the member's key
// reads, per period when it changes within the year.
func (b *stmtViewer) keySteps() {
	s, v, w, lang := b.s, b.v, b.w, b.lang
	t := s.Trace
	my := t.Member
	v.KeyIntro = fmt.Sprintf(w.keyIntro, s.ReferenceKey, Percent(my.Share, lang))
	for _, r := range t.Rules {
		if r.Rule.Param {
			continue // a figure, listed with the sources
		}
		for _, ev := range r.Evaluations {
			if ev.Member != "" && ev.Member != my.ID {
				continue
			}
			name := r.Rule.Name
			if r.Rule.Label != "" {
				name = r.Rule.Label + " (" + r.Rule.Name + ")"
			}
			if ev.Months < t.Months || segments(r.Evaluations, ev.Member) > 1 {
				name += fmt.Sprintf(" — %s %d–%d", strings.ToLower(w.year), ev.FromMonth, ev.FromMonth+ev.Months-1)
			}
			v.KeySteps = append(v.KeySteps, [3]string{name, oneLine(ev.Source), plainNumber(ev.Value, lang)})
		}
	}
}

// pools are the member's part of each pool, with the fees.
func (b *stmtViewer) pools() {
	v, w, lang := b.v, b.w, b.lang
	v.PoolHead = []string{w.pool, w.amount, w.key, w.partCol, w.feesCol}
	parts, fees := decimal.Zero, decimal.Zero
	for _, p := range b.s.Trace.Pools {
		label := p.Pool.Label
		if p.Actual != nil {
			label += " (" + w.actualAmount + ")"
		}
		v.Pools = append(v.Pools, []string{label, Money(p.Pool.Amount, lang), Percent(p.Part.Share, lang), Money(p.Part.Amount, lang), Money(p.Part.Fees, lang)})
		parts, fees = parts.Add(p.Part.Amount), fees.Add(p.Part.Fees)
	}
	v.PoolTotal = []string{w.total, "", "", Money(parts, lang), Money(fees, lang)}
}

// instalments are the instalments of the year's bill; the manager and a
// member settled by imputation have none, only a sentence that says why.
func (b *stmtViewer) instalments() {
	s, v, w := b.s, b.v, b.w
	switch {
	case s.Trace.Member.Manager:
		v.InstalIntro = w.instalManager
	case s.Imputation != nil:
		v.InstalIntro = w.instalImputed
	default:
		b.instalmentTable()
	}
}

// instalmentTable lists the instalments of a member billed by invoice. The
// regularisation of the previous year is billed with them but is not
// split: it comes after their sum.
func (b *stmtViewer) instalmentTable() {
	s, v, w, lang := b.s, b.v, b.w, b.lang
	my := s.Trace.Member
	label := w.noSchedule
	if s.Schedule != nil && s.Schedule.Label != "" {
		label = s.Schedule.Label
	}
	bill := my.Billed.Sub(my.Regularisation)
	v.InstalIntro = fmt.Sprintf(w.instalIntro, label, Money(bill, lang))
	v.InstalHead = []string{w.due, w.period, w.fraction, w.instAmount}
	sum := decimal.Zero
	for _, in := range s.Instalments {
		due := Date(in.Due, lang)
		if in.Label != "" {
			due = in.Label + " — " + due
		}
		v.Instalments = append(v.Instalments, []string{due, monthSpan(in, lang), Percent(in.Fraction, lang), Money(in.Amount, lang)})
		sum = sum.Add(in.Amount)
	}
	v.InstalTotal = []string{w.total, "", "", Money(sum, lang)}
	if !my.Regularisation.IsZero() && s.Previous != nil {
		v.Instalments = append(v.Instalments, []string{w.instalSum, "", "", Money(sum, lang)},
			[]string{fmt.Sprintf(w.regulOf, s.Previous.Year), "", "", SignedMoney(my.Regularisation, lang)})
		v.InstalTotal = []string{fmt.Sprintf(w.totalFor, s.Trace.Year), "", "", Money(my.Billed, lang)}
	}
}

// previousYear is the regularisation of the previous year, or why there
// is none.
func (b *stmtViewer) previousYear() {
	s, v, w, lang := b.s, b.v, b.w, b.lang
	year := s.Trace.Year
	switch p := s.Previous; {
	case p != nil:
		v.Regul = append(v.Regul, fmt.Sprintf(w.regulLine, p.Year, Money(p.Billed, lang), Money(p.Due, lang), SignedMoney(p.Difference, lang)))
		if p.Carried {
			v.Regul = append(v.Regul, w.regulCarried)
		} else {
			v.Regul = append(v.Regul, w.regulApart)
		}
	case !s.Joined.IsZero() && s.Joined.Year >= year:
		v.Regul = append(v.Regul, fmt.Sprintf(w.regulNotMember, year-1))
	default:
		v.Regul = append(v.Regul, fmt.Sprintf(w.regulNone, year-1))
	}
}

// settlement is how the member settles: an invoice, nothing for the
// manager, or imputation on its attribution de compensation.
func (b *stmtViewer) settlement() {
	s, v, w, lang := b.s, b.v, b.w, b.lang
	switch {
	case s.Trace.Member.Manager:
		v.Settlement = append(v.Settlement, w.settleManager)
	case s.Imputation != nil:
		im := s.Imputation
		v.Settlement = append(v.Settlement, fmt.Sprintf(w.settleAC, im.Parameter),
			w.acBefore+colon(lang)+" "+Money(im.Before, lang), w.acAfter+colon(lang)+" "+Money(im.After, lang))
		if im.Source != "" {
			v.Settlement = append(v.Settlement, w.source+colon(lang)+" "+oneLine(im.Source))
		}
		if im.Assumption != "" {
			v.Settlement = append(v.Settlement, capitalize(w.assumption)+colon(lang)+" "+oneLine(im.Assumption))
		}
		if im.After.IsNegative() && !im.Before.IsNegative() {
			v.Settlement = append(v.Settlement, w.acNegative)
		}
	default:
		v.Settlement = append(v.Settlement, w.settleInvoice)
	}
}

// sources are the source of every figure: the pools' actual amounts, the
// member's figures, the parameters, the schedule.
func (b *stmtViewer) sources() {
	s, v, w, lang := b.s, b.v, b.w, b.lang
	t := s.Trace
	v.SourceHead = []string{w.figure, w.value, w.source}
	for _, p := range t.Pools {
		if a := p.Actual; a != nil {
			v.Sources = append(v.Sources, [3]string{p.Pool.Label + " (" + w.actualAmount + ")", Money(a.Amount, lang), b.sourceText(a.Source, a.Assumption, "")})
		}
	}
	b.memberFigureSources()
	for _, p := range t.Params {
		name := p.Param.Name
		if p.Param.Label != "" {
			name = p.Param.Label
		}
		var values []string
		for _, d := range p.Values {
			values = append(values, plainNumber(d.Value, lang)+unitSuffix(p.Param.Unit))
		}
		v.Sources = append(v.Sources, [3]string{name, strings.Join(values, " ; "), b.sourceText(p.Param.Source, p.Param.Assumption, p.Param.URL)})
	}
	if sch := s.Schedule; sch != nil && (sch.Source != "" || sch.Assumption != "") {
		v.Sources = append(v.Sources, [3]string{w.headInstal, sch.Label, b.sourceText(sch.Source, sch.Assumption, "")})
	}
}

// memberFigureSources are the sources of the member's own figures: the
// per-member parameters the key derivation leaves out.
func (b *stmtViewer) memberFigureSources() {
	v, lang := b.v, b.lang
	t := b.s.Trace
	for _, r := range t.Rules {
		if !r.Rule.Param {
			continue
		}
		for _, ev := range r.Evaluations {
			if ev.Member != t.Member.ID {
				continue
			}
			name := r.Rule.Name
			if r.Rule.Label != "" {
				name = r.Rule.Label
			}
			v.Sources = append(v.Sources, [3]string{name, plainNumber(ev.Value, lang) + unitSuffix(r.Rule.Unit), b.sourceText(r.Rule.Source, r.Rule.Assumption, r.Rule.URL)})
		}
	}
}

// footer names the scenario and which quotepart computed the statement
// from which files.
func (b *stmtViewer) footer() {
	s, v := b.s, b.v
	v.Footer = []string{s.ScenarioTitle + " (" + s.ScenarioID + ")"}
	if p := s.Provenance.sentence(b.lang); p != "" {
		v.Footer = append(v.Footer, p)
	}
}

func segments(evs []engine.Evaluation, member string) int {
	n := 0
	for _, ev := range evs {
		if ev.Member == member {
			n++
		}
	}
	return n
}

// sourceText joins a figure's source, assumption and address.
func (b *stmtViewer) sourceText(source, assumption, url string) string {
	var parts []string
	if source != "" {
		parts = append(parts, oneLine(source))
	}
	if assumption != "" {
		parts = append(parts, capitalize(b.w.assumption)+colon(b.lang)+" "+oneLine(assumption))
	}
	if url != "" {
		parts = append(parts, url)
	}
	return strings.Join(parts, " — ")
}

func unitSuffix(unit string) string {
	if unit == "" {
		return ""
	}
	return "\u00a0" + unit
}

// plainNumber writes a computed value with every decimal it has, grouped
// as money is: 4 167 450, 0,0048.
func plainNumber(d decimal.Decimal, lang Lang) string { return Number(d, decimalsOf(d), lang) }

// monthSpan words the months an instalment covers: janvier–mars 2026.
func monthSpan(in billing.Instalment, lang Lang) string {
	names := frenchMonths[:]
	if lang == English {
		names = englishMonths[:]
	}
	first, last := names[in.FirstMonth-1], names[in.LastMonth-1]
	if in.FirstMonth == in.LastMonth {
		return fmt.Sprintf("%s %d", first, in.Due.Year)
	}
	return fmt.Sprintf("%s–%s %d", first, last, in.Due.Year)
}
