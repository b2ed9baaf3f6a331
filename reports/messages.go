package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/quotepart/quotepart/engine"
	"github.com/shopspring/decimal"
)

// Key messages and the glossary: what an elected official reads first.
// Every sentence is generated from the figures of the report, so that it
// says what the tables say; the glossary explains the words the tables
// use (VAN, P50...), with the report's own figures where it has them.

// ApproxMoney writes an amount rounded for a sentence: 10,64 M€ from a
// million, 540 k€ from ten thousand, whole euros below (€10.64M, €540k,
// €283 in English). Tables keep the exact amounts.
func ApproxMoney(d decimal.Decimal, lang Lang) string {
	abs := d.Abs()
	switch {
	case abs.GreaterThanOrEqual(decimal.NewFromInt(1_000_000)):
		return compactMoney(d.Shift(-6).Round(2), 2, "M", lang)
	case abs.GreaterThanOrEqual(decimal.NewFromInt(10_000)):
		return compactMoney(d.Shift(-3).Round(0), 0, "k", lang)
	}
	return compactMoney(d.Round(0), 0, "", lang)
}

// signedApprox is ApproxMoney with a + before a rise.
func signedApprox(d decimal.Decimal, lang Lang) string { return Signed(ApproxMoney(d, lang), d) }

// messageWords are the words of the key messages and the glossary.
type messageWords struct {
	heading, glossary, glossaryIntro string
	identifier, text, flow           string
	scenarioID, memberID             string
	// where a chart's values are written as text
	valuesAbove, valuesBills, valuesProjects, valuesSection string
	// member sentences: label, amount, span, scenario
	pays, paysIn, wouldPay, rangeOf, noChange, newMember, against string
	// portfolio sentences
	central, spread, skewDown, skewUp, holds, fails, noSpread string
	quote                                                     func(string) string
}

var messageVocabulary = map[Lang]messageWords{
	French: {
		heading: "Ce qu'il faut retenir", glossary: "Les mots du rapport", identifier: "Identifiant", text: "Ce que dit le texte", flow: "Flux",
		scenarioID: "Identifiant du scénario", memberID: "Identifiant du membre",
		valuesAbove:    "Les valeurs du graphique sont dans le tableau qui le précède.",
		valuesBills:    "Les valeurs du graphique sont dans le tableau « Montants par année et par membre ».",
		valuesProjects: "Les efforts et les gains de chaque projet sont dans son tableau, plus bas.",
		valuesSection:  "Les valeurs du graphique sont dans le tableau de cette section.",
		glossaryIntro:  "Ce que veulent dire les termes et les sigles des tableaux, avec les chiffres de ce rapport quand il en a.",
		pays:           "%s : %s sur %s dans le scénario de référence.",
		paysIn:         "%s : %s sur %s dans le scénario de référence ; selon les autres scénarios, de %s (%s) à %s (%s).",
		wouldPay:       "%s : paierait %s sur %s avec %s, soit %s (%s) par rapport au scénario de référence.",
		rangeOf:        "%s : %s sur %s dans le scénario de référence ; %s (%s) avec %s.",
		noChange:       "%s : %s sur %s dans le scénario de référence ; aucun autre scénario ne change ce montant.",
		newMember:      "%s, nouveau membre avec %s : paierait %s sur %s.",
		against:        "par rapport au scénario de référence",
		central:        "%s : aux valeurs centrales de chaque hypothèse, la VAN est de %s.",
		spread:         "Mais sur %s tirages qui font varier ces hypothèses dans leurs marges d'incertitude, la VAN médiane (P50) est de %s, et la VAN n'est positive que dans %s des cas (P10 %s, P90 %s).",
		skewDown:       "Les incertitudes sont asymétriques : les écarts défavorables possibles (surcoûts, gains moindres) pèsent plus que les écarts favorables. Le solde positif aux valeurs centrales suppose donc que tout se passe comme prévu ; il est plus probable que le portefeuille coûte plus qu'il ne rapporte.",
		skewUp:         "Les incertitudes sont asymétriques, cette fois dans l'autre sens : les écarts favorables possibles pèsent plus que les écarts défavorables. Le solde négatif aux valeurs centrales est donc prudent ; il est plus probable que le portefeuille rapporte plus qu'il ne coûte.",
		holds:          "Sur %s tirages qui font varier ces hypothèses dans leurs marges d'incertitude, la VAN médiane (P50) est de %s et la VAN est positive dans %s des cas (P10 %s, P90 %s) : le résultat tient malgré les incertitudes.",
		fails:          "Sur %s tirages qui font varier ces hypothèses dans leurs marges d'incertitude, la VAN médiane (P50) est de %s et la VAN n'est positive que dans %s des cas (P10 %s, P90 %s) : le portefeuille coûte plus qu'il ne rapporte dans la plupart des cas.",
		noSpread:       "Sans simulation des incertitudes, la dispersion de ce résultat n'est pas connue.",
		quote:          func(s string) string { return "« " + s + " »" },
	},
	English: {
		heading: "Key messages", glossary: "Words used in this report", identifier: "Identifier", text: "What the text says", flow: "Flow",
		scenarioID: "Scenario id", memberID: "Member id",
		valuesAbove:    "The chart's values are in the table before it.",
		valuesBills:    "The chart's values are in the table “Amounts per year and member”.",
		valuesProjects: "Each project's efforts and gains are in its table, below.",
		valuesSection:  "The chart's values are in the table of this section.",
		glossaryIntro:  "What the terms and abbreviations of the tables mean, with this report's figures where it has them.",
		pays:           "%s: %s over %s in the baseline scenario.",
		paysIn:         "%s: %s over %s in the baseline scenario; in the other scenarios, from %s (%s) to %s (%s).",
		wouldPay:       "%s: would pay %s over %s with %s, that is %s (%s) against the baseline scenario.",
		rangeOf:        "%s: %s over %s in the baseline scenario; %s (%s) with %s.",
		noChange:       "%s: %s over %s in the baseline scenario; no other scenario changes this amount.",
		newMember:      "%s, a new member with %s: would pay %s over %s.",
		against:        "against the baseline scenario",
		central:        "%s: with every assumption at its central value, the NPV is %s.",
		spread:         "But over %s draws that vary these assumptions within their uncertainty, the median NPV (P50) is %s, and the NPV is positive in only %s of the cases (P10 %s, P90 %s).",
		skewDown:       "The uncertainties are skewed: the unfavourable deviations that may happen (overruns, smaller gains) weigh more than the favourable ones. The positive balance at central values therefore assumes that everything goes as planned; the portfolio is more likely to cost more than it brings.",
		skewUp:         "The uncertainties are skewed the other way: the favourable deviations that may happen weigh more than the unfavourable ones. The negative balance at central values is therefore cautious; the portfolio is more likely to bring more than it costs.",
		holds:          "Over %s draws that vary these assumptions within their uncertainty, the median NPV (P50) is %s and the NPV is positive in %s of the cases (P10 %s, P90 %s): the result holds despite the uncertainties.",
		fails:          "Over %s draws that vary these assumptions within their uncertainty, the median NPV (P50) is %s and the NPV is positive in only %s of the cases (P10 %s, P90 %s): the portfolio costs more than it brings in most cases.",
		noSpread:       "Without a simulation of the uncertainties, the spread of this result is unknown.",
		quote:          func(s string) string { return "“" + s + "”" },
	},
}

func messageWordsFor(lang Lang) messageWords { return wordsIn(messageVocabulary, lang) }

// memberMessages are one sentence per member: what it pays over the
// horizon in the baseline and how the other scenarios change it. A member
// absent from the baseline (a newcomer) gets a sentence of its own per
// scenario it joins in.
func memberMessages(r *Report, lang Lang) []string {
	mw := messageWordsFor(lang)
	base := r.Baseline()
	span := yearSpanText(r.Years())
	type member struct {
		id, label string
		total     decimal.Decimal
	}
	var members []member
	seen := map[string]int{}
	for _, y := range base.Result.Years {
		for _, m := range y.Members {
			i, ok := seen[m.ID]
			if !ok {
				i = len(members)
				seen[m.ID] = i
				members = append(members, member{id: m.ID, label: m.Label})
			}
			members[i].total = members[i].total.Add(m.Amount)
		}
	}
	var out []string
	for _, m := range members {
		type change struct {
			title string
			d     Delta
		}
		var changes []change
		for _, p := range r.Parts[1:] {
			if i := slices.IndexFunc(p.Comparison.Members, func(d Delta) bool { return d.Member == m.id }); i >= 0 {
				changes = append(changes, change{p.Result.Title, p.Comparison.Members[i]})
			}
		}
		amount := ApproxMoney(m.total, lang)
		switch {
		case len(changes) == 0 && len(r.Parts) == 1:
			out = append(out, fmt.Sprintf(mw.pays, m.label, amount, span))
		case len(r.Parts) == 2 && len(changes) == 1:
			c := changes[0]
			out = append(out, fmt.Sprintf(mw.wouldPay, m.label, ApproxMoney(c.d.Other, lang), span, mw.quote(c.title),
				signedApprox(c.d.Change, lang), ChangePercent(c.d, lang)))
		case !slices.ContainsFunc(changes, func(c change) bool { return !c.d.Change.IsZero() }):
			out = append(out, fmt.Sprintf(mw.noChange, m.label, amount, span))
		default:
			lo, hi := changes[0], changes[0]
			for _, c := range changes[1:] {
				if c.d.Change.LessThan(lo.d.Change) {
					lo = c
				}
				if c.d.Change.GreaterThan(hi.d.Change) {
					hi = c
				}
			}
			if lo.d.Change.Equal(hi.d.Change) {
				out = append(out, fmt.Sprintf(mw.rangeOf, m.label, amount, span, signedApprox(lo.d.Change, lang), ChangePercent(lo.d, lang), mw.quote(lo.title)))
				continue
			}
			out = append(out, fmt.Sprintf(mw.paysIn, m.label, amount, span,
				signedApprox(lo.d.Change, lang), changeWith(lo.d, lo.title, lang, mw),
				signedApprox(hi.d.Change, lang), changeWith(hi.d, hi.title, lang, mw)))
		}
	}
	// Newcomers: in a scenario, absent from the baseline.
	for _, p := range r.Parts[1:] {
		for _, d := range p.Comparison.Members {
			if _, ok := seen[d.Member]; ok {
				continue
			}
			out = append(out, fmt.Sprintf(mw.newMember, d.Label, mw.quote(p.Result.Title), ApproxMoney(d.Other, lang), presentSpan(p.Result, d.Member)))
		}
	}
	return out
}

// changeWith words a change with its percentage and the scenario that
// makes it: "−2,34 %, « Adhésion de Darnétal »".
func changeWith(d Delta, title string, lang Lang, mw messageWords) string {
	if !d.HasPct {
		return mw.quote(title)
	}
	sep := ", "
	return ChangePercent(d, lang) + sep + mw.quote(title)
}

// presentSpan is the years a member is billed in a result.
func presentSpan(res *engine.Result, id string) string {
	var years []int
	for _, y := range res.Years {
		if slices.ContainsFunc(y.Members, func(m engine.MemberYear) bool { return m.ID == id }) {
			years = append(years, y.Year)
		}
	}
	if len(years) == 0 {
		return ""
	}
	return yearSpanText([]int{years[0], years[len(years)-1]})
}

// portfolioMessage reconciles the NPV at central values with its spread
// over the draws, in plain words: a positive NPV beside a negative median
// is a skew of the uncertainties, and the sentence says so.
func portfolioMessage(label string, f engine.Indicators, spread *engine.Simulated, draws int, lang Lang) []string {
	mw := messageWordsFor(lang)
	out := []string{fmt.Sprintf(mw.central, label, signedApprox(f.NPV, lang))}
	if spread == nil || draws == 0 {
		return []string{strings.Join(append(out, mw.noSpread), " ")}
	}
	n := spread.NPV
	p50 := decimal.NewFromFloat(n.P50).Round(2)
	args := []any{Number(decimal.NewFromInt(int64(draws)), 0, lang), signedApprox(p50, lang), share(n.Positive, lang),
		signedApprox(decimal.NewFromFloat(n.P10).Round(2), lang), signedApprox(decimal.NewFromFloat(n.P90).Round(2), lang)}
	positive := f.NPV.IsPositive()
	likely := n.Positive >= 0.5
	switch {
	case positive && !likely:
		out = append(out, fmt.Sprintf(mw.spread, args...), mw.skewDown)
	case !positive && likely && !math.IsNaN(n.P50):
		out = append(out, fmt.Sprintf(mw.holds, args...), mw.skewUp)
	case likely:
		out = append(out, fmt.Sprintf(mw.holds, args...))
	default:
		out = append(out, fmt.Sprintf(mw.fails, args...))
	}
	return []string{strings.Join(out, " ")}
}

// glossary explains the words of the report, each with this report's
// figure when it has one (the discount rate, the fee rate's pools).
func glossary(r *Report, lang Lang) [][2]string {
	g := GlossaryFigures{Model: r.Baseline().Model, Projects: r.Evaluation != nil}
	if ev := r.Evaluation; ev != nil {
		g.Drawn, g.DiscountRate = ev.Draws > 0, ev.DiscountRate
	}
	return Glossary(lang, g)
}

// GlossaryFigures are what a glossary says of the document it explains:
// the rules (which pools bear fees), whether projects are evaluated and
// simulated, and at which discount rate.
type GlossaryFigures struct {
	Model           *engine.Model
	Projects, Drawn bool
	DiscountRate    decimal.Decimal
}

// Glossary explains the words of quotepart's outputs for officials: VAN,
// taux d'actualisation, P10/P50/P90, P(VAN > 0), valeur monétisée, valeur
// tutélaire du carbone (when projects are evaluated), ETC, clé de
// répartition and frais de gestion, each with the document's own figure
// when it has one. The report and the what-if page show it.
func Glossary(lang Lang, g GlossaryFigures) [][2]string {
	// project: the term belongs to the evaluation of projects; drawn: to
	// its simulation.
	type entry struct {
		term, fr, en   string
		project, drawn bool
	}
	rate := ""
	example := ""
	if g.Projects && !g.DiscountRate.IsZero() {
		rate = Percent(g.DiscountRate, lang)
		v := decimal.NewFromInt(1000).DivRound(decimal.NewFromInt(1).Add(g.DiscountRate), 0)
		example = ApproxMoney(v, lang)
	}
	var feePools []string
	fees := false
	if g.Model != nil {
		for _, p := range g.Model.Pools {
			if p.Fees {
				feePools = append(feePools, strings.ToLower(p.Label))
			}
		}
		fees = g.Model.FeeRate != nil
	}
	projects, drawn := g.Projects, g.Projects && g.Drawn
	entries := []entry{
		{"VAN", "Valeur actuelle nette : les gains moins les efforts en euros, année après année, chaque année ramenée à sa valeur d'aujourd'hui par le taux d'actualisation. Positive, le projet rapporte plus qu'il ne coûte.",
			"Net present value (VAN in French): the gains minus the efforts in euros, year after year, each year brought back to today's value by the discount rate. Positive, the project brings more than it costs.", true, false},
		{"Taux d'actualisation", "Ce qui ramène un euro futur à sa valeur d'aujourd'hui : un euro dépensé ou gagné plus tard compte moins qu'un euro aujourd'hui.",
			"What brings a future euro back to today's value: a euro spent or gained later counts for less than a euro today.", true, false},
		{"P10, P50, P90", "Issus d'une simulation qui tire au hasard, des milliers de fois, chaque hypothèse incertaine dans sa marge : 10 % des tirages donnent moins que P10, la moitié moins que P50 (la médiane), 90 % moins que P90. Il y a 8 chances sur 10 que le résultat tombe entre P10 et P90.",
			"From a simulation that draws every uncertain assumption at random within its margin, thousands of times: 10 % of the draws give less than P10, half less than P50 (the median), 90 % less than P90. There are 8 chances in 10 that the result falls between P10 and P90.", true, true},
		{"P(VAN > 0)", "La part des tirages où la VAN est positive : la probabilité que les projets rapportent plus qu'ils ne coûtent, compte tenu des incertitudes déclarées.",
			"The share of the draws in which the NPV is positive: the probability that the projects bring more than they cost, given the uncertainties declared.", true, true},
		{"Valeur monétisée", "La VAN à laquelle s'ajoutent, convertis en euros, les postes (ETC au coût d'un poste) et le carbone (à la valeur tutélaire) : un seul chiffre pour comparer des projets de nature différente. Ces euros ne sont ni dépensés ni encaissés ; le rapport montre toujours les trois dimensions à côté.",
			"The NPV plus the posts (ETC at the cost of a post) and the carbon (at its reference value) converted into euros: one figure to compare projects of different kinds. These euros are neither spent nor received; the report always shows the three dimensions beside it.", true, false},
		{"Valeur tutélaire du carbone", "Le prix d'une tonne de CO2e émise ou évitée que l'État retient pour évaluer les investissements publics (valeur de l'action pour le climat, rapport Quinet 2019) ; elle croît d'année en année.",
			"The price of a tonne of CO2e emitted or avoided that the French State uses to evaluate public investments (value of climate action, Quinet report 2019); it rises year after year.", true, false},
		{"ETC", "Équivalent temps complet : un poste à temps plein toute l'année ; deux mi-temps font 1 ETC.",
			"Full-time equivalent (équivalent temps complet): one full-time post for a whole year; two half-time posts make 1 ETC.", false, false},
		{"Clé de répartition", "La part de chaque membre, en pourcentage, dans une charge du service ; les parts de tous les membres font 100 %. Chaque montant est arrondi au centime, et la somme des parts est exactement le total.",
			"Clé de répartition in French: each member's share of a cost of the service, in percent; the shares of all the members make 100 %. Each amount is rounded to the cent, and the parts sum exactly to the total.", false, false},
		{"Frais de gestion", "Ce que le gestionnaire du service ajoute, en pourcentage, pour les fonctions qu'il assure pour tous (paie, ressources humaines, finances).",
			"Frais de gestion in French: what the manager of the service adds, as a percentage, for the functions it carries out for all (payroll, human resources, finance).", false, false},
	}
	var out [][2]string
	for _, e := range entries {
		if e.project && !projects || e.drawn && !drawn || e.term == "Frais de gestion" && !fees {
			continue
		}
		text := e.fr
		if lang == English {
			text = e.en
		}
		switch e.term {
		case "Taux d'actualisation":
			if rate != "" {
				if lang == English {
					text += fmt.Sprintf(" Here %s: €1,000 in a year's time is worth %s today.", rate, example)
				} else {
					text += fmt.Sprintf(" Ici %s : 1 000 € dans un an valent %s aujourd'hui.", rate, example)
				}
			}
		case "Frais de gestion":
			if len(feePools) > 0 {
				if lang == English {
					text += " Here they apply to: " + strings.Join(feePools, ", ") + "."
				} else {
					text += " Ici, ils portent sur : " + strings.Join(feePools, ", ") + "."
				}
			}
		}
		term := e.term
		if lang == English {
			term = map[string]string{"VAN": "NPV", "Taux d'actualisation": "Discount rate", "P(VAN > 0)": "P(NPV > 0)", "Valeur monétisée": "Monetized value",
				"Valeur tutélaire du carbone": "Value of carbon", "Clé de répartition": "Allocation key", "Frais de gestion": "Management fees"}[e.term]
			if term == "" {
				term = e.term
			}
		}
		out = append(out, [2]string{term, text})
	}
	return out
}
