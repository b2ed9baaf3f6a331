package reports

// reportWords holds the labels of report files.
type reportWords struct {
	title, baseline, years, issued, amounts, contents string

	summary, summaryIntro, billsChart, changes, changesIntro, deltaChart, noOther, balance, balanceIntro, balanceAll string
	dimension, efforts, gains, net, unit, npv, monetized, spreadOf, probPositive                                     string

	details, detailsIntro, extends, assumption, description, bills, pools, pool, poolKey, poolFees, poolTotal string
	against, yearTotal, horizonTotal, scenario, baselineCol, otherCol                                         string

	portfolio, portfolioIntro, indicators, adoptedBy, notAdopted, project, projectTitle, category, requestedBy string
	ratio, payback, none, gainsEffortsChart, byYear, draws                                                     string

	sensitivity, sensitivityIntro, factor, kind, low, high, paramKind, projectKind, effectOn, stillFactors string
	failed, tornadoTotal, tornadoMember, lowLegend, highLegend, sensitivityNone                            string

	parameters, parametersIntro, changedParams, noChange, parameter, label, value, since, sourceOr, source string
	usedBy, usedBills, usedProjects, usedNone, valuation, discountRate, baseYear                           string
	membersT, kindT, joined, left, attributes                                                              string

	appendix, appendixIntro, rulesT, poolsT, feeRate, formula, position, forMember, allMembers, always string
	changedRules, perMember, global, feesYes, feesNo, key, others, rule                                string

	// sheet names, at most 31 characters
	sheetSummary, sheetBills, sheetPools, sheetChanges, sheetProjects, sheetIndicators, sheetSensitivity string
	sheetParams, sheetMembers, sheetRules                                                                string
}

var reportVocabulary = map[Lang]reportWords{
	French: {
		title: "Répartition des coûts du service commun", baseline: "Scénario de référence", years: "années",
		issued: "établi le", amounts: "Montants en euros : part de chaque membre dans les charges, frais de gestion compris ; le gestionnaire supporte sa part sans se la facturer.",
		contents: "Sommaire",

		summary: "Synthèse", summaryIntro: "Ce que chaque membre paie chaque année dans le scénario de référence.",
		billsChart: "Montant de chaque membre par année", changes: "Écarts par rapport à la référence",
		changesIntro: "Écart de chaque scénario avec la référence, sur l'ensemble des années : montant et pourcentage du montant de référence.",
		deltaChart:   "Écart avec la référence par membre, toutes années cumulées", noOther: "Aucun autre scénario n'est présenté.",
		balance: "Bilan du portefeuille de projets", balanceIntro: "Efforts et gains des projets adoptés, cumulés sur l'horizon de l'évaluation, dans les trois dimensions.",
		balanceAll: "Aucun scénario présenté n'adopte de portefeuille : bilan de l'ensemble des demandes évaluées.",
		dimension:  "Dimension", efforts: "Efforts", gains: "Gains", net: "Net", unit: "Unité", npv: "VAN", monetized: "Valeur monétisée",
		spreadOf: "Incertitude", probPositive: "P(VAN > 0)",

		details: "Scénarios en détail", detailsIntro: "Pour chaque scénario : les montants par année et par membre, les charges réparties et, hors référence, l'écart avec la référence.",
		extends: "Prolonge", assumption: "Hypothèse", description: "Description", bills: "Montants par année et par membre",
		pools: "Charges réparties", pool: "Charge", poolKey: "Clé de répartition", poolFees: "Frais de gestion", poolTotal: "Total",
		against: "Écart avec la référence", yearTotal: "Total", horizonTotal: "Total", scenario: "Scénario",
		baselineCol: "Référence", otherCol: "Scénario",

		portfolio: "Portefeuille de projets", portfolioIntro: "Évaluation par le bureau PMO des demandes de projets : efforts et gains en argent (EUR), en personnel (ETC) et en carbone (kgCO2e), cumulés sur l'horizon.",
		indicators: "Indicateurs par projet : nets (gains − efforts) cumulés sur l'horizon, VAN et sa dispersion", adoptedBy: "Adopté par", notAdopted: "—", project: "Projet", projectTitle: "Titre",
		category: "Catégorie", requestedBy: "Demandé par", ratio: "Gains/efforts", payback: "Retour", none: "—",
		gainsEffortsChart: "Efforts et gains par projet", byYear: "Par année", draws: "tirages",

		sensitivity: "Sensibilité", sensitivityIntro: "Chaque paramètre est diminué puis augmenté de 10 %, un seul à la fois, toutes choses égales par ailleurs ; une ligne de projet incertaine est placée à son 10e puis à son 90e centile (P10, P90). Les écarts portent sur le cumul des années présentées.",
		factor: "Facteur", kind: "Variation", low: "Bas", high: "Haut", paramKind: "±10 %", projectKind: "P10 / P90",
		effectOn: "Écart sur", stillFactors: "Sans effet sur les montants", failed: "les règles ne s'appliquent plus",
		tornadoTotal: "Sensibilité du coût total", tornadoMember: "Sensibilité du montant", lowLegend: "facteur bas (−10 % ou P10)",
		highLegend: "facteur haut (+10 % ou P90)", sensitivityNone: "Aucun paramètre ne modifie les montants.",

		parameters: "Paramètres", parametersIntro: "Chaque paramètre avec sa valeur, son unité et sa source, ou l'hypothèse qui le fonde. Une valeur s'applique de sa date jusqu'à la suivante.",
		changedParams: "Paramètres modifiés par le scénario", noChange: "Aucun changement.", parameter: "Paramètre", label: "Libellé", value: "Valeur",
		since: "Depuis le", sourceOr: "Source ou hypothèse", source: "Source", usedBy: "Utilisé par", usedBills: "factures",
		usedProjects: "projets", usedNone: "—", valuation: "Valorisation des projets", discountRate: "Taux d'actualisation",
		baseYear: "Année de référence de l'actualisation",
		membersT: "Membres", kindT: "Nature", joined: "Adhésion", left: "Départ", attributes: "Attributs",

		appendix: "Annexe : les règles telles qu'écrites", appendixIntro: "Les formules appliquées, dans l'ordre d'évaluation, avec l'endroit où elles sont écrites.",
		rulesT: "Règles", poolsT: "Charges", feeRate: "Taux des frais de gestion", formula: "Formule", position: "Fichier",
		forMember: "Membre", allMembers: "tous", always: "toujours", changedRules: "Règles modifiées par le scénario",
		perMember: "par membre", global: "", feesYes: "oui", feesNo: "non", key: "Clé", others: "les autres", rule: "Règle",

		sheetSummary: "Synthèse", sheetBills: "Montants", sheetPools: "Charges", sheetChanges: "Écarts", sheetProjects: "Projets",
		sheetIndicators: "Indicateurs", sheetSensitivity: "Sensibilité", sheetParams: "Paramètres", sheetMembers: "Membres", sheetRules: "Règles",
	},
	English: {
		title: "Cost sharing of the shared service", baseline: "Baseline scenario", years: "years",
		issued: "issued on", amounts: "Amounts in euros: each member's part of the costs, management fees included; the manager bears its part without billing itself.",
		contents: "Contents",

		summary: "Summary", summaryIntro: "What each member pays each year in the baseline scenario.",
		billsChart: "Each member's amount per year", changes: "Changes against the baseline",
		changesIntro: "Change of each scenario against the baseline over all the years: amount and percentage of the baseline amount.",
		deltaChart:   "Change against the baseline per member, all years", noOther: "No other scenario is shown.",
		balance: "Balance of the project portfolio", balanceIntro: "Efforts and gains of the adopted projects over the evaluation horizon, in the three dimensions.",
		balanceAll: "No scenario shown adopts a portfolio: balance of all the requests evaluated.",
		dimension:  "Dimension", efforts: "Efforts", gains: "Gains", net: "Net", unit: "Unit", npv: "NPV", monetized: "Monetized value",
		spreadOf: "Uncertainty", probPositive: "P(NPV > 0)",

		details: "Scenarios in detail", detailsIntro: "For each scenario: the amounts per year and member, the pools shared and, except for the baseline, the change against the baseline.",
		extends: "Extends", assumption: "Assumption", description: "Description", bills: "Amounts per year and member",
		pools: "Pools shared", pool: "Pool", poolKey: "Key", poolFees: "Management fees", poolTotal: "Total",
		against: "Change against the baseline", yearTotal: "Total", horizonTotal: "Total", scenario: "Scenario",
		baselineCol: "Baseline", otherCol: "Scenario",

		portfolio: "Project portfolio", portfolioIntro: "The PMO office's evaluation of the project requests: efforts and gains in money (EUR), staff (ETC) and carbon (kgCO2e), over the horizon.",
		indicators: "Figures per project: nets (gains − efforts) over the horizon, NPV and its spread", adoptedBy: "Adopted by", notAdopted: "—", project: "Project", projectTitle: "Title",
		category: "Category", requestedBy: "Requested by", ratio: "Gains/efforts", payback: "Payback", none: "—",
		gainsEffortsChart: "Efforts and gains per project", byYear: "Per year", draws: "draws",

		sensitivity: "Sensitivity", sensitivityIntro: "Each parameter is lowered then raised by 10 %, one at a time, all else equal; an uncertain project line is set to its 10th then 90th percentile (P10, P90). Changes are over all the years shown.",
		factor: "Factor", kind: "Move", low: "Low", high: "High", paramKind: "±10 %", projectKind: "P10 / P90",
		effectOn: "Change of", stillFactors: "No effect on the amounts", failed: "the rules no longer apply",
		tornadoTotal: "Sensitivity of the total cost", tornadoMember: "Sensitivity of the amount of", lowLegend: "low (−10 % or P10)",
		highLegend: "high (+10 % or P90)", sensitivityNone: "No parameter changes the amounts.",

		parameters: "Parameters", parametersIntro: "Every parameter with its value, unit and source, or the assumption behind it. A value applies from its date until the next one.",
		changedParams: "Parameters the scenario changes", noChange: "No change.", parameter: "Parameter", label: "Label", value: "Value",
		since: "From", sourceOr: "Source or assumption", source: "Source", usedBy: "Used by", usedBills: "bills",
		usedProjects: "projects", usedNone: "—", valuation: "Valuation of the projects", discountRate: "Discount rate",
		baseYear: "Base year of discounting",
		membersT: "Members", kindT: "Kind", joined: "Joined", left: "Left", attributes: "Attributes",

		appendix: "Appendix: the rules as written", appendixIntro: "The formulas applied, in evaluation order, with where they are written.",
		rulesT: "Rules", poolsT: "Pools", feeRate: "Management fee rate", formula: "Formula", position: "File",
		forMember: "Member", allMembers: "all", always: "always", changedRules: "Rules the scenario changes",
		perMember: "per member", global: "", feesYes: "yes", feesNo: "no", key: "Key", others: "the others", rule: "Rule",

		sheetSummary: "Summary", sheetBills: "Amounts", sheetPools: "Pools", sheetChanges: "Changes", sheetProjects: "Projects",
		sheetIndicators: "Figures", sheetSensitivity: "Sensitivity", sheetParams: "Parameters", sheetMembers: "Members", sheetRules: "Rules",
	},
}

func reportWordsFor(lang Lang) reportWords { return wordsIn(reportVocabulary, lang) }
