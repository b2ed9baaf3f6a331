package rules

import (
	"fmt"
	"time"

	"github.com/quotepart/quotepart/engine"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/formula"
)

// Limits on what quotepart reads. Rule, scenario, project and test files
// are untrusted input: a CI runner checks every merge request of a rules
// repository. Each limit bounds the memory or the time that input can
// make quotepart spend, far above what a real shared service needs;
// reaching one is an error of code diag.Limit that names the file (and
// line:col when known), what went beyond the limit, and its value.
// docs/rules.md lists them for users.
const (
	// MaxFileSize is the size of the largest file read: 8 MiB. The
	// embedded Rouen rules take 17 KB in all; a rule set listing every
	// commune of France as a member (about 35,000, some 150 bytes each)
	// takes about 5 MB. Decoding a file of this size takes about 2 s and
	// 300 MB.
	MaxFileSize = 8 << 20

	// MaxFolderFiles is how many files of one folder may be read (rule
	// files of a rules folder, scenario files, project files, test
	// files): 1,000, where Rouen has 4 rule files and 5 scenarios.
	MaxFolderFiles = 1000

	// MaxFolderSize is how many bytes the files read from one folder may
	// hold together: 16 MiB, two files of the largest size.
	MaxFolderSize = 16 << 20
)

// Alias expansion. A YAML alias (*name) stands for the whole value its
// anchor (&name) names, so a few bytes can stand for a great many values:
// a 336 KB file once expanded past 6 GB. As go.yaml.in/yaml/v3 bounds it
// when it decodes into Go values (its allowedAliasRatio), the decoder
// counts the values (YAML nodes) it visits through aliases, and stops
// past a budget proportional to the file: AliasFloor plus AliasRatio times
// the number of values the file holds as written, never more than
// MaxAliasNodes. Aliases as rule files use them — a source repeated, a
// table of members shared by a few rule versions — stay far under it.
const (
	// AliasFloor is the budget of any file, however small: 1,000 values.
	AliasFloor = 1000
	// AliasRatio is how many times its own size a file's aliases may
	// expand it beyond AliasFloor: once, so that no file decodes into
	// more than about twice what it holds.
	AliasRatio = 1
	// MaxAliasNodes caps the budget of a file: 200,000 values, which
	// decode in well under a second.
	MaxAliasNodes = 200_000
)

// Limits on a rule set, checked by Build before anything is compiled or
// run, on the rules alone and on every scenario laid on them. The
// embedded Rouen rules have 3 members, 15 parameters, 10 rules and 2
// pools over 7 years; the largest scale test (engine/scale_test.go) runs
// 142 members and 12 pools over 20 years.
const (
	// MaxYears is the span of years a rule set may cover (service
	// years, from and to included): 200, where conventions run for a
	// few years and a long-term plan for a few decades. A scenario's
	// years and an evaluation's lie within them.
	MaxYears = 200

	// MaxMembers is how many members a rule set may have: 100,000, more
	// than the communes of France (about 35,000); a service commun has
	// at most a few hundred.
	MaxMembers = 100_000

	// MaxParameters is how many parameters a rule set may declare:
	// 10,000.
	MaxParameters = 10_000

	// MaxDatedValues is how many dated values its parameters may hold
	// in all: 100,000, a value a month for 200 years of 40 parameters.
	// Every month of every year looks up the value in force of each.
	MaxDatedValues = 100_000

	// MaxRules is how many rules a rule set may declare: 20,000.
	MaxRules = 20_000

	// MaxVersions is how many dated versions its rules may have in all
	// (a rule without versions counts one): 50,000.
	MaxVersions = 50_000

	// MaxFormulas is how many expressions a rule set may hold in all
	// (formulas of rules, of versions and of members under by_member,
	// pool amounts, the fee rate): 50,000. Each compiles once, in about
	// 0.1 ms: 5 s at the limit.
	MaxFormulas = 50_000

	// MaxPools is how many pools a rule set may declare: 1,000.
	MaxPools = 1_000

	// MaxMemberValues bounds the per-member parameters (by_member): each
	// runs as a per-member rule with a version at every date one of its
	// members' values takes effect, giving every member its value in
	// force; dates × members, summed over the parameters, may not exceed
	// 50,000 (36 communes with a value a year for 20 years need 720).
	MaxMemberValues = 50_000

	// MaxWork bounds the evaluations of one run: 1,000,000. The work of
	// a rule set is the number of values a run over all its years may
	// compute: in each month segment (a run of months where nothing
	// changes: at most 12 a year, one more for each month a dated value,
	// a version, a member's joining or leaving takes effect), every
	// per-member rule and every pool's part for every member, and every
	// global rule once. A run keeps what it computes, about 400 bytes and
	// 1.5 µs a value: the limit is about 400 MB and a couple of seconds;
	// the largest scale test does 50,000.
	MaxWork = 1_000_000

	// MaxMemberYears bounds what a run reports: 100,000 member-years
	// (members × years). Each member's year is a bill with its part of
	// every pool, kept with the values of its month segments, and every
	// output renders it: about 2 KB with the JSON of run, so the limit is
	// about 200 MB of results. Rouen reports 21 member-years, the largest
	// scale test 2,840 (142 members over 20 years); 50,000 members may run
	// over 2 years, 500 over 200.
	MaxMemberYears = 100_000
)

// checkLimits checks the counts and spans of the files against the
// limits, before anything is built, and reports false with the errors
// when one is beyond its limit: building more would cost what the limit
// is there to avoid.
func (b *builder) checkLimits(s *Service) bool {
	ok := true
	fail := func(e *diag.Error) {
		for _, nf := range b.set.Files {
			if nf.Path == e.Pos.File && nf.File.source != nil {
				e.Source = nf.File.source.line(e.Pos.Line)
			}
		}
		b.errs = append(b.errs, e)
		ok = false
	}
	// A count beyond its limit is reported at the first item beyond it.
	type counter struct {
		n, max     int
		what, unit string
	}
	count := func(c *counter, k int, pos diag.Pos) {
		before := c.n
		c.n += k
		if before <= c.max && c.n > c.max {
			fail(limitErrorf(pos, "too many %s: more than %s, the limit of %s in a rule set", c.what, formula.Thousands(c.max), c.unit))
		}
	}
	members := &counter{max: MaxMembers, what: "members", unit: "members"}
	params := &counter{max: MaxParameters, what: "parameters", unit: "parameters"}
	values := &counter{max: MaxDatedValues, what: "dated values", unit: "dated values of parameters"}
	rules := &counter{max: MaxRules, what: "rules", unit: "rules"}
	versions := &counter{max: MaxVersions, what: "rule versions", unit: "versions of rules"}
	formulas := &counter{max: MaxFormulas, what: "expressions", unit: "expressions"}
	pools := &counter{max: MaxPools, what: "pools", unit: "pools"}
	cells := &counter{max: MaxMemberValues, what: "values by member", unit: "dates × members of per-member parameters"}
	perMember, global := 0, 0
	var changes []engine.Date // dates from which something changes
	if s.Start.Set {
		changes = append(changes, s.Start.Value)
	}
	for _, nf := range b.set.Files {
		f := nf.File
		for i := range f.Members {
			m := &f.Members[i]
			count(members, 1, m.ID.Pos)
			if m.Joined.Set {
				changes = append(changes, m.Joined.Value)
			}
			if m.Left.Set {
				changes = append(changes, m.Left.Value.AddDays(1))
			}
		}
		for _, e := range f.Parameters.Entries {
			count(params, 1, e.KeyPos)
			count(values, max(1, len(e.Value.Values.Entries)), e.KeyPos)
			for _, v := range e.Value.Values.Entries {
				if d, err := engine.ParseDate(v.Key); err == nil {
					changes = append(changes, d)
				}
			}
			if bm := e.Value.ByMember.Entries; len(bm) > 0 {
				perMember++
				dates := map[engine.Date]bool{{}: true}
				for _, mv := range bm {
					count(values, max(1, len(mv.Value.Values.Entries)), mv.KeyPos)
					for _, v := range mv.Value.Values.Entries {
						if d, err := engine.ParseDate(v.Key); err == nil {
							changes = append(changes, d)
							dates[d] = true
						}
					}
				}
				count(cells, len(dates)*len(bm), e.KeyPos)
			}
		}
		for _, e := range f.Rules.Entries {
			r := &e.Value
			count(rules, 1, e.KeyPos)
			if r.IsPerMember() {
				perMember++
			} else {
				global++
			}
			count(versions, max(1, len(r.Versions)), e.KeyPos)
			n := exprCount(r.Expr, r.ByMember)
			for _, v := range r.Versions {
				n += exprCount(v.Expr, v.ByMember)
				changes = append(changes, v.From.Value)
			}
			count(formulas, n, e.KeyPos)
		}
		for _, e := range f.Pools.Entries {
			count(pools, 1, e.KeyPos)
			count(formulas, 1, e.KeyPos)
		}
	}
	if !ok || s.Years == nil {
		return ok
	}
	first, last := s.Years.From.Value, s.Years.To.Value
	if span := last - first + 1; span > MaxYears {
		fail(limitErrorf(s.Years.To.Pos, "service years %d–%d: %s years, beyond the limit of %d years a rule set may cover", first, last, formula.Thousands(span), MaxYears))
		return false
	}
	if first > last {
		return true // reported by the build
	}
	if memberYears := int64(members.n) * int64(last-first+1); memberYears > MaxMemberYears {
		fail(limitErrorf(s.Years.From.Pos, "a run of these rules may report %s member-years (%s members × %d years, %d–%d), beyond the limit of %s member-years a run",
			formula.Thousands(int(memberYears)), formula.Thousands(members.n), last-first+1, first, last, formula.Thousands(MaxMemberYears)))
		return false
	}
	segments := segmentBound(first, last, changes)
	work := int64(segments) * (int64(members.n)*int64(perMember+pools.n) + int64(global))
	if work > MaxWork {
		fail(limitErrorf(s.Years.From.Pos, "a run of these rules may compute %s values (%s members × (%s per-member rules + %s pools) + %s global rules, in %s month segments over the years %d–%d), beyond the limit of %s values a run",
			formula.Thousands(int(work)), formula.Thousands(members.n), formula.Thousands(perMember), formula.Thousands(pools.n), formula.Thousands(global), formula.Thousands(segments), first, last, formula.Thousands(MaxWork)))
	}
	return ok
}

// exprCount counts the expressions of a formula and its by_member ones.
func exprCount(x Expr, byMember Map[Expr]) int {
	n := len(byMember.Entries)
	if x.Set {
		n++
	}
	return n
}

// segmentBound is the most month segments the years first–last can have
// when something changes from each of the dates changes: a year is one
// segment, and one more from each month other than January in which a
// change takes effect (on the first day of the month, or from the first
// day of the next month when it falls within one), at most 12.
func segmentBound(first, last int, changes []engine.Date) int {
	splits := map[int]map[time.Month]bool{}
	for _, d := range changes {
		y, m := d.Year, d.Month
		if d.Day > 1 {
			if m++; m > time.December {
				y, m = y+1, time.January
			}
		}
		if y < first || y > last || m == time.January {
			continue
		}
		if splits[y] == nil {
			splits[y] = map[time.Month]bool{}
		}
		splits[y][m] = true
	}
	n := 0
	for y := first; y <= last; y++ {
		n += min(12, 1+len(splits[y]))
	}
	return n
}

// limitErrorf makes an error of code diag.Limit at pos.
func limitErrorf(pos diag.Pos, format string, args ...any) *diag.Error {
	return diag.Errorf(pos, diag.Limit, format, args...)
}

// bytesText writes a size in bytes, in MiB when it is a whole number of
// them: 8 MiB, 9,437,185 bytes.
func bytesText[T int | int64](n T) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return formula.Thousands(int(n)) + " bytes"
}
