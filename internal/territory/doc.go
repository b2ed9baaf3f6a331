// Package territory is the national data quotepart init starts a new
// shared service from: every French EPCI with its own tax status and each
// of its member communes, with their INSEE and SIREN codes, names and legal
// populations.
//
// The data is the file data/epci-membres-2026.csv.gz, embedded in the
// binary compressed (690 KB for 2.7 MB of CSV) and read once, on first use.
// It is "Etalab — découpage administratif, édition 2026, d'après INSEE et
// DGCL", under the Licence Ouverte / Open Licence (Etalab): Attribution
// and Edition say so, and every file init writes from it repeats them. The
// engine's scale benchmarks read the same file (engine/scale_test.go), so
// that the repository holds one copy.
//
// A perimeter is the one of the edition: an EPCI created, merged or
// enlarged since is not known here, which is why lookups that fail say
// which edition they searched, and suggest codes one typo away and EPCI
// whose name matches.
package territory
