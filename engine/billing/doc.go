// Package billing turns the bills the engine computes into what a finance
// officer issues over a year: instalments, the regularisation of a closed
// year on its actual figures, that regularisation carried into the next
// year's bill, and settlement by imputation on the attribution de
// compensation.
//
// The engine computes each member's yearly bill on a basis: the budget
// (forecast figures) or the actuals of a closed year (the compte
// administratif, laid on the rules by package actuals). This package
// reads two such results and the billing terms of the rule set — the
// terms a rule file declares under billing: and package rules builds into
// Terms — and derives, exactly to the cent:
//
//   - Instalments: a member's forecast bill split over the instalments
//     of the schedule in force, by their fractions, with the largest
//     remainder method so that they sum exactly to the bill; a member
//     present only part of the year gets only the instalments whose
//     months it counts in.
//   - Settle: per member, what it was billed (the forecast bill, or the
//     instalments actually issued), what it owed on the actual figures,
//     and the difference; the differences sum exactly to the difference
//     of the totals.
//   - Carry: the differences of a year added to the next year's bills
//     when the terms say so.
//   - Impute: the bills of the members that settle by imputation on
//     their attribution de compensation, with the AC before and after.
//
// Like the engine, the package does no I/O: it reads engine results and
// returns values that package reports renders.
package billing
