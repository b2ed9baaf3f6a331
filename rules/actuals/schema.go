package actuals

import "github.com/quotepart/quotepart/rules"

// File is one actuals file: the closed accounts of one year.
type File struct {
	Actuals    *Header                       `yaml:"actuals" required:"true" doc:"the year, its title and the source of its figures"`
	Pools      rules.Map[PoolActual]         `yaml:"pools" doc:"actual amount of each pool for the year, by pool id"`
	Parameters rules.Map[ParameterActual]    `yaml:"parameters" doc:"actual values of parameters for the year (staff in ETC, units of use per member), by name"`
	Rules      rules.Map[RuleActual]         `yaml:"rules" doc:"actual values of global rules for the year, by name: a cost the rules compute from forecasts that the accounts give directly"`
	Issued     rules.Map[[]IssuedInstalment] `yaml:"issued" doc:"instalments actually issued to members for the year, by member id (the forecast bill is taken as billed for the members not listed)"`
}

// Header names the year and the accounts the figures come from.
type Header struct {
	Year        rules.Int  `yaml:"year" required:"true" doc:"the year the figures are for, e.g. 2026"`
	Title       rules.Text `yaml:"title" required:"true" doc:"title shown in reports, e.g. Compte administratif 2026"`
	Description rules.Text `yaml:"description" doc:"what the figures are"`
	Source      rules.Text `yaml:"source" doc:"where the figures come from (each figure may give its own), e.g. Compte administratif 2026, voté le 25 juin 2027"`
	URL         rules.Text `yaml:"url" doc:"address of the source (http or https)"`
	Assumption  rules.Text `yaml:"assumption" doc:"why the figures are estimates, when they are"`
}

// PoolActual is the actual amount of a pool for the year.
type PoolActual struct {
	Amount     rules.Number `yaml:"amount" required:"true" doc:"actual amount in EUR for the year, in cents at most (fees excluded: they are computed from it)"`
	Source     rules.Text   `yaml:"source" doc:"where the figure comes from, e.g. Compte administratif 2026, chapitre 012"`
	Assumption rules.Text   `yaml:"assumption" doc:"why the figure is an estimate, when it is one"`
}

// ParameterActual is the actual value of a parameter for the year: a
// value for a parameter, a value per member for a per-member parameter.
type ParameterActual struct {
	Value      *rules.Number           `yaml:"value" doc:"the actual value for the year (a parameter)"`
	ByMember   rules.Map[rules.Number] `yaml:"by_member" doc:"the actual value for the year of each member (a per-member parameter: every member of the year)"`
	Source     rules.Text              `yaml:"source" doc:"where the figure comes from, e.g. Bilan social 2026"`
	Assumption rules.Text              `yaml:"assumption" doc:"why the figure is an estimate, when it is one"`
}

// RuleActual is the actual value of a global rule for the year.
type RuleActual struct {
	Value      rules.Number `yaml:"value" required:"true" doc:"the actual value for the year"`
	Source     rules.Text   `yaml:"source" doc:"where the figure comes from, e.g. Compte administratif 2026, fonction 820"`
	Assumption rules.Text   `yaml:"assumption" doc:"why the figure is an estimate, when it is one"`
}

// IssuedInstalment is an instalment issued to a member (a titre de
// recette).
type IssuedInstalment struct {
	Date      rules.Date   `yaml:"date" required:"true" doc:"day it was issued, YYYY-MM-DD"`
	Amount    rules.Number `yaml:"amount" required:"true" doc:"amount in EUR, in cents at most"`
	Reference rules.Text   `yaml:"reference" doc:"reference of the titre de recette"`
}
