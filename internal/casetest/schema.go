package casetest

import (
	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
)

// File is one test file.
type File struct {
	Tests []Case `yaml:"tests" required:"true" doc:"the test cases of the file"`
}

// Case is one test case: a rule set (the rules alone, a scenario, inline
// overrides), years, and the values expected.
type Case struct {
	Name        rules.Text  `yaml:"name" required:"true" doc:"what the case checks, shown in reports; unique in its file"`
	Description rules.Text  `yaml:"description" doc:"why the figures are expected"`
	Source      rules.Text  `yaml:"source" doc:"where the expected figures come from, e.g. a deliberation"`
	Scenario    rules.Text  `yaml:"scenario" doc:"id of the scenario to run (the rules alone when left out)"`
	Overrides   *Overrides  `yaml:"overrides" doc:"overlay applied on top of the scenario (or the rules), written like a scenario file without its scenario: header"`
	Years       []rules.Int `yaml:"years" doc:"years checked, e.g. [2026, 2027] (the scenario's years, or the rules' run years, when left out)"`
	// AbsoluteError and RelativeError are the default tolerances of the
	// case's expectations.
	AbsoluteError *rules.Number `yaml:"absolute_error" doc:"default tolerance of the expected values: |actual - expected| may not exceed it (exact when no tolerance is given)"`
	RelativeError *rules.Number `yaml:"relative_error" doc:"default relative tolerance: |actual - expected| may not exceed it times |expected| (0.01 for 1 %)"`
	Expect        []Expectation `yaml:"expect" required:"true" doc:"the values expected, each for every year of the case unless it names one"`
}

// Overrides is an inline scenario overlay: the sections of a scenario file
// (package scenarios) without the scenario: header.
type Overrides struct {
	Add        *rules.File                            `yaml:"add" doc:"rule-file fragment merged into the rules: new members, parameters, rules, pools"`
	Parameters rules.Map[scenarios.ParameterOverride] `yaml:"parameters" doc:"new values of existing parameters, by name"`
	Rules      rules.Map[scenarios.RuleOverride]      `yaml:"rules" doc:"new formulas of existing rules from a date, by name"`
	Members    rules.Map[scenarios.MemberChange]      `yaml:"members" doc:"changes to existing members (leaving, joining later, attributes), by id"`
	ETC        []scenarios.StaffChange                `yaml:"etc" doc:"staff changes: posts added to or removed from a unit, or moved between units"`
	Amounts    rules.Map[scenarios.Amount]            `yaml:"amounts" doc:"amounts added to a pool over a period, by id"`
	Portfolio  *scenarios.Portfolio                   `yaml:"portfolio" doc:"project requests adopted: their net costs and staff flow into the bills"`
}

// Expectation is one or more expected values about one subject: a member,
// a member's part of a pool, a pool, a rule, a parameter, or the year as a
// whole when it names no subject. Which subjects and measures go together
// is said in kinds.go.
type Expectation struct {
	// Subjects.
	Member    rules.Text `yaml:"member" doc:"member id: its key, amount, fees and billed amount; with pool, its part of that pool; with rule, its value of a per-member rule"`
	Pool      rules.Text `yaml:"pool" doc:"pool id: its amount and fees; with member, that member's part"`
	Rule      rules.Text `yaml:"rule" doc:"rule name: its value (with member for a per-member rule)"`
	Parameter rules.Text `yaml:"parameter" doc:"parameter name: its value"`
	Year      rules.Int  `yaml:"year" doc:"the one year this expectation checks (every year of the case when left out)"`

	// Measures.
	Key    *rules.Number `yaml:"key" doc:"a member's share: its reference key, or with pool the key of that pool (0.462 for 46.20 %)"`
	Amount *rules.Number `yaml:"amount" doc:"EUR: a member's amount (fees included), a member's part of a pool (fees excluded), or a pool's amount (fees excluded)"`
	Fees   *rules.Number `yaml:"fees" doc:"EUR: management fees of a member, of a member's part of a pool, or of a pool"`
	Billed *rules.Number `yaml:"billed" doc:"EUR: what the manager invoices the member (0 for the manager)"`
	Total  *rules.Number `yaml:"total" doc:"EUR: the year's total, every pool with its fees (with no subject)"`
	Value  *rules.Number `yaml:"value" doc:"the value of the rule or parameter, in every month of the year"`

	AbsoluteError *rules.Number `yaml:"absolute_error" doc:"tolerance: |actual - expected| may not exceed it (the case's when left out)"`
	RelativeError *rules.Number `yaml:"relative_error" doc:"relative tolerance: |actual - expected| may not exceed it times |expected| (the case's when left out)"`
}
