// Package engine runs a rule set year by year and allocates each cost pool
// among the members, exactly to the cent.
//
// The engine does no I/O: it receives a Model (members, dated parameters,
// compiled rules in dependency order, pools), usually built by package
// rules, and returns a Result. For each year it splits the months into
// segments in which nothing changes — the service's start, members joining
// or leaving, a parameter's new value, a rule's new version all take effect
// on the first day of a month — and evaluates parameters, rules and pools
// once per segment. A year's amounts are the segments' amounts weighted by
// their months (pro rata temporis by month); a year with no change is one
// segment of twelve months and involves no division at all.
//
// Every pool amount and fee is rounded to the cent half away from zero, then
// shared among the members active that year by its key with the largest
// remainder method (see Allocate), so the members' parts always sum exactly
// to the pool total. The manager's part is computed like any other but
// billed 0: the manager does not invoice itself.
//
// Project requests are weighed apart from the bills (Assess, Figures,
// MonteCarlo) and selected by Select: the requests, each assessed at every
// year it may start in (AssessStarts), with their mandatory requests,
// requirements and alternatives, under yearly limits and the targets of
// commitments, maximizing their monetized value, their weighted score
// (Scoring) or a mix of both. The selection is an exact branch and bound
// whose bounds are Lagrangian relaxations of the limits (solver.go); it
// says when it stops short of proving its choice best, and explains limits
// that no selection meets (Infeasible).
package engine
