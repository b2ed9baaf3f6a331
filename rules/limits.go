package rules

import (
	"fmt"
	"strconv"

	"github.com/quotepart/quotepart/internal/diag"
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

// limitErrorf makes an error of code diag.Limit at pos.
func limitErrorf(pos diag.Pos, format string, args ...any) *diag.Error {
	return diag.Errorf(pos, diag.Limit, format, args...)
}

// thousands writes n with a comma between groups of three digits, as the
// messages of limits do: 1,000,000.
func thousands[T int | int64](n T) string {
	s := strconv.FormatInt(int64(n), 10)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// bytesText writes a size in bytes, in MiB when it is a whole number of
// them: 8 MiB, 9,437,185 bytes.
func bytesText[T int | int64](n T) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return thousands(n) + " bytes"
}
