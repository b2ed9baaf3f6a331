package reports

// words holds the labels of the human-readable renderings.
type words struct {
	member, key, amount, fees, billed, total, manager, year, costs, feesOf, months string
	delta, deltaPct                                                                string
	// regulOf heads the column of the regularisation a bill carries;
	// imputed notes a member settled on its attribution de compensation.
	regulOf, imputed, regul string
}

var vocabulary = map[Lang]words{
	French: {member: "Membre", key: "Clé", amount: "Montant", fees: "dont frais", billed: "Facturé",
		total: "Total", manager: "gestionnaire", year: "Année", costs: "Charges\u00a0:", feesOf: "frais de gestion", months: "mois",
		delta: "Écart", deltaPct: "Écart %",
		regulOf: "Régul. %d", regul: "Régularisation", imputed: "%s\u00a0: réglé par imputation sur l'attribution de compensation (%s)\u00a0: %s avant, %s après"},
	English: {member: "Member", key: "Key", amount: "Amount", fees: "of which fees", billed: "Billed",
		total: "Total", manager: "manager", year: "Year", costs: "Costs:", feesOf: "management fees", months: "months",
		delta: "Change", deltaPct: "Change %",
		regulOf: "Regul. %d", regul: "Regularisation", imputed: "%s: settled by imputation on the attribution de compensation (%s): %s before, %s after"},
}

func wordsFor(lang Lang) words { return wordsIn(vocabulary, lang) }

// wordsIn returns the words of lang in a vocabulary, its French words for
// a language it does not have.
func wordsIn[W any](vocabulary map[Lang]W, lang Lang) W {
	if w, ok := vocabulary[lang]; ok {
		return w
	}
	return vocabulary[French]
}
