// Package actuals reads the actual figures of closed years and lays them
// on a rule set: the actuals basis.
//
// A rule set runs on the budget: its pools' amounts are forecasts written
// as expressions over dated parameters. Once a year's accounts are closed
// (the compte administratif), the manager knows what the service actually
// cost, the staff it actually had, and the units each member actually
// used. An actuals file gives these figures for one year, each with its
// source: the actual amount of each pool, the actual values of parameters
// (ETC, per-member units of use), and optionally the instalments actually
// issued to each member. docs/cycle.md describes the format.
//
// The same rules then run on the actuals basis: Apply lays the figures of
// each year on the decoded rule files, as a scenario is laid (a
// parameter's value for that year only, the budget's before and after),
// and on the built model (each pool's amount that year, in cents, which
// the engine shares with the key in force instead of evaluating the
// amount's formula). The engine stays free of I/O and the bills stay
// exact: an actual amount is the year's amount to the cent.
//
// Every mistake is an error at its file:line:col: a year outside the
// service, a pool, parameter or member that does not exist (with a
// did-you-mean), a negative count, a member missing from per-member
// figures, a figure with neither source nor assumption, a year given twice.
package actuals
