package reports_test

import (
	"fmt"

	"github.com/quotepart/quotepart/reports"
	"github.com/shopspring/decimal"
)

// Money formats an amount from its decimal value, never through a float:
// in French with a narrow no-break space between thousands and a no-break
// space before the euro sign.
func ExampleMoney() {
	d := decimal.RequireFromString("2008122.755")
	fmt.Printf("%q\n", reports.Money(d, reports.French))
	fmt.Printf("%q\n", reports.Money(d, reports.English))
	fmt.Printf("%q\n", reports.SignedMoney(decimal.RequireFromString("1234.5"), reports.French))
	// Output:
	// "2\u202f008\u202f122,76\u00a0€"
	// "€2,008,122.76"
	// "+1\u202f234,50\u00a0€"
}

// Each command's output kind lists its formats, parses --format and words
// its help.
func ExampleOutput() {
	fmt.Println(reports.RunOutput.Help())
	_, err := reports.RunOutput.Parse("pdf")
	fmt.Println(err)
	// Output:
	// table, json (quotepart/run/v1), csv or md
	// unknown format "pdf": expected one of table, json, csv, md
}
