package rules

import (
	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// File is one rule file. Every section is optional in a given file; the
// files of a rule set together must declare the service once.
type File struct {
	Service    *Service       `yaml:"service" doc:"the shared service: id, title, manager, start, years (once per rule set)"`
	Members    []Member       `yaml:"members" doc:"the bodies that share the service"`
	Parameters Map[Parameter] `yaml:"parameters" doc:"dated parameters, by name"`
	Rules      Map[Rule]      `yaml:"rules" doc:"named expressions evaluated every year, by name"`
	Pools      Map[Pool]      `yaml:"pools" doc:"the costs the service bears each year, by id"`
	Fees       *Fees          `yaml:"fees" doc:"management fees (frais de gestion) on the pools that carry them"`
	Billing    *Billing       `yaml:"billing" doc:"billing terms: instalment schedules, regularisation of closed years, settlement by imputation on the attribution de compensation (docs/cycle.md)"`

	// source keeps the file's lines for error snippets.
	source *source
	// input is the file as read, for the digest of the files read.
	input Input
}

// Service describes the shared service.
type Service struct {
	ID           Text       `yaml:"id" required:"true" doc:"identifier of the rule set, e.g. convention-2026"`
	Title        Text       `yaml:"title" required:"true" doc:"title shown in reports"`
	Description  Text       `yaml:"description" doc:"what the rule set is"`
	Source       Text       `yaml:"source" doc:"text that founds the service, e.g. the deliberation approving its convention"`
	URL          Text       `yaml:"url" doc:"address of that text (http or https)"`
	Manager      Text       `yaml:"manager" required:"true" doc:"id of the member that manages the service; it is billed nothing"`
	Start        Date       `yaml:"start" required:"true" doc:"day the service took effect, YYYY-MM-DD"`
	Years        *YearRange `yaml:"years" required:"true" doc:"years the rule set covers"`
	Run          *YearRange `yaml:"run" doc:"years run by default (all covered years when left out)"`
	ReferenceKey Text       `yaml:"reference_key" doc:"per-member rule reported as each member's share (the key of the first pool when left out)"`
}

// YearRange is an inclusive range of years.
type YearRange struct {
	From Int `yaml:"from" required:"true" doc:"first year"`
	To   Int `yaml:"to" required:"true" doc:"last year"`
}

// Member is a body that shares the service.
type Member struct {
	ID          Text        `yaml:"id" required:"true" doc:"identifier used in rules, e.g. ville"`
	Label       Text        `yaml:"label" required:"true" doc:"name shown in reports"`
	Kind        Text        `yaml:"kind" doc:"kind of body: epci, commune, ccas, ..."`
	Description Text        `yaml:"description" doc:"notes on the member"`
	Attributes  Map[Number] `yaml:"attributes" doc:"figures rules read as member.<name>, e.g. population"`
	Joined      Date        `yaml:"joined" doc:"first day of membership (the service's start when left out)"`
	Left        Date        `yaml:"left" doc:"last day of membership"`
	Source      Text        `yaml:"source" doc:"where the attributes come from"`
}

// Parameter is a dated input value.
type Parameter struct {
	Label       Text              `yaml:"label" doc:"short name shown in reports"`
	Description Text              `yaml:"description" required:"true" doc:"what the value is"`
	Unit        Text              `yaml:"unit" required:"true" doc:"unit: EUR, ETC, part, taux, habitants, ..."`
	Source      Text              `yaml:"source" doc:"published source of the values"`
	URL         Text              `yaml:"url" doc:"address of the source (http or https), linked from reports"`
	Assumption  Text              `yaml:"assumption" doc:"why the value is an estimate, when it is one"`
	Value       *Number           `yaml:"value" doc:"a single value, in force from the service's start"`
	Values      Map[Number]       `yaml:"values" doc:"values by effective date (YYYY-MM-DD), each in force until the next"`
	ByMember    Map[MemberValues] `yaml:"by_member" doc:"a value per member id (a number, or values by effective date): makes the parameter per member, read like a per-member rule; counts such as units of use, never below 0 unless min says so"`
	CSV         *CSVSource        `yaml:"csv" doc:"values read from a column of a CSV file in the rules folder, instead of value or values"`
	Min         *Number           `yaml:"min" doc:"lowest acceptable value (0 by default for the ETC unit)"`
	Max         *Number           `yaml:"max" doc:"highest acceptable value"`
}

// Rule is a named expression.
type Rule struct {
	Label       Text      `yaml:"label" doc:"short name shown in reports"`
	Description Text      `yaml:"description" doc:"what the rule computes and why"`
	Unit        Text      `yaml:"unit" doc:"unit of the result"`
	PerMember   Bool      `yaml:"per_member" doc:"evaluated once per member (true) or once (false, the default)"`
	Expr        Expr      `yaml:"expr" doc:"the formula; for a per-member rule, the formula of the members not under by_member"`
	ByMember    Map[Expr] `yaml:"by_member" doc:"a formula per member id (makes the rule per member)"`
	Versions    []Version `yaml:"versions" doc:"dated formulas, each in force from its date until the next"`
	Source      Text      `yaml:"source" doc:"text the rule implements, e.g. a deliberation"`
	URL         Text      `yaml:"url" doc:"address of that text (http or https), linked from reports"`

	// data marks the rule a parameter read from a CSV file with a member
	// column became (ReadData): figures by member, not a formula.
	data bool
}

// Data reports whether the rule holds figures by member read from a CSV
// file (a parameter with csv: member:) rather than formulas: the actual
// figures of a closed year may replace them (package actuals).
func (r *Rule) Data() bool { return r.data }

// Version is a rule's formula in force from a date.
type Version struct {
	From        Date      `yaml:"from" required:"true" doc:"effective date, YYYY-MM-DD"`
	Description Text      `yaml:"description" doc:"what changed"`
	Expr        Expr      `yaml:"expr" doc:"the formula"`
	ByMember    Map[Expr] `yaml:"by_member" doc:"a formula per member id"`
	Source      Text      `yaml:"source" doc:"text this version implements"`
	URL         Text      `yaml:"url" doc:"address of that text (http or https), linked from reports"`
}

// Pool is a cost the service bears each year.
type Pool struct {
	Label       Text `yaml:"label" required:"true" doc:"name shown in reports"`
	Description Text `yaml:"description" doc:"what the pool pays for"`
	Amount      Expr `yaml:"amount" required:"true" doc:"the yearly amount in EUR, an expression"`
	Key         Text `yaml:"key" required:"true" doc:"the per-member rule that shares the pool"`
	Fees        Bool `yaml:"fees" doc:"whether management fees apply (false by default)"`
}

// MemberValues are one member's values of a per-member parameter: a
// single number, in force from the service's start, or values by
// effective date (YYYY-MM-DD), each in force until the next.
type MemberValues struct {
	Node
	Value  *Number
	Values Map[Number]
}

// Billing are the billing terms of the service (package billing).
type Billing struct {
	Instalments             []InstalmentSchedule `yaml:"instalments" doc:"instalment schedules, each in force from its date (1 January or the service's start) until the next"`
	Regularisation          *RegularisationTerms `yaml:"regularisation" doc:"what becomes of the regularisation of a closed year on its actual figures"`
	AttributionCompensation Map[ACSettlement]    `yaml:"attribution_compensation" doc:"members that settle by imputation on their attribution de compensation instead of an invoice, by member id"`
}

// InstalmentSchedule is a schedule of instalments in force from a date.
type InstalmentSchedule struct {
	From       Date            `yaml:"from" required:"true" doc:"effective date, YYYY-MM-DD: 1 January of a year, or the service's start"`
	Label      Text            `yaml:"label" doc:"name of the schedule, e.g. Acomptes trimestriels"`
	Due        []InstalmentDue `yaml:"due" required:"true" doc:"the instalments of each year, in date order; their fractions sum to 1"`
	Source     Text            `yaml:"source" doc:"text the schedule implements, e.g. an article of the convention"`
	URL        Text            `yaml:"url" doc:"address of that text (http or https)"`
	Assumption Text            `yaml:"assumption" doc:"why the schedule is an assumption, when it is one"`
}

// InstalmentDue is one instalment of a schedule.
type InstalmentDue struct {
	Date     Text   `yaml:"date" required:"true" doc:"day of the year it falls due, MM-DD, e.g. 03-31"`
	Fraction Number `yaml:"fraction" required:"true" doc:"its share of the year's bill, e.g. 0.25"`
	Label    Text   `yaml:"label" doc:"name of the instalment, e.g. 1er trimestre"`
}

// RegularisationTerms say what becomes of a closed year's regularisation.
type RegularisationTerms struct {
	Carry      Text `yaml:"carry" required:"true" doc:"next_year: added to each member's bill of the next year; apart: computed by settle and billed apart"`
	Source     Text `yaml:"source" doc:"text the rule implements"`
	URL        Text `yaml:"url" doc:"address of that text (http or https)"`
	Assumption Text `yaml:"assumption" doc:"why the rule is an assumption, when it is one"`
}

// ACSettlement declares a member that settles by imputation on its
// attribution de compensation.
type ACSettlement struct {
	Parameter  Text `yaml:"parameter" required:"true" doc:"the parameter giving the member's attribution de compensation for each year, in EUR"`
	Source     Text `yaml:"source" doc:"deliberation deciding the imputation"`
	URL        Text `yaml:"url" doc:"address of that text (http or https)"`
	Assumption Text `yaml:"assumption" doc:"why it is an assumption, when it is one"`
}

// Fees are the management fees.
type Fees struct {
	Label       Text `yaml:"label" doc:"name shown in reports"`
	Description Text `yaml:"description" doc:"what the fees pay for"`
	Rate        Expr `yaml:"rate" required:"true" doc:"the fee rate, an expression (0.03 for 3 %)"`
}

// Node is what every decoded value knows of where it was written.
type Node struct {
	// Set reports whether the file gave the value.
	Set bool
	Pos diag.Pos
}

// Text is a string.
type Text struct {
	Node
	Value string
}

// Number is an exact decimal, read from the file's text, never through a
// float.
type Number struct {
	Node
	Value decimal.Decimal
}

// Int is a whole number.
type Int struct {
	Node
	Value int
}

// Bool is true or false.
type Bool struct {
	Node
	Value bool
}

// Date is a day written YYYY-MM-DD.
type Date struct {
	Node
	Value engine.Date
}

// Expr is an expression, with what is needed to point at a rune inside it.
type Expr struct {
	Node
	Source string
	scalar *yaml.Node
	file   *source
}

// Map is a mapping whose order is kept as written.
type Map[T any] struct {
	Node
	Entries []Entry[T]
}

// Entry is one key of a Map.
type Entry[T any] struct {
	Key    string
	KeyPos diag.Pos
	Value  T
}
