// Package whatif is the what-if page of quotepart serve: elected officials
// move a figure (posts per unit and year, the fee rate, a parameter of the
// allocation key, a new member, the adopted projects) and see at once what
// it does to each member's bill.
//
// The package owns three stages, in three files:
//
//   - state.go: the page's state, a small struct decoded from the URL's
//     query and validated (range, type, length), with French messages that
//     name the field at fault; State.Query encodes it back, so a link
//     reproduces the same what-if.
//   - scenario.go: the state as a scenario file (YAML) that extends the
//     chosen scenario. It is the only description of the what-if: the page
//     computes its numbers by decoding that text (scenarios.Catalog.Add),
//     building it on the chosen scenario's chain (scenarios.Build) and
//     running it (engine.Run), which is what `quotepart run FILE` does with
//     the downloaded file. How a new member's key is derived is written in
//     the generated rules, never computed here.
//   - server.go, page.go, chart.go: the HTTP handler (html/template,
//     embedded assets, request size and rate limits, a bounded number of
//     computations at once), the page and its inline SVG chart.
//
// A Simulator loads nothing itself: it is given a workspace (rules,
// scenario catalog, project requests), runs every scenario of the catalog
// once at start as the baselines, and is then read-only, so one Simulator
// serves many requests at once. It writes nothing to disk.
package whatif
