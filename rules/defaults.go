package rules

import (
	"embed"
	"io/fs"
)

//go:embed rouen
var defaults embed.FS

// DefaultDir is the path under which the embedded default rules are
// reported in messages.
const DefaultDir = "rules/rouen"

// Defaults returns the embedded default rule files: the Rouen shared
// digital service.
func Defaults() fs.FS {
	sub, err := fs.Sub(defaults, "rouen")
	if err != nil {
		panic(err) // the folder is embedded at build time
	}
	return sub
}

// LoadDefaults loads the embedded default rule set.
func LoadDefaults(opts ...Option) (*Set, error) {
	return Load(Defaults(), ".", DefaultDir, opts...)
}
