package scenarios

import "github.com/quotepart/quotepart/rules"

// File is one scenario file.
type File struct {
	Scenario   *Header                      `yaml:"scenario" required:"true" doc:"id, title and description of the scenario"`
	Add        *rules.File                  `yaml:"add" doc:"rule-file fragment merged into the rules: new members, parameters, rules, pools"`
	Parameters rules.Map[ParameterOverride] `yaml:"parameters" doc:"new values of existing parameters, by name"`
	Rules      rules.Map[RuleOverride]      `yaml:"rules" doc:"new formulas of existing rules from a date, by name"`
	Members    rules.Map[MemberChange]      `yaml:"members" doc:"changes to existing members (leaving, joining later, attributes), by id"`
	ETC        []StaffChange                `yaml:"etc" doc:"staff changes: posts added to or removed from a unit, or moved between units"`
	Amounts    rules.Map[Amount]            `yaml:"amounts" doc:"amounts added to a pool over a period, by id"`
	Portfolio  *Portfolio                   `yaml:"portfolio" doc:"project requests adopted: their net costs and staff flow into the bills"`
}

// Portfolio names the project requests a scenario adopts and how their
// yearly net costs are shared: the financial net (efforts − gains) by a
// key, the staff net (ETC efforts − ETC freed, at the evaluation's cost of
// an ETC) like a payroll pool, fees included.
type Portfolio struct {
	Projects  []rules.Text `yaml:"projects" required:"true" doc:"ids of the adopted project requests"`
	Key       rules.Text   `yaml:"key" required:"true" doc:"per-member rule sharing the projects' net financial cost"`
	StaffPool rules.Text   `yaml:"staff_pool" required:"true" doc:"pool whose key and fees share the projects' net staff cost"`
	Label     rules.Text   `yaml:"label" doc:"name of the portfolio in reports"`
	// Starts gives the start year of scheduled requests.
	Starts rules.Map[rules.Int] `yaml:"starts" doc:"start year of adopted requests that may start in several years, by id (their first year when left out)"`
}

// Header names and describes a scenario.
type Header struct {
	ID          rules.Text       `yaml:"id" required:"true" doc:"identifier used on the command line, e.g. nouveau-membre"`
	Title       rules.Text       `yaml:"title" required:"true" doc:"title shown in reports"`
	Description rules.Text       `yaml:"description" doc:"what the scenario supposes and why"`
	Assumption  rules.Text       `yaml:"assumption" doc:"what in the scenario is hypothetical or illustrative"`
	Extends     rules.Text       `yaml:"extends" doc:"id of the scenario this one builds on"`
	Years       *rules.YearRange `yaml:"years" doc:"years run (the rules' run years when left out)"`
}

// ParameterOverride gives an existing parameter new values: every value
// the rules give from the override's first date on is replaced.
type ParameterOverride struct {
	Value      *rules.Number           `yaml:"value" doc:"a single value replacing every value, in force from the service's start"`
	Values     rules.Map[rules.Number] `yaml:"values" doc:"values by effective date (YYYY-MM-DD)"`
	Source     rules.Text              `yaml:"source" doc:"published source of the new values"`
	Assumption rules.Text              `yaml:"assumption" doc:"why the new values are estimates"`
}

// RuleOverride replaces a rule's formula from a date: the versions from
// that date on are dropped and this one takes their place.
type RuleOverride struct {
	From        rules.Date            `yaml:"from" required:"true" doc:"effective date, YYYY-MM-DD"`
	Description rules.Text            `yaml:"description" doc:"what changes"`
	Expr        rules.Expr            `yaml:"expr" doc:"the new formula"`
	ByMember    rules.Map[rules.Expr] `yaml:"by_member" doc:"a new formula per member id"`
	Source      rules.Text            `yaml:"source" doc:"text the new formula implements, e.g. a draft deliberation"`
	URL         rules.Text            `yaml:"url" doc:"address of that text (http or https), linked from reports"`
}

// MemberChange changes an existing member.
type MemberChange struct {
	Joined      rules.Date              `yaml:"joined" doc:"new first day of membership"`
	Left        rules.Date              `yaml:"left" doc:"last day of membership"`
	Remove      rules.Bool              `yaml:"remove" doc:"true: the member never joins in this scenario"`
	Attributes  rules.Map[rules.Number] `yaml:"attributes" doc:"attributes set or replaced"`
	Description rules.Text              `yaml:"description" doc:"what changes"`
}

// StaffChange adds or removes posts in a unit, or moves posts from one unit
// to another, from a date. A unit is a parameter whose unit is ETC.
type StaffChange struct {
	From        rules.Date    `yaml:"from" required:"true" doc:"effective date, YYYY-MM-DD"`
	Description rules.Text    `yaml:"description" doc:"what the change is"`
	Unit        rules.Text    `yaml:"unit" doc:"the ETC parameter changed (with change)"`
	Change      *rules.Number `yaml:"change" doc:"posts added (positive) or removed (negative)"`
	Move        *rules.Number `yaml:"move" doc:"posts moved (with from_unit and to_unit)"`
	FromUnit    rules.Text    `yaml:"from_unit" doc:"the ETC parameter the posts leave"`
	ToUnit      rules.Text    `yaml:"to_unit" doc:"the ETC parameter the posts join"`
}

// Amount adds a yearly amount to a pool over a period; it is billed like
// the pool (same key, same fees) and reported as a pool of its own.
type Amount struct {
	Pool        rules.Text   `yaml:"pool" required:"true" doc:"the pool whose key and fees apply"`
	Label       rules.Text   `yaml:"label" required:"true" doc:"name shown in reports"`
	Amount      rules.Number `yaml:"amount" required:"true" doc:"yearly amount in EUR"`
	From        rules.Date   `yaml:"from" required:"true" doc:"first day, YYYY-MM-DD"`
	To          rules.Date   `yaml:"to" doc:"last day, YYYY-MM-DD (recurring to the end when left out)"`
	Description rules.Text   `yaml:"description" doc:"what the amount pays for"`
	Source      rules.Text   `yaml:"source" doc:"where the figure comes from"`
	Assumption  rules.Text   `yaml:"assumption" doc:"why the figure is an estimate"`
}
