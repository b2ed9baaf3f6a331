package engine

import "github.com/shopspring/decimal"

// Result is what a run produced, year by year.
type Result struct {
	ID, Title string
	Years     []Year
}

// Year is one year's bills. Total is the sum over pools of amount and fees,
// and the members' Amounts sum exactly to it.
type Year struct {
	Year int
	// Months is the number of months the service was in effect.
	Months   int
	Total    decimal.Decimal
	Pools    []PoolYear
	Members  []MemberYear
	Segments []Segment
	// Previous holds the values previous.<name> read: last year's
	// parameters and global rules at the end of the year; nil in the
	// service's first year.
	Previous map[string]decimal.Decimal
	// Settled is the year whose regularisation the members' bills carry
	// (see MemberYear.Regularisation), 0 when they carry none. Run never
	// sets it: package billing does, from two runs of that year.
	Settled int
}

// PoolYear is a pool's amount and fees for a year and how they were shared.
type PoolYear struct {
	ID, Label string
	Key       string
	Amount    decimal.Decimal // rounded to the cent
	Fees      decimal.Decimal // rounded to the cent
	Parts     []Part          // in the order of Year.Members
}

// Part is a member's part of a pool.
type Part struct {
	Member string
	// Share is the member's key for the year, weighted by months.
	Share  decimal.Decimal
	Amount decimal.Decimal
	Fees   decimal.Decimal
	// Exact and ExactFees are the parts before rounding to the cent:
	// amount × key, weighted by months. Amount is Exact rounded down to the
	// cent, plus one cent when the largest remainder method gave it one.
	Exact, ExactFees decimal.Decimal
}

// MemberYear is a member's bill for a year.
type MemberYear struct {
	ID, Label string
	Manager   bool
	// Share is the member's reference key for the year, weighted by months.
	Share decimal.Decimal
	// Amount is the member's parts of every pool, fees included.
	Amount decimal.Decimal
	// Fees is the part of Amount that is management fees.
	Fees decimal.Decimal
	// Billed is what the manager invoices the member: Amount, or zero for
	// the manager itself, plus Regularisation.
	Billed decimal.Decimal
	// Regularisation is what the member owed on the actual figures of the
	// year Year.Settled less what it was billed for it, carried into this
	// year's bill (negative: a credit); zero when nothing is carried.
	// Package billing sets it; it is part of Billed.
	Regularisation decimal.Decimal
	// Imputation is set when the member settles by imputation on its
	// attribution de compensation instead of paying an invoice (package
	// billing): Billed is then deducted from its AC, not invoiced.
	Imputation *Imputation
}

// Imputation is a member's attribution de compensation (AC) for a year
// before and after its bill is deducted from it.
type Imputation struct {
	// Parameter names the parameter that gives the AC.
	Parameter string
	// Before is the AC the parameter gives for the year, After what is
	// left once Billed is deducted; After below zero means the bill
	// exceeds the AC.
	Before, After decimal.Decimal
}

// Segment is a run of months in which nothing changed, with the values
// computed for it.
type Segment struct {
	FromMonth, Months int
	// Values holds the parameters and global rules.
	Values map[string]decimal.Decimal
	// MemberValues holds, per member id, the per-member rules.
	MemberValues map[string]map[string]decimal.Decimal
	// PoolAmounts holds each pool's yearly amount as computed for the
	// segment, before weighting and rounding.
	PoolAmounts map[string]decimal.Decimal
	// FeeRate is the fee rate in force, zero when the rule set has none.
	FeeRate decimal.Decimal
}
