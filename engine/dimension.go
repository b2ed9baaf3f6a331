package engine

import "fmt"

// Dimension is one way project requests are weighed: what it counts, how
// it is shown, how it is valued in money and whether it reaches the bills.
// Three are standard — financial (EUR), HR (ETC), environmental (kgCO2e);
// a projects folder may declare more (persons served...). Everything that
// handles dimensions reads these fields: nothing assumes there are three.
type Dimension struct {
	// ID is the name project files give it: financial, hr, environmental.
	ID string
	// Unit is what it counts: EUR, ETC, kgCO2e.
	Unit string
	// Decimals is the number of places its figures are shown with.
	Decimals int32
	// LabelFR and LabelEN name it for readers.
	LabelFR, LabelEN string
	// Valued says how it enters the monetized value.
	Valued Valuing
	// Price is, for Valued == ByPrice, the EUR one unit is worth in a
	// year: a formula over the rules' parameters, evaluated each year.
	// PriceName words it in messages ("the cost of an ETC"),
	// PriceLabelFR and PriceLabelEN in reports.
	Price                                 *Formula
	PriceName, PriceLabelFR, PriceLabelEN string
	// Flows says how an adopted portfolio's net of it reaches the bills.
	Flows Flow
	// Description, Source and Assumption document a declared dimension.
	Description, Source, Assumption string
}

// Valuing is how a dimension enters the monetized value.
type Valuing int

const (
	// AsMoney: the dimension is money; it is the NPV and enters the
	// monetized value as it is.
	AsMoney Valuing = iota
	// ByPrice: each year's net is multiplied by the dimension's price.
	ByPrice
	// NotValued: shown beside the others, never turned into money.
	NotValued
)

// Flow is how an adopted portfolio's net of a dimension reaches the bills.
type Flow int

const (
	// NoFlow: the dimension reaches no bill (carbon, persons served).
	NoFlow Flow = iota
	// CostFlow: the yearly net is a cost, shared by the portfolio's key.
	CostFlow
	// StaffFlow: the yearly net is staff, billed at the cost of an ETC
	// like payroll.
	StaffFlow
)

// The places of the standard dimensions in every list of dimensions
// (Line.Dim, Indicators.Dimensions, Simulated.Net): declared dimensions
// come after them.
const (
	Money  = 0 // financial, EUR
	Staff  = 1 // HR, ETC
	Carbon = 2 // environmental, kgCO2e
)

// StandardDimensions returns the three standard dimensions, in report
// order, without their prices (the evaluation settings give them).
func StandardDimensions() []Dimension {
	return []Dimension{
		{ID: "financial", Unit: "EUR", Decimals: 2, LabelFR: "Financier", LabelEN: "Financial", Valued: AsMoney, Flows: CostFlow},
		{ID: "hr", Unit: "ETC", Decimals: 2, LabelFR: "RH", LabelEN: "HR", Valued: ByPrice, Flows: StaffFlow,
			PriceName: "the cost of an ETC", PriceLabelFR: "Coût d'un ETC", PriceLabelEN: "Cost of an ETC"},
		{ID: "environmental", Unit: "kgCO2e", Decimals: 1, LabelFR: "Environnement", LabelEN: "Environmental", Valued: ByPrice, Flows: NoFlow,
			PriceName: "the value of carbon", PriceLabelFR: "Valeur d'un kgCO2e", PriceLabelEN: "Value of a kgCO2e"},
	}
}

// Label names the dimension in French, or in English when english is set.
func (d *Dimension) Label(english bool) string {
	if english && d.LabelEN != "" {
		return d.LabelEN
	}
	return d.LabelFR
}

// PriceLabel names the dimension's price in French, or in English when
// english is set.
func (d *Dimension) PriceLabel(english bool) string {
	if english && d.PriceLabelEN != "" {
		return d.PriceLabelEN
	}
	return d.PriceLabelFR
}

// Validate checks that a dimension is consistent: a priced dimension has
// a price, a known way of being valued and of flowing.
func (d *Dimension) Validate() error {
	switch d.Valued {
	case ByPrice:
		if d.Price == nil {
			return fmt.Errorf("dimension %s is valued by a price but has none", d.ID)
		}
	case AsMoney, NotValued:
	default:
		return fmt.Errorf("dimension %s: unknown valuation %d", d.ID, d.Valued)
	}
	switch d.Flows {
	case NoFlow, CostFlow, StaffFlow:
	default:
		return fmt.Errorf("dimension %s: unknown flow %d", d.ID, d.Flows)
	}
	return nil
}
